"""The cache the server's processes share (issue #17, core/caching.py): signed-in sessions
in front of the database, anonymous visitors' public pages, and each person's header facts.
What must hold: nobody sees another person's data or a stale permission, each visitor gets
their own CSRF token, every language its own page, and writes show at once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innobridge.core import caching, services
from innobridge.core.permissions import Role, can_act_as
from innobridge.people import selectors
from innobridge.people.models import Organisation, Person, ResearcherProfile

pytestmark = pytest.mark.django_db


def tables_read(client: Client, url: str) -> str:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return " ".join(q["sql"] for q in ctx.captured_queries)


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def researcher(make_person: Any) -> Person:
    org = Organisation.objects.create(name="Harbour University", region="HK")
    person = make_person("ada", roles=(Role.RESEARCHER,), first_name="Ada", last_name="Chan")
    ResearcherProfile.objects.create(
        person=person, organisation=org, region="HK", keywords=["graphene"], is_public=True
    )
    return person


# --- The cache itself ------------------------------------------------------------------


def test_the_cache_is_shared_by_the_processes_and_holds_the_sessions() -> None:
    from django.core.cache import caches
    from django.core.cache.backends.filebased import FileBasedCache

    # Django's file-based cache (core/cachebackend.py culls less often): one directory
    assert isinstance(caches["default"], FileBasedCache)
    assert (
        settings.CACHES["default"]["LOCATION"] == settings.CACHES["template_fragments"]["LOCATION"]
    )
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_signed_in_page_reads_no_session_row_and_log_out_ends_it_everywhere(
    researcher: Person,
) -> None:
    client = Client()
    client.force_login(researcher)
    client.get("/")
    assert "django_session" not in tables_read(client, reverse("account"))

    # Another server process: the same session cookie, the same shared cache.
    elsewhere = Client()
    elsewhere.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    assert elsewhere.get(reverse("account")).status_code == 200
    client.post(reverse("logout"))
    response = elsewhere.get(reverse("account"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- Public pages ----------------------------------------------------------------------


def test_an_anonymous_page_is_rendered_once_and_each_visitor_gets_their_own_token(
    researcher: Person,
) -> None:
    url = reverse("people:researchers")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = first.get(url).content.decode()
    assert "Ada" in one
    with CaptureQueriesContext(connection) as ctx:
        two = second.get(url)
    assert len(ctx.captured_queries) == 0  # from the shared cache
    html = two.content.decode()
    assert caching.CSRF_PLACEHOLDER not in one + html
    token_one, token_two = csrf_token_in(one), csrf_token_in(html)
    assert token_one != token_two
    assert settings.CSRF_COOKIE_NAME in two.cookies  # the visitor's own CSRF cookie is set
    # The token in the cached page works for its visitor: the language switcher posts.
    switched = second.post(
        reverse("set_language"),
        {"language": "zh-hant", "next": "/", "csrfmiddlewaretoken": token_two},
    )
    assert switched.status_code == 302


def test_each_language_has_its_own_page(researcher: Person) -> None:
    url = reverse("facilities:home")
    english = Client().get(url).content.decode()
    chinese = Client(headers={"accept-language": "zh-hant"}).get(url).content.decode()
    assert 'lang="en"' in english and 'lang="zh-Hant-HK"' in chinese
    simplified = Client()
    simplified.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert 'lang="zh-Hans-CN"' in simplified.get(url).content.decode()
    assert 'lang="en"' in Client().get(url).content.decode()


def test_a_signed_in_person_never_gets_the_anonymous_page(researcher: Person) -> None:
    anonymous = Client().get("/").content.decode()
    assert 'data-testid="how-to-start"' in anonymous
    client = Client()
    client.force_login(researcher)
    page = client.get("/").content.decode()
    assert 'data-testid="home-greeting"' in page and 'data-testid="how-to-start"' not in page
    # ... and the anonymous page cached after a signed-in visit shows no one's name
    assert "Welcome back" not in Client().get("/").content.decode()


def test_a_change_shows_at_once(researcher: Person) -> None:
    url = reverse("people:researchers")
    assert "Ada Chan" in Client().get(url).content.decode()
    researcher.display_name = "Grace Ho"
    researcher.save()
    html = Client().get(url).content.decode()
    assert "Grace" in html and "Ada Chan" not in html
    ResearcherProfile.objects.filter(person=researcher).update(is_public=False)  # no signal
    caching.forget_public_fragments()  # ... so it shows within the lifetime, or at once here
    assert "Grace" not in Client().get(url).content.decode()
    assert caching.PUBLIC_FRAGMENT_SECONDS <= 60


def test_a_visitor_with_a_message_waiting_gets_their_own_page(researcher: Person) -> None:
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    url = reverse("facilities:home")
    Client().get(url)  # cached
    visitor = Client()
    storage = CookieStorage(RequestFactory().get("/"))
    visitor.cookies["messages"] = storage._encode([Message(20, "For this visitor only")])
    assert "For this visitor only" in visitor.get(url).content.decode()
    assert "For this visitor only" not in Client().get(url).content.decode()


def test_errors_and_htmx_partials_are_kept_apart(researcher: Person) -> None:
    assert Client().get(reverse("funding:call", args=[999999])).status_code == 404
    assert Client().get(reverse("funding:call", args=[999999])).status_code == 404
    url = reverse("people:researchers")
    full = Client().get(url).content.decode()
    partial = Client(headers={"hx-request": "true"}).get(url).content.decode()
    assert "<html" in full and "<html" not in partial
    assert "<html" in Client().get(url).content.decode()


# --- Person facts ----------------------------------------------------------------------


def test_the_header_counters_come_from_the_cache_and_follow_every_change(
    researcher: Person, make_person: Any
) -> None:
    client = Client()
    client.force_login(researcher)
    client.get("/facilities/my/")
    sql = tables_read(client, "/facilities/my/")
    for table in ("otp_totp_totpdevice", "core_notice", "auth_group"):
        assert table not in sql

    def unread() -> str:
        html = client.get(reverse("account")).content.decode()
        return re.search(r'data-testid="nav-notices">([^<]*)<', html).group(1)  # type: ignore[union-attr]

    assert unread() == "Notices"
    notice = services.notify_in_app(researcher, "people", "Hello")
    assert unread() == "Notices (1)"
    services.notify_in_app(researcher, "people", "Again")
    assert unread() == "Notices (2)"
    services.mark_notices_read(researcher, ids=[notice.pk])  # an update: no signal
    assert unread() == "Notices (1)"
    services.mark_notices_read(researcher)
    assert unread() == "Notices"

    # Per person: another's count is their own.
    other = make_person("bo")
    services.notify_in_app(other, "people", "For Bo")
    assert selectors.unread_notice_count(other) == 1
    assert selectors.unread_notice_count(researcher) == 0


def test_roles_follow_a_change_at_once(researcher: Person) -> None:
    officer_group = Group.objects.get(name=Role.PROGRAMME_OFFICER)
    assert not can_act_as(Person.objects.get(pk=researcher.pk), Role.PROGRAMME_OFFICER)
    researcher.groups.add(officer_group)
    assert can_act_as(Person.objects.get(pk=researcher.pk), Role.PROGRAMME_OFFICER)
    officer_group.user_set.remove(researcher)  # from the group's side
    assert not can_act_as(Person.objects.get(pk=researcher.pk), Role.PROGRAMME_OFFICER)
    officer_group.user_set.add(researcher)
    assert can_act_as(Person.objects.get(pk=researcher.pk), Role.PROGRAMME_OFFICER)
    officer_group.user_set.clear()
    assert not can_act_as(Person.objects.get(pk=researcher.pk), Role.PROGRAMME_OFFICER)
    researcher.groups.set([officer_group])
    assert can_act_as(Person.objects.get(pk=researcher.pk), Role.PROGRAMME_OFFICER)
    assert not can_act_as(Person.objects.get(pk=researcher.pk), Role.RESEARCHER)


def test_the_same_user_object_sees_its_new_roles_after_forget_roles(researcher: Person) -> None:
    """can_act_as keeps the roles it read on the user object; the services that change a
    person's groups call forget_roles so that the same object sees the change."""
    from innobridge.core.permissions import forget_roles

    person = Person.objects.get(pk=researcher.pk)
    assert not can_act_as(person, Role.PROGRAMME_OFFICER)
    person.groups.add(Group.objects.get(name=Role.PROGRAMME_OFFICER))
    assert not can_act_as(person, Role.PROGRAMME_OFFICER)  # still the roles it read
    forget_roles(person)
    assert can_act_as(person, Role.PROGRAMME_OFFICER)
    forget_roles(person)
    forget_roles(person)  # nothing kept: nothing to drop


