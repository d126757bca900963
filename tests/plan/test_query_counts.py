"""The dashboard's cost in queries, not seconds: a full recomputation runs a fixed number
of queries however many bookings there are (the facilities' six indicators read their
figures off one grouped aggregate), the overview and the public page read the snapshots
in a few queries, and the grouped facility figures give exactly what one GROUP BY per
breakdown gives."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from innobridge.core.figures import batch, grouped
from innobridge.facilities.selectors import figures as fs
from innobridge.plan.indicators import registry
from innobridge.plan.services import end_of_day, take_snapshot, today_hk

pytestmark = pytest.mark.django_db

# Measured after the facilities' figures were grouped (269 before): the bound fails if an
# indicator goes back to one query per breakdown cell or per breakdown of a shared figure.
RECOMPUTE_QUERY_BOUND = 170
_slot = itertools.count()


def _world(make_person: Any, bookings: int) -> None:
    from innobridge.facilities.models import Booking, Facility, Resource
    from innobridge.people.models import Organisation

    hk = Organisation.objects.create(name="HK U", region="HK", city="Hong Kong")
    cn = Organisation.objects.create(name="SZ U", region="CN", city="Shenzhen")
    facilities = [
        Facility.objects.create(name=f"F {o.name}", organisation=o, city=o.city, region=o.region)
        for o in (hk, cn)
    ]
    resources = [
        Resource.objects.create(facility=f, kind=kind, name=f"{f.name} {kind}")
        for f in facilities
        for kind in ("instrument", "dataset")
    ]
    people = [make_person(f"user{i}-{bookings}") for i in range(4)]
    start = dt.datetime(2025, 1, 6, 1, tzinfo=dt.UTC)
    for i in range(bookings):
        begins = start + dt.timedelta(days=17 * next(_slot) % 600, hours=3 * (i % 5))
        Booking.objects.create(
            resource=resources[i % len(resources)],
            booker=people[i % len(people)],
            booker_region=("HK", "CN", "MO", "")[i % 4],
            category="hk_academic",
            starts_at=begins,
            ends_at=begins + dt.timedelta(hours=1 + i % 3),
            status="used" if i % 7 else "cancelled",
            unit="hour",
            unit_price=Decimal(100),
            quantity=Decimal(1),
            price=Decimal(100),
            currency="HKD",
        )


def _recompute_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        take_snapshot("test")
    return len(ctx)


def test_full_recomputation_runs_a_bounded_number_of_queries(make_person: Any) -> None:
    _world(make_person, 12)
    few = _recompute_queries()
    _world(make_person, 48)
    many = _recompute_queries()
    assert few == many  # the number of queries does not grow with the data
    assert many <= RECOMPUTE_QUERY_BOUND


def test_the_six_facility_indicators_share_three_queries(make_person: Any) -> None:
    _world(make_person, 30)
    keys = [
        "facility_hours_used",
        "facility_hours_other_side",
        "facility_bookings_used",
        "facility_bookings_other_side",
        "facility_other_side_share",
        "facility_users_other_side",
    ]
    as_of = end_of_day(today_hk())
    with CaptureQueriesContext(connection) as ctx, batch():
        for key in keys:
            ind = registry.get(key)
            ind.total(as_of)
            for dim in ind.breakdowns:
                ind.breakdown(as_of, dim)
    # usage groups + their resources; distinct users by resource + their resources; by quarter
    assert len(ctx) <= 5, [q["sql"][:80] for q in ctx.captured_queries]


def test_grouped_facility_figures_equal_one_group_by_per_breakdown(make_person: Any) -> None:
    _world(make_person, 40)
    as_of = end_of_day(today_hk())
    duration: Any = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    for cross in (False, True):
        qs = fs.used_bookings(as_of, cross_only=cross)
        for by in (None, *fs.BOOKING_DIMS):
            assert fs.used_bookings_figure(as_of, by, cross_only=cross) == grouped(
                qs, fs.BOOKING_DIMS, by
            )
            assert fs.used_hours_figure(as_of, by, cross_only=cross) == fs._hours(
                grouped(qs, fs.BOOKING_DIMS, by, value=Sum(duration))
            )
    qs = fs.used_bookings(as_of, cross_only=True)
    for by in (None, *fs.BOOKING_DIMS):
        expected = grouped(qs, fs.BOOKING_DIMS, by, value=Count("booker", distinct=True))
        assert fs.cross_border_users_figure(as_of, by) == expected, by
    assert fs.used_bookings_figure(as_of)[0].value > 0


def test_overview_and_public_page_read_snapshots_in_few_queries(
    make_person: Any, officer: Any
) -> None:
    _world(make_person, 20)
    take_snapshot("test")
    c = Client()
    c.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get("/plan/").status_code == 200
    # session, user, second factor, roles; measures; quarter-end days + their totals
    assert len(ctx) <= 10, [q["sql"][:80] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        r = Client().get("/plan/public/")
    assert r.status_code == 200
    assert len(ctx) <= 8, [q["sql"][:80] for q in ctx.captured_queries]


def test_overview_does_not_recompute_an_indicator_without_snapshot(officer: Any) -> None:
    c = Client()
    c.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        html = c.get("/plan/").content.decode()
    assert "no snapshot yet" in html
    assert not any("facilities_booking" in q["sql"] for q in ctx.captured_queries)
