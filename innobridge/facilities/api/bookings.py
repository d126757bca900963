"""Bookings: create, list, read, manager decisions, usage, disputes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth as _auth

from .. import selectors, services
from ..forms import PURPOSE_MAX
from ..models import Booking, Charge, Dispute, Resource, UsageRecord
from ..services import MAX_SAMPLES
from ..workflow import booking_actions
from .common import _aware, _call, router, utc

INT_MIN = -(2**31)  # the smallest integer the database stores


class BookingIn(Schema):
    resource_id: int
    start: Annotated[dt.datetime, FromModel(Booking, "starts_at")]
    end: Annotated[dt.datetime, FromModel(Booking, "ends_at")]
    samples: Annotated[int, FromModel(Booking, "samples", le=MAX_SAMPLES)] = 0
    purpose: Annotated[str, FromModel(Booking, "purpose", max_length=PURPOSE_MAX)] = ""
    confirmed_price: Annotated[Decimal, FromModel(Booking, "price")] | None = None


class BookingOut(Schema):
    id: int
    resource_id: int
    start: dt.datetime
    end: dt.datetime
    status: str
    category: str
    unit: str
    unit_price: Decimal
    quantity: Decimal
    price: Decimal
    currency: str
    cancellation_window_hours: int
    late_cancellation_fee_percent: int
    no_show_fee_percent: int
    cancellation_fee_now: Decimal
    rejection_reason: str
    actions: list[str] = Field(
        description="What the signed-in user may do to this booking now (the booking "
        "transition table, facilities/workflow.py): approve, reject, cancel, usage, no_show."
    )


def _booking_out(b: Booking, user: Any) -> dict[str, Any]:
    return {
        "id": b.pk,
        "resource_id": b.resource_id,
        "start": utc(b.starts_at),
        "end": utc(b.ends_at),
        "status": b.status,
        "category": b.category,
        "unit": b.unit,
        "unit_price": b.unit_price,
        "quantity": b.quantity,
        "price": b.price,
        "currency": b.currency,
        "cancellation_window_hours": b.cancellation_window_hours,
        "late_cancellation_fee_percent": b.late_cancellation_fee_percent,
        "no_show_fee_percent": b.no_show_fee_percent,
        "cancellation_fee_now": services.late_cancellation_fee(b),
        "rejection_reason": b.rejection_reason,
        "actions": booking_actions(user, b),
    }


@router.post("/bookings", response={201: BookingOut}, auth=_auth)
def create_booking(request: HttpRequest, data: BookingIn) -> Status:
    r = get_object_or_404(Resource, pk=data.resource_id, is_active=True)
    b = _call(
        services.request_booking,
        request.user,
        r,
        _aware(data.start, "start"),
        _aware(data.end, "end"),
        samples=data.samples,
        purpose=data.purpose,
        confirmed_price=data.confirmed_price,
    )
    return Status(201, _booking_out(b, request.user))


@router.get("/bookings", response=list[BookingOut], auth=_auth)
def list_bookings(request: HttpRequest) -> list[dict[str, Any]]:
    """The signed-in user's own bookings."""
    return [_booking_out(b, request.user) for b in selectors.my_bookings(request.user)[:500]]


def _visible(request: HttpRequest, booking_id: int) -> Booking:
    b = selectors.visible_booking(request.user, booking_id)
    if b is None:
        raise HttpError(404, _("Not found."))
    return b


