"""Reads of the facilities app that depend on who asks or on filters."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.language import fold
from innobridge.core.permissions import Role, has_role
from innobridge.people.models import Organisation

from . import availability
from .db import HOLDING_STATUSES
from .models import (
    Booking,
    BookingStatus,
    CalendarFeed,
    Charge,
    Dispute,
    DisputeStatus,
    Facility,
    MaintenanceBlock,
    Resource,
    Tariff,
)
from .services import booker_info, can_manage

# --- Catalogue ---------------------------------------------------------------


def catalogue(
    *,
    kind: str = "",
    organisation: int | str | None = None,
    city: str = "",
    region: str = "",
    text: str = "",
) -> QuerySet[Resource]:
    """Published resources, filtered (text: every folded word must appear)."""
    qs = Resource.objects.filter(is_active=True, facility__is_active=True).select_related(
        "facility", "facility__organisation"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if organisation:
        qs = qs.filter(facility__organisation_id=organisation)
    if city:
        qs = qs.filter(
            Q(facility__city__iexact=city) | Q(facility__organisation__city__iexact=city)
        )
    if region:
        qs = qs.filter(facility__region=region)
    for term in fold(text).split():
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("facility__name", "name", "id")


def free_in_range(
    resources: QuerySet[Resource] | list[Resource], start: dt.datetime, end: dt.datetime
) -> list[Resource]:
    """Those of ``resources`` with at least one bookable free slot in [start, end)."""
    return [r for r in resources if availability.free_intervals(r, start, end)]


@dataclass
class FreeRow:
    """One resource's free, bookable intervals in a period (local to the resource)."""

    resource: Resource
    slots: list[tuple[dt.datetime, dt.datetime]]

    @property
    def hours(self) -> float:
        return round(sum((e - s).total_seconds() for s, e in self.slots) / 3600, 2)

    @property
    def offers(self) -> list[dict[str, Any]]:
        """Each free interval with the booking it suggests: from its start, as long as
        the resource allows — within that day (ending at midnight at the latest) unless
        the resource takes bookings longer than a day (then with an end date)."""
        out = []
        longest = dt.timedelta(minutes=self.resource.max_duration_minutes)
        multi_day = self.resource.max_duration_minutes > 24 * 60
        for s, e in self.slots:
            midnight = dt.datetime.combine(s.date() + dt.timedelta(days=1), dt.time(0), s.tzinfo)
            until = min(e, s + longest) if multi_day else min(e, s + longest, midnight)
            end_date = until.date().isoformat() if multi_day and until > midnight else ""
            out.append(
                {
                    "start": s,
                    "end": e,
                    "date": s.date().isoformat(),
                    "from": s.strftime("%H:%M"),
                    "until": until.strftime("%H:%M"),
                    "end_date": end_date,
                    "same_day": e.date() == s.date(),
                }
            )
        return out


def free_slots(
    resources: QuerySet[Resource] | list[Resource],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
) -> list[FreeRow]:
    """What is free between ``start`` and ``end`` across several resources (each one's
    opening hours, holidays, maintenance, bookings, lead time, grid and minimum
    duration). Who holds the busy time is never part of the answer."""
    resources = list(resources)
    free = availability.free_slots_many(resources, start, end, now=now)
    out = []
    for r in resources:
        tz = ZoneInfo(r.timezone)
        out.append(
            FreeRow(r, [(s.astimezone(tz), e.astimezone(tz)) for s, e in free.get(r.pk, [])])
        )
    return out


def catalogue_filters() -> dict[str, Any]:
    facilities = Facility.objects.filter(is_active=True).select_related("organisation")
    orgs = {f.organisation_id: f.organisation for f in facilities}
    cities = sorted({f.city for f in facilities if f.city})
    return {
        "organisations": sorted(orgs.values(), key=lambda o: o.name),
        "cities": cities,
    }


def tariffs_for_viewer(resource: Resource, viewer: Any) -> dict[str, Any]:
    """The viewer's category and tariff, and all tariffs (shown to everyone: prices are
    public, the viewer's own is highlighted)."""
    info = booker_info(viewer, resource.facility)
    tariffs = list(Tariff.objects.filter(resource=resource).order_by("category"))
    mine = next((t for t in tariffs if t.category == info.category), None)
    return {"info": info, "tariffs": tariffs, "mine": mine}


# --- Calendars ---------------------------------------------------------------


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
    manager = can_manage(viewer, resource.facility)
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


# --- Bookings by viewer ------------------------------------------------------


def my_bookings(user: Any) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(booker=user)
        .select_related("resource", "resource__facility")
        .order_by("-starts_at", "-id")
    )


