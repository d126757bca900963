""" "What is free between A and B" across several resources at once: the page (from the
catalogue's results, or by type and region) and the API; busy time never says whose."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from innobridge.facilities import selectors, services
from innobridge.facilities.models import Resource, Tariff
from tests.pages import client_as

from .conftest import HKT, NOW, hk, next_open_day


def second_resource(resource: Any) -> Any:
    r = Resource.objects.create(
        facility=resource.facility,
        kind="instrument",
        name="X-ray diffractometer",
        name_zh="X射線衍射儀",
        min_duration_minutes=60,
        max_duration_minutes=240,
        lead_time_hours=24,
        max_advance_days=120,
        opening_hours={str(d): [["10:00", "16:00"]] for d in range(5)},
    )
    for t in resource.tariffs.all():
        Tariff.objects.create(
            resource=r, category=t.category, unit=t.unit, price=t.price, currency=t.currency
        )
    return r


def test_free_slots_selector_across_resources(resource: Any, people: dict[str, Any]) -> None:
    xrd = second_resource(resource)
    services.request_booking(
        people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12), now=NOW
    )
    rows = selectors.free_slots([resource, xrd], hk(2026, 3, 4), hk(2026, 3, 5), now=NOW)
    by_id = {row.resource.pk: row for row in rows}
    assert by_id[resource.pk].slots == [
        (hk(2026, 3, 4, 9), hk(2026, 3, 4, 10)),
        (hk(2026, 3, 4, 12), hk(2026, 3, 4, 18)),
    ]
    assert by_id[resource.pk].hours == 7.0
    assert by_id[xrd.pk].slots == [(hk(2026, 3, 4, 10), hk(2026, 3, 4, 16))]


def test_free_page_for_ticked_resources(resource: Any, people: dict[str, Any]) -> None:
    xrd = second_resource(resource)
    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=HKT)
    services.request_booking(
        people["hk"], resource, start, start + dt.timedelta(hours=2), purpose="secret"
    )
    c = Client()
    c.force_login(people["mainland"])
    r = c.get(
        reverse("facilities:free"),
        {
            "start": f"{day.isoformat()}T00:00",
            "end": f"{(day + dt.timedelta(days=1)).isoformat()}T00:00",
            "resource": [resource.pk, xrd.pk],
        },
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-testid="free-slots"' in body
    assert "09:00–10:00" in body and "12:00–18:00" in body  # the TEM around the booking
    assert "10:00–16:00" in body  # the diffractometer's own hours
    assert "Hana" not in body and "secret" not in body
    # Each free time links to the booking form with a slot filled in (at most the
    # longest booking: 4 h).
    link = f"{resource.get_absolute_url()}?date={day.isoformat()}&amp;start=12:00&amp;end=16:00"
    assert link in body
    page = c.get(
        resource.get_absolute_url(), {"date": day.isoformat(), "start": "12:00", "end": "14:00"}
    ).content.decode()
    assert 'value="12:00' in page and 'value="14:00' in page


def test_free_page_by_type_and_region_and_bad_range(resource: Any) -> None:
    second_resource(resource)
    day = next_open_day()
    c = client_as(language="zh-hans")
    r = c.get(
        reverse("facilities:free"),
        {"start": f"{day}T09:00", "end": f"{day}T18:00", "kind": "instrument", "region": "HK"},
    )
    body = r.content.decode()
    assert body.count("data-resource=") == 2
    r = c.get(
        reverse("facilities:free"),
        {"start": f"{day}T09:00", "end": f"{day}T18:00", "region": "CN"},
    )
    assert r.content.decode().count("data-resource=") == 0
    en = Client()
    r = en.get(reverse("facilities:free"), {"start": f"{day}T18:00", "end": f"{day}T09:00"})
    assert r.status_code == 200 and "The end must be after the start." in r.content.decode()
    far = day + dt.timedelta(days=40)
    r = en.get(reverse("facilities:free"), {"start": f"{day}T09:00", "end": f"{far}T09:00"})
    assert "at most 14 days" in r.content.decode()
    # Unbound: the form with defaults, no table.
    r = en.get(reverse("facilities:free"))
    assert r.status_code == 200 and 'data-testid="free-slots"' not in r.content.decode()


def test_catalogue_links_its_results_to_the_free_page(client: Client, resource: Any) -> None:
    body = client.get(reverse("facilities:home")).content.decode()
    assert f"{reverse('facilities:free')}?resource={resource.pk}&amp;" in body


def test_resource_week_as_a_list(resource: Any, people: dict[str, Any]) -> None:
    """Beside the week grid (which scrolls sideways on a phone), the same week as a
    list: opening hours, holidays, busy times (never whose)."""
    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=HKT)
    services.request_booking(people["hk"], resource, start, start + dt.timedelta(hours=2))
    c = Client()
    c.force_login(people["mainland"])
    body = c.get(resource.get_absolute_url(), {"week": day.isoformat()}).content.decode()
    listing = body[body.index('data-testid="week-list"') :]
    listing = listing[: listing.index("</details>")]
    assert "09:00–18:00" in listing and "10:00–12:00 Busy" in listing
    assert "Hana" not in listing and "closed" in listing  # the weekend


def test_free_interval_over_days_suggests_a_bookable_slot(resource: Any) -> None:
    """A compute resource open round the clock is free for days; the link proposes a
    booking from the interval's start, as long as allowed, within that day."""
    resource.opening_hours = {str(d): [["00:00", "24:00"]] for d in range(7)}
    resource.max_duration_minutes = 240
    resource.save()
    (row,) = selectors.free_slots([resource], hk(2026, 3, 4), hk(2026, 3, 7), now=NOW)
    assert row.slots == [(hk(2026, 3, 4), hk(2026, 3, 7))]
    (offer,) = row.offers
    assert (offer["date"], offer["from"], offer["until"]) == ("2026-03-04", "00:00", "04:00")
    assert not offer["same_day"]
    resource.max_duration_minutes = 24 * 60
    resource.save()
    (row,) = selectors.free_slots([resource], hk(2026, 3, 4, 20), hk(2026, 3, 7), now=NOW)
    assert row.offers[0]["from"] == "20:00" and row.offers[0]["until"] == "00:00"