def test_turning_two_factor_on_elsewhere_stops_an_open_session_at_once(
    researcher: Person,
) -> None:
    from tests.people.test_two_factor import enable

    client = Client()
    client.force_login(researcher)
    assert client.get(reverse("account")).status_code == 200  # "no two-factor" is cached
    enable(researcher)  # in another session
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_the_my_profile_link_follows_the_profile(make_person: Any) -> None:
    person = make_person("cy", roles=(Role.RESEARCHER,))
    client = Client()
    client.force_login(person)
    assert "My profile" not in client.get(reverse("account")).content.decode()
    org = Organisation.objects.create(name="Delta Institute", region="CN")
    profile = ResearcherProfile.objects.create(person=person, organisation=org, region="CN")
    html = client.get(reverse("account")).content.decode()
    assert f'href="{profile.get_absolute_url()}">My profile' in html
    profile.delete()
    assert "My profile" not in client.get(reverse("account")).content.decode()
    assert selectors.own_profile_url(person) == ""


def test_a_new_account_never_inherits_what_was_kept_for_a_deleted_one(make_person: Any) -> None:
    officer = make_person("old", roles=(Role.PROGRAMME_OFFICER,))
    assert can_act_as(Person.objects.get(pk=officer.pk), Role.PROGRAMME_OFFICER)  # kept
    pk = officer.pk
    officer.delete()
    newcomer = Person.objects.create_user(username="new", password="a-Strong-passw0rd!", pk=pk)
    assert not can_act_as(Person.objects.get(pk=newcomer.pk), Role.PROGRAMME_OFFICER)


def test_a_signed_in_home_pages_public_part_is_shared_and_follows_changes(
    researcher: Person, make_person: Any
) -> None:
    def organisations(client: Client) -> str:
        html = client.get("/").content.decode()
        return re.search(r"<strong>([\d,]+)</strong> organisations", html).group(1)  # type: ignore[union-attr]

    dee = make_person("dee")  # (a new account changes the directory: before the first visit)
    client = Client()
    client.force_login(researcher)
    before = organisations(client)
    other = Client()
    other.force_login(dee)
    with CaptureQueriesContext(connection) as ctx:
        assert organisations(other) == before
    assert "people_organisation" not in " ".join(q["sql"] for q in ctx.captured_queries)
    Organisation.objects.create(name="Another Institute", region="MO")
    assert int(organisations(client).replace(",", "")) == int(before.replace(",", "")) + 1
