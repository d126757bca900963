"""Charges: fees and usage lines written on a booking."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import (
    Booking,
    BookingStatus,
    Charge,
    ChargeKind,
    ChargeUnit,
)
from .prices import CENT


def fee_for(booking: Booking, percent: int) -> Decimal:
    return (booking.price * Decimal(percent) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def late_cancellation_fee(booking: Booking, now: dt.datetime | None = None) -> Decimal:
    """The fee if ``booking`` were cancelled at ``now`` (0 inside the free window or for
    a request not yet approved)."""
    now = now or timezone.now()
    if booking.status != BookingStatus.APPROVED:
        return Decimal(0)
    if now <= booking.starts_at - dt.timedelta(hours=booking.cancellation_window_hours):
        return Decimal(0)
    return fee_for(booking, booking.late_cancellation_fee_percent)


def make_charge(
    booking: Booking, kind: str, quantity: Decimal, amount: Decimal, message: str
) -> Charge:
    """``message`` is untranslated (gettext_noop) with %(resource)s: the description is
    written in the payer's language, whoever records the charge. Every line adds up:
    usage is ``quantity`` of the booking's unit at its frozen unit price; a fee (late
    cancellation, no-show) is one flat fee whose unit price is the fee."""
    with translation.override(booking.booker.preferred_language or settings.LANGUAGE_CODE):
        text = _(message) % {"resource": booking.resource.name}
    return Charge.objects.create(
        booking=booking,
        payer=booking.booker,
        organisation=booking.organisation,
        kind=kind,
        incurred_on=timezone.localdate(booking.starts_at),
        description=text[:300],
        quantity=quantity if kind == ChargeKind.USAGE else Decimal(1),
        unit=booking.unit if kind == ChargeKind.USAGE else ChargeUnit.FEE,
        unit_price=booking.unit_price if kind == ChargeKind.USAGE else amount,
        amount=amount,
        currency=booking.currency,
    )
