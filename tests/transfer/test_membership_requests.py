"""Asking to act for an organisation: a person who signs up for an enterprise (or a TTO)
was told to ask the administrator out of band and waited with nothing to do. They now send
a request from "My organisation" — to join an organisation of the directory, or to
register a company it does not hold — and an administrator approves it (registering the
company and linking the account, with its role) or declines it with a reason; both sides
are told, and every step is a transition with an audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.pages import client_as, page_as

pytestmark = pytest.mark.django_db

NEW_COMPANY = {
    "kind": "enterprise",
    "company_name": "Tsuen Wan Photonics Ltd",
    "company_name_zh": "荃灣光子有限公司",
    "region": "HK",
    "city": "Hong Kong",
    "website": "https://photonics.example.hk",
    "registration_number": "12345678-000",
    "job_title": "Chief technology officer",
    "message": "We make fibre sensors and want to license a university's coating.",
}


@pytest.fixture
def admin(make_person: Any) -> Any:
    return make_person("ada_admin", roles=("administrator",), preferred_language="en")


@pytest.fixture
def newcomer(make_person: Any) -> Any:
    return make_person("newco", roles=(), preferred_language="zh-hant")


def _events(action: str) -> int:
    from innobridge.core.models import AuditEvent

    return AuditEvent.objects.filter(action=action).count()


def test_a_new_company_is_registered_and_linked_on_approval(admin: Any, newcomer: Any) -> None:
    from innobridge.core.models import Notice
    from innobridge.people.selectors import resolve_organisation
    from innobridge.transfer import services
    from innobridge.transfer.models import Membership
    from innobridge.transfer.permissions import can_post_demand

    req = services.request_membership(newcomer, dict(NEW_COMPANY))
    assert req.state == "submitted" and req.organisation is None
    assert _events("transfer.membership_request.submitted") == 1
    told = Notice.objects.get(recipient=admin)
    assert "newco" in told.subject and "Tsuen Wan Photonics" in told.subject
    assert told.url == "/transfer/organisation/requests/"
    assert not can_post_demand(newcomer)

    done = services.approve_membership_request(admin, req, note="Checked the BR number.")
    assert done.state == "approved" and done.decided_by == admin
    org = done.organisation
    assert org is not None and org.name == "Tsuen Wan Photonics Ltd"
    assert (org.name_zh, org.region, org.primary_type) == ("荃灣光子有限公司", "HK", "company")
    # findable by name in either script at once (its search text is written)
    assert resolve_organisation("荃灣光子")[0] == org
    assert resolve_organisation("tsuen wan photonics")[0] == org
    assert Membership.objects.filter(person=newcomer, organisation=org, kind="enterprise").exists()
    assert can_post_demand(type(newcomer).objects.get(pk=newcomer.pk))  # as the next request
    assert _events("people.organisation.registered") == 1
    assert _events("transfer.membership.added") == 1
    assert _events("transfer.membership_request.approved") == 1
    # the requester is told, in their language
    notice = Notice.objects.get(recipient=newcomer)
    assert "荃灣光子" in notice.subject or "Tsuen Wan" in notice.subject
    assert notice.subject != "You now act for Tsuen Wan Photonics Ltd"


def test_joining_an_organisation_of_the_directory(
    admin: Any, newcomer: Any, shenzhen_co: Any, hku: Any
) -> None:
    from innobridge.people.models import Organisation
    from innobridge.transfer import services
    from innobridge.transfer.models import Membership
    from innobridge.transfer.permissions import tto_organisation_ids

    before = Organisation.objects.count()
    req = services.request_membership(
        newcomer, {"kind": "tto", "organisation": hku, "job_title": "Licensing manager"}
    )
    services.approve_membership_request(admin, req)
    assert Organisation.objects.count() == before
    assert Membership.objects.filter(person=newcomer, organisation=hku, kind="tto").exists()
    assert tto_organisation_ids(type(newcomer).objects.get(pk=newcomer.pk)) == {hku.pk}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "enterprise", "job_title": "CEO"}, "organisation"),
        ({**NEW_COMPANY, "kind": "tto"}, "organisation"),
        ({**NEW_COMPANY, "region": ""}, "region"),
        ({**NEW_COMPANY, "job_title": ""}, "job_title"),
        ({**NEW_COMPANY, "registration_number": "12/34<script>"}, "registration_number"),
        ({**NEW_COMPANY, "company_name": "x" * 301}, "company_name"),
        ({**NEW_COMPANY, "website": "not a web address"}, "website"),
        ({**NEW_COMPANY, "kind": "boss"}, "kind"),
    ],
)
def test_a_request_that_cannot_be_decided_is_refused_with_a_field_error(
    newcomer: Any, data: dict[str, Any], field: str
) -> None:
    from innobridge.transfer import services
    from innobridge.transfer.models import MembershipRequest

    with pytest.raises(ValidationError) as exc:
        services.request_membership(newcomer, data)
    assert field in exc.value.message_dict
    assert not MembershipRequest.objects.exists()


def test_a_company_the_directory_holds_is_chosen_not_registered_again(
    newcomer: Any, shenzhen_co: Any
) -> None:
    from innobridge.transfer import services

    for name in ("shenzhen bright electronics co., ltd.", "深圳明亮电子有限公司"):
        with pytest.raises(ValidationError) as exc:
            services.request_membership(
                newcomer, {**NEW_COMPANY, "company_name": name, "company_name_zh": ""}
            )
        assert "Shenzhen Bright Electronics" in str(exc.value.message_dict["company_name"])


def test_one_request_waits_at_a_time_and_a_member_cannot_ask_again(
    people: Any, newcomer: Any, shenzhen_co: Any
) -> None:
    from innobridge.transfer import services
    from innobridge.transfer.models import MembershipRequest

    services.request_membership(newcomer, dict(NEW_COMPANY))
    with pytest.raises(ValidationError, match="still waiting"):
        services.request_membership(newcomer, {**NEW_COMPANY, "company_name": "Other Ltd"})
    # the database holds the rule too (two requests racing past the check)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipRequest.objects.create(
            requester=newcomer, kind="enterprise", company_name="Racing Ltd", job_title="x"
        )
    with pytest.raises(ValidationError) as exc:
        services.request_membership(
            people["ent"], {"kind": "enterprise", "organisation": shenzhen_co, "job_title": "x"}
        )
    assert "already act" in str(exc.value.message_dict["organisation"])


def test_decline_says_why_and_the_requester_may_ask_again(admin: Any, newcomer: Any) -> None:
    from innobridge.core.models import Notice
    from innobridge.people.models import Organisation
    from innobridge.transfer import services

    req = services.request_membership(newcomer, dict(NEW_COMPANY))
    with pytest.raises(ValidationError):
        services.decline_membership_request(admin, req, note="  ")
    req.refresh_from_db()
    assert req.state == "submitted"
    services.decline_membership_request(admin, req, note="The BR number is not on record.")
    req.refresh_from_db()
    assert req.state == "declined" and req.decision_note == "The BR number is not on record."
    assert not Organisation.objects.filter(name="Tsuen Wan Photonics Ltd").exists()
    assert "The BR number is not on record." in Notice.objects.get(recipient=newcomer).body
    assert _events("transfer.membership_request.declined") == 1
    again = services.request_membership(
        newcomer, {**NEW_COMPANY, "registration_number": "87654321"}
    )
    assert again.state == "submitted"


def test_who_may_do_what(admin: Any, newcomer: Any, people: Any) -> None:
    from innobridge.transfer import services

    req = services.request_membership(newcomer, dict(NEW_COMPANY))
    for outsider in (people["officer"], people["ent"], newcomer):
        with pytest.raises(PermissionDenied):
            services.approve_membership_request(outsider, req)
    with pytest.raises(PermissionDenied):
        services.withdraw_membership_request(admin, req)
    services.withdraw_membership_request(newcomer, req)
    req.refresh_from_db()
    assert req.state == "withdrawn"
    assert _events("transfer.membership_request.withdrawn") == 1
    with pytest.raises(ValidationError):  # nothing to decide any more
        services.approve_membership_request(admin, req)


def test_a_second_approval_is_refused_and_registers_nothing(admin: Any, newcomer: Any) -> None:
    from innobridge.people.models import Organisation
    from innobridge.transfer import services

    req = services.request_membership(newcomer, dict(NEW_COMPANY))
    services.approve_membership_request(admin, req)
    with pytest.raises(ValidationError):
        services.approve_membership_request(admin, req)
    assert Organisation.objects.filter(name="Tsuen Wan Photonics Ltd").count() == 1


# ------------------------------------------------------------------------------- pages
def test_the_page_sends_a_request_and_shows_its_state(newcomer: Any, admin: Any) -> None:
    from innobridge.transfer.models import MembershipRequest

    c = client_as(newcomer, "en")
    page = c.get("/transfer/organisation/").content.decode()
    assert 'data-testid="membership-request-form"' in page
    response = c.post("/transfer/organisation/", NEW_COMPANY)
    assert response.status_code == 302
    page = c.get("/transfer/organisation/").content.decode()
    assert "Tsuen Wan Photonics Ltd" in page and "waiting for a decision" in page
    assert 'data-testid="membership-request-form"' not in page
    req = MembershipRequest.objects.get()
    assert c.post(f"/transfer/organisation/requests/{req.pk}/withdraw/").status_code == 302
    req.refresh_from_db()
    assert req.state == "withdrawn"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("company_name", "Nul\x00 Ltd"),
        ("job_title", "x" * 121),
        ("message", "y" * 2001),
        ("website", "javascript:alert(1)"),
        ("region", "XX"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_written(
    newcomer: Any, field: str, value: str
) -> None:
    from innobridge.transfer.models import MembershipRequest

    response = client_as(newcomer, "en").post(
        "/transfer/organisation/", {**NEW_COMPANY, field: value}
    )
    assert response.status_code == 400
    if "\x00" not in value:  # a NUL byte is refused before the view, by the request guard
        assert f'data-testid="error-{field}"' in response.content.decode()
    assert not MembershipRequest.objects.exists()


def test_an_unknown_organisation_name_is_a_field_error(newcomer: Any) -> None:
    response = client_as(newcomer, "en").post(
        "/transfer/organisation/",
        {"kind": "enterprise", "organisation": "No Such Organisation Anywhere", "job_title": "x"},
    )
    assert response.status_code == 400
    assert 'data-testid="error-organisation"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "My organisation"), ("zh-hant", "我的機構"), ("zh-hans", "我的机构")],
)
def test_the_pages_in_three_languages(newcomer: Any, admin: Any, language: str, words: str) -> None:
    from innobridge.transfer import services

    assert words in page_as("/transfer/organisation/", user=newcomer, language=language)
    services.request_membership(newcomer, dict(NEW_COMPANY))
    queue = page_as("/transfer/organisation/requests/", user=admin, language=language)
    assert "Tsuen Wan Photonics Ltd" in queue and "12345678-000" in queue
    assert 'data-testid="request-approve"' in queue and 'data-testid="request-decline"' in queue


def test_only_an_administrator_sees_and_decides_the_queue(
    newcomer: Any, admin: Any, people: Any
) -> None:
    from innobridge.transfer import services
    from innobridge.transfer.models import MembershipRequest

    req = services.request_membership(newcomer, dict(NEW_COMPANY))
    officer = client_as(people["officer"], "en")
    assert officer.get("/transfer/organisation/requests/").status_code == 403
    url = f"/transfer/organisation/requests/{req.pk}/approve/"
    assert officer.post(url, {"note": ""}).status_code == 403
    assert client_as(None).get("/transfer/organisation/requests/").status_code == 302
    c = client_as(admin, "en")
    # declining without a reason is refused; approving works
    c.post(f"/transfer/organisation/requests/{req.pk}/decline/", {"note": ""})
    req.refresh_from_db()
    assert req.state == "submitted"
    page = c.post(url, {"note": "ok"}, follow=True).content.decode()
    req.refresh_from_db()
    assert req.state == "approved"
    assert "now acts for Tsuen Wan Photonics Ltd" in page
    assert MembershipRequest.objects.filter(state="submitted").count() == 0
    assert 'data-testid="transfer-membership-requests"' in page


def test_an_unlinked_person_is_sent_to_the_request_page(newcomer: Any) -> None:
    c = client_as(newcomer, "en")
    page = c.get("/transfer/demands/").content.decode()
    assert 'data-testid="ask-to-be-linked"' in page
    response = c.get("/transfer/demands/new/")
    assert response.status_code == 302 and response.url == "/transfer/organisation/"


# --------------------------------------------------------------------------------- API
def _post(c: Any, url: str, data: dict[str, Any]) -> Any:
    import json

    return c.post(url, json.dumps(data), content_type="application/json")


def test_the_api_sends_lists_and_decides(newcomer: Any, admin: Any, hku: Any) -> None:
    from innobridge.transfer.models import Membership

    me = client_as(newcomer, "en")
    r = _post(
        me,
        "/api/transfer/membership-requests",
        {"organisation_id": hku.pk, "kind": "tto", "job_title": "Licensing manager"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "submitted" and body["organisation"] == hku.name
    assert body["actions"] == ["withdraw"]
    assert [x["id"] for x in me.get("/api/transfer/membership-requests").json()] == [body["id"]]
    assert me.get("/api/transfer/membership-requests?scope=waiting").json() == []
    boss = client_as(admin, "en")
    waiting = boss.get("/api/transfer/membership-requests?scope=waiting").json()
    assert [x["id"] for x in waiting] == [body["id"]] and waiting[0]["actions"] == [
        "approve",
        "decline",
    ]
    url = f"/api/transfer/membership-requests/{body['id']}/actions"
    assert _post(me, f"{url}/approve", {}).status_code == 403
    r = _post(boss, f"{url}/decline", {"note": ""})
    assert r.status_code == 422
    r = _post(boss, f"{url}/approve", {"note": "Known to us."})
    assert r.status_code == 200 and r.json()["state"] == "approved"
    assert Membership.objects.filter(person=newcomer, organisation=hku, kind="tto").exists()
    assert _post(boss, f"{url}/approve", {}).status_code == 422  # decided already
    assert _post(boss, f"{url}/promote", {}).status_code == 422


@pytest.mark.parametrize(
    "change",
    [
        {"company_name": "x" * 301},
        {"kind": "boss"},
        {"job_title": ""},
        {"registration_number": "\ud800"},
        {"organisation_id": 2**70},
        {"region": "Atlantis"},
    ],
)
def test_the_api_refuses_bad_input_with_a_4xx(newcomer: Any, change: dict[str, Any]) -> None:
    from innobridge.transfer.models import MembershipRequest

    r = _post(
        client_as(newcomer, "en"), "/api/transfer/membership-requests", {**NEW_COMPANY, **change}
    )
    assert 400 <= r.status_code < 500, (r.status_code, r.content[:300])
    assert not MembershipRequest.objects.exists()


def test_the_api_needs_a_signed_in_caller() -> None:
    from django.test import Client

    assert Client().get("/api/transfer/membership-requests").status_code == 401


# ------------------------------------------------------------------------- home panels
def test_home_leads_an_unlinked_enterprise_user_and_shows_the_administrator_the_queue(
    make_person: Any, admin: Any, people: Any
) -> None:
    from innobridge.people.views import _after_signup_url
    from innobridge.transfer import services
    from tests.pages import home_panel

    ent = make_person("fresh_ent", roles=("enterprise",))
    assert _after_signup_url(ent) == "/"
    panel = home_panel(ent, "transfer-membership")
    assert "Ask to act for your company" in panel and "/transfer/organisation/" in panel
    assert "panel-transfer-membership-requests" not in page_as("/", user=admin)
    services.request_membership(ent, dict(NEW_COMPANY))
    assert "waits for an administrator" in home_panel(ent, "transfer-membership")
    queue = home_panel(admin, "transfer-membership-requests")
    assert "fresh_ent → Tsuen Wan Photonics Ltd" in queue
    assert "代表机构的申请" in page_as("/", user=admin, language="zh-hans")
    assert "您的帳戶連結到所屬企業" in page_as("/", user=ent, language="zh-hant")
    # a linked enterprise user and a researcher see neither panel
    for person in (people["ent"], people["researcher"]):
        page = page_as("/", user=person)
        assert 'data-testid="panel-transfer-membership' not in page
