"""Signed-in people's pages kept until what they show changes (core/personpages.py, issue
#17). What must hold: a kept page is sent only to its own person, in its language, with the
reader's own CSRF token, and never after anything it was rendered from has changed —
whether the change went through a model's signals or not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.auth.models import Group
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innobridge.core import caching, personpages
from innobridge.core.permissions import Role
from innobridge.funding.models import Proposal
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(make_person: Any) -> Proposal:
    lead = make_person("lee", roles=(Role.RESEARCHER,), first_name="Lee", last_name="Wong")
    return ProposalFactory(lead=lead, title_en="Graphene anodes")  # type: ignore[no-any-return]


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def get(client: Client, url: str, **extra: Any) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def token_in(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def test_a_page_is_sent_again_without_its_queries_while_nothing_changed(
    proposal: Proposal,
) -> None:
    client = signed_in(proposal.lead)
    url = reverse("funding:proposal", args=[proposal.pk])
    first, rendered_queries = get(client, url)  # rendered and kept
    second, kept_queries = get(client, url)
    assert "Graphene anodes" in first and "Graphene anodes" in second
    assert rendered_queries > 3
    assert kept_queries < rendered_queries / 2
    assert caching.CSRF_PLACEHOLDER not in first + second
    assert token_in(second)


def test_an_update_without_signals_shows_at_once(proposal: Proposal) -> None:
    client = signed_in(proposal.lead)
    url = reverse("funding:proposal", args=[proposal.pk])
    get(client, url)
    get(client, url)
    Proposal.objects.filter(pk=proposal.pk).update(title_en="Silicon anodes")  # no signal
    html, _ = get(client, url)
    assert "Silicon anodes" in html and "Graphene anodes" not in html


def test_a_write_in_a_transaction_shows_once_it_commits(proposal: Proposal) -> None:
    client = signed_in(proposal.lead)
    url = reverse("funding:proposal", args=[proposal.pk])
    get(client, url)
    get(client, url)
    with transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(title_en="Perovskite cells")
        Proposal.objects.filter(pk=proposal.pk).update(abstract_en="Thin films.")
    html, _ = get(client, url)
    assert "Perovskite cells" in html


def test_nobody_gets_another_persons_page_and_each_gets_their_own_token(
    proposal: Proposal, make_person: Any
) -> None:
    url = reverse("funding:proposal", args=[proposal.pk])
    lead = signed_in(proposal.lead)
    get(lead, url)
    get(lead, url)
    stranger = signed_in(make_person("sam", roles=(Role.RESEARCHER,)))
    assert stranger.get(url).status_code in (403, 404)  # not theirs to read
    other_lead = signed_in(proposal.lead)  # the same person, another session
    html_a, _ = get(lead, url)
    html_b, _ = get(other_lead, url)
    assert token_in(html_a) != token_in(html_b)
    assert caching.CSRF_PLACEHOLDER not in html_a + html_b
    # the tokens work: a form posted with the kept page's token is not refused for CSRF
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(proposal.lead)
    html_c, _ = get(csrf_client, url)
    html_c, _ = get(csrf_client, url)
    response = csrf_client.post(
        reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token_in(html_c)}
    )
    assert response.status_code == 302


def test_each_language_has_its_own_page(proposal: Proposal) -> None:
    client = signed_in(proposal.lead)
    url = reverse("funding:proposal", args=[proposal.pk])
    for _ in range(2):
        english, _ = get(client, url)
        client.cookies["innobridge_language"] = "zh-hant"
        chinese, _ = get(client, url)
        client.cookies["innobridge_language"] = "en"
    assert 'lang="zh-Hant"' in chinese or 'lang="zh-hant"' in chinese
    assert 'lang="en"' in english


def test_a_role_taken_away_shows_on_the_next_page(make_person: Any) -> None:
    officer = make_person("olga", roles=(Role.RESEARCHER, Role.PROGRAMME_OFFICER))
    client = signed_in(officer)
    url = reverse("funding:home")
    get(client, url)
    get(client, url)
    officer.groups.remove(Group.objects.get(name=Role.PROGRAMME_OFFICER))
    html, _ = get(client, url)
    assert reverse("funding:schemes") not in html


def test_a_page_with_a_message_waiting_is_rendered_and_not_kept(proposal: Proposal) -> None:
    client = signed_in(proposal.lead)
    url = reverse("funding:proposal", args=[proposal.pk])
    get(client, url)
    get(client, url)
    # a message waiting in the messages cookie, as after a form's redirect
    storage = CookieStorage(RequestFactory().get(url))
    storage.add(messages.SUCCESS, "Saved: your draft.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies.update(carrier.cookies)
    html, _ = get(client, url)
    assert "Saved: your draft." in html
    html, _ = get(client, url)
    assert "Saved: your draft." not in html


def test_a_write_after_the_rows_were_read_makes_the_kept_page_stale(
    proposal: Proposal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request's write commits between this page's reading of the proposal and its
    keeping of the page: the page kept must not be sent again."""
    client = signed_in(proposal.lead)
    url = reverse("funding:proposal", args=[proposal.pk])
    real = personpages._keep

    def keep_after_a_write(*args: Any) -> None:
        personpages.table_written(FakeConnection(), "funding_proposal")  # committed meanwhile
        real(*args)

    monkeypatch.setattr(personpages, "_keep", keep_after_a_write)
    get(client, url)
    monkeypatch.undo()
    _, rendered_again = get(client, url)  # the kept page was stale
    _, kept = get(client, url)  # and this one is kept
    assert rendered_again > 3 and kept < rendered_again / 2


