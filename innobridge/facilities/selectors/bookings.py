"""Bookings by viewer: mine, visible ones, calendar feeds, the manager's queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from innobridge.core.permissions import Role, can_act_as

from ..models import (
    Booking,
    BookingStatus,
    CalendarFeed,
    Dispute,
    DisputeStatus,
    Facility,
    Resource,
)
from ..permissions import can_manage_facility


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


def my_open_bookings(user: Any, *, now: dt.datetime | None = None, limit: int = 8) -> list[Booking]:
    """The booker's requests waiting for a manager, then their approved bookings not yet
    over, each soonest first — the first ``limit`` of them, in one read (the home page's
    panel; :func:`my_bookings_by_state` splits all of them)."""
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Booking.objects.filter(booker=user)
        .filter(
            Q(status=BookingStatus.REQUESTED) | Q(status=BookingStatus.APPROVED, ends_at__gt=now)
        )
        .select_related("resource")
        .only("id", "status", "starts_at", "resource__id", "resource__name", "resource__name_zh")
        # requests first: of the two statuses read, "requested" sorts after "approved" in
        # every collation (a plain ordering, which the compiler remembers, where a Case
        # expression was compiled afresh on every home page; issue #17)
        .order_by("-status", "starts_at", "id")[:limit]
    )


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
    if b.booker_id == getattr(user, "pk", None) or can_manage_facility(user, b.resource.facility):
        return b
    return None


def managed_facilities(user: Any) -> QuerySet[Facility]:
    if not getattr(user, "is_authenticated", False):
        return Facility.objects.none()
    if can_act_as(user, Role.ADMINISTRATOR):
        return Facility.objects.all()
    if not can_act_as(user, Role.FACILITY_MANAGER):
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
