"""When a resource is open and free: opening hours per weekday, public holidays of the
resource's region (Hong Kong or Mainland, the latter with its make-up working days, from
the maintained ``holidays`` package), maintenance blocks, bookings that hold a slot,
the time grid, minimum/maximum duration, lead time and how far ahead one may book.

All datetimes handled here are timezone-aware; days and opening hours are taken in the
resource's own time zone (Asia/Hong_Kong by default)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone
from django.utils.translation import gettext as _

from .db import HOLDING_STATUSES
from .models import Booking, HolidayCalendar, MaintenanceBlock, Resource

Interval = tuple[dt.datetime, dt.datetime]

_SUBSTITUTE_RE = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@dataclass(frozen=True)
class DayCalendar:
    """What the holiday calendar says about one day."""

    holiday: str  # the holiday's name, "" when none
    makeup_for: dt.date | None  # a Mainland make-up working day: the weekday it stands for


@lru_cache(maxsize=64)
def _calendar(code: str, year: int) -> Any:
    if code == HolidayCalendar.HONG_KONG:
        return holidays.country_holidays("HK", years=year, language="en_US")
    if code == HolidayCalendar.MAINLAND:
        return holidays.country_holidays("CN", years=year, language="en_US")
    return None


@lru_cache(maxsize=64)
def _makeup_days(code: str, year: int) -> dict[dt.date, dt.date]:
    """Mainland make-up working days (weekend days worked) → the weekday given off for
    them, read from the calendar's own "Day off (substituted from MM/DD/YYYY)" entries."""
    cal = _calendar(code, year)
    if cal is None or code != HolidayCalendar.MAINLAND:
        return {}
    out: dict[dt.date, dt.date] = {}
    for other_year in (year - 1, year, year + 1):
        for day, name in _calendar(code, other_year).items():
            for match in _SUBSTITUTE_RE.finditer(str(name)):
                month, dom, y = (int(g) for g in match.groups())
                worked = dt.date(y, month, dom)
                if worked.year == year:
                    out[worked] = day
    for worked in getattr(cal, "weekend_workdays", set()):
        if worked.year == year:
            out.setdefault(worked, worked - dt.timedelta(days=worked.weekday() - 4))
    return out


def day_calendar(code: str, day: dt.date) -> DayCalendar:
    cal = _calendar(code, day.year)
    if cal is None:
        return DayCalendar("", None)
    name = cal.get(day)
    makeup = _makeup_days(code, day.year).get(day)
    return DayCalendar(str(name) if name else "", makeup)


_HM = re.compile(r"([0-9]{1,2}):([0-5][0-9])")


def parse_hm(value: str) -> dt.timedelta:
    """A time of day as "HH:MM" (ASCII digits, minutes 00–59; "24:00" ends a day):
    ValueError for anything else — "09:75", "+9:00", "12:5" or other scripts' digits,
    which ``int()`` would otherwise read."""
    match = _HM.fullmatch(value)
    if match is None:
        raise ValueError(value)
    return dt.timedelta(hours=int(match[1]), minutes=int(match[2]))


def _stored_hm(value: str) -> dt.timedelta:
    """A stored time of day, read as it was accepted: hours taken before :func:`parse_hm`
    was strict (e.g. "09:75", read as 10:15) keep their meaning."""
    hours, minutes = value.split(":")
    return dt.timedelta(hours=int(hours), minutes=int(minutes))


