"""The contact pages: buttons on a profile and on a partner-search hit, the request form,
answering, the shortlist page, notices, "my shared personal data", and the register for
the data protection officer (only them; the CSV export is audited)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.core.permissions import Role
from innobridge.people import services
from innobridge.people.audit import PeopleAction
from innobridge.people.models import ContactDisclosure, Introduction, IntroductionStatus
from tests.pages import page_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def hk(make_researcher: Any) -> Any:
    return make_researcher("chan", display_name="陳大文", email="chan@example.org").person


@pytest.fixture
def cn(make_researcher: Any, cn_org: Any) -> Any:
    return make_researcher(
        "li", display_name="Li Wei", organisation=cn_org, email="li@example.org"
    ).person


def _as(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_profile_offers_introduction_and_shortlist(client: Client, hk: Any, cn: Any) -> None:
    url = cn.researcher_profile.get_absolute_url()
    anonymous = client.get(url).content.decode()
    assert 'data-testid="request-intro"' not in anonymous
    page = _as(hk).get(url).content.decode()
    assert reverse("people:introduction_new", args=[cn.pk]) in page
    assert 'data-testid="shortlist-add"' in page
    # Not on one's own profile.
    own = _as(cn).get(url).content.decode()
    assert 'data-testid="request-intro"' not in own


def test_request_form_sends_and_then_shows_pending(hk: Any, cn: Any) -> None:
    c = _as(hk)
    url = reverse("people:introduction_new", args=[cn.pk])
    refused = c.post(url, {"message": "Hello", "consent": ""})
    assert refused.status_code == 200
    assert "Agree that your contact details" in refused.content.decode()
    assert not Introduction.objects.exists()
    done = c.post(url, {"message": "Joint call on graphene?", "consent": "on"})
    intro = Introduction.objects.get()
    assert done.status_code == 302 and done["Location"] == intro.get_absolute_url()
    profile = c.get(cn.researcher_profile.get_absolute_url()).content.decode()
    assert 'data-testid="intro-pending"' in profile
    # The recipient sees it waiting, with the message, and no e-mail of the requester.
    inbox = _as(cn).get(reverse("people:introductions")).content.decode()
    assert "Joint call on graphene?" in inbox and "chan@example.org" not in inbox


def test_accepting_shows_each_the_others_contact_details(hk: Any, cn: Any) -> None:
    intro = services.request_introduction(hk, cn, message="Hi", consent=True)
    before = _as(hk).get(intro.get_absolute_url()).content.decode()
    assert "li@example.org" not in before
    assert _as(hk).post(reverse("people:introduction_act", args=[intro.pk, "accept"]))
    intro.refresh_from_db()
    assert intro.state == IntroductionStatus.PENDING  # the requester may not accept
    r = _as(cn).post(reverse("people:introduction_act", args=[intro.pk, "accept"]))
    assert r.status_code == 302
    intro.refresh_from_db()
    assert intro.state == IntroductionStatus.ACCEPTED
    assert "li@example.org" in _as(hk).get(intro.get_absolute_url()).content.decode()
    assert "chan@example.org" in _as(cn).get(intro.get_absolute_url()).content.decode()
    mine = _as(hk).get(reverse("people:my_data")).content.decode()
    assert "Li Wei" in mine and "E-mail" in mine and "Mainland" in mine
    mine = page_as(reverse("people:my_data"), user=hk, language="zh-hant")
    assert "電郵" in mine and "內地" in mine and "email" not in mine.split("<main")[-1]


def test_an_outsider_cannot_see_an_introduction(hk: Any, cn: Any, make_researcher: Any) -> None:
    intro = services.request_introduction(hk, cn, message="Hi", consent=True)
    other = make_researcher("other").person
    assert _as(other).get(intro.get_absolute_url()).status_code == 404
    r = _as(other).post(reverse("people:introduction_act", args=[intro.pk, "decline"]))
    assert r.status_code == 404
    assert (
        _as(cn).post(reverse("people:introduction_act", args=[intro.pk, "nope"])).status_code == 404
    )


def test_decline_and_block_from_the_page(hk: Any, cn: Any) -> None:
    intro = services.request_introduction(hk, cn, message="Hi", consent=True)
    r = _as(cn).post(reverse("people:block", args=[hk.pk]), {"next": "https://evil.example/"})
    assert r["Location"] == reverse("people:introductions")  # no open redirect
    intro.refresh_from_db()
    assert intro.state == IntroductionStatus.DECLINED
    sent = _as(hk).get(reverse("people:introductions")).content.decode()
    assert "Not accepted" in sent and "block" not in sent.lower().split("<main")[-1]


def test_shortlist_pages(hk: Any, cn: Any) -> None:
    c = _as(hk)
    back = cn.researcher_profile.get_absolute_url()
    r = c.post(reverse("people:shortlist_add", args=[cn.pk]), {"next": back})
    assert r["Location"] == back
    entry = hk.shortlist.get()
    c.post(reverse("people:shortlist_note", args=[entry.pk]), {f"e{entry.pk}-note": "GBA forum"})
    page = c.get(reverse("people:shortlist")).content.decode()
    assert "Li Wei" in page and "GBA forum" in page
    assert "On your shortlist" in c.get(back).content.decode()
    # Someone else's entry is not reachable.
    assert _as(cn).post(reverse("people:shortlist_remove", args=[entry.pk])).status_code == 404
    c.post(reverse("people:shortlist_remove", args=[entry.pk]))
    assert not hk.shortlist.exists()


def test_notices_page_marks_read(hk: Any, cn: Any) -> None:
    services.request_introduction(hk, cn, message="Hi", consent=True)
    c = _as(cn)
    assert "Notices (1)" in c.get(reverse("people:shortlist")).content.decode()
    page = c.get(reverse("people:notices")).content.decode()
    assert "asks to be introduced to you" in page
    c.post(reverse("people:notices"))
    assert "Notices (1)" not in c.get(reverse("people:notices")).content.decode()


def test_register_is_for_the_data_protection_officer(hk: Any, cn: Any, make_person: Any) -> None:
    services.accept_introduction(
        cn, services.request_introduction(hk, cn, message="Hi", consent=True)
    )
    assert ContactDisclosure.objects.filter(cross_boundary=True).count() == 2
    assert _as(hk).get(reverse("people:disclosures")).status_code == 403
    dpo = make_person("dpo", roles=(Role.DATA_PROTECTION_OFFICER,))
    c = _as(dpo)
    page = c.get(reverse("people:disclosures")).content.decode()
    assert "陳大文" in page and "Li Wei" in page and "2 disclosures" in page
    assert "Register of shared personal data" in c.get(reverse("people:notices")).content.decode()
    csv = c.get(reverse("people:disclosures"), {"format": "csv", "region": "HK"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,disclosed_at_utc,subject_id")
    assert len(text.splitlines()) == 3 and "陳大文" in text
    event = AuditEvent.objects.get(action=PeopleAction.DISCLOSURES_EXPORTED)
    assert event.actor == dpo and event.after["rows"] == 2
    assert "region=HK" in event.after["filters"]
    # A bad filter is a form error, not a 500.
    assert c.get(reverse("people:disclosures"), {"since": "2026-13-45"}).status_code == 200


def test_partner_hit_offers_the_actions(client: Client, hk: Any, cn: Any, monkeypatch: Any) -> None:
    from innobridge.people import views

    def fake_find(*args: Any, **kwargs: Any) -> dict[str, Any]:
        row = {
            "profile": cn.researcher_profile,
            "score": 0.5,
            "shared_terms": [],
            "closest_text": "graphene",
            "closest_is_publication": False,
        }
        return {
            "researchers": [row],
            "organisations": [],
            "regions": ["CN"],
            "not_matching": 0,
            "match_count": 1,
            "strong_count": 1,
            "no_strong": False,
            "other_side": True,
        }

    monkeypatch.setattr(views.selectors, "find_partners", fake_find)
    page = _as(hk).get(reverse("people:partners"), {"q": "graphene", "region": "CN"})
    html = page.content.decode()
    assert reverse("people:introduction_new", args=[cn.pk]) in html
    assert reverse("people:shortlist_add", args=[cn.pk]) in html
