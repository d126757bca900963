"""Booking: check a request, request, approve, reject, cancel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.people.models import Person

from .. import availability, notifications
from ..audit import FacilitiesAction
from ..db import HOLDING_STATUSES, is_deadlock, is_overlap_error
from ..models import (
    Booking,
    BookingStatus,
    ChargeKind,
    MaintenanceBlock,
    Resource,
    TrainingCertificate,
)
from ..permissions import can_manage_facility, require_cancel_booking, require_manage_facility
from ..workflow import BOOKING_FLOW, BookingAction
from .charges import late_cancellation_fee, make_charge
from .prices import Quote, booker_info, quote
from .quotas import quota_hours


class BookingConflict(ValidationError):
    """The slot is taken (by the check or by the database's overlap guard)."""


def _certificate_ok(person: Any, resource: Resource, day: dt.date) -> bool:
    cert = TrainingCertificate.objects.filter(person=person, resource=resource).first()
    return cert is not None and cert.valid_on(day)


def _month_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(moment)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


def _quota_problem(person: Any, resource: Resource, start: dt.datetime, end: dt.datetime) -> str:
    limit = quota_hours(person, resource)
    if limit is None:
        return ""
    first, nxt = _month_bounds(start)
    taken = Decimal(0)
    for s, e in Booking.objects.filter(
        resource=resource,
        booker=person,
        status__in=HOLDING_STATUSES,
        starts_at__gte=first,
        starts_at__lt=nxt,
    ).values_list("starts_at", "ends_at"):
        taken += Decimal((e - s).total_seconds()) / 3600
    wanted = Decimal((end - start).total_seconds()) / 3600
    if taken + wanted > limit:
        return _(
            "Over your quota: %(quota)d hours a month on this resource, "
            "%(taken)s already booked this month."
        ) % {"quota": limit, "taken": f"{taken:.1f}"}
    return ""


MAX_SAMPLES = 10000


def check_samples(samples: int) -> None:
    if not 0 <= samples <= MAX_SAMPLES:
        raise ValidationError(
            {
                "samples": _("The number of samples must be between 0 and %(max)d.")
                % {"max": MAX_SAMPLES}
            }
        )


def check_request(
    person: Any,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    samples: int = 0,
    *,
    now: dt.datetime | None = None,
) -> Quote:
    """Validate a booking request without writing anything; returns its price quote.
    Raises ValidationError with every problem found."""
    problems: list[str] = []
    if not resource.is_active or not resource.facility.is_active:
        raise ValidationError(_("This resource is not taking bookings."))
    check_samples(samples)
    q = quote(person, resource, start, end, samples)
    slot = availability.slot_problems(resource, start, end, now=now)
    if availability.overlap_message() in slot:
        raise BookingConflict(slot)
    problems.extend(slot)
    if resource.training_required and not _certificate_ok(
        person, resource, timezone.localdate(start)
    ):
        problems.append(
            _("This resource needs a training certificate; ask the facility for training.")
        )
    quota = _quota_problem(person, resource, start, end)
    if quota:
        problems.append(quota)
    if problems:
        raise ValidationError(problems)
    return q


def lock_resource(resource: Resource) -> None:
    """Requests for one resource queue up on its row (always after the booker's row, so
    the two locks are taken in one order): the check below then sees every earlier
    request, and concurrent INSERTs never wait on each other inside the exclusion
    constraint (where PostgreSQL can only break the tie with a deadlock error)."""
    Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk").first()


def _slot_taken(resource: Resource, start: dt.datetime, end: dt.datetime) -> bool:
    """The application's own overlap check (a courtesy: it gives the clear message
    early; the database's overlap guard is what makes double booking impossible)."""
    return Booking.objects.filter(
        resource=resource, status__in=HOLDING_STATUSES, starts_at__lt=end, ends_at__gt=start
    ).exists()


def request_booking(
    actor: Any,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    samples: int = 0,
    purpose: str = "",
    confirmed_price: Decimal | str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book ``resource`` for [start, end). The price is frozen on the booking. If
    ``confirmed_price`` is given (the price the user saw on the confirmation step) and the
    price is no longer the same, nothing is booked. Resources without approval are
    approved at once. Never double-books: on a race the database refuses the loser and
    this raises ``BookingConflict``."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to book."))
    q = check_request(actor, resource, start, end, samples, now=now)
    try:
        seen = Decimal(str(confirmed_price)) if confirmed_price is not None else None
    except InvalidOperation:
        seen = Decimal(-1)  # unreadable: treat as a price that no longer holds
    if seen is not None and seen != q.price:
        raise ValidationError(
            _("The price has changed to %(currency)s %(price)s; please confirm again.")
            % {"currency": q.currency, "price": q.price}
        )
    info = booker_info(actor, resource.facility)
    try:
        with transaction.atomic():
            # One booker at a time (quota), one resource at a time (overlap; the database
            # constraint or SQLite's write lock make the check and insert indivisible).
            Person.objects.select_for_update().filter(pk=actor.pk).first()
            lock_resource(resource)
            if _slot_taken(resource, start, end):
                raise BookingConflict(availability.overlap_message())
            if MaintenanceBlock.objects.filter(
                resource=resource, starts_at__lt=end, ends_at__gt=start
            ).exists():
                # Added by a manager since the checks above.
                raise ValidationError(_("The resource is under maintenance at that time."))
            quota = _quota_problem(actor, resource, start, end)
            if quota:
                raise ValidationError(quota)
            booking = Booking.objects.create(
                resource=resource,
                booker=actor,
                organisation=info.organisation,
                booker_region=info.region,
                category=q.category,
                starts_at=start,
                ends_at=end,
                samples=samples,
                purpose=purpose.strip(),
                status=(
                    BookingStatus.REQUESTED
                    if resource.approval_required
                    else BookingStatus.APPROVED
                ),
                unit=q.unit,
                unit_price=q.unit_price,
                quantity=q.quantity,
                price=q.price,
                currency=q.currency,
                cancellation_window_hours=q.tariff.cancellation_window_hours,
                late_cancellation_fee_percent=q.tariff.late_cancellation_fee_percent,
                no_show_fee_percent=q.tariff.no_show_fee_percent,
                decided_at=None if resource.approval_required else timezone.now(),
            )
            record_event(
                actor, FacilitiesAction.BOOKING_REQUESTED, booking, after=snapshot(booking)
            )
            notifications.request_needs_approval(booking)  # sent on commit
    except IntegrityError as exc:
        if is_overlap_error(exc):
            raise BookingConflict(availability.overlap_message()) from exc
        raise
    except OperationalError as exc:
        if is_deadlock(exc):
            raise BookingConflict(availability.overlap_message()) from exc
        raise
    return booking


