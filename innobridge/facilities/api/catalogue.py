"""Catalogue reads: resources, facilities, busy times, availability, quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.errors import HttpError

from innobridge.core.caching import public_result
from innobridge.people.auth import api_auth as _auth

from .. import availability, matching, permissions, selectors, services
from ..models import Facility, Resource, Tariff
from .common import _aware, _call, router


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
    level: str | None = Field(
        None,
        description="With need: strong or possible (a match), or weak (the closest result "
        "when nothing matches strongly; not a match).",
    )


def _resource_out(
    r: Resource, score: float | None = None, level: str | None = None
) -> dict[str, Any]:
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
        "level": level,
    }


class CatalogueQuery(Schema):
    need: str = ""
    kind: str = ""
    region: str = ""
    organisation: int | None = None
    city: str = ""
    free_from: dt.datetime | None = None
    free_to: dt.datetime | None = None


def _plain_catalogue(request: HttpRequest) -> bool:
    # a ranking by need follows the matching index, free slots the clock: not kept
    return not any(request.GET.get(k) for k in ("need", "free_from", "free_to"))


@router.get("/resources", response=list[ResourceOut])
@public_result("facilities.resources", shared=_plain_catalogue)
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
    levels: dict[int, str] = {}
    if filters.need.strip():
        by_id = {r.pk: r for r in qs}
        hits = matching.search_need(
            filters.need,
            top_k=50,
            kind=filters.kind,
            region=filters.region,
            organisation=str(filters.organisation or ""),
        )
        graded = matching.grade_matches(filters.need, [h for h in hits if h.resource_id in by_id])
        scored = [(by_id[h.resource_id], h.score) for h in graded.shown()]
        levels = {h.resource_id: h.level for h in hits}
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
    return [_resource_out(r, score, levels.get(r.pk)) for r, score in scored]


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
    if not r.is_active and not permissions.can_manage_facility(request.user, r.facility):
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
