"""Figures for the Action Plan dashboard (``plan``): hours used at the facilities, by
users from the other side of the boundary, and who they are. Each takes the moment
``as_of`` (bookings ending after it are left out) and an optional breakdown ``by``; it
returns rows of (key, label, value), one row with an empty key for the total. Computed in
the database (one GROUP BY), the same rule as ``utilisation``: a user is from the other
side when the region recorded with the booking differs from the facility's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncQuarter

from innobridge.core.figures import HK, Dim, Row, grouped, memoised, quarter_key, region_label

from ..models import Booking, BookingStatus, Resource, ResourceKind

SECONDS_PER_HOUR = Decimal(3600)
CENT = Decimal("0.01")


def resource_kind_label(key: str) -> str:
    return str(dict(ResourceKind.choices).get(key, key))


BOOKING_DIMS = {
    "region": Dim("booker_region", label=region_label),
    "institution": Dim(
        "resource__facility__organisation_id", label_field="resource__facility__organisation__name"
    ),
    "city": Dim("resource__facility__city"),
    "kind": Dim("resource__kind", label=resource_kind_label),
    "quarter": Dim("starts_at", quarter=True),
}


def used_bookings(
    as_of: dt.datetime, *, cross_only: bool = False, regions: list[str] | None = None
) -> QuerySet[Booking]:
    """Bookings used (usage recorded) that ended by ``as_of``; ``cross_only``: only those
    of users from the other side; ``regions``: only those of users from these regions."""
    qs = Booking.objects.filter(status=BookingStatus.USED, ends_at__lte=as_of)
    if regions is not None:
        qs = qs.filter(booker_region__in=regions)
    if cross_only:
        qs = qs.exclude(booker_region="").exclude(booker_region=F("resource__facility__region"))
    return qs


def _hours(rows: list[Row]) -> list[Row]:
    return [
        Row(
            r.key,
            r.label,
            None
            if r.value is None
            else (r.value / SECONDS_PER_HOUR).quantize(CENT, rounding=ROUND_HALF_UP),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class _Place:
    """What a resource gives a booking's breakdown keys: its facility's institution, city
    and region, and its kind."""

    institution: str
    institution_label: str
    city: str
    region: str
    kind: str


@dataclass(frozen=True)
class _Usage:
    """Used bookings of one resource by users of one region in one quarter."""

    place: _Place
    region: str
    quarter: str
    bookings: int
    seconds: Decimal

    @property
    def cross(self) -> bool:
        return self.region != "" and self.region != self.place.region


def _places(ids: set[int]) -> dict[int, _Place]:
    rows = Resource.objects.filter(pk__in=ids).values_list(
        "pk",
        "facility__organisation_id",
        "facility__organisation__name",
        "facility__city",
        "facility__region",
        "kind",
    )
    return {
        pk: _Place(
            "" if org is None else str(org), str(name or ""), city or "", region or "", kind or ""
        )
        for pk, org, name, city, region, kind in rows
    }


def _seconds(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, dt.timedelta):
        return Decimal(str(value.total_seconds()))
    return Decimal(str(value))


@memoised
def _usage(as_of: dt.datetime) -> list[_Usage]:
    """The used bookings that ended by ``as_of`` in one GROUP BY (resource, user's
    region, quarter of the start): every count and sum of the hours and bookings
    figures, in total and by each breakdown, adds up from these groups."""
    duration: Any = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    rows = list(
        used_bookings(as_of)
        .annotate(_q=TruncQuarter("starts_at", tzinfo=HK))
        .values("resource_id", "booker_region", "_q")
        .annotate(n=Count("pk"), s=Sum(duration))
        .order_by()
    )
    places = _places({r["resource_id"] for r in rows})
    out = []
    for r in rows:
        q = r["_q"]
        day = q.date() if isinstance(q, dt.datetime) else q
        out.append(
            _Usage(
                places[r["resource_id"]],
                r["booker_region"] or "",
                "" if day is None else quarter_key(day),
                int(r["n"]),
                _seconds(r["s"]),
            )
        )
    return out


def _cell(u: _Usage, by: str) -> tuple[str, str]:
    """The key and label of the breakdown cell ``by`` a group of bookings falls in (as
    ``grouped`` labels them with ``BOOKING_DIMS``)."""
    if by == "region":
        return u.region, region_label(u.region) if u.region else ""
    if by == "institution":
        return u.place.institution, u.place.institution_label
    if by == "city":
        return u.place.city, u.place.city
    if by == "kind":
        return u.place.kind, resource_kind_label(u.place.kind) if u.place.kind else ""
    if by == "quarter":
        return u.quarter, u.quarter
    raise KeyError(by)


def _roll_up(groups: list[_Usage], by: str | None, value: Callable[[_Usage], Decimal]) -> list[Row]:
    """The total or one breakdown of ``value`` over the groups, as ``grouped`` gives it."""
    if by is None:
        return [Row("", "", sum((value(u) for u in groups), Decimal(0)))]
    cells: dict[str, tuple[str, Decimal]] = {}
    for u in groups:
        key, label = _cell(u, by)
        if by == "quarter" and not key:
            continue
        prev = cells.get(key)
        cells[key] = (label, (prev[1] if prev else Decimal(0)) + value(u))
    rows = [Row(k, lbl, v) for k, (lbl, v) in cells.items()]
    if by == "quarter":
        return sorted(rows, key=lambda row: row.key)
    rows.sort(key=lambda row: (-(row.value or 0), row.label, row.key))
    return rows


def _groups(as_of: dt.datetime, cross_only: bool) -> list[_Usage]:
    groups = _usage(as_of)
    return [u for u in groups if u.cross] if cross_only else groups


def used_hours_figure(
    as_of: dt.datetime, by: str | None = None, *, cross_only: bool = False
) -> list[Row]:
    """Hours of used bookings (their booked times, as ``utilisation`` counts them)."""
    if by is not None and by not in BOOKING_DIMS:
        raise KeyError(by)
    return _hours(_roll_up(_groups(as_of, cross_only), by, lambda u: u.seconds))


def used_bookings_figure(
    as_of: dt.datetime,
    by: str | None = None,
    *,
    cross_only: bool = False,
    regions: list[str] | None = None,
) -> list[Row]:
    """Number of used bookings that ended by ``as_of``."""
    if regions is not None:
        qs = used_bookings(as_of, cross_only=cross_only, regions=regions)
        return grouped(qs, BOOKING_DIMS, by)
    if by is not None and by not in BOOKING_DIMS:
        raise KeyError(by)
    return _roll_up(_groups(as_of, cross_only), by, lambda u: Decimal(u.bookings))


@memoised
def _cross_users(as_of: dt.datetime) -> tuple[list[tuple[int, str, _Place]], list[tuple[int, str]]]:
    """Who from the other side used what: the distinct (user, user's region, resource)
    and the distinct (user, quarter) of their used bookings — two queries from which the
    distinct users of every breakdown are counted."""
    qs = used_bookings(as_of, cross_only=True)
    by_resource = list(
        qs.values_list("booker_id", "booker_region", "resource_id").distinct().order_by()
    )
    places = _places({r for _, _, r in by_resource})
    by_quarter = []
    for booker, q in (
        qs.annotate(_q=TruncQuarter("starts_at", tzinfo=HK))
        .values_list("booker_id", "_q")
        .distinct()
        .order_by()
    ):
        if q is not None:
            day = q.date() if isinstance(q, dt.datetime) else q
            by_quarter.append((booker, quarter_key(day)))
    return [(b, reg or "", places[r]) for b, reg, r in by_resource], by_quarter


def cross_border_users_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Distinct users from the other side with a used booking that ended by ``as_of``."""
    if by is not None and by not in BOOKING_DIMS:
        raise KeyError(by)
    by_resource, by_quarter = _cross_users(as_of)
    if by is None:
        return [Row("", "", Decimal(len({b for b, _, _ in by_resource})))]
    people: dict[str, set[int]] = defaultdict(set)
    labels: dict[str, str] = {}
    if by == "quarter":
        for booker, q in by_quarter:
            people[q].add(booker)
        return [Row(q, q, Decimal(len(people[q]))) for q in sorted(people)]
    for booker, region, place in by_resource:
        key, label = _cell(_Usage(place, region, "", 0, Decimal(0)), by)
        people[key].add(booker)
        labels[key] = label
    rows = [Row(k, labels[k], Decimal(len(v))) for k, v in people.items()]
    rows.sort(key=lambda row: (-(row.value or 0), row.label, row.key))
    return rows


def bookable_resources_figure(by: str | None = None) -> list[Row]:
    """Resources bookable now (published, at a published facility): a current state."""
    qs = Resource.objects.filter(is_active=True, facility__is_active=True)
    dims = {
        "region": Dim("facility__region", label=region_label),
        "institution": Dim("facility__organisation_id", label_field="facility__organisation__name"),
        "city": Dim("facility__city"),
        "kind": Dim("kind", label=resource_kind_label),
    }
    return grouped(qs, dims, by)