def move_booking(
    actor: Any, booking: Booking, action: str, audit_action: str, **changes: Any
) -> Booking:
    """Take ``action`` on ``booking`` by the transition table (``workflow.BOOKING_FLOW``):
    the row is locked, the table checked against the locked state, the state and
    ``changes`` saved and the audit event written in one transaction."""
    try:
        apply_transition(actor, booking, BOOKING_FLOW, action, audit_action=audit_action, **changes)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        booking.refresh_from_db(fields=["status"])
        raise ValidationError(
            _("This booking is %(status)s; it cannot be changed that way.")
            % {"status": booking.get_status_display()}
        ) from exc
    return booking


def approve_booking(actor: Any, booking: Booking) -> Booking:
    """Approve a request; the booker is told by e-mail once this commits."""
    require_manage_facility(actor, booking.resource.facility)
    with transaction.atomic():
        booking = move_booking(
            actor,
            booking,
            BookingAction.APPROVE,
            FacilitiesAction.BOOKING_APPROVED,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        notifications.booking_decided(booking)
    return booking


def reject_booking(actor: Any, booking: Booking, reason: str) -> Booking:
    """Reject a request with a reason; the booker is told (with the reason) by e-mail
    once this commits."""
    require_manage_facility(actor, booking.resource.facility)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the requester a reason for the rejection.")})
    with transaction.atomic():
        booking = move_booking(
            actor,
            booking,
            BookingAction.REJECT,
            FacilitiesAction.BOOKING_REJECTED,
            decided_by=actor,
            decided_at=timezone.now(),
            rejection_reason=reason.strip(),
        )
        notifications.booking_decided(booking)
    return booking


def cancel_booking(actor: Any, booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    """The booker (or a manager) cancels before the start. Inside the cancellation
    window an approved booking costs the tariff's late-cancellation fee. When a manager
    cancels someone else's booking there is no fee and the booker is told by e-mail."""
    now = now or timezone.now()
    require_cancel_booking(actor, booking)
    is_manager = can_manage_facility(actor, booking.resource.facility)
    if booking.starts_at <= now:
        raise ValidationError(_("This booking has already started; it can no longer be cancelled."))
    fee = (
        Decimal(0)
        if is_manager and actor.pk != booking.booker_id
        else late_cancellation_fee(booking, now)
    )
    with transaction.atomic():
        booking = move_booking(
            actor,
            booking,
            BookingAction.CANCEL,
            FacilitiesAction.BOOKING_CANCELLED,
            cancelled_at=now,
        )
        if actor.pk != booking.booker_id:
            notifications.booking_cancelled_by_facility(booking)  # sent on commit
        else:
            notifications.booking_cancelled_by_booker(booking)  # sent on commit
        if fee > 0:
            charge = make_charge(
                booking,
                ChargeKind.LATE_CANCELLATION,
                Decimal(1),
                fee,
                gettext_noop("Late cancellation: %(resource)s"),
            )
            record_event(actor, FacilitiesAction.CHARGE_CREATED, charge, after=snapshot(charge))
    return booking
