"""Managers: tariffs, maintenance, certificates, quotas; publishing facilities and
resources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from innobridge.core.schemas import TEXT_MAX, FromModel
from innobridge.people.auth import api_auth as _auth
from innobridge.people.models import Organisation, Person
from innobridge.people.selectors import person_by_handle

from .. import permissions, services
from ..models import Facility, MaintenanceBlock, Resource, Tariff, TrainingCertificate, UserQuota
from .catalogue import (
    FacilityOut,
    ResourceDetailOut,
    TariffOut,
    _facility_out,
    _resource_detail,
    _tariff_out,
)
from .common import _aware, _call, router, utc

# --- Managers: tariffs, maintenance, certificates, quotas ----------------------


def _managed_resource(request: HttpRequest, resource_id: int) -> Resource:
    r = get_object_or_404(Resource.objects.select_related("facility"), pk=resource_id)
    if not permissions.can_manage_facility(request.user, r.facility):
        raise HttpError(403, _("Only a manager of this facility may do this."))
    return r


DESCRIPTION_MAX = TEXT_MAX  # an unbounded description still has a bound (as on the pages)
LIST_MAX = 50  # items in a list (managers, techniques, categories, specifications)
ShortText = Annotated[str, Field(max_length=300)]
ShortList = Annotated[list[ShortText], Field(max_length=LIST_MAX)]


class TariffIn(Schema):
    unit: Annotated[str, FromModel(Tariff, "unit")]
    price: Annotated[Decimal, FromModel(Tariff, "price")]
    currency: Annotated[str, FromModel(Tariff, "currency")]
    cancellation_window_hours: Annotated[int, FromModel(Tariff, "cancellation_window_hours")] = 24
    late_cancellation_fee_percent: Annotated[
        int, FromModel(Tariff, "late_cancellation_fee_percent", le=100)
    ] = 50
    no_show_fee_percent: Annotated[int, FromModel(Tariff, "no_show_fee_percent", le=100)] = 100


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
    start: Annotated[dt.datetime, FromModel(MaintenanceBlock, "starts_at")]
    end: Annotated[dt.datetime, FromModel(MaintenanceBlock, "ends_at")]
    reason: Annotated[str, FromModel(MaintenanceBlock, "reason")] = ""


class MaintenanceOut(Schema):
    id: int
    start: dt.datetime
    end: dt.datetime
    reason: str


@router.post("/resources/{resource_id}/maintenance", response={201: MaintenanceOut}, auth=_auth)
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
    return Status(
        201, {"id": m.pk, "start": utc(m.starts_at), "end": utc(m.ends_at), "reason": m.reason}
    )


class PersonRef(Schema):
    username: Annotated[str, FromModel(Person, "username")]
    valid_until: Annotated[dt.date, FromModel(TrainingCertificate, "valid_until")] | None = None
    monthly_hours: Annotated[int, FromModel(UserQuota, "monthly_hours")] | None = None


class CertificateOut(Schema):
    id: int
    username: str
    valid_until: dt.date | None


class QuotaOut(Schema):
    username: str
    monthly_hours: int | None


def _person(handle: str) -> Any:
    p = person_by_handle(handle)
    if p is None:
        raise HttpError(404, _("No user “%(name)s”.") % {"name": handle})
    return p


@router.post("/resources/{resource_id}/certificates", response={201: CertificateOut}, auth=_auth)
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


@router.put("/resources/{resource_id}/quotas", response=QuotaOut, auth=_auth)
def set_quota(request: HttpRequest, resource_id: int, data: PersonRef) -> Any:
    """A user's own monthly quota on the resource (``monthly_hours`` null: the default)."""
    r = _managed_resource(request, resource_id)
    q = _call(services.set_user_quota, request.user, _person(data.username), r, data.monthly_hours)
    return {"username": data.username, "monthly_hours": q.monthly_hours if q else None}


# --- Managers: publishing facilities and resources -----------------------------


class FacilityIn(Schema):
    name: Annotated[str, FromModel(Facility, "name")]
    name_zh: Annotated[str, FromModel(Facility, "name_zh")] = ""
    organisation_id: int
    city: Annotated[str, FromModel(Facility, "city")] = ""
    region: Annotated[str, FromModel(Facility, "region")] = ""
    location: Annotated[str, FromModel(Facility, "location")] = ""
    contact_email: Annotated[str, FromModel(Facility, "contact_email")] = ""
    contact_phone: Annotated[str, FromModel(Facility, "contact_phone")] = ""
    website: Annotated[str, FromModel(Facility, "website")] = ""
    description: Annotated[str, FromModel(Facility, "description", max_length=DESCRIPTION_MAX)] = ""
    description_zh: Annotated[
        str, FromModel(Facility, "description_zh", max_length=DESCRIPTION_MAX)
    ] = ""
    is_active: bool = True
    managers: ShortList = []


