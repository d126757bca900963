"""Usage: what was actually used, one booking or many at once, and no-shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.services import record_event, snapshot

from ..audit import FacilitiesAction
from ..models import (
    Booking,
    Charge,
    ChargeKind,
    TariffUnit,
    UsageRecord,
)
from ..permissions import require_manage_facility
from ..workflow import BookingAction
from .bookings import check_samples, move_booking
from .charges import fee_for, make_charge
from .prices import CENT


def record_usage(
    actor: Any,
    booking: Booking,
    *,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    samples: int = 0,
    notes: str = "",
    now: dt.datetime | None = None,
) -> Charge:
    """A manager records what was actually used; the booking becomes used and a charge
    at the frozen unit price is created (hours on the resource's time grid, rounded up,
    or samples)."""
    require_manage_facility(actor, booking.resource.facility)
    now = now or timezone.now()
    if ended_at <= started_at:
        raise ValidationError({"ended_at": _("The end must be after the start.")})
    if started_at > now:
        raise ValidationError({"started_at": _("Usage cannot be recorded for the future.")})
    check_samples(samples)
    if booking.unit == TariffUnit.SAMPLE and samples < 1:
        raise ValidationError({"samples": _("Give the number of samples measured.")})
    if booking.unit == TariffUnit.HOUR:
        step = booking.resource.granularity_minutes
        minutes = (ended_at - started_at).total_seconds() / 60
        billed_minutes = -(-int(minutes) // step) * step
        qty = (Decimal(billed_minutes) / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        qty = Decimal(samples)
    amount = (booking.unit_price * qty).quantize(CENT, rounding=ROUND_HALF_UP)
    with transaction.atomic():
        booking = move_booking(
            actor,
            booking,
            BookingAction.RECORD_USAGE,
            FacilitiesAction.BOOKING_USED,
        )
        usage = UsageRecord.objects.create(
            booking=booking,
            started_at=started_at,
            ended_at=ended_at,
            samples=samples,
            notes=notes.strip(),
            recorded_by=actor,
        )
        record_event(actor, FacilitiesAction.USAGE_RECORDED, usage, after=snapshot(usage))
        charge = make_charge(
            booking,
            ChargeKind.USAGE,
            qty,
            amount,
            gettext_noop("Use of %(resource)s"),
        )
        record_event(actor, FacilitiesAction.CHARGE_CREATED, charge, after=snapshot(charge))
    return charge


def mark_no_show(actor: Any, booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    require_manage_facility(actor, booking.resource.facility)
    now = now or timezone.now()
    if booking.starts_at > now:
        raise ValidationError(_("A booking can be marked as a no-show only after it starts."))
    fee = fee_for(booking, booking.no_show_fee_percent)
    with transaction.atomic():
        booking = move_booking(
            actor,
            booking,
            BookingAction.MARK_NO_SHOW,
            FacilitiesAction.BOOKING_MARKED_NO_SHOW,
        )
        if fee > 0:
            charge = make_charge(
                booking,
                ChargeKind.NO_SHOW,
                Decimal(1),
                fee,
                gettext_noop("No-show: %(resource)s"),
            )
            record_event(actor, FacilitiesAction.CHARGE_CREATED, charge, after=snapshot(charge))
    return booking


@dataclass(frozen=True)
class UsageEntry:
    booking: Booking
    started_at: dt.datetime
    ended_at: dt.datetime
    samples: int = 0
    notes: str = ""


def record_usage_bulk(
    actor: Any, entries: list[UsageEntry], *, now: dt.datetime | None = None
) -> list[Charge]:
    """Record several bookings' usage at once, all or nothing: when any entry is refused
    nothing is recorded, and the error names each refused booking (keyed by its id)."""
    if not entries:
        raise ValidationError(_("Tick at least one booking to record."))
    for entry in entries:
        require_manage_facility(actor, entry.booking.resource.facility)
    errors: dict[str, list[str]] = {}
    charges: list[Charge] = []
    with transaction.atomic():
        for entry in entries:
            try:
                charges.append(
                    record_usage(
                        actor,
                        entry.booking,
                        started_at=entry.started_at,
                        ended_at=entry.ended_at,
                        samples=entry.samples,
                        notes=entry.notes,
                        now=now,
                    )
                )
            except ValidationError as exc:
                errors[str(entry.booking.pk)] = exc.messages
        if errors:
            raise ValidationError(errors)
    return charges
