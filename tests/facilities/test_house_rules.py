"""The house rules applied to facilities (issues #10 and #12): fee lines that add up,
one time convention in the API, dates out of range refused clearly, limits from the
model on every API input, and the booking lifecycle as a table read by the page and the
API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from innobridge.facilities import services
from innobridge.facilities.models import Charge
from tests.pages import client_as

from .conftest import NOW, hk, next_open_day
from .steps import approved, book

API = "/api/facilities"
pytestmark = pytest.mark.django_db


def _adds_up(c: Charge) -> bool:
    return (c.quantity * c.unit_price).quantize(Decimal("0.01")) == c.amount


def test_every_charge_line_adds_up(resource: Any, people: dict[str, Any], manager: Any) -> None:
    """A no-show fee was written as 1 × the booking's unit price with the fee as amount
    (``no_show,1.00,…,750.00,1500.00``); now every line is quantity × unit price."""
    b = approved(people["mainland"], resource, manager, day=4)
    services.mark_no_show(manager, b, now=hk(2026, 3, 4, 11))
    late = approved(people["mainland2"], resource, manager, day=3)
    services.cancel_booking(people["mainland2"], late, now=NOW + dt.timedelta(hours=20))
    used = approved(people["hk"], resource, manager, day=5)
    usage = services.record_usage(
        manager,
        used,
        started_at=hk(2026, 3, 5, 10),
        ended_at=hk(2026, 3, 5, 11, 30),
        now=hk(2026, 3, 5, 13),
    )
    lines = list(Charge.objects.order_by("id"))
    assert {c.kind for c in lines} == {"no_show", "late_cancel", "usage"}
    assert all(_adds_up(c) for c in lines), [(c.quantity, c.unit_price, c.amount) for c in lines]
    from innobridge.facilities.models import ChargeUnit

    fee = next(c for c in lines if c.kind == "no_show")
    assert (fee.quantity, fee.unit, fee.amount) == (Decimal(1), ChargeUnit.FEE, Decimal("1500.00"))
    # A dispute upheld sets the amount due: still one line that adds up.
    d = services.raise_dispute(people["hk"], usage, "Only one hour was used.")
    services.resolve_dispute(manager, d, upheld=True, resolution="Yes.", new_amount="700.00")
    usage.refresh_from_db()
    assert usage.amount == Decimal("700.00") and _adds_up(usage)
    # …and so does the statement CSV every row of which is a charge line.
    from innobridge.facilities import selectors

    csv_rows = selectors.statement_csv(selectors.user_statement(people["mainland"], "2026-03"))
    assert "no_show,1.00,fee,1500.00,1500.00" in csv_rows.replace('"', "")


def test_api_times_are_utc_everywhere(resource: Any, people: dict[str, Any]) -> None:
    """Booking creation echoed the +08:00 of the request; every other response said Z."""
    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    c = client_as(people["hk"])
    r = c.post(
        f"{API}/bookings",
        {
            "resource_id": resource.pk,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["start"].endswith("Z") and created["end"].endswith("Z"), created
    assert created["start"] == c.get(f"{API}/bookings/{created['id']}").json()["start"]


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
def test_a_week_out_of_range_is_a_400(resource: Any, week: str) -> None:
    r = Client().get(f"/facilities/r/{resource.pk}/", {"week": week})
    assert r.status_code == 400


def test_a_booking_in_year_9999_is_refused_with_the_field_named(
    resource: Any, people: dict[str, Any]
) -> None:
    c = client_as(people["hk"])
    r = c.post(
        f"{API}/bookings",
        {
            "resource_id": resource.pk,
            "start": "9999-12-31T10:00:00+08:00",
            "end": "9999-12-31T12:00:00+08:00",
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and "start" in r.content.decode()
    page = c.post(
        f"/facilities/r/{resource.pk}/book/",
        {"date": "9999-12-31", "start": "10:00", "end": "12:00", "samples": 0},
    )
    assert page.status_code < 500


def test_statement_month_out_of_range(people: dict[str, Any]) -> None:
    c = client_as(people["hk"])
    assert c.get(f"{API}/statements", {"month": "9999-12"}).status_code == 422
    assert c.get("/facilities/my/statement/", {"month": "9999-12"}).status_code == 200


def test_over_long_inputs_are_422_naming_the_field(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    body = {
        "resource_id": resource.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(),
        "purpose": "x" * 1_000_000,
    }
    r = client_as(people["hk"]).post(f"{API}/bookings", body, content_type="application/json")
    assert r.status_code == 422 and "purpose" in r.content.decode()
    r = client_as(manager).patch(
        f"{API}/resources/{resource.pk}",
        {"techniques": ["x"] * 10_000},
        content_type="application/json",
    )
    assert r.status_code == 422 and "techniques" in r.content.decode()
    r = client_as(manager).put(
        f"{API}/resources/{resource.pk}/tariffs/industry",
        {"unit": "hour", "price": "1e30", "currency": "HKD"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "price" in r.content.decode()


def test_keywords_are_bounded_in_the_people_api(people: dict[str, Any]) -> None:
    from innobridge.people.models import ResearcherProfile

    profile = ResearcherProfile.objects.get(person=people["hk"])
    r = client_as(people["hk"]).patch(
        f"/api/researchers/{profile.pk}",
        {"keywords": [f"k{i}" for i in range(10_000)]},
        content_type="application/json",
    )
    assert r.status_code == 422 and "keywords" in r.content.decode()


def test_the_booking_buttons_and_the_api_read_the_transition_table(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    from innobridge.facilities.workflow import BOOKING_FLOW, booking_actions

    assert BOOKING_FLOW.sources("approve") == {"requested"}
    b = book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    assert booking_actions(manager, b, now=NOW) == ["approve", "reject", "cancel"]
    assert booking_actions(people["hk"], b, now=NOW) == ["cancel"]
    assert booking_actions(people["mainland"], b, now=NOW) == []
    services.approve_booking(manager, b)
    assert booking_actions(manager, b, now=hk(2026, 3, 4, 11)) == ["usage", "no_show"]
    api = client_as(people["hk"]).get(f"{API}/bookings/{b.pk}").json()
    assert api["actions"] == booking_actions(people["hk"], b)
    page = client_as(manager).get(f"/facilities/bookings/{b.pk}/").content.decode()
    assert 'data-testid="approve"' not in page  # approved: no approve button any more


def test_a_new_tariff_is_audited_as_created_and_a_change_as_updated(
    resource: Any, manager: Any
) -> None:
    from innobridge.core.models import AuditEvent
    from innobridge.facilities.audit import FacilitiesAction

    resource.tariffs.filter(category="industry").delete()
    services.set_tariff(manager, resource, "industry", unit="hour", price="900", currency="HKD")
    services.set_tariff(manager, resource, "industry", price="950")
    actions = list(
        AuditEvent.objects.filter(object_type="facilities.tariff")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [FacilitiesAction.TARIFF_CREATED, FacilitiesAction.TARIFF_UPDATED]