class FacilityPatch(Schema):
    name: Annotated[str, FromModel(Facility, "name")] | None = None
    name_zh: Annotated[str, FromModel(Facility, "name_zh")] | None = None
    organisation_id: int | None = None
    city: Annotated[str, FromModel(Facility, "city")] | None = None
    region: Annotated[str, FromModel(Facility, "region")] | None = None
    location: Annotated[str, FromModel(Facility, "location")] | None = None
    contact_email: Annotated[str, FromModel(Facility, "contact_email")] | None = None
    contact_phone: Annotated[str, FromModel(Facility, "contact_phone")] | None = None
    website: Annotated[str, FromModel(Facility, "website")] | None = None
    description: (
        Annotated[str, FromModel(Facility, "description", max_length=DESCRIPTION_MAX)] | None
    ) = None
    description_zh: (
        Annotated[str, FromModel(Facility, "description_zh", max_length=DESCRIPTION_MAX)] | None
    ) = None
    is_active: bool | None = None
    managers: ShortList | None = None


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
    kind: Annotated[str, FromModel(Resource, "kind")]
    name: Annotated[str, FromModel(Resource, "name")]
    name_zh: Annotated[str, FromModel(Resource, "name_zh")] = ""
    manufacturer: Annotated[str, FromModel(Resource, "manufacturer")] = ""
    specifications: Annotated[dict[str, ShortText], Field(max_length=LIST_MAX)] = {}
    techniques: ShortList = []
    description: Annotated[str, FromModel(Resource, "description", max_length=DESCRIPTION_MAX)] = ""
    description_zh: Annotated[
        str, FromModel(Resource, "description_zh", max_length=DESCRIPTION_MAX)
    ] = ""
    training_required: bool = False
    approval_required: bool = True
    allowed_categories: ShortList = []
    granularity_minutes: Annotated[int, FromModel(Resource, "granularity_minutes")] = 30
    min_duration_minutes: Annotated[int, FromModel(Resource, "min_duration_minutes")] = 30
    max_duration_minutes: Annotated[int, FromModel(Resource, "max_duration_minutes")] = 480
    lead_time_hours: Annotated[int, FromModel(Resource, "lead_time_hours")] = 24
    max_advance_days: Annotated[int, FromModel(Resource, "max_advance_days")] = 90
    opening_hours: dict[str, list[list[str]]] | None = None
    holiday_calendar: Annotated[str, FromModel(Resource, "holiday_calendar")] = "HK"
    monthly_quota_hours: Annotated[int, FromModel(Resource, "monthly_quota_hours")] | None = None
    is_active: bool = True


class ResourcePatch(Schema):
    kind: Annotated[str, FromModel(Resource, "kind")] | None = None
    name: Annotated[str, FromModel(Resource, "name")] | None = None
    name_zh: Annotated[str, FromModel(Resource, "name_zh")] | None = None
    manufacturer: Annotated[str, FromModel(Resource, "manufacturer")] | None = None
    specifications: Annotated[dict[str, ShortText], Field(max_length=LIST_MAX)] | None = None
    techniques: ShortList | None = None
    description: (
        Annotated[str, FromModel(Resource, "description", max_length=DESCRIPTION_MAX)] | None
    ) = None
    description_zh: (
        Annotated[str, FromModel(Resource, "description_zh", max_length=DESCRIPTION_MAX)] | None
    ) = None
    training_required: bool | None = None
    approval_required: bool | None = None
    allowed_categories: ShortList | None = None
    granularity_minutes: Annotated[int, FromModel(Resource, "granularity_minutes")] | None = None
    min_duration_minutes: Annotated[int, FromModel(Resource, "min_duration_minutes")] | None = None
    max_duration_minutes: Annotated[int, FromModel(Resource, "max_duration_minutes")] | None = None
    lead_time_hours: Annotated[int, FromModel(Resource, "lead_time_hours")] | None = None
    max_advance_days: Annotated[int, FromModel(Resource, "max_advance_days")] | None = None
    opening_hours: dict[str, list[list[str]]] | None = None
    holiday_calendar: Annotated[str, FromModel(Resource, "holiday_calendar")] | None = None
    monthly_quota_hours: Annotated[int, FromModel(Resource, "monthly_quota_hours")] | None = None
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