@router.get("/bookings/{booking_id}", response=BookingOut, auth=_auth)
def get_booking(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    """One booking (its booker and the facility's managers only)."""
    return _booking_out(_visible(request, booking_id), request.user)


@router.post("/bookings/{booking_id}/no_show", response=BookingOut, auth=_auth)
def no_show(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    """A manager marks an approved booking that has started as a no-show (the tariff's
    no-show fee, frozen on the booking, is charged)."""
    b = _call(services.mark_no_show, request.user, _visible(request, booking_id))
    return _booking_out(b, request.user)


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, auth=_auth)
def cancel(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    b = _call(services.cancel_booking, request.user, _visible(request, booking_id))
    return _booking_out(b, request.user)


@router.post("/bookings/{booking_id}/approve", response=BookingOut, auth=_auth)
def approve(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    b = _call(services.approve_booking, request.user, _visible(request, booking_id))
    return _booking_out(b, request.user)


class RejectIn(Schema):
    reason: Annotated[str, FromModel(Booking, "rejection_reason", max_length=PURPOSE_MAX)]


@router.post("/bookings/{booking_id}/reject", response=BookingOut, auth=_auth)
def reject(request: HttpRequest, booking_id: int, data: RejectIn) -> dict[str, Any]:
    b = _visible(request, booking_id)
    return _booking_out(_call(services.reject_booking, request.user, b, data.reason), request.user)


class UsageIn(Schema):
    started_at: Annotated[dt.datetime, FromModel(UsageRecord, "started_at")]
    ended_at: Annotated[dt.datetime, FromModel(UsageRecord, "ended_at")]
    # Bounded to the database's integer range here; 0..MAX_SAMPLES is the service's rule
    # (its 422 names the field in the one-line message clients already read).
    samples: Annotated[int, FromModel(UsageRecord, "samples", ge=INT_MIN)] = 0
    notes: Annotated[str, FromModel(UsageRecord, "notes", max_length=PURPOSE_MAX)] = ""


class ChargeOut(Schema):
    id: int
    booking_id: int
    kind: str
    incurred_on: dt.date
    quantity: Decimal
    unit: str
    amount: Decimal
    currency: str
    status: str


def _charge_out(c: Charge) -> dict[str, Any]:
    return {
        "id": c.pk,
        "booking_id": c.booking_id,
        "kind": c.kind,
        "incurred_on": c.incurred_on,
        "quantity": c.quantity,
        "unit": c.unit,
        "amount": c.amount,
        "currency": c.currency,
        "status": c.status,
    }


@router.post("/bookings/{booking_id}/usage", response={201: ChargeOut}, auth=_auth)
def usage(request: HttpRequest, booking_id: int, data: UsageIn) -> Status:
    b = _visible(request, booking_id)
    c = _call(
        services.record_usage,
        request.user,
        b,
        started_at=_aware(data.started_at, "started_at"),
        ended_at=_aware(data.ended_at, "ended_at"),
        samples=data.samples,
        notes=data.notes,
    )
    return Status(201, _charge_out(c))


class DisputeIn(Schema):
    reason: Annotated[str, FromModel(Dispute, "reason", max_length=PURPOSE_MAX)]


class DisputeOut(Schema):
    id: int
    status: str


@router.post("/charges/{charge_id}/dispute", response={201: DisputeOut}, auth=_auth)
def dispute(request: HttpRequest, charge_id: int, data: DisputeIn) -> Status:
    c = Charge.objects.filter(pk=charge_id, payer_id=request.user.pk).first()
    if c is None:
        raise HttpError(404, _("Not found."))
    d = _call(services.raise_dispute, request.user, c, data.reason)
    return Status(201, {"id": d.pk, "status": d.status})


class ResolveIn(Schema):
    upheld: bool
    resolution: Annotated[str, FromModel(Dispute, "resolution", max_length=PURPOSE_MAX)]
    new_amount: Annotated[Decimal, FromModel(Charge, "amount")] | None = None


class DisputeResolvedOut(Schema):
    id: int
    status: str
    amount: Decimal


@router.post("/disputes/{dispute_id}/resolve", response=DisputeResolvedOut, auth=_auth)
def resolve(request: HttpRequest, dispute_id: int, data: ResolveIn) -> dict[str, Any]:
    d = (
        Dispute.objects.select_related("charge__booking__resource__facility")
        .filter(pk=dispute_id)
        .first()
    )
    if d is None:
        raise HttpError(404, _("Not found."))
    d = _call(
        services.resolve_dispute,
        request.user,
        d,
        upheld=data.upheld,
        resolution=data.resolution,
        new_amount=data.new_amount,
    )
    return {"id": d.pk, "status": d.status, "amount": d.charge.amount}
