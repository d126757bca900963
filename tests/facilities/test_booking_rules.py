"""Booking rules: overlap, opening hours, holidays (HK vs Mainland, make-up working
days), grid, duration, lead time, certificate, quota, tariffs, frozen price, states."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from innobridge.core.models import AuditEvent
from innobridge.facilities import availability, services
from innobridge.facilities.models import Booking, Charge, Tariff

from .conftest import NOW, hk


def book(person: Any, resource: Any, start: Any, end: Any, **kw: Any) -> Booking:
    return services.request_booking(person, resource, start, end, now=kw.pop("now", NOW), **kw)


def messages(exc: ValidationError) -> str:
    return " | ".join(exc.messages)


def test_request_freezes_price_and_audits(resource: Any, people: dict[str, Any]) -> None:
    b = book(people["mainland"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12), purpose="HRTEM")
    assert b.status == "requested"
    assert b.category == "mainland_academic"
    assert (b.unit_price, b.quantity, b.price, b.currency) == (
        Decimal("750"),
        Decimal("2.00"),
        Decimal("1500.00"),
        "CNY",
    )
    assert b.booker_region == "CN" and b.is_cross_border
    assert AuditEvent.objects.filter(
        action="facilities.booking.requested", object_id=str(b.pk)
    ).exists()
    # The tariff changes later: the booking keeps its price.
    Tariff.objects.filter(resource=resource, category="mainland_academic").update(price=999)
    b.refresh_from_db()
    assert b.price == Decimal("1500.00")


@pytest.mark.parametrize(
    ("key", "category", "price", "currency"),
    [
        ("internal", "internal", "1000.00", "HKD"),
        ("hk", "hk_academic", "1600.00", "HKD"),
        ("mainland", "mainland_academic", "1500.00", "CNY"),
        ("intl", "other_academic", "2000.00", "HKD"),
        ("industry", "industry", "4000.00", "HKD"),
    ],
)
def test_tariff_per_category(
    resource: Any, people: dict[str, Any], key: str, category: str, price: str, currency: str
) -> None:
    q = services.quote(people[key], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    assert (q.category, str(q.price), q.currency) == (category, price, currency)


def test_no_profile_or_no_tariff_is_refused(resource: Any, people: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="organisation"):
        services.quote(people["noprofile"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    Tariff.objects.filter(resource=resource, category="industry").delete()
    with pytest.raises(ValidationError, match="not open to your user group"):
        book(people["industry"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    assert not Booking.objects.exists()


def test_overlap_is_refused_clearly(resource: Any, people: dict[str, Any]) -> None:
    book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    with pytest.raises(services.BookingConflict) as exc:
        book(people["mainland"], resource, hk(2026, 3, 4, 11), hk(2026, 3, 4, 13))
    assert "already booked" in messages(exc.value)
    # Touching slots are fine.
    book(people["mainland"], resource, hk(2026, 3, 4, 12), hk(2026, 3, 4, 14))
    assert Booking.objects.count() == 2


def test_database_refuses_overlap_even_bypassing_the_service(
    resource: Any, people: dict[str, Any]
) -> None:
    b = book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    fields = {
        f.attname: getattr(b, f.attname) for f in Booking._meta.concrete_fields if f.name != "id"
    }
    fields.update(starts_at=hk(2026, 3, 4, 11), ends_at=hk(2026, 3, 4, 13))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(**fields)
    # A cancelled booking frees the slot for the guard too.
    fields["status"] = "cancelled"
    Booking.objects.create(**fields)
    # And moving a booking onto another by an update is refused as well.
    other = Booking.objects.create(
        **{
            **fields,
            "status": "requested",
            "starts_at": hk(2026, 3, 4, 14),
            "ends_at": hk(2026, 3, 4, 15),
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=other.pk).update(starts_at=hk(2026, 3, 4, 11))


def test_opening_hours_grid_duration_and_lead_time(resource: Any, people: dict[str, Any]) -> None:
    p = people["hk"]
    cases = [
        ((2026, 3, 4, 17), (2026, 3, 4, 19), "not open"),  # past closing time
        ((2026, 3, 7, 10), (2026, 3, 7, 12), "not open"),  # Saturday
        ((2026, 3, 4, 10, 15), (2026, 3, 4, 11, 15), "grid"),
        ((2026, 3, 4, 10), (2026, 3, 4, 10, 30), "Too short"),
        ((2026, 3, 4, 9), (2026, 3, 4, 14), "Too long"),
        ((2026, 3, 2, 14), (2026, 3, 2, 15), "ahead"),  # lead time 24 h
        ((2026, 3, 1, 10), (2026, 3, 1, 11), "past"),
        ((2026, 8, 3, 10), (2026, 8, 3, 11), "at most"),  # horizon 120 days
    ]
    for start, end, expected in cases:
        with pytest.raises(ValidationError) as exc:
            book(p, resource, hk(*start), hk(*end))
        assert expected in messages(exc.value), (start, messages(exc.value))
    assert not Booking.objects.exists()


def test_holidays_differ_between_hong_kong_and_mainland(
    resource: Any, people: dict[str, Any]
) -> None:
    p = people["hk"]
    now = hk(2026, 6, 20, 9)
    # 1 July: HKSAR Establishment Day — closed on the Hong Kong calendar...
    with pytest.raises(ValidationError, match="public holiday"):
        book(p, resource, hk(2026, 7, 1, 10), hk(2026, 7, 1, 11), now=now)
    # ...but a working day on the Mainland one.
    resource.holiday_calendar = "CN"
    resource.save()
    book(p, resource, hk(2026, 7, 1, 10), hk(2026, 7, 1, 11), now=now)
    # 1 October is a holiday in both.
    now = hk(2026, 9, 20, 9)
    with pytest.raises(ValidationError, match="public holiday"):
        book(p, resource, hk(2026, 10, 1, 10), hk(2026, 10, 1, 11), now=now)


def test_mainland_make_up_working_day(resource: Any, people: dict[str, Any]) -> None:
    """Saturday 14 February 2026 is worked on the Mainland (for the Spring Festival)."""
    now = hk(2026, 2, 9, 9)
    p = people["hk"]
    assert availability.day_calendar("CN", hk(2026, 2, 14).date()).makeup_for is not None
    with pytest.raises(ValidationError, match="not open"):
        book(p, resource, hk(2026, 2, 14, 10), hk(2026, 2, 14, 11), now=now)
    resource.holiday_calendar = "CN"
    resource.save()
    book(p, resource, hk(2026, 2, 14, 10), hk(2026, 2, 14, 11), now=now)
    # The Friday given off in exchange (20 February) is closed.
    with pytest.raises(ValidationError, match="public holiday"):
        book(p, resource, hk(2026, 2, 20, 10), hk(2026, 2, 20, 11), now=now)


def test_maintenance_blocks(resource: Any, people: dict[str, Any], manager: Any) -> None:
    services.add_maintenance(
        manager, resource, hk(2026, 3, 5, 9), hk(2026, 3, 5, 13), "Cathode change"
    )
    with pytest.raises(ValidationError, match="maintenance"):
        book(people["hk"], resource, hk(2026, 3, 5, 12), hk(2026, 3, 5, 14))
    free = availability.free_intervals(resource, hk(2026, 3, 5), hk(2026, 3, 6), now=NOW)
    assert free == [(hk(2026, 3, 5, 13), hk(2026, 3, 5, 18))]


def test_certificate_required(resource: Any, people: dict[str, Any], manager: Any) -> None:
    resource.training_required = True
    resource.save()
    with pytest.raises(ValidationError, match="training certificate"):
        book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    services.grant_certificate(manager, people["hk"], resource)
    book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))


def test_monthly_quota(resource: Any, people: dict[str, Any]) -> None:
    resource.monthly_quota_hours = 5
    resource.save()
    p = people["hk"]
    book(p, resource, hk(2026, 3, 4, 9), hk(2026, 3, 4, 13))
    with pytest.raises(ValidationError, match="quota"):
        book(p, resource, hk(2026, 3, 5, 9), hk(2026, 3, 5, 11))
    book(p, resource, hk(2026, 3, 5, 9), hk(2026, 3, 5, 10))
    # Next month is a new quota.
    book(p, resource, hk(2026, 4, 1, 9), hk(2026, 4, 1, 13))


def test_free_intervals_across_resources(resource: Any, people: dict[str, Any]) -> None:
    book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    book(people["mainland"], resource, hk(2026, 3, 4, 12, 30), hk(2026, 3, 4, 14))
    free = availability.free_slots_many([resource], hk(2026, 3, 4, 8), hk(2026, 3, 4, 20), now=NOW)[
        resource.pk
    ]
    # 09–10 (60 min, the minimum) and 14–18; 12:00–12:30 is shorter than the minimum.
    assert free == [
        (hk(2026, 3, 4, 9), hk(2026, 3, 4, 10)),
        (hk(2026, 3, 4, 14), hk(2026, 3, 4, 18)),
    ]


def test_instant_booking_without_approval(resource: Any, people: dict[str, Any]) -> None:
    resource.approval_required = False
    resource.save()
    b = book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    assert b.status == "approved"


def test_state_machine_and_permissions(resource: Any, people: dict[str, Any], manager: Any) -> None:
    b = book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    with pytest.raises(PermissionDenied):
        services.approve_booking(people["mainland"], b)
    with pytest.raises(ValidationError, match="reason"):
        services.reject_booking(manager, b, "  ")
    services.approve_booking(manager, b)
    assert b.status == "approved" and b.decided_by == manager
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.reject_booking(manager, b, "too late")
    with pytest.raises(PermissionDenied):
        services.cancel_booking(people["mainland"], b, now=NOW)
    # Usage: the booking becomes used and a charge at the frozen price appears.
    charge = services.record_usage(
        manager,
        b,
        started_at=hk(2026, 3, 4, 10),
        ended_at=hk(2026, 3, 4, 11, 40),
        now=hk(2026, 3, 4, 12),
    )
    b.refresh_from_db()
    assert b.status == "used"
    assert (charge.quantity, charge.amount, charge.currency) == (
        Decimal("2.00"),
        Decimal("1600.00"),
        "HKD",
    )
    with pytest.raises(ValidationError):
        services.cancel_booking(people["hk"], b, now=hk(2026, 3, 4, 13))


def test_rejection_frees_the_slot(resource: Any, people: dict[str, Any], manager: Any) -> None:
    b = book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    services.reject_booking(manager, b, "Instrument reserved for calibration")
    assert b.rejection_reason == "Instrument reserved for calibration"
    book(people["mainland"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))


def test_cancellation_window_and_fee(resource: Any, people: dict[str, Any], manager: Any) -> None:
    p = people["hk"]
    early = book(p, resource, hk(2026, 3, 10, 10), hk(2026, 3, 10, 12))
    services.approve_booking(manager, early)
    services.cancel_booking(p, early, now=NOW)  # 8 days ahead: free
    assert not Charge.objects.exists()
    late = book(p, resource, hk(2026, 3, 3, 10), hk(2026, 3, 3, 12))
    services.approve_booking(manager, late)
    assert services.late_cancellation_fee(late, NOW) == Decimal("800.00")
    services.cancel_booking(p, late, now=NOW)  # inside the 48 h window
    fee = Charge.objects.get()
    assert (fee.kind, fee.amount) == ("late_cancel", Decimal("800.00"))


def test_no_show_fee(resource: Any, people: dict[str, Any], manager: Any) -> None:
    b = book(people["mainland"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    services.approve_booking(manager, b)
    with pytest.raises(ValidationError):
        services.mark_no_show(manager, b, now=NOW)
    services.mark_no_show(manager, b, now=hk(2026, 3, 4, 11))
    c = Charge.objects.get()
    assert (c.kind, c.amount, c.currency) == ("no_show", Decimal("1500.00"), "CNY")


def test_dispute_flow(resource: Any, people: dict[str, Any], manager: Any) -> None:
    b = book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    services.approve_booking(manager, b)
    c = services.record_usage(
        manager,
        b,
        started_at=hk(2026, 3, 4, 10),
        ended_at=hk(2026, 3, 4, 12),
        now=hk(2026, 3, 4, 13),
    )
    with pytest.raises(PermissionDenied):
        services.raise_dispute(people["mainland"], c, "not mine")
    d = services.raise_dispute(people["hk"], c, "The beam was down for an hour.")
    c.refresh_from_db()
    assert c.status == "disputed"
    with pytest.raises(ValidationError):
        services.raise_dispute(people["hk"], c, "again")
    with pytest.raises(PermissionDenied):
        services.resolve_dispute(people["hk"], d, upheld=True, resolution="ok", new_amount="0")
    with pytest.raises(ValidationError):
        services.resolve_dispute(manager, d, upheld=True, resolution="ok", new_amount="99999")
    services.resolve_dispute(
        manager, d, upheld=True, resolution="Beam fault confirmed", new_amount="800"
    )
    c.refresh_from_db()
    assert (c.status, c.amount) == ("adjusted", Decimal("800.00"))
    assert d.status == "upheld"


def test_confirmation_price_must_match(resource: Any, people: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="price has changed"):
        book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12), confirmed_price="1")
    b = book(
        people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12), confirmed_price="1600.00"
    )
    assert b.price == Decimal("1600.00")


def test_per_sample_tariff(resource: Any, people: dict[str, Any]) -> None:
    Tariff.objects.filter(resource=resource, category="hk_academic").update(
        unit="sample", price=120
    )
    with pytest.raises(ValidationError, match="samples"):
        book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    b = book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12), samples=3)
    assert (b.unit, b.price) == ("sample", Decimal("360.00"))