def validate_opening_hours(data: Any) -> list[str]:
    """Problems in an opening-hours mapping (empty list: fine)."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return [_("Opening hours must map weekdays to lists of intervals.")]
    for key, spans in data.items():
        if str(key) not in {str(d) for d in range(7)}:
            problems.append(
                _("Unknown weekday “%(day)s” (use 0 for Monday … 6 for Sunday).") % {"day": key}
            )
            continue
        for span in spans or []:
            try:
                start, end = parse_hm(span[0]), parse_hm(span[1])
            except (ValueError, TypeError, IndexError):
                problems.append(
                    _('“%(span)s” is not an interval like ["09:00", "18:00"].') % {"span": span}
                )
                continue
            if not (dt.timedelta(0) <= start < end <= dt.timedelta(hours=24)):
                problems.append(
                    _("“%(span)s” does not run forward within one day.") % {"span": span}
                )
    return problems


def opening_intervals(resource: Resource, day: dt.date) -> list[Interval]:
    """The resource's open intervals on ``day`` (its local date), as aware datetimes."""
    tz = ZoneInfo(resource.timezone)
    info = day_calendar(resource.holiday_calendar, day)
    if info.holiday:
        return []
    weekday = day.weekday()
    hours = resource.opening_hours or {}
    spans = hours.get(str(weekday)) or []
    if info.makeup_for is not None and not spans:
        # A Mainland make-up working day: open with the hours of the day it replaces
        # (or of the first weekday with hours).
        spans = hours.get(str(info.makeup_for.weekday())) or next(
            (hours.get(str(d)) for d in range(5) if hours.get(str(d))), []
        )
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    out: list[Interval] = []
    for start, end in spans:
        s = midnight + _stored_hm(start)
        e = midnight + _stored_hm(end)
        # Wall-clock arithmetic across a DST change is not an issue for HK/CN (no DST).
        out.append((s, e))
    return sorted(out)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _subtract(free: list[Interval], busy: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in free:
        cursor = s
        for bs, be in busy:
            if be <= cursor or bs >= e:
                continue
            if bs > cursor:
                out.append((cursor, bs))
            cursor = max(cursor, be)
            if cursor >= e:
                break
        if cursor < e:
            out.append((cursor, e))
    return out


def open_windows(resource: Resource, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """Opening intervals overlapping [start, end), merged across midnight, not clipped."""
    tz = ZoneInfo(resource.timezone)
    first = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date()
    spans: list[Interval] = []
    day = first
    while day <= last:
        spans.extend(opening_intervals(resource, day))
        day += dt.timedelta(days=1)
    return [(s, e) for s, e in _merge(spans) if s < end and e > start]


def busy_intervals(
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    exclude_booking: int | None = None,
) -> tuple[list[Interval], list[Interval]]:
    """(bookings holding a slot, maintenance blocks) overlapping [start, end)."""
    bookings = Booking.objects.filter(
        resource=resource, status__in=HOLDING_STATUSES, starts_at__lt=end, ends_at__gt=start
    )
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking)
    maint = MaintenanceBlock.objects.filter(resource=resource, starts_at__lt=end, ends_at__gt=start)
    return (
        sorted(bookings.values_list("starts_at", "ends_at")),
        sorted(maint.values_list("starts_at", "ends_at")),
    )


def _grid_ceil(resource: Resource, moment: dt.datetime) -> dt.datetime:
    tz = ZoneInfo(resource.timezone)
    local = moment.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    step = dt.timedelta(minutes=resource.granularity_minutes)
    steps = -(-(local - midnight) // step)
    return midnight + steps * step


def _grid_floor(resource: Resource, moment: dt.datetime) -> dt.datetime:
    tz = ZoneInfo(resource.timezone)
    local = moment.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    step = dt.timedelta(minutes=resource.granularity_minutes)
    return midnight + ((local - midnight) // step) * step


def on_grid(resource: Resource, moment: dt.datetime) -> bool:
    return _grid_floor(resource, moment) == moment


def bookable_window(resource: Resource, now: dt.datetime | None = None) -> Interval:
    """The earliest start and latest end the lead time and horizon allow."""
    now = now or timezone.now()
    return (
        now + dt.timedelta(hours=resource.lead_time_hours),
        now + dt.timedelta(days=resource.max_advance_days),
    )


def free_intervals(
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
) -> list[Interval]:
    """Free, bookable intervals of ``resource`` within [start, end): open, not a holiday,
    no maintenance, no booking holding the slot, within lead time and horizon, on the time
    grid, each at least the minimum duration long."""
    earliest, latest = bookable_window(resource, now)
    lo, hi = max(start, earliest), min(end, latest)
    if lo >= hi:
        return []
    windows = [(max(s, lo), min(e, hi)) for s, e in open_windows(resource, lo, hi)]
    bookings, maint = busy_intervals(resource, lo, hi)
    free = _subtract(windows, _merge([*bookings, *maint]))
    minimum = dt.timedelta(minutes=resource.min_duration_minutes)
    out: list[Interval] = []
    for s, e in free:
        s2, e2 = _grid_ceil(resource, s), _grid_floor(resource, e)
        if e2 - s2 >= minimum:
            out.append((s2, e2))
    return out


def slot_problems(
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
    check_bookings: bool = True,
) -> list[str]:
    """Every reason the slot [start, end) cannot be booked, as user-facing messages
    (empty: the slot is fine)."""
    now = now or timezone.now()
    problems: list[str] = []
    if timezone.is_naive(start) or timezone.is_naive(end):
        return [_("Times must carry a time zone.")]
    if end <= start:
        return [_("The end must be after the start.")]
    if start < now:
        return [_("This time is in the past.")]
    earliest, latest = bookable_window(resource, now)
    if start < earliest:
        problems.append(
            _("This resource must be booked at least %(hours)d hours ahead.")
            % {"hours": resource.lead_time_hours}
        )
    if end > latest:
        problems.append(
            _("This resource can be booked at most %(days)d days ahead.")
            % {"days": resource.max_advance_days}
        )
    if not (on_grid(resource, start) and on_grid(resource, end)):
        problems.append(
            _("Start and end must fall on the %(minutes)d-minute grid (e.g. 09:00, 09:%(step)02d).")
            % {"minutes": resource.granularity_minutes, "step": resource.granularity_minutes % 60}
        )
    minutes = (end - start).total_seconds() / 60
    if minutes < resource.min_duration_minutes:
        problems.append(
            _("Too short: the shortest booking is %(minutes)d minutes.")
            % {"minutes": resource.min_duration_minutes}
        )
    if minutes > resource.max_duration_minutes:
        problems.append(
            _("Too long: the longest booking is %(minutes)d minutes.")
            % {"minutes": resource.max_duration_minutes}
        )
    if not any(s <= start and end <= e for s, e in open_windows(resource, start, end)):
        tz = ZoneInfo(resource.timezone)
        holiday_names = sorted(
            {
                info.holiday
                for info in (
                    day_calendar(resource.holiday_calendar, d)
                    for d in {start.astimezone(tz).date(), end.astimezone(tz).date()}
                )
                if info.holiday
            }
        )
        if holiday_names:
            problems.append(
                _("The resource is closed on that public holiday (%(name)s).")
                % {"name": ", ".join(holiday_names)}
            )
        else:
            problems.append(_("The resource is not open for the whole of that time."))
    bookings, maint = busy_intervals(resource, start, end)
    if maint:
        problems.append(_("The resource is under maintenance at that time."))
    if check_bookings and bookings:
        problems.append(overlap_message())
    return problems


def overlap_message() -> str:
    return _("That time is already booked by someone else. Please choose another slot.")


def describe_day(resource: Resource, day: dt.date) -> str:
    info = day_calendar(resource.holiday_calendar, day)
    if info.holiday:
        return info.holiday
    if info.makeup_for is not None:
        return _("Make-up working day")
    return ""


def free_slots_many(
    resources: Sequence[Resource],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
) -> dict[int, list[Interval]]:
    """What is free between A and B, for several resources at once."""
    return {r.pk: free_intervals(r, start, end, now=now) for r in resources}
