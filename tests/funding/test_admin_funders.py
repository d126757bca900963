"""Schemes, funders and conflicts of interest in the admin: a scheme is added, changed
and deleted through ``create_scheme``/``update_scheme``/``delete_scheme``, a funder added
and changed through ``create_funder``/``update_funder`` (audited; a refusal a message,
nothing written); a funder is not deleted there, and conflicts of interest are only
shown (the platform finds them, the reviewer declares them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from innobridge.core.models import AuditEvent
from innobridge.core.permissions import Role
from innobridge.funding import services
from innobridge.funding.audit import FundingAction
from innobridge.funding.models import ConflictKind, ConflictOfInterest, Funder, Scheme
from tests.pages import admin_form_data, client_as, delete_selected, superuser_client

pytestmark = pytest.mark.django_db


def _said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ------------------------------------------------------------------------------ schemes
def test_a_scheme_added_in_the_admin_goes_through_create_scheme(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    data = admin_form_data(root.get("/admin/funding/scheme/add/"))
    assert "is_demo" not in data
    data |= {"name": "Greater Bay Seed Fund", "funders": [world.hk_funder.pk]}
    r = root.post("/admin/funding/scheme/add/", data)
    assert r.status_code == 302, r.context and r.context["errors"]
    scheme = Scheme.objects.get(name="Greater Bay Seed Fund")
    assert list(scheme.funders.all()) == [world.hk_funder]
    event = AuditEvent.objects.get(action=FundingAction.SCHEME_CREATED, object_id=str(scheme.pk))
    assert event.actor_repr.startswith("root")


def test_a_scheme_changed_in_the_admin_goes_through_update_scheme(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    url = f"/admin/funding/scheme/{world.scheme.pk}/change/"
    r = root.post(url, admin_form_data(root.get(url)) | {"description": "Two sides, one call."})
    assert r.status_code == 302, r.context and r.context["errors"]
    world.scheme.refresh_from_db()
    assert world.scheme.description == "Two sides, one call."
    event = AuditEvent.objects.get(action=FundingAction.SCHEME_UPDATED)
    assert event.after["description"] == "Two sides, one call."


def test_what_update_scheme_refuses_is_a_message_and_nothing_is_written(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    url = f"/admin/funding/scheme/{world.scheme.pk}/change/"
    data = admin_form_data(root.get(url))
    # The Mainland funder has a side in the scheme's call: it stays.
    r = root.post(url, data | {"funders": [world.hk_funder.pk], "description": "Changed"})
    assert r.status_code == 302 and r.url == url
    assert _said(r) == ["A funder with calls in this scheme cannot be removed."]
    world.scheme.refresh_from_db()
    assert world.scheme.description == ""
    assert set(world.scheme.funders.all()) == {world.hk_funder, world.cn_funder}
    assert not AuditEvent.objects.filter(action=FundingAction.SCHEME_UPDATED).exists()


def test_a_scheme_is_deleted_through_delete_scheme_only_without_calls(
    world: Any, make_person: Any
) -> None:
    unused = services.create_scheme(world.hk_officer, name="Unused", funders=[world.hk_funder])
    root = superuser_client(make_person)
    url = "/admin/funding/scheme/"
    # The scheme of a call: Django's page lists the call that protects it, nothing goes.
    r = delete_selected(root, url, [unused.pk, world.scheme.pk])
    assert r.status_code == 200 and "Joint call 2026" in r.content.decode()
    assert Scheme.objects.filter(pk__in=[unused.pk, world.scheme.pk]).count() == 2
    with pytest.raises(ValidationError, match="a scheme with calls cannot be deleted"):
        services.delete_scheme(world.hk_officer, world.scheme)
    assert not AuditEvent.objects.filter(action=FundingAction.SCHEME_DELETED).exists()
    r = delete_selected(root, url, [unused.pk])
    assert r.status_code == 302
    assert not Scheme.objects.filter(pk=unused.pk).exists()
    event = AuditEvent.objects.get(action=FundingAction.SCHEME_DELETED)
    assert event.object_id == str(unused.pk) and event.before["name"] == "Unused"


def test_a_staff_account_that_is_no_officer_of_its_funders_is_told(
    world: Any, make_person: Any
) -> None:
    clerk = make_person("clerk", is_staff=True)
    codenames = ["view_scheme", "change_scheme", "delete_scheme"]
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = client_as(clerk)
    url = f"/admin/funding/scheme/{world.scheme.pk}/change/"
    r = client.post(url, admin_form_data(client.get(url)) | {"description": "Mine now"})
    assert r.status_code == 302
    assert _said(r) == ["Only a programme officer of one of the funders may do this."]
    world.scheme.refresh_from_db()
    assert world.scheme.description == ""


# ------------------------------------------------------------------------------ funders
def test_a_funder_added_in_the_admin_goes_through_create_funder(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    data = admin_form_data(root.get("/admin/funding/funder/add/"))
    assert "reviewer_pool" not in data and "is_demo" not in data
    data |= {
        "name": "Hong Kong Research Council",
        "side": "HK",
        "currency": "HKD",
        "officers": [world.hk_officer.pk],
    }
    r = root.post("/admin/funding/funder/add/", data)
    assert r.status_code == 302, r.context and r.context["errors"]
    funder = Funder.objects.get(name="Hong Kong Research Council")
    assert list(funder.officers.all()) == [world.hk_officer]
    event = AuditEvent.objects.get(action=FundingAction.FUNDER_CREATED)
    assert event.object_id == str(funder.pk) and event.after["officers"] == [world.hk_officer.pk]


def test_a_funder_changed_in_the_admin_goes_through_update_funder(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    url = f"/admin/funding/funder/{world.hk_funder.pk}/change/"
    data = admin_form_data(root.get(url))
    r = root.post(url, data | {"name_zh": "香港創新基金", "officers": [world.cn_officer.pk]})
    assert r.status_code == 302, r.context and r.context["errors"]
    world.hk_funder.refresh_from_db()
    assert world.hk_funder.name_zh == "香港創新基金"
    assert list(world.hk_funder.officers.all()) == [world.cn_officer]
    event = AuditEvent.objects.get(action=FundingAction.FUNDER_UPDATED)
    assert event.before["officers"] == [world.hk_officer.pk]
    assert event.after["officers"] == [world.cn_officer.pk]
    # Posted back unchanged: nothing written, no second event.
    r = root.post(url, admin_form_data(root.get(url)))
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action=FundingAction.FUNDER_UPDATED).count() == 1


def test_what_update_funder_refuses_is_a_message_and_nothing_is_written(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    url = f"/admin/funding/funder/{world.hk_funder.pk}/change/"
    data = admin_form_data(root.get(url))
    r = root.post(url, data | {"currency": "CNY", "name": "Renamed"})
    assert r.status_code == 302 and r.url == url
    assert _said(r) == ["The funder has a side in a call: its side and currency no longer change."]
    world.hk_funder.refresh_from_db()
    assert (world.hk_funder.name, world.hk_funder.currency) == ("HK Innovation Fund", "HKD")
    assert not AuditEvent.objects.filter(action=FundingAction.FUNDER_UPDATED).exists()


def test_only_an_administrator_changes_a_funder(world: Any, make_person: Any) -> None:
    codenames = ["view_funder", "change_funder"]
    clerk = make_person("clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    url = f"/admin/funding/funder/{world.hk_funder.pk}/change/"
    client = client_as(clerk)
    r = client.post(url, admin_form_data(client.get(url)) | {"name": "Mine"})
    assert _said(r) == ["Only an administrator may do this."]
    world.hk_funder.refresh_from_db()
    assert world.hk_funder.name == "HK Innovation Fund"
    # The administrator role (not a superuser account) may.
    admin_person = make_person("boss", is_staff=True, roles=(Role.ADMINISTRATOR,))
    admin_person.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = client_as(admin_person)
    r = client.post(url, admin_form_data(client.get(url)) | {"name": "HK Innovation Fund II"})
    assert r.status_code == 302 and "was changed successfully" in _said(r)[0]
    world.hk_funder.refresh_from_db()
    assert world.hk_funder.name == "HK Innovation Fund II"


def test_a_funder_is_not_deleted_in_the_admin(world: Any, make_person: Any) -> None:
    root = superuser_client(make_person)
    assert root.get(f"/admin/funding/funder/{world.hk_funder.pk}/delete/").status_code == 403
    delete_selected(root, "/admin/funding/funder/", [world.hk_funder.pk])
    assert Funder.objects.filter(pk=world.hk_funder.pk).exists()


# ----------------------------------------------------------------- conflicts of interest
def test_conflicts_of_interest_are_only_shown_in_the_admin(
    world: Any, submitted: Any, make_person: Any
) -> None:
    coi = ConflictOfInterest.objects.create(
        proposal=submitted, reviewer=world.reviewers_hk[0], kind=ConflictKind.DECLARED
    )
    root = superuser_client(make_person)
    base = "/admin/funding/conflictofinterest/"
    assert root.get(base).status_code == 200
    assert root.get(f"{base}add/").status_code == 403
    assert root.get(f"{base}{coi.pk}/delete/").status_code == 403
    r = root.post(f"{base}{coi.pk}/change/", {"kind": ConflictKind.COAUTHOR, "detail": "x"})
    assert r.status_code == 403
    delete_selected(root, base, [coi.pk])
    coi.refresh_from_db()
    assert (coi.kind, coi.detail) == (ConflictKind.DECLARED, "")


def test_create_funder_checks_its_input_and_its_actor(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_funder(world.hk_officer, name="Mine", side="HK", currency="HKD")
    with pytest.raises(ValidationError) as caught:
        services.create_funder("seed", name=" ", side="XX", currency="EUR")
    assert set(caught.value.message_dict) == {"name", "side", "currency"}
    assert not Funder.objects.filter(name__in=["Mine", " "]).exists()
