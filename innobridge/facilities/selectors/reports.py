"""Utilisation reports and weekly series for managers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from .. import availability
from ..models import (
    Booking,
    BookingStatus,
    Facility,
    Resource,
)


@dataclass
class UtilisationRow:
    resource: Resource
    open_hours: float
    booked_hours: float
    used_hours: float
    cross_border_hours: float
    cross_border_used_hours: float = 0.0

    @property
    def utilisation(self) -> float:
        return self.booked_hours / self.open_hours * 100 if self.open_hours else 0.0

    @property
    def cross_border_share(self) -> float:
        return self.cross_border_hours / self.booked_hours * 100 if self.booked_hours else 0.0

    @property
    def cross_border_used_share(self) -> float:
        """Share of hours actually used (usage recorded) by users from the other side."""
        return self.cross_border_used_hours / self.used_hours * 100 if self.used_hours else 0.0


def utilisation(
    facilities: QuerySet[Facility], start: dt.datetime, end: dt.datetime
) -> list[UtilisationRow]:
    """Per resource in [start, end): open hours, hours held by bookings (approved or
    used), hours actually used, and hours booked by users from the other side of the
    boundary (their region differs from the facility's)."""
    rows = []
    resources = (
        Resource.objects.filter(facility__in=facilities)
        .select_related("facility")
        .order_by("facility__name", "name", "id")
    )
    for r in resources:
        open_h = sum(
            (min(e, end) - max(s, start)).total_seconds() / 3600
            for s, e in availability.open_windows(r, start, end)
        )
        booked = used = cross = cross_used = 0.0
        for b in Booking.objects.filter(
            resource=r,
            status__in=(BookingStatus.APPROVED, BookingStatus.USED),
            starts_at__lt=end,
            ends_at__gt=start,
        ):
            h = (min(b.ends_at, end) - max(b.starts_at, start)).total_seconds() / 3600
            other_side = bool(b.booker_region) and b.booker_region != r.facility.region
            booked += h
            if b.status == BookingStatus.USED:
                used += h
                cross_used += h if other_side else 0.0
            if other_side:
                cross += h
        rows.append(
            UtilisationRow(
                r,
                round(open_h, 2),
                round(booked, 2),
                round(used, 2),
                round(cross, 2),
                round(cross_used, 2),
            )
        )
    return rows


def cross_border_share(
    facilities: QuerySet[Facility], start: dt.datetime, end: dt.datetime
) -> float:
    """Share (%) of booked hours at ``facilities`` by users from the other side."""
    rows = utilisation(facilities, start, end)
    booked = sum(r.booked_hours for r in rows)
    cross = sum(r.cross_border_hours for r in rows)
    return round(cross / booked * 100, 1) if booked else 0.0


@dataclass
class WeeklySeries:
    """Per week (Monday) in a period: utilisation per resource, hours booked and hours
    booked by users from the other side of the boundary, summed over the resources."""

    weeks: list[dt.date]
    utilisation: dict[str, list[float]]
    booked_hours: list[float]
    cross_hours: list[float]

    @property
    def cross_share(self) -> list[float]:
        return [
            round(c / b * 100, 1) if b else 0.0
            for b, c in zip(self.booked_hours, self.cross_hours, strict=True)
        ]


def weekly_series(
    facilities: QuerySet[Facility], start: dt.datetime, end: dt.datetime
) -> WeeklySeries:
    """Week-by-week figures for the report charts over [start, end) (weeks start on
    Monday in Hong Kong time; the first and last weeks are cut to the period)."""
    tz = ZoneInfo("Asia/Hong_Kong")
    first = start.astimezone(tz).date()
    first -= dt.timedelta(days=first.weekday())
    weeks: list[dt.date] = []
    day = first
    while dt.datetime.combine(day, dt.time(0), tzinfo=tz) < end:
        weeks.append(day)
        day += dt.timedelta(days=7)
    bounds = [
        (
            max(start, dt.datetime.combine(w, dt.time(0), tzinfo=tz)),
            min(end, dt.datetime.combine(w + dt.timedelta(days=7), dt.time(0), tzinfo=tz)),
        )
        for w in weeks
    ]

    def overlap(s: dt.datetime, e: dt.datetime, a: dt.datetime, b: dt.datetime) -> float:
        return max(0.0, (min(e, b) - max(s, a)).total_seconds() / 3600)

    resources = (
        Resource.objects.filter(facility__in=facilities)
        .select_related("facility")
        .order_by("facility__name", "name", "id")
    )
    util: dict[str, list[float]] = {}
    booked = [0.0] * len(weeks)
    cross = [0.0] * len(weeks)
    for r in resources:
        windows = availability.open_windows(r, start, end)
        bookings = list(
            Booking.objects.filter(
                resource=r,
                status__in=(BookingStatus.APPROVED, BookingStatus.USED),
                starts_at__lt=end,
                ends_at__gt=start,
            ).values_list("starts_at", "ends_at", "booker_region")
        )
        values = []
        for i, (a, b) in enumerate(bounds):
            open_h = sum(overlap(s, e, a, b) for s, e in windows)
            held = 0.0
            for s, e, region in bookings:
                h = overlap(s, e, a, b)
                held += h
                if region and region != r.facility.region:
                    cross[i] += h
            booked[i] += held
            values.append(round(held / open_h * 100, 1) if open_h else 0.0)
        name = r.display_name()
        if name in util:
            name = f"{name} ({r.facility.display_name()})"
        util[name] = values
    return WeeklySeries(weeks, util, [round(x, 2) for x in booked], [round(x, 2) for x in cross])
