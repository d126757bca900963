"""A user's own week calendar; managers' bulk usage entry (all or nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from innobridge.facilities import selectors, services
from innobridge.facilities.models import Booking, Charge, UsageRecord
from tests.pages import client_as

from .conftest import HKT, hk


def past_booking(resource: Any, person: Any, days_ago: int, hour: int = 10) -> Booking:
    day = dt.datetime.now(HKT).date() - dt.timedelta(days=days_ago)
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=HKT)
    return Booking.objects.create(
        resource=resource,
        booker=person,
        booker_region="CN",
        category="mainland_academic",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        status="approved",
        unit="hour",
        unit_price=Decimal("750"),
        quantity=Decimal(2),
        price=Decimal("1500"),
        currency="CNY",
    )


def test_my_week_calendar_shows_only_mine(resource: Any, people: Any) -> None:
    mine = Booking.objects.create(
        resource=resource,
        booker=people["hk"],
        category="hk_academic",
        starts_at=hk(2026, 3, 4, 10),
        ends_at=hk(2026, 3, 4, 12),
        status="approved",
        unit="hour",
        unit_price=1,
        quantity=2,
        price=2,
        currency="HKD",
    )
    Booking.objects.create(
        resource=resource,
        booker=people["mainland"],
        category="mainland_academic",
        starts_at=hk(2026, 3, 5, 10),
        ends_at=hk(2026, 3, 5, 12),
        status="approved",
        unit="hour",
        unit_price=1,
        quantity=2,
        price=2,
        currency="CNY",
    )
    days = selectors.my_week_calendar(people["hk"], dt.date(2026, 3, 2))
    blocks = [b for d in days for b in d.blocks]
    assert [b.booking_id for b in blocks] == [mine.pk]
    assert days[2].blocks[0].top == pytest.approx(10 / 24 * 100, abs=0.01)


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_my_calendar_page(resource: Any, people: Any, language: str) -> None:
    Booking.objects.create(
        resource=resource,
        booker=people["hk"],
        category="hk_academic",
        starts_at=hk(2026, 3, 4, 10),
        ends_at=hk(2026, 3, 4, 12),
        status="requested",
        unit="hour",
        unit_price=1,
        quantity=2,
        price=2,
        currency="HKD",
    )
    c = client_as(people["hk"], language)
    r = c.get(reverse("facilities:my_calendar"), {"week": "2026-03-04"})
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-testid="my-week-calendar"' in body
    assert resource.display_name() in body or resource.name_zh in body
    other = client_as(people["mainland"]).get(
        reverse("facilities:my_calendar"), {"week": "2026-03-04"}
    )
    assert resource.name not in other.content.decode().split('data-testid="my-week-calendar"')[1]
    assert Client().get(reverse("facilities:my_calendar")).status_code == 302


def test_bulk_usage_service_all_or_nothing(resource: Any, people: Any, manager: Any) -> None:
    a = past_booking(resource, people["mainland"], 3)
    b = past_booking(resource, people["mainland"], 2)
    ok = services.UsageEntry(a, a.starts_at, a.ends_at)
    bad = services.UsageEntry(b, b.ends_at, b.starts_at)  # end before start
    with pytest.raises(ValidationError) as exc:
        services.record_usage_bulk(manager, [ok, bad])
    assert str(b.pk) in exc.value.message_dict
    assert not UsageRecord.objects.exists() and not Charge.objects.exists()
    assert Booking.objects.get(pk=a.pk).status == "approved"
    charges = services.record_usage_bulk(
        manager, [ok, services.UsageEntry(b, b.starts_at, b.ends_at)]
    )
    assert len(charges) == 2 and sum(c.amount for c in charges) == Decimal("3000.00")
    with pytest.raises(ValidationError):
        services.record_usage_bulk(manager, [])


def test_bulk_usage_refuses_non_managers(resource: Any, people: Any) -> None:
    a = past_booking(resource, people["mainland"], 3)
    with pytest.raises(PermissionDenied):
        services.record_usage_bulk(people["hk"], [services.UsageEntry(a, a.starts_at, a.ends_at)])
    assert not UsageRecord.objects.exists()
    assert client_as(people["hk"]).get(reverse("facilities:usage_bulk")).status_code == 403


def _row(b: Booking, start: str = "10:00", end: str = "12:00", tick: bool = True) -> dict[str, str]:
    p = f"b{b.pk}"
    data = {
        f"{p}-date": b.starts_at.astimezone(HKT).date().isoformat(),
        f"{p}-start": start,
        f"{p}-end": end,
        f"{p}-samples": "0",
    }
    if tick:
        data[f"{p}-record"] = "on"
    return data


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_bulk_usage_page(resource: Any, people: Any, manager: Any, language: str) -> None:
    a = past_booking(resource, people["mainland"], 3)
    b = past_booking(resource, people["mainland"], 2)
    c = past_booking(resource, people["mainland"], 1)
    mc = client_as(manager, language)
    url = reverse("facilities:usage_bulk")
    page = mc.get(url)
    assert page.status_code == 200 and 'data-testid="usage-bulk-form"' in page.content.decode()
    # One bad row (end before start) → nothing recorded, the row is marked.
    r = mc.post(url, {**_row(a), **_row(b, "12:00", "11:00"), **_row(c, tick=False)})
    assert r.status_code == 200
    assert 'data-testid="form-errors"' in r.content.decode()
    assert not UsageRecord.objects.exists()
    # A malformed time is a form error, also nothing recorded.
    r = mc.post(url, {**_row(a), **_row(b, "noon", "13:00")})
    assert r.status_code == 200 and not UsageRecord.objects.exists()
    r = mc.post(url, {**_row(a, "10:00", "11:30"), **_row(b), **_row(c, tick=False)})
    assert r.status_code == 302
    assert set(UsageRecord.objects.values_list("booking_id", flat=True)) == {a.pk, b.pk}
    assert Booking.objects.get(pk=c.pk).status == "approved"
    assert Charge.objects.get(booking=a).amount == Decimal("1125.00")


def test_overlong_usage_notes_are_refused_on_both_pages(
    resource: Any, people: Any, manager: Any
) -> None:
    """The pages take notes up to the API's limit (2,000 characters): longer is a form
    error and nothing is recorded."""
    a = past_booking(resource, people["mainland"], 3)
    mc = client_as(manager)
    long_notes = "x" * 10_001
    r = mc.post(
        reverse("facilities:booking_action", args=[a.pk, "usage"]),
        {**{k.split("-", 1)[1]: v for k, v in _row(a).items()}, "notes": long_notes},
        follow=True,
    )
    assert r.status_code == 200
    assert any("2000" in str(m) for m in r.context["messages"])
    assert not UsageRecord.objects.exists() and not Charge.objects.exists()
    r = mc.post(reverse("facilities:usage_bulk"), {**_row(a), f"b{a.pk}-notes": long_notes})
    assert r.status_code == 200 and 'data-testid="form-errors"' in r.content.decode()
    assert not UsageRecord.objects.exists() and not Charge.objects.exists()
    assert Booking.objects.get(pk=a.pk).status == "approved"
