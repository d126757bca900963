"""The facilities API: catalogue, availability, quote, bookings, manager decisions,
usage, disputes, statements; errors as 4xx with the rule's message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from innobridge.facilities.models import Booking

from .conftest import HKT, next_open_day

API = "/api/facilities"


def login(person: Any) -> Client:
    c = Client()
    c.force_login(person)
    return c


def iso(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=HKT).isoformat()


def test_catalogue_and_availability(client: Client, resource: Any) -> None:
    r = client.get(f"{API}/resources", {"kind": "instrument"})
    assert r.status_code == 200 and r.json()[0]["id"] == resource.pk
    day = next_open_day()
    r = client.get(
        f"{API}/availability",
        {
            "resource_ids": str(resource.pk),
            "start": iso(day, 0),
            "end": iso(day + dt.timedelta(days=1), 0),
        },
    )
    assert r.status_code == 200
    free = r.json()[0]["free"]
    assert len(free) == 1
    assert dt.datetime.fromisoformat(free[0]["start"]) == dt.datetime.combine(
        day, dt.time(9), tzinfo=HKT
    )
    assert (
        client.get(
            f"{API}/availability", {"resource_ids": "x", "start": iso(day, 0), "end": iso(day, 5)}
        ).status_code
        == 422
    )


def test_booking_lifecycle(resource: Any, people: dict[str, Any], manager: Any) -> None:
    day = next_open_day()
    user = login(people["mainland"])
    assert Client().post(f"{API}/bookings", {}, content_type="application/json").status_code == 401
    q = user.get(
        f"{API}/resources/{resource.pk}/quote", {"start": iso(day, 10), "end": iso(day, 12)}
    )
    assert q.status_code == 200 and q.json()["price"] == "1500.00" and q.json()["currency"] == "CNY"
    body = {
        "resource_id": resource.pk,
        "start": iso(day, 10),
        "end": iso(day, 12),
        "confirmed_price": "1500.00",
    }
    r = user.post(f"{API}/bookings", body, content_type="application/json")
    assert r.status_code == 201, r.content
    bid = r.json()["id"]
    # Overlap: 409 with the clear message; outside hours: 422.
    other = login(people["hk"])
    r = other.post(
        f"{API}/bookings", {**body, "confirmed_price": None}, content_type="application/json"
    )
    assert r.status_code == 409 and "already booked" in r.json()["detail"]
    r = other.post(
        f"{API}/bookings",
        {"resource_id": resource.pk, "start": iso(day, 19), "end": iso(day, 20)},
        content_type="application/json",
    )
    assert r.status_code == 422 and "not open" in r.json()["detail"]
    # Only a manager approves.
    assert user.post(f"{API}/bookings/{bid}/approve").status_code == 403
    assert other.post(f"{API}/bookings/{bid}/approve").status_code == 404
    mgr = login(manager)
    r = mgr.post(f"{API}/bookings/{bid}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert [b["id"] for b in user.get(f"{API}/bookings").json()] == [bid]
    # Usage in the past: move the booking back a month first.
    b = Booking.objects.get(pk=bid)
    Booking.objects.filter(pk=bid).update(
        starts_at=b.starts_at - dt.timedelta(days=28), ends_at=b.ends_at - dt.timedelta(days=28)
    )
    b.refresh_from_db()
    r = mgr.post(
        f"{API}/bookings/{bid}/usage",
        {"started_at": b.starts_at.isoformat(), "ended_at": b.ends_at.isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["amount"] == "1500.00"
    charge_id = r.json()["id"]
    month = b.starts_at.astimezone(HKT).strftime("%Y-%m")
    st = user.get(f"{API}/statements", {"month": month}).json()
    assert st["totals"] == {"CNY": "1500.00"}
    assert user.get(f"{API}/statements", {"month": "bad"}).status_code == 422
    r = user.post(
        f"{API}/charges/{charge_id}/dispute",
        {"reason": "Half the time"},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = mgr.post(
        f"{API}/disputes/{r.json()['id']}/resolve",
        {"upheld": True, "resolution": "Agreed", "new_amount": "750"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["amount"] == "750.00"


def test_cancel_and_reject(resource: Any, people: dict[str, Any], manager: Any) -> None:
    day = next_open_day(10)
    user = login(people["hk"])
    body = {"resource_id": resource.pk, "start": iso(day, 10), "end": iso(day, 11)}
    bid = user.post(f"{API}/bookings", body, content_type="application/json").json()["id"]
    r = login(manager).post(
        f"{API}/bookings/{bid}/reject", {"reason": ""}, content_type="application/json"
    )
    assert r.status_code == 422
    r = user.post(f"{API}/bookings/{bid}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