def test_booking_over_several_days_on_the_web(resource: Any, people: dict[str, Any]) -> None:
    """Compute taken for 36 hours: the form's end date books across midnight, with the
    confirmation step; the free-times link proposes it."""
    resource.opening_hours = {str(d): [["00:00", "24:00"]] for d in range(7)}
    resource.holiday_calendar = "none"
    resource.max_duration_minutes = 48 * 60
    resource.save()
    day = next_open_day()
    (row,) = selectors.free_slots(
        [resource],
        dt.datetime.combine(day, dt.time(20), tzinfo=HKT),
        dt.datetime.combine(day + dt.timedelta(days=4), dt.time(0), tzinfo=HKT),
    )
    offer = row.offers[0]
    assert offer["until"] == "20:00"
    assert offer["end_date"] == (day + dt.timedelta(days=2)).isoformat()
    c = Client()
    c.force_login(people["mainland"])
    page = c.get(resource.get_absolute_url()).content.decode()
    assert 'name="end_date"' in page
    form = {
        "date": day.isoformat(),
        "start": "20:00",
        "end_date": (day + dt.timedelta(days=1)).isoformat(),
        "end": "08:00",
    }
    url = reverse("facilities:book", args=[resource.pk])
    r = c.post(url, {**form, "step": "quote"})
    assert r.status_code == 200 and "CNY 9,000.00" in r.content.decode()  # 12 h x 750
    c.post(url, {**form, "step": "confirm", "confirmed_price": "9000.00"})
    from innobridge.facilities.models import Booking

    b = Booking.objects.get()
    assert b.ends_at - b.starts_at == dt.timedelta(hours=12)
    bad = {**form, "end_date": (day - dt.timedelta(days=1)).isoformat(), "step": "quote"}
    r = c.post(url, bad, follow=True)
    assert "before the start date" in r.content.decode()
    assert Booking.objects.count() == 1


def test_usage_of_a_booking_over_midnight(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    """The usage form carries an end date when the booking ran into another day; the
    hours billed are the real ones (page and bulk page)."""
    from innobridge.facilities.models import Booking, Charge

    resource.opening_hours = {str(d): [["00:00", "24:00"]] for d in range(7)}
    resource.holiday_calendar = "none"
    resource.max_duration_minutes = 48 * 60
    resource.save()
    start = hk(2026, 3, 4, 20)
    b = services.request_booking(
        people["mainland"], resource, start, start + dt.timedelta(hours=12), now=NOW
    )
    services.approve_booking(manager, b)
    Booking.objects.filter(pk=b.pk).update(
        starts_at=b.starts_at - dt.timedelta(days=300), ends_at=b.ends_at - dt.timedelta(days=300)
    )
    b.refresh_from_db()
    local = b.starts_at.astimezone(HKT)
    c = Client()
    c.force_login(manager)
    page = c.get(b.get_absolute_url()).content.decode()
    end_day = (local + dt.timedelta(hours=12)).date().isoformat()
    assert f'name="end_date" value="{end_day}"' in page
    bulk = c.get(reverse("facilities:usage_bulk")).content.decode()
    assert f'name="b{b.pk}-end_date" value="{end_day}"' in bulk
    r = c.post(
        reverse("facilities:booking_action", args=[b.pk, "usage"]),
        {"date": local.date().isoformat(), "start": "20:00", "end": "06:00", "end_date": end_day},
    )
    assert r.status_code == 302
    charge = Charge.objects.get(booking=b)
    assert charge.quantity == 10 and charge.amount == 7500
