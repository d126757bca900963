"""Facilities, bookings, usage, charges and disputes in the admin: a facility is added
and changed through ``create_facility``/``update_facility`` (audited; a refusal a
message, nothing written) and not deleted there; a booking is never edited there (its
state moves only by the transition services), the selected ones are approved or
cancelled by actions through ``approve_booking``/``cancel_booking``, all or nothing;
usage records, charges and disputes are only shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from innobridge.core.models import AuditEvent
from innobridge.facilities.audit import FacilitiesAction
from innobridge.facilities.models import Booking, BookingStatus, Facility
from tests.pages import admin_form_data, client_as, superuser_client

from .conftest import hk, next_open_day
from .steps import approved, book

pytestmark = pytest.mark.django_db


def _said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _events(action: str) -> Any:
    return AuditEvent.objects.filter(action=action)


# --------------------------------------------------------------------------- facilities
def test_a_facility_added_in_the_admin_goes_through_create_facility(
    orgs: Any, manager: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    data = admin_form_data(root.get("/admin/facilities/facility/add/"))
    data |= {
        "name": "Nanofabrication Facility",
        "organisation": orgs["hku"].pk,
        "region": "HK",
        "managers": [manager.pk],
    }
    r = root.post("/admin/facilities/facility/add/", data)
    assert r.status_code == 302, r.context and r.context["errors"]
    made = Facility.objects.get(name="Nanofabrication Facility")
    assert manager in made.managers.all()  # (the creating superuser too: every role)
    event = _events(FacilitiesAction.FACILITY_CREATED).get()
    assert event.object_id == str(made.pk) and event.actor_repr.startswith("root")


def test_a_facility_changed_in_the_admin_goes_through_update_facility(
    facility: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    url = f"/admin/facilities/facility/{facility.pk}/change/"
    r = root.post(url, admin_form_data(root.get(url)))  # posted back unchanged
    assert r.status_code == 302, r.context and r.context["errors"]
    assert not _events(FacilitiesAction.FACILITY_UPDATED).exists()
    r = root.post(url, admin_form_data(root.get(url)) | {"city": "Sai Kung"})
    assert r.status_code == 302, r.context and r.context["errors"]
    facility.refresh_from_db()
    assert facility.city == "Sai Kung"
    event = _events(FacilitiesAction.FACILITY_UPDATED).get()
    assert (event.before["city"], event.after["city"]) == ("Hong Kong", "Sai Kung")


def test_what_update_facility_refuses_is_a_message_and_nothing_is_written(
    facility: Any, manager: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    plain = make_person("plain", roles=("researcher",))
    url = f"/admin/facilities/facility/{facility.pk}/change/"
    data = admin_form_data(root.get(url))
    r = root.post(url, data | {"city": "Sai Kung", "managers": [plain.pk]})
    assert r.status_code == 302 and r.url == url
    assert _said(r) == ["plain do(es) not hold the facility manager role."]
    facility.refresh_from_db()
    assert facility.city == "Hong Kong" and list(facility.managers.all()) == [manager]
    assert not _events(FacilitiesAction.FACILITY_UPDATED).exists()


def test_a_staff_account_that_manages_no_facility_is_told(facility: Any, make_person: Any) -> None:
    clerk = make_person("clerk", is_staff=True)
    codenames = ["view_facility", "change_facility"]
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = client_as(clerk)
    url = f"/admin/facilities/facility/{facility.pk}/change/"
    r = client.post(url, admin_form_data(client.get(url)) | {"city": "Mine"})
    assert _said(r) == ["Only a manager of this facility may do this."]
    facility.refresh_from_db()
    assert facility.city == "Hong Kong"


def test_a_facility_is_not_deleted_in_the_admin(facility: Any, make_person: Any) -> None:
    root = superuser_client(make_person)
    assert root.get(f"/admin/facilities/facility/{facility.pk}/delete/").status_code == 403
    root.post(
        "/admin/facilities/facility/",
        {"action": "delete_selected", "_selected_action": [facility.pk], "post": "yes"},
    )
    assert Facility.objects.filter(pk=facility.pk).exists()


# ----------------------------------------------------------------------------- bookings
def _future(people: Any, resource: Any, hour: int) -> Booking:
    day = next_open_day(5)
    start = hk(day.year, day.month, day.day, hour)
    end = hk(day.year, day.month, day.day, hour + 1)
    from innobridge.facilities import services

    return services.request_booking(people["internal"], resource, start, end)


def test_a_booking_is_not_edited_added_or_deleted_in_the_admin(
    people: Any, resource: Any, make_person: Any
) -> None:
    pending = book(people["internal"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    root = superuser_client(make_person)
    base = "/admin/facilities/booking/"
    assert root.get(f"{base}{pending.pk}/change/").status_code == 200  # shown
    r = root.post(f"{base}{pending.pk}/change/", {"status": BookingStatus.APPROVED})
    assert r.status_code == 403
    assert root.get(f"{base}add/").status_code == 403
    assert root.get(f"{base}{pending.pk}/delete/").status_code == 403
    pending.refresh_from_db()
    assert pending.status == BookingStatus.REQUESTED


def test_the_approve_action_goes_through_approve_booking_all_or_nothing(
    people: Any, resource: Any, manager: Any, make_person: Any
) -> None:
    first = _future(people, resource, 10)
    second = _future(people, resource, 12)
    done = approved(people["hk"], resource, manager)
    root = superuser_client(make_person)
    base = "/admin/facilities/booking/"
    r = root.post(base, {"action": "approve_bookings", "_selected_action": [first.pk, done.pk]})
    assert r.status_code == 302
    said = _said(r)
    assert len(said) == 1 and said[0].endswith("it cannot be changed that way.")
    first.refresh_from_db()
    assert first.status == BookingStatus.REQUESTED  # rolled back with the refused one
    assert _events(FacilitiesAction.BOOKING_APPROVED).count() == 1  # the set-up's own
    root.get(base)  # the message above shown
    r = root.post(base, {"action": "approve_bookings", "_selected_action": [first.pk, second.pk]})
    assert _said(r) == ["2 bookings approved."]
    assert set(
        Booking.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {BookingStatus.APPROVED}
    assert _events(FacilitiesAction.BOOKING_APPROVED).count() == 3


def test_the_cancel_action_goes_through_cancel_booking(
    people: Any, resource: Any, manager: Any, make_person: Any
) -> None:
    future = _future(people, resource, 10)
    past = approved(people["hk"], resource, manager)  # March 2026: started long ago
    root = superuser_client(make_person)
    base = "/admin/facilities/booking/"
    r = root.post(base, {"action": "cancel_bookings", "_selected_action": [past.pk]})
    assert _said(r) == [f"{past}: This booking has already started; it can no longer be cancelled."]
    past.refresh_from_db()
    assert past.status == BookingStatus.APPROVED
    root.get(base)  # the message above shown
    r = root.post(base, {"action": "cancel_bookings", "_selected_action": [future.pk]})
    assert _said(r) == ["1 booking cancelled."]
    future.refresh_from_db()
    assert future.status == BookingStatus.CANCELLED
    assert _events(FacilitiesAction.BOOKING_CANCELLED).get().object_id == str(future.pk)


@pytest.mark.parametrize("model", ["usagerecord", "charge", "dispute"])
def test_usage_charges_and_disputes_are_only_shown(model: str, make_person: Any) -> None:
    root = superuser_client(make_person)
    assert root.get(f"/admin/facilities/{model}/").status_code == 200
    assert root.get(f"/admin/facilities/{model}/add/").status_code == 403