@dataclass
class MyBookings:
    """A booker's bookings by where they stand, each list newest first (pending and
    upcoming soonest first)."""

    pending: list[Booking]  # requested, waiting for a manager
    upcoming: list[Booking]  # approved and not yet over
    declined: list[Booking]  # rejected (with the reason) or cancelled
    past: list[Booking]  # used, no-show, or approved and over

    @property
    def count(self) -> int:
        return len(self.pending) + len(self.upcoming) + len(self.declined) + len(self.past)


def my_bookings_by_state(
    user: Any, *, now: dt.datetime | None = None, limit: int = 200
) -> MyBookings:
    now = now or timezone.now()
    out = MyBookings([], [], [], [])
    for b in my_bookings(user).select_related("decided_by")[:limit]:
        if b.status == BookingStatus.REQUESTED:
            out.pending.append(b)
        elif b.status == BookingStatus.APPROVED and b.ends_at > now:
            out.upcoming.append(b)
        elif b.status in (BookingStatus.REJECTED, BookingStatus.CANCELLED):
            out.declined.append(b)
        else:
            out.past.append(b)
    out.pending.reverse()
    out.upcoming.reverse()
    return out


def calendar_feed_of(user: Any) -> CalendarFeed | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return CalendarFeed.objects.filter(person=user).first()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The subscription whose secret is ``token`` (None: unknown, revoked, or its owner's
    account is closed)."""
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        return None
    return feed


FEED_PAST_DAYS = 180


def feed_bookings(person: Any) -> QuerySet[Booking]:
    """What a person's own feed shows: their requests and bookings (not rejected or
    cancelled ones) from the last six months on."""
    return my_bookings(person).filter(
        status__in=(BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.USED),
        ends_at__gte=timezone.now() - dt.timedelta(days=FEED_PAST_DAYS),
    )


def resource_busy_bookings(resource: Resource) -> QuerySet[Booking]:
    """What a resource's public feed shows (as busy blocks only): its slots held or used
    from 30 days ago on."""
    return Booking.objects.filter(
        resource=resource,
        status__in=(BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.USED),
        ends_at__gte=timezone.now() - dt.timedelta(days=30),
    ).order_by("starts_at", "id")


def visible_booking(user: Any, pk: int) -> Booking | None:
    b = Booking.objects.select_related("resource__facility", "booker").filter(pk=pk).first()
    if b is None:
        return None
    if b.booker_id == getattr(user, "pk", None) or can_manage(user, b.resource.facility):
        return b
    return None


def managed_facilities(user: Any) -> QuerySet[Facility]:
    if not getattr(user, "is_authenticated", False):
        return Facility.objects.none()
    if has_role(user, Role.ADMINISTRATOR):
        return Facility.objects.all()
    if not has_role(user, Role.FACILITY_MANAGER):
        return Facility.objects.none()
    return Facility.objects.filter(managers=user)


def manager_queue(user: Any) -> dict[str, Any]:
    facilities = managed_facilities(user)
    base = Booking.objects.filter(resource__facility__in=facilities).select_related(
        "resource", "booker", "organisation"
    )
    now = timezone.now()
    return {
        "facilities": facilities,
        "requests": base.filter(status=BookingStatus.REQUESTED).order_by("starts_at", "id"),
        "to_record": base.filter(status=BookingStatus.APPROVED, starts_at__lte=now).order_by(
            "starts_at", "id"
        ),
        "upcoming": base.filter(status=BookingStatus.APPROVED, starts_at__gt=now).order_by(
            "starts_at", "id"
        )[:50],
        "disputes": Dispute.objects.filter(
            charge__booking__resource__facility__in=facilities, status=DisputeStatus.OPEN
        )
        .select_related("charge", "charge__booking__resource", "raised_by")
        .order_by("created_at", "id"),
    }


# --- Statements --------------------------------------------------------------


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """'2026-05' → (2026-05-01, 2026-06-01); raises ValueError on bad input."""
    first = dt.datetime.strptime(month, "%Y-%m").date().replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


@dataclass
class Indicative:
    """The statement's total in the organisation's home currency: indicative only (the
    charges stay payable in their own currencies), at the newest rate on ``on``."""

    currency: str
    amount: Decimal
    on: dt.date
    rate_dates: dict[str, dt.date]  # currency → the date of the rate used


@dataclass
class Statement:
    title: str
    month: str
    charges: list[Charge]
    totals: dict[str, Decimal]
    home_currency: str = ""
    indicative: Indicative | None = None
    missing_rates: list[str] = field(default_factory=list)


HOME_CURRENCY = {"HK": "HKD", "CN": "CNY"}


def home_currency(organisation: Organisation | None) -> str:
    """An organisation's home currency from its region (HKD in Hong Kong, CNY on the
    Mainland; empty where we do not know one)."""
    return HOME_CURRENCY.get(getattr(organisation, "region", "") or "", "")


def _rate_date(base: str, quote: str, on: dt.date) -> dt.date | None:
    from innobridge.core.models import ExchangeRate

    dates = ExchangeRate.objects.filter(
        Q(base=base, quote=quote) | Q(base=quote, quote=base), valid_from__lte=on
    ).values_list("valid_from", flat=True)
    return max(dates, default=None)


def with_indicative(statement: Statement, currency: str) -> Statement:
    """Add the indicative total in ``currency`` at the rates in force on the month's
    last day (or today, for the current month); currencies without a rate are listed
    in ``missing_rates`` and then no indicative total is given."""
    from innobridge.core.money import Money, NoRateError, convert

    statement.home_currency = currency
    if not currency or not statement.totals:
        return statement
    if set(statement.totals) == {currency}:
        return statement  # nothing to convert
    _first, nxt = month_range(statement.month)
    on = min(nxt - dt.timedelta(days=1), timezone.localdate())
    total = Decimal(0)
    dates: dict[str, dt.date] = {}
    for cur, amount in statement.totals.items():
        try:
            total += convert(Money(amount, cur), currency, on).amount
        except NoRateError:
            statement.missing_rates.append(cur)
            continue
        if cur != currency:
            rate_day = _rate_date(cur, currency, on)
            if rate_day is not None:
                dates[cur] = rate_day
    if not statement.missing_rates:
        statement.indicative = Indicative(currency, total, on, dates)
    return statement


def user_statement(user: Any, month: str) -> Statement:
    first, nxt = month_range(month)
    charges = list(
        Charge.objects.filter(payer=user, incurred_on__gte=first, incurred_on__lt=nxt)
        .select_related("booking__resource__facility")
        .order_by("incurred_on", "id")
    )
    statement = Statement(str(user), month, charges, _totals(charges))
    profile = getattr(user, "researcher_profile", None)
    org = getattr(profile, "organisation", None) if profile is not None else None
    return with_indicative(statement, home_currency(org))


def organisation_statement(viewer: Any, organisation: Organisation, month: str) -> Statement:
    """Charges to members of ``organisation`` in ``month``: all of them for an
    administrator, those at the viewer's facilities for a manager, nothing otherwise."""
    first, nxt = month_range(month)
    qs = Charge.objects.filter(
        organisation=organisation, incurred_on__gte=first, incurred_on__lt=nxt
    ).select_related("booking__resource__facility", "payer")
    if not has_role(viewer, Role.ADMINISTRATOR):
        qs = qs.filter(booking__resource__facility__in=managed_facilities(viewer))
    charges = list(qs.order_by("incurred_on", "id"))
    statement = Statement(organisation.name, month, charges, _totals(charges))
    return with_indicative(statement, home_currency(organisation))