@pytest.mark.parametrize("writes", [True, False])
def test_a_page_whose_request_wrote_is_not_kept(proposal: Proposal, writes: bool) -> None:
    renderings = []

    @personpages.person_page("test.writes")
    def view(request: Any) -> HttpResponse:
        renderings.append(1)
        if writes:  # not committed yet: the page may show what is rolled back
            Proposal.objects.filter(pk=proposal.pk).update(abstract_en="Seen.")
        return HttpResponse(", ".join(p.title_en for p in Proposal.objects.all()))

    for _ in range(3):
        request = RequestFactory().get("/x/")
        request.user = proposal.lead
        personpages.begin_request()
        assert view(request).content == b"Graphene anodes"
    assert len(renderings) == (3 if writes else 1)


class FakeConnection:
    in_atomic_block = False


def test_writes_are_recognised_and_the_sessions_ignored() -> None:
    seen: list[str] = []

    def note(connection: Any, table: str) -> None:
        seen.append(table)

    real = personpages.table_written
    personpages.table_written = note  # type: ignore[assignment]
    try:
        for sql in (
            'INSERT INTO "funding_proposal" ("title_en") VALUES (%s)',
            'UPDATE "facilities_booking" SET "status" = %s',
            '  DELETE FROM "people_shortlistentry" WHERE id = 1',
            'SELECT "a" FROM "funding_call"',
            "SAVEPOINT s1",
        ):
            personpages.watch_sql(
                lambda *a: None, sql, None, False, {"connection": FakeConnection()}
            )
    finally:
        personpages.table_written = real  # type: ignore[assignment]
    assert seen == ["funding_proposal", "facilities_booking", "people_shortlistentry"]
    before = cache.get(personpages.TABLE_KEY.format("django_session"))
    personpages.table_written(FakeConnection(), "django_session")
    assert cache.get(personpages.TABLE_KEY.format("django_session")) == before


def test_each_write_gives_its_table_a_new_generation_and_its_commit_another() -> None:
    key = personpages.TABLE_KEY.format("funding_call")
    values = []
    with transaction.atomic():
        personpages.table_written(connection, "funding_call")
        values.append(cache.get(key))
        personpages.table_written(connection, "funding_call")
        values.append(cache.get(key))
        bumper = personpages._bumper("funding_call")
        registered = [e for e in connection.run_on_commit if e[1] is bumper]
    assert None not in values and values[0] != values[1]
    assert len(registered) == 1  # the commit gives one more, once
