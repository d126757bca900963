"""Junk in query strings, forms and API bodies: a clear 4xx or the page with a
message — never a 500 and never a half-written row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from innobridge.facilities.models import Booking, UsageRecord

from .conftest import HKT, next_open_day

API = "/api/facilities"


def login(person: Any) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(person)
    return c


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("facilities:home", {"free_from": "abc", "organisation": "x", "kind": "zzz"}),
        ("facilities:home", {"free_from": "2026-01-01", "free_to": "2027-01-01"}),
        ("facilities:home", {"city": "Atlantis", "region": "XX"}),
        ("facilities:free", {"start": "abc", "end": "", "resource": "abc"}),
        ("facilities:free", {"start": "2026-01-01T09:00", "end": "2026-01-02T09:00"}),
        ("facilities:my_statement", {"month": "abc", "format": "xyz"}),
        ("facilities:my_calendar", {"week": "2026-99-99"}),
        ("facilities:reports", {"from": "abc", "to": "zzz"}),
        ("facilities:reports", {"from": "2026-05-01", "to": "2020-01-01"}),
    ],
)
def test_junk_query_strings(resource: Any, manager: Any, name: str, params: dict[str, str]) -> None:
    r = login(manager).get(reverse(name), params)
    assert r.status_code == 200


def test_junk_on_resource_and_booking_pages(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    c = login(people["hk"])
    url = reverse("facilities:resource", args=[resource.pk])
    for params in (
        {"week": "abc"},
        {"date": "2026-13-01", "start": "99:99", "end": "x"},
        {"samples": "9" * 5000},  # more digits than int() converts
        {"samples": "²"},  # a digit to str.isdigit(), not to int()
    ):
        assert c.get(url, params).status_code == 200, params
    book = reverse("facilities:book", args=[resource.pk])
    for form in (
        {},
        {"date": "abc", "start": "10:00", "end": "11:00"},
        {"date": next_open_day().isoformat(), "start": "10:00", "end": "11:00", "samples": "-3"},
        {
            "date": next_open_day().isoformat(),
            "start": "10:00",
            "end": "11:00",
            "samples": "9" * 5000,
        },
        {"date": next_open_day().isoformat(), "start": "12:00", "end": "10:00", "step": "confirm"},
        {
            "date": next_open_day().isoformat(),
            "start": "10:00",
            "end": "11:00",
            "step": "confirm",
            "confirmed_price": "abc",
        },
    ):
        r = c.post(book, form, follow=True)  # a refused request goes back to the page
        assert r.status_code == 200, (form, r.status_code)
    assert not Booking.objects.exists()
    assert c.post(reverse("facilities:booking_action", args=[1, "explode"])).status_code == 404
    mc = login(manager)
    assert mc.get(reverse("facilities:org_statement", args=[999999])).status_code == 404


def test_junk_in_the_api(resource: Any, people: dict[str, Any], manager: Any) -> None:
    c = login(people["hk"])
    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=HKT)
    body = {
        "resource_id": resource.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=1)).isoformat(),
    }
    for extra in (
        {"samples": -1},
        {"samples": 10**12},
        {"confirmed_price": "abc"},
        {"start": "yesterday"},
        {"resource_id": 999999},
        {"end": start.isoformat()},
    ):
        r = c.post(f"{API}/bookings", {**body, **extra}, content_type="application/json")
        assert 400 <= r.status_code < 500, (extra, r.status_code, r.content)
    assert not Booking.objects.exists()
    ids = ",".join(str(i) for i in range(200))
    r = c.get(
        f"{API}/availability",
        {"resource_ids": ids, "start": body["start"], "end": body["end"]},
    )
    assert r.status_code == 200
    r = c.get(f"{API}/resources/{resource.pk}/quote", {"start": "x", "end": "y"})
    assert r.status_code == 422
    # Usage with a negative sample count is refused, nothing recorded.
    b = Booking.objects.create(
        resource=resource,
        booker=people["hk"],
        category="hk_academic",
        starts_at=start - dt.timedelta(days=14),
        ends_at=start - dt.timedelta(days=14, hours=-1),
        status="approved",
        unit="hour",
        unit_price=800,
        quantity=1,
        price=800,
        currency="HKD",
    )
    r = login(manager).post(
        f"{API}/bookings/{b.pk}/usage",
        {"started_at": b.starts_at.isoformat(), "ended_at": b.ends_at.isoformat(), "samples": -2},
        content_type="application/json",
    )
    assert r.status_code == 422 and "samples" in r.json()["detail"]
    assert not UsageRecord.objects.exists()
    b.refresh_from_db()
    assert b.status == "approved"


def test_maintenance_added_after_the_checks_still_refuses_the_booking(
    resource: Any, people: dict[str, Any], manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request's checks ran before a manager blocked the time; the booking's own
    transaction (which holds the resource row) sees the block and writes nothing."""
    from innobridge.facilities import availability, services

    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=HKT)
    services.add_maintenance(manager, resource, start, start + dt.timedelta(hours=4))
    real = availability.slot_problems

    def stale(*args: Any, **kwargs: Any) -> list[str]:
        return [p for p in real(*args, **kwargs) if "maintenance" not in p]

    monkeypatch.setattr(availability, "slot_problems", stale)
    with pytest.raises(ValidationError) as info:
        services.request_booking(people["hk"], resource, start, start + dt.timedelta(hours=1))
    assert "maintenance" in " ".join(info.value.messages)
    assert not Booking.objects.exists()
