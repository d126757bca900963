"""The facilities API (mounted at /api/facilities/): catalogue and need search,
availability, tariff quotes, bookings (create, list, cancel), manager decisions, usage,
disputes and statements. Errors: 400/422 with the rule's message, 403 without the right,
404 unknown, 409 when the slot is taken."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from innobridge.people.auth import api_auth as _auth
from innobridge.people.models import Organisation

from . import availability, matching, selectors, services
from .exports import statement_pdf
from .models import Booking, Charge, Dispute, Facility, Resource, Tariff

router = Router(tags=["facilities"])


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a service; its errors become HTTP errors with the same messages."""
    try:
        return fn(*args, **kwargs)
    except services.BookingConflict as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    except ValidationError as exc:
        raise HttpError(422, _messages(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("You do not have permission to do this.")) from exc


def _messages(exc: ValidationError) -> str:
    """A service's ValidationError as one line; field errors name their field."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for key, msgs in exc.message_dict.items():
        for m in msgs:
            parts.append(m if key == NON_FIELD_ERRORS else f"{key}: {m}")
    return " ".join(parts)


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
    free_from: dt.datetime | None = None
    free_to: dt.datetime | None = None


@router.get("/resources", response=list[ResourceOut])
def list_resources(request: HttpRequest, filters: Query[CatalogueQuery]) -> list[dict[str, Any]]:
    """The catalogue with filters; ``need`` ranks by the matching engine (any language);
    ``free_from``/``free_to`` (with a time zone, at most 31 days apart) keep the
    resources with at least one bookable free slot in that period."""
    qs = selectors.catalogue(
        kind=filters.kind,
        organisation=filters.organisation,
        city=filters.city,
        region=filters.region,
    )
    scored: list[tuple[Resource, float | None]]
    if filters.need.strip():
        by_id = {r.pk: r for r in qs}
        hits = matching.search_need(
            filters.need,
            top_k=50,
            kind=filters.kind,
            region=filters.region,
            organisation=str(filters.organisation or ""),
        )
        scored = [(by_id[h.resource_id], h.score) for h in hits if h.resource_id in by_id]
    else:
        scored = [(r, None) for r in qs[:200]]
    if filters.free_from or filters.free_to:
        if not (filters.free_from and filters.free_to):
            raise HttpError(422, _("Give both free_from and free_to."))
        a, b = _aware(filters.free_from, "free_from"), _aware(filters.free_to, "free_to")
        if b <= a or b - a > dt.timedelta(days=31):
            raise HttpError(422, _("free_to must be after free_from, at most 31 days later."))
        keep = {r.pk for r in selectors.free_in_range([r for r, _s in scored], a, b)}
        scored = [(r, score) for r, score in scored if r.pk in keep]
    return [_resource_out(r, score) for r, score in scored]


class TariffOut(Schema):
    category: str
    unit: str
    price: Decimal
    currency: str
    cancellation_window_hours: int
    late_cancellation_fee_percent: int
    no_show_fee_percent: int


class ResourceDetailOut(ResourceOut):
    facility_id: int
    description: str
    description_zh: str
    manufacturer: str
    granularity_minutes: int
    min_duration_minutes: int
    max_duration_minutes: int
    lead_time_hours: int
    max_advance_days: int
    opening_hours: dict[str, list[list[str]]]
    holiday_calendar: str
    monthly_quota_hours: int | None
    allowed_categories: list[str]
    tariffs: list[TariffOut]
    my_category: str | None = None


@router.get("/resources/{resource_id}", response=ResourceDetailOut)
def get_resource(request: HttpRequest, resource_id: int) -> dict[str, Any]:
    """One resource with its booking rules and every tariff (``my_category``: the
    signed-in caller's user category here, which picks their tariff)."""
    r = get_object_or_404(
        Resource.objects.select_related("facility__organisation"), pk=resource_id, is_active=True
    )
    return _resource_detail(request, r)


def _resource_detail(request: HttpRequest, r: Resource) -> dict[str, Any]:
    info = services.booker_info(request.user, r.facility)
    return {
        **_resource_out(r),
        "facility_id": r.facility_id,
        "description": r.description,
        "description_zh": r.description_zh,
        "manufacturer": r.manufacturer,
        "granularity_minutes": r.granularity_minutes,
        "min_duration_minutes": r.min_duration_minutes,
        "max_duration_minutes": r.max_duration_minutes,
        "lead_time_hours": r.lead_time_hours,
        "max_advance_days": r.max_advance_days,
        "opening_hours": r.opening_hours or {},
        "holiday_calendar": r.holiday_calendar,
        "monthly_quota_hours": r.monthly_quota_hours,
        "allowed_categories": list(r.allowed_categories or []),
        "tariffs": [_tariff_out(t) for t in r.tariffs.order_by("category")],
        "my_category": info.category,
    }


def _tariff_out(t: Tariff) -> dict[str, Any]:
    return {
        "category": t.category,
        "unit": t.unit,
        "price": t.price,
        "currency": t.currency,
        "cancellation_window_hours": t.cancellation_window_hours,
        "late_cancellation_fee_percent": t.late_cancellation_fee_percent,
        "no_show_fee_percent": t.no_show_fee_percent,
    }


class FacilityOut(Schema):
    id: int
    name: str
    name_zh: str
    organisation: str
    organisation_id: int
    region: str
    city: str
    location: str
    contact_email: str
    contact_phone: str
    website: str
    description: str
    description_zh: str
    resource_ids: list[int]


def _facility_out(f: Facility) -> dict[str, Any]:
    return {
        "id": f.pk,
        "name": f.name,
        "name_zh": f.name_zh,
        "organisation": f.organisation.name,
        "organisation_id": f.organisation_id,
        "region": f.region,
        "city": f.city,
        "location": f.location,
        "contact_email": f.contact_email,
        "contact_phone": f.contact_phone,
        "website": f.website,
        "description": f.description,
        "description_zh": f.description_zh,
        "resource_ids": sorted(r.pk for r in f.resources.all() if r.is_active),
    }


@router.get("/facilities", response=list[FacilityOut])
def list_facilities(request: HttpRequest) -> list[dict[str, Any]]:
    """Published facilities with their host, location and contact."""
    qs = (
        Facility.objects.filter(is_active=True)
        .select_related("organisation")
        .prefetch_related("resources")
        .order_by("name", "id")
    )
    return [_facility_out(f) for f in qs]


@router.get("/facilities/{facility_id}", response=FacilityOut)
def get_facility(request: HttpRequest, facility_id: int) -> dict[str, Any]:
    f = get_object_or_404(
        Facility.objects.select_related("organisation"), pk=facility_id, is_active=True
    )
    return _facility_out(f)


class BusyOut(Schema):
    start: dt.datetime
    end: dt.datetime
    kind: str  # busy | mine | booking (managers) | maintenance
    booking_id: int | None = None
    label: str


@router.get("/resources/{resource_id}/calendar", response=list[BusyOut])
def resource_calendar(
    request: HttpRequest, resource_id: int, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """Busy times of one resource in [start, end) (at most 31 days). Other people's
    bookings are just "busy" — never whose; the caller's own are "mine"; the facility's
    managers see each booking."""
    r = get_object_or_404(Resource.objects.select_related("facility"), pk=resource_id)
    if not r.is_active and not services.can_manage(request.user, r.facility):
        raise HttpError(404, _("Not found."))
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start or end - start > dt.timedelta(days=31):
        raise HttpError(422, _("end must be after start, at most 31 days later."))
    return [
        {
            "start": b.start,
            "end": b.end,
            "kind": b.kind,
            "booking_id": b.booking_id if b.kind != "busy" else None,
            "label": str(b.label),
        }
        for b in selectors.busy_blocks(r, start, end, request.user)
    ]


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


def _booking_out(b: Booking) -> dict[str, Any]:
    return {
        "id": b.pk,
        "resource_id": b.resource_id,
        "start": b.starts_at,
        "end": b.ends_at,
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
    return Status(201, _booking_out(b))


@router.get("/bookings", response=list[BookingOut], auth=_auth)
def list_bookings(request: HttpRequest) -> list[dict[str, Any]]:
    """The signed-in user's own bookings."""
    return [_booking_out(b) for b in selectors.my_bookings(request.user)[:500]]


def _visible(request: HttpRequest, booking_id: int) -> Booking:
    b = selectors.visible_booking(request.user, booking_id)
    if b is None:
        raise HttpError(404, _("Not found."))
    return b


@router.get("/bookings/{booking_id}", response=BookingOut, auth=_auth)
def get_booking(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    """One booking (its booker and the facility's managers only)."""
    return _booking_out(_visible(request, booking_id))


@router.post("/bookings/{booking_id}/no_show", response=BookingOut, auth=_auth)
def no_show(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    """A manager marks an approved booking that has started as a no-show (the tariff's
    no-show fee, frozen on the booking, is charged)."""
    return _booking_out(_call(services.mark_no_show, request.user, _visible(request, booking_id)))


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
    reason: str


@router.post("/charges/{charge_id}/dispute", response={201: dict}, auth=_auth)
def dispute(request: HttpRequest, charge_id: int, data: DisputeIn) -> Status:
    c = Charge.objects.filter(pk=charge_id, payer_id=request.user.pk).first()
    if c is None:
        raise HttpError(404, _("Not found."))
    d = _call(services.raise_dispute, request.user, c, data.reason)
    return Status(201, {"id": d.pk, "status": d.status})


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


class IndicativeOut(Schema):
    currency: str
    amount: Decimal
    on: dt.date


class StatementOut(Schema):
    title: str
    month: str
    charges: list[ChargeOut]
    totals: dict[str, Decimal]
    indicative: IndicativeOut | None = None


def _statement_out(st: selectors.Statement, format: str, slug: str) -> Any:
    if format == "csv":
        resp = HttpResponse(selectors.statement_csv(st), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="statement-{slug}-{st.month}.csv"'
        return resp
    if format == "pdf":
        resp = HttpResponse(statement_pdf(st), content_type="application/pdf")
        resp["Content-Disposition"] = f'attachment; filename="statement-{slug}-{st.month}.pdf"'
        return resp
    if format != "json":
        raise HttpError(422, _("format: json, csv or pdf."))
    ind = st.indicative
    return {
        "title": st.title,
        "month": st.month,
        "charges": [_charge_out(c) for c in st.charges],
        "totals": st.totals,
        "indicative": (
            {"currency": ind.currency, "amount": ind.amount, "on": ind.on} if ind else None
        ),
    }


def _month(month: str) -> str:
    try:
        selectors.month_range(month)
    except ValueError as exc:
        raise HttpError(422, _("month: use YYYY-MM.")) from exc
    return month


@router.get("/statements", response=StatementOut, auth=_auth)
def statement(request: HttpRequest, month: str, format: str = "json") -> Any:
    """The signed-in user's statement for ``month`` (YYYY-MM); ``format=csv`` or ``pdf``."""
    st = selectors.user_statement(request.user, _month(month))
    return _statement_out(st, format, request.user.username)


@router.get("/statements/organisations/{organisation_id}", response=StatementOut, auth=_auth)
def organisation_statement(
    request: HttpRequest, organisation_id: int, month: str, format: str = "json"
) -> Any:
    """An organisation's monthly statement: its members' charges at the caller's
    facilities (all facilities for an administrator)."""
    org = get_object_or_404(Organisation, pk=organisation_id)
    if not selectors.managed_facilities(request.user).exists():
        raise HttpError(
            403, _("Only facility managers and administrators see organisation statements.")
        )
    st = selectors.organisation_statement(request.user, org, _month(month))
    return _statement_out(st, format, f"org{org.pk}")


class UtilisationRowOut(Schema):
    resource_id: int
    resource: str
    facility: str
    open_hours: float
    booked_hours: float
    used_hours: float
    cross_border_hours: float
    cross_border_used_hours: float
    utilisation_percent: float
    cross_border_percent: float
    cross_border_used_percent: float


class WeekOut(Schema):
    week: dt.date
    booked_hours: float
    cross_border_hours: float
    cross_border_percent: float


class ReportOut(Schema):
    start: dt.datetime
    end: dt.datetime
    booked_hours: float
    cross_border_hours: float
    cross_border_percent: float
    used_hours: float
    cross_border_used_hours: float
    cross_border_used_percent: float
    resources: list[UtilisationRowOut]
    weeks: list[WeekOut]


@router.get("/reports/utilisation", response=ReportOut, auth=_auth)
def utilisation_report(request: HttpRequest, start: dt.datetime, end: dt.datetime) -> Any:
    """Utilisation and cross-border use of the caller's facilities in [start, end) (at
    most 366 days): per resource and per week, and the share of booked hours by users
    from the other side of the boundary (an Action Plan indicator)."""
    facilities = selectors.managed_facilities(request.user)
    if not facilities.exists():
        raise HttpError(403, _("You do not manage any facility."))
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start or end - start > dt.timedelta(days=366):
        raise HttpError(422, _("end must be after start, at most 366 days later."))
    rows = selectors.utilisation(facilities, start, end)
    series = selectors.weekly_series(facilities, start, end)
    booked = sum(r.booked_hours for r in rows)
    cross = sum(r.cross_border_hours for r in rows)
    used = sum(r.used_hours for r in rows)
    cross_used = sum(r.cross_border_used_hours for r in rows)
    return {
        "start": start,
        "end": end,
        "booked_hours": round(booked, 2),
        "cross_border_hours": round(cross, 2),
        "cross_border_percent": round(cross / booked * 100, 1) if booked else 0.0,
        "used_hours": round(used, 2),
        "cross_border_used_hours": round(cross_used, 2),
        "cross_border_used_percent": round(cross_used / used * 100, 1) if used else 0.0,
        "resources": [
            {
                "resource_id": r.resource.pk,
                "resource": r.resource.name,
                "facility": r.resource.facility.name,
                "open_hours": r.open_hours,
                "booked_hours": r.booked_hours,
                "used_hours": r.used_hours,
                "cross_border_hours": r.cross_border_hours,
                "cross_border_used_hours": r.cross_border_used_hours,
                "utilisation_percent": round(r.utilisation, 1),
                "cross_border_percent": round(r.cross_border_share, 1),
                "cross_border_used_percent": round(r.cross_border_used_share, 1),
            }
            for r in rows
        ],
        "weeks": [
            {"week": w, "booked_hours": b, "cross_border_hours": c, "cross_border_percent": p}
            for w, b, c, p in zip(
                series.weeks,
                series.booked_hours,
                series.cross_hours,
                series.cross_share,
                strict=True,
            )
        ],
    }


# --- Managers: tariffs, maintenance, certificates, quotas ----------------------


def _managed_resource(request: HttpRequest, resource_id: int) -> Resource:
    r = get_object_or_404(Resource.objects.select_related("facility"), pk=resource_id)
    if not services.can_manage(request.user, r.facility):
        raise HttpError(403, _("Only a manager of this facility may do this."))
    return r


class TariffIn(Schema):
    unit: str
    price: Decimal
    currency: str
    cancellation_window_hours: int = 24
    late_cancellation_fee_percent: int = 50
    no_show_fee_percent: int = 100


@router.put("/resources/{resource_id}/tariffs/{category}", response=TariffOut, auth=_auth)
def put_tariff(
    request: HttpRequest, resource_id: int, category: str, data: TariffIn
) -> dict[str, Any]:
    """Create or replace one user category's tariff (bookings keep their frozen price)."""
    r = _managed_resource(request, resource_id)
    t = _call(services.set_tariff, request.user, r, category, **data.dict())
    return _tariff_out(t)


@router.delete("/resources/{resource_id}/tariffs/{category}", response={204: None}, auth=_auth)
def delete_tariff(request: HttpRequest, resource_id: int, category: str) -> Any:
    r = _managed_resource(request, resource_id)
    t = Tariff.objects.filter(resource=r, category=category).first()
    if t is None:
        raise HttpError(404, _("Not found."))
    _call(services.remove_tariff, request.user, t)
    return Status(204, None)


class MaintenanceIn(Schema):
    start: dt.datetime
    end: dt.datetime
    reason: str = ""


@router.post("/resources/{resource_id}/maintenance", response={201: dict}, auth=_auth)
def add_maintenance(request: HttpRequest, resource_id: int, data: MaintenanceIn) -> Any:
    r = _managed_resource(request, resource_id)
    m = _call(
        services.add_maintenance,
        request.user,
        r,
        _aware(data.start, "start"),
        _aware(data.end, "end"),
        data.reason,
    )
    return Status(201, {"id": m.pk, "start": m.starts_at, "end": m.ends_at, "reason": m.reason})


class PersonRef(Schema):
    username: str
    valid_until: dt.date | None = None
    monthly_hours: int | None = None


def _person(username: str) -> Any:
    from innobridge.people.models import Person

    p = Person.objects.filter(username=username).first()
    if p is None:
        raise HttpError(404, _("No user “%(name)s”.") % {"name": username})
    return p


@router.post("/resources/{resource_id}/certificates", response={201: dict}, auth=_auth)
def grant_certificate(request: HttpRequest, resource_id: int, data: PersonRef) -> Any:
    """Record that a user has been trained on the resource (needed where required)."""
    r = _managed_resource(request, resource_id)
    cert = _call(
        services.grant_certificate,
        request.user,
        _person(data.username),
        r,
        valid_until=data.valid_until,
    )
    return Status(201, {"id": cert.pk, "username": data.username, "valid_until": cert.valid_until})


@router.put("/resources/{resource_id}/quotas", response=dict, auth=_auth)
def set_quota(request: HttpRequest, resource_id: int, data: PersonRef) -> Any:
    """A user's own monthly quota on the resource (``monthly_hours`` null: the default)."""
    r = _managed_resource(request, resource_id)
    q = _call(services.set_user_quota, request.user, _person(data.username), r, data.monthly_hours)
    return {"username": data.username, "monthly_hours": q.monthly_hours if q else None}


# --- Managers: publishing facilities and resources -----------------------------


class FacilityIn(Schema):
    name: str
    name_zh: str = ""
    organisation_id: int
    city: str = ""
    region: str = ""
    location: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    description: str = ""
    description_zh: str = ""
    is_active: bool = True
    managers: list[str] = []


class FacilityPatch(Schema):
    name: str | None = None
    name_zh: str | None = None
    organisation_id: int | None = None
    city: str | None = None
    region: str | None = None
    location: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    website: str | None = None
    description: str | None = None
    description_zh: str | None = None
    is_active: bool | None = None
    managers: list[str] | None = None


def _facility_fields(data: dict[str, Any]) -> tuple[dict[str, Any], list[Any] | None]:
    from innobridge.people.models import Person

    fields = dict(data)
    usernames = fields.pop("managers", None)
    if "organisation_id" in fields:
        org = Organisation.objects.filter(pk=fields.pop("organisation_id")).first()
        if org is None:
            raise HttpError(422, _("organisation_id: no such organisation."))
        fields["organisation"] = org
    managers = None
    if usernames is not None:
        found = {p.username: p for p in Person.objects.filter(username__in=usernames)}
        missing = [u for u in usernames if u not in found]
        if missing:
            raise HttpError(
                422,
                _("No user %(names)s.") % {"names": ", ".join(f"“{m}”" for m in missing)},
            )
        managers = [found[u] for u in usernames]
    return fields, managers


@router.post("/facilities", response={201: FacilityOut}, auth=_auth)
def create_facility(request: HttpRequest, data: FacilityIn) -> Any:
    """Publish a facility (facility managers and administrators); the caller becomes one
    of its managers. An empty region takes the host organisation's."""
    fields, managers = _facility_fields(data.dict())
    f = _call(services.create_facility, request.user, managers=managers or [], **fields)
    return Status(201, _facility_out(Facility.objects.select_related("organisation").get(pk=f.pk)))


@router.patch("/facilities/{facility_id}", response=FacilityOut, auth=_auth)
def update_facility(request: HttpRequest, facility_id: int, data: FacilityPatch) -> Any:
    f = get_object_or_404(Facility, pk=facility_id)
    fields, managers = _facility_fields(data.dict(exclude_unset=True))
    _call(services.update_facility, request.user, f, managers=managers, **fields)
    return _facility_out(Facility.objects.select_related("organisation").get(pk=f.pk))


class ResourceIn(Schema):
    kind: str
    name: str
    name_zh: str = ""
    manufacturer: str = ""
    specifications: dict[str, str] = {}
    techniques: list[str] = []
    description: str = ""
    description_zh: str = ""
    training_required: bool = False
    approval_required: bool = True
    allowed_categories: list[str] = []
    granularity_minutes: int = 30
    min_duration_minutes: int = 30
    max_duration_minutes: int = 480
    lead_time_hours: int = 24
    max_advance_days: int = 90
    opening_hours: dict[str, list[list[str]]] | None = None
    holiday_calendar: str = "HK"
    monthly_quota_hours: int | None = None
    is_active: bool = True


class ResourcePatch(Schema):
    kind: str | None = None
    name: str | None = None
    name_zh: str | None = None
    manufacturer: str | None = None
    specifications: dict[str, str] | None = None
    techniques: list[str] | None = None
    description: str | None = None
    description_zh: str | None = None
    training_required: bool | None = None
    approval_required: bool | None = None
    allowed_categories: list[str] | None = None
    granularity_minutes: int | None = None
    min_duration_minutes: int | None = None
    max_duration_minutes: int | None = None
    lead_time_hours: int | None = None
    max_advance_days: int | None = None
    opening_hours: dict[str, list[list[str]]] | None = None
    holiday_calendar: str | None = None
    monthly_quota_hours: int | None = None
    is_active: bool | None = None


@router.post("/facilities/{facility_id}/resources", response={201: ResourceDetailOut}, auth=_auth)
def create_resource(request: HttpRequest, facility_id: int, data: ResourceIn) -> Any:
    """Add an instrument, laboratory, data set or compute resource to a facility (its
    managers). Opening hours: weekday (0 = Monday) → [["09:00", "18:00"], …]; left out:
    Monday to Friday 09:00–18:00. A photo is added on the web page."""
    f = get_object_or_404(Facility, pk=facility_id)
    fields = data.dict()
    if fields.get("opening_hours") is None:
        fields.pop("opening_hours")
    r = _call(services.save_resource, request.user, f, None, **fields)
    return Status(201, _resource_detail(request, r))


@router.patch("/resources/{resource_id}", response=ResourceDetailOut, auth=_auth)
def update_resource(request: HttpRequest, resource_id: int, data: ResourcePatch) -> Any:
    r = get_object_or_404(Resource.objects.select_related("facility"), pk=resource_id)
    fields = data.dict(exclude_unset=True)
    saved = _call(services.save_resource, request.user, r.facility, r, **fields)
    return _resource_detail(request, saved)


# --- Calendar subscription ---------------------------------------------------


class CalendarFeedOut(Schema):
    enabled: bool
    url: str = ""
    webcal_url: str = ""
    last_read_at: dt.datetime | None = None


def _feed_out(request: HttpRequest, feed: Any) -> dict[str, Any]:
    if feed is None:
        return {"enabled": False}
    url = request.build_absolute_uri(feed.get_absolute_url())
    return {
        "enabled": True,
        "url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1],
        "last_read_at": feed.last_used_at,
    }


@router.get("/calendar-feed", response=CalendarFeedOut, auth=_auth)
def get_calendar_feed(request: HttpRequest) -> dict[str, Any]:
    """The caller's private iCalendar subscription address (``enabled`` false: none)."""
    return _feed_out(request, selectors.calendar_feed_of(request.user))


@router.post("/calendar-feed", response=CalendarFeedOut, auth=_auth)
def enable_calendar_feed(request: HttpRequest, regenerate: bool = False) -> dict[str, Any]:
    """Make the caller's private subscription address; ``regenerate=true`` replaces it
    (the old address stops working)."""
    fn = services.regenerate_calendar_feed if regenerate else services.enable_calendar_feed
    return _feed_out(request, _call(fn, request.user))


@router.delete("/calendar-feed", response=CalendarFeedOut, auth=_auth)
def revoke_calendar_feed(request: HttpRequest) -> dict[str, Any]:
    """Turn the caller's subscription off (its address stops working)."""
    _call(services.revoke_calendar_feed, request.user)
    return {"enabled": False}