def _totals(charges: list[Charge]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for c in charges:
        totals[c.currency] += c.amount
    return dict(sorted(totals.items()))


STATEMENT_COLUMNS = [
    "date",
    "facility",
    "resource",
    "payer",
    "kind",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "currency",
    "status",
]


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(STATEMENT_COLUMNS)
    for c in statement.charges:
        r = c.booking.resource
        w.writerow(
            [
                c.incurred_on.isoformat(),
                r.facility.name,
                r.name,
                str(c.payer),
                c.kind,
                c.quantity,
                c.unit,
                c.unit_price,
                c.amount,
                c.currency,
                c.status,
            ]
        )
    for cur, total in statement.totals.items():
        w.writerow(["total", "", "", "", "", "", "", "", total, cur, ""])
    ind = statement.indicative
    if ind is not None:
        rates = "; ".join(f"{c} {d.isoformat()}" for c, d in ind.rate_dates.items())
        w.writerow(
            [
                "indicative_total",
                ind.on.isoformat(),
                rates,
                "",
                "",
                "",
                "",
                "",
                ind.amount,
                ind.currency,
                "",
            ]
        )
    return out.getvalue()


# --- Reports -----------------------------------------------------------------


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


def usage_to_record(user: Any) -> QuerySet[Booking]:
    """Approved bookings that have started, at the facilities ``user`` manages."""
    return (
        Booking.objects.filter(
            resource__facility__in=managed_facilities(user),
            status=BookingStatus.APPROVED,
            starts_at__lte=timezone.now(),
        )
        .select_related("resource", "booker")
        .order_by("starts_at", "id")
    )
