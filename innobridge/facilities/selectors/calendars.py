"""Calendars: busy blocks, a resource's week, my week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .. import availability
from ..db import HOLDING_STATUSES
from ..models import (
    Booking,
    BookingStatus,
    MaintenanceBlock,
    Resource,
)
from ..permissions import can_manage_facility


@dataclass
class Block:
    start: dt.datetime
    end: dt.datetime
    label: str
    kind: str  # mine | busy | booking (manager view) | maintenance
    booking_id: int | None = None
    top: float = 0.0
    height: float = 0.0


@dataclass
class DayColumn:
    date: dt.date
    note: str
    open_spans: list[tuple[dt.datetime, dt.datetime]]
    blocks: list[Block] = field(default_factory=list)
    open_css: list[tuple[float, float]] = field(default_factory=list)


def busy_blocks(
    resource: Resource, start: dt.datetime, end: dt.datetime, viewer: Any
) -> list[Block]:
    """Busy times of ``resource`` overlapping [start, end), as ``viewer`` may see them:
    other people's bookings are just "busy" (never whose), the viewer's own are
    "mine", a manager of the facility sees each booking; maintenance blocks too."""
    manager = can_manage_facility(viewer, resource.facility)
    uid = getattr(viewer, "pk", None) if getattr(viewer, "is_authenticated", False) else None
    bookings = Booking.objects.filter(
        resource=resource, status__in=HOLDING_STATUSES, starts_at__lt=end, ends_at__gt=start
    ).select_related("booker")
    blocks: list[Block] = []
    for b in bookings:
        if uid is not None and b.booker_id == uid:
            blocks.append(
                Block(
                    b.starts_at,
                    b.ends_at,
                    _("Your booking (%(status)s)") % {"status": b.get_status_display()},
                    "mine",
                    b.pk,
                )
            )
        elif manager:
            blocks.append(
                Block(
                    b.starts_at,
                    b.ends_at,
                    f"{b.booker} · {b.get_status_display()}",
                    "booking",
                    b.pk,
                )
            )
        else:
            blocks.append(Block(b.starts_at, b.ends_at, _("Busy"), "busy"))
    for m in MaintenanceBlock.objects.filter(
        resource=resource, starts_at__lt=end, ends_at__gt=start
    ):
        blocks.append(Block(m.starts_at, m.ends_at, _("Maintenance"), "maintenance"))
    blocks.sort(key=lambda b: (b.start, b.end))
    return blocks


def week_calendar(resource: Resource, week_start: dt.date, viewer: Any) -> list[DayColumn]:
    """Seven days from ``week_start``: opening spans and busy blocks. Other people's
    bookings are just "busy"; the viewer's own show as theirs; managers see who."""
    tz = ZoneInfo(resource.timezone)
    start = dt.datetime.combine(week_start, dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=7)
    days = []
    for i in range(7):
        day = week_start + dt.timedelta(days=i)
        days.append(
            DayColumn(
                day,
                availability.describe_day(resource, day),
                availability.opening_intervals(resource, day),
            )
        )
    blocks = busy_blocks(resource, start, end, viewer)
    for col in days:
        d0 = dt.datetime.combine(col.date, dt.time(0), tzinfo=tz)
        d1 = d0 + dt.timedelta(days=1)
        for s, e in col.open_spans:
            col.open_css.append(_pct(s, e, d0))
        for blk in blocks:
            if blk.start < d1 and blk.end > d0:
                s, e = max(blk.start, d0), min(blk.end, d1)
                top, height = _pct(s, e, d0)
                col.blocks.append(
                    Block(
                        s.astimezone(tz),
                        e.astimezone(tz),
                        blk.label,
                        blk.kind,
                        blk.booking_id,
                        top,
                        height,
                    )
                )
        col.blocks.sort(key=lambda b: b.start)
    return days


def _pct(s: dt.datetime, e: dt.datetime, d0: dt.datetime) -> tuple[float, float]:
    day = 86400.0
    top = (s - d0).total_seconds() / day * 100
    return round(top, 3), round((e - s).total_seconds() / day * 100, 3)


def my_week_calendar(user: Any, week_start: dt.date) -> list[DayColumn]:
    """The user's own bookings (every resource) on a seven-day grid in Hong Kong time."""
    tz = ZoneInfo("Asia/Hong_Kong")
    start = dt.datetime.combine(week_start, dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=7)
    days = [DayColumn(week_start + dt.timedelta(days=i), "", []) for i in range(7)]
    if not getattr(user, "is_authenticated", False):
        return days
    bookings = (
        Booking.objects.filter(booker=user, starts_at__lt=end, ends_at__gt=start)
        .exclude(status__in=(BookingStatus.CANCELLED, BookingStatus.REJECTED))
        .select_related("resource")
        .order_by("starts_at", "id")
    )
    for col in days:
        d0 = dt.datetime.combine(col.date, dt.time(0), tzinfo=tz)
        d1 = d0 + dt.timedelta(days=1)
        for b in bookings:
            if b.starts_at < d1 and b.ends_at > d0:
                s, e = max(b.starts_at, d0), min(b.ends_at, d1)
                top, height = _pct(s, e, d0)
                label = f"{b.resource.display_name()} ({b.get_status_display()})"
                col.blocks.append(
                    Block(s.astimezone(tz), e.astimezone(tz), label, "mine", b.pk, top, height)
                )
    return days
