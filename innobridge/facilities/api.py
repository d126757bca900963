"""The facilities API (mounted at /api/facilities/): catalogue and need search,
availability, tariff quotes, bookings (create, list, cancel), manager decisions, usage,
disputes and statements. Errors: 400/422 with the rule's message, 403 without the right,
404 unknown, 409 when the slot is taken."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from innobridge.people.auth import api_auth as _auth

from . import availability, matching, selectors, services
from .models import Booking, Charge, Dispute, Resource

router = Router(tags=["facilities"])


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a service; its errors become HTTP errors with the same messages."""
    try:
        return fn(*args, **kwargs)
    except services.BookingConflict as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("You do not have permission to do this.")) from exc


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if timezone.is_naive(value):
        raise HttpError(
            422,
            _("%(field)s: give a time zone (e.g. 2026-05-04T10:00:00+08:00).") % {"field": field},
        )
    return value


class ResourceOut(Schema):
    id: int
    name: str
    name_zh: str
    kind: str
    facility: str
    organisation: str
    region: str
    city: str
    techniques: list[str]
    specifications: dict[str, Any]
    training_required: bool
    approval_required: bool
    score: float | None = None


def _resource_out(r: Resource, score: float | None = None) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "name_zh": r.name_zh,
        "kind": r.kind,
        "facility": r.facility.name,
        "organisation": r.facility.organisation.name,
        "region": r.facility.region,
        "city": r.facility.city,
        "techniques": list(r.techniques or []),
        "specifications": dict(r.specifications or {}),
        "training_required": r.training_required,
        "approval_required": r.approval_required,
        "score": score,
    }


class CatalogueQuery(Schema):
    need: str = ""
    kind: str = ""
    region: str = ""
    organisation: int | None = None
    city: str = ""


@router.get("/resources", response=list[ResourceOut])
def list_resources(request: HttpRequest, filters: Query[CatalogueQuery]) -> list[dict[str, Any]]:
    """The catalogue with filters; ``need`` ranks by the matching engine (any language)."""
    qs = selectors.catalogue(
        kind=filters.kind,
        organisation=filters.organisation,
        city=filters.city,
        region=filters.region,
    )
    if filters.need.strip():
        by_id = {r.pk: r for r in qs}
        hits = matching.search_need(filters.need, top_k=50)
        return [
            _resource_out(by_id[h.resource_id], h.score) for h in hits if h.resource_id in by_id
        ]
    return [_resource_out(r) for r in qs[:200]]


@router.get("/resources/{resource_id}", response=ResourceOut)
def get_resource(request: HttpRequest, resource_id: int) -> dict[str, Any]:
    return _resource_out(get_object_or_404(Resource, pk=resource_id, is_active=True))


class Slot(Schema):
    start: dt.datetime
    end: dt.datetime


class AvailabilityOut(Schema):
    resource_id: int
    free: list[Slot]


@router.get("/availability", response=list[AvailabilityOut])
def get_availability(
    request: HttpRequest, resource_ids: str, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """What is free between ``start`` and ``end`` for several resources
    (``resource_ids=1,2,3``; at most 31 days)."""
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start or end - start > dt.timedelta(days=31):
        raise HttpError(422, _("end must be after start, at most 31 days later."))
    try:
        ids = [int(x) for x in resource_ids.split(",") if x.strip()]
    except ValueError as exc:
        raise HttpError(422, _("resource_ids: comma-separated numbers.")) from exc
    resources = list(Resource.objects.filter(pk__in=ids[:50], is_active=True).order_by("id"))
    free = availability.free_slots_many(resources, start, end)
    return [
        {"resource_id": pk, "free": [{"start": s, "end": e} for s, e in spans]}
        for pk, spans in free.items()
    ]


class QuoteOut(Schema):
    category: str
    unit: str
    unit_price: Decimal
    quantity: Decimal
    price: Decimal
    currency: str
    cancellation_window_hours: int
    late_cancellation_fee_percent: int
    no_show_fee_percent: int


@router.get("/resources/{resource_id}/quote", response=QuoteOut, auth=_auth)
def get_quote(
    request: HttpRequest, resource_id: int, start: dt.datetime, end: dt.datetime, samples: int = 0
) -> dict[str, Any]:
    """The price for the signed-in user's category, with every rule checked."""
    r = get_object_or_404(Resource, pk=resource_id, is_active=True)
    q = _call(
        services.check_request, request.user, r, _aware(start, "start"), _aware(end, "end"), samples
    )
    return q.as_dict()


class BookingIn(Schema):
    resource_id: int
    start: dt.datetime
    end: dt.datetime
    samples: int = 0
    purpose: str = ""
    confirmed_price: Decimal | None = None


class BookingOut(Schema):
    id: int
    resource_id: int
    start: dt.datetime
    end: dt.datetime
    status: str
    category: str
    price: Decimal
    currency: str
    rejection_reason: str


def _booking_out(b: Booking) -> dict[str, Any]:
    return {
        "id": b.pk,
        "resource_id": b.resource_id,
        "start": b.starts_at,
        "end": b.ends_at,
        "status": b.status,
        "category": b.category,
        "price": b.price,
        "currency": b.currency,
        "rejection_reason": b.rejection_reason,
    }


@router.post("/bookings", response={201: BookingOut}, auth=_auth)
def create_booking(request: HttpRequest, data: BookingIn) -> tuple[int, dict[str, Any]]:
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
    return 201, _booking_out(b)


@router.get("/bookings", response=list[BookingOut], auth=_auth)
def list_bookings(request: HttpRequest) -> list[dict[str, Any]]:
    """The signed-in user's own bookings."""
    return [_booking_out(b) for b in selectors.my_bookings(request.user)[:500]]


def _visible(request: HttpRequest, booking_id: int) -> Booking:
    b = selectors.visible_booking(request.user, booking_id)
    if b is None:
        raise HttpError(404, _("Not found."))
    return b


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, auth=_auth)
def cancel(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    return _booking_out(_call(services.cancel_booking, request.user, _visible(request, booking_id)))


@router.post("/bookings/{booking_id}/approve", response=BookingOut, auth=_auth)
def approve(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    return _booking_out(
        _call(services.approve_booking, request.user, _visible(request, booking_id))
    )


class RejectIn(Schema):
    reason: str


@router.post("/bookings/{booking_id}/reject", response=BookingOut, auth=_auth)
def reject(request: HttpRequest, booking_id: int, data: RejectIn) -> dict[str, Any]:
    b = _visible(request, booking_id)
    return _booking_out(_call(services.reject_booking, request.user, b, data.reason))


class UsageIn(Schema):
    started_at: dt.datetime
    ended_at: dt.datetime
    samples: int = 0
    notes: str = ""


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
def usage(request: HttpRequest, booking_id: int, data: UsageIn) -> tuple[int, dict[str, Any]]:
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
    return 201, _charge_out(c)


class DisputeIn(Schema):
    reason: str


@router.post("/charges/{charge_id}/dispute", response={201: dict}, auth=_auth)
def dispute(request: HttpRequest, charge_id: int, data: DisputeIn) -> tuple[int, dict[str, Any]]:
    c = Charge.objects.filter(pk=charge_id, payer_id=request.user.pk).first()
    if c is None:
        raise HttpError(404, _("Not found."))
    d = _call(services.raise_dispute, request.user, c, data.reason)
    return 201, {"id": d.pk, "status": d.status}


class ResolveIn(Schema):
    upheld: bool
    resolution: str
    new_amount: Decimal | None = None


@router.post("/disputes/{dispute_id}/resolve", response=dict, auth=_auth)
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
    return {"id": d.pk, "status": d.status, "amount": str(d.charge.amount)}


class StatementOut(Schema):
    month: str
    charges: list[ChargeOut]
    totals: dict[str, Decimal]


@router.get("/statements", response=StatementOut, auth=_auth)
def statement(request: HttpRequest, month: str, format: str = "json") -> Any:
    """The signed-in user's statement for ``month`` (YYYY-MM); ``format=csv`` for CSV."""
    try:
        st = selectors.user_statement(request.user, month)
    except ValueError as exc:
        raise HttpError(422, _("month: use YYYY-MM.")) from exc
    if format == "csv":
        return HttpResponse(selectors.statement_csv(st), content_type="text/csv; charset=utf-8")
    return {"month": st.month, "charges": [_charge_out(c) for c in st.charges], "totals": st.totals}
