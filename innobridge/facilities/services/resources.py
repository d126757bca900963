"""Publishing a resource of a facility."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from innobridge.core.services import record_event, snapshot
from innobridge.core.uploads import delete_file_on_commit, uploads_kept_if_saved

from .. import availability
from ..audit import FacilitiesAction
from ..models import (
    Facility,
    Resource,
    UserCategory,
)
from ..permissions import require_manage_facility

RESOURCE_FIELDS = (
    "kind",
    "name",
    "name_zh",
    "manufacturer",
    "specifications",
    "techniques",
    "description",
    "description_zh",
    "photo",
    "training_required",
    "training_valid_months",
    "approval_required",
    "allowed_categories",
    "granularity_minutes",
    "min_duration_minutes",
    "max_duration_minutes",
    "lead_time_hours",
    "max_advance_days",
    "opening_hours",
    "holiday_calendar",
    "monthly_quota_hours",
    "is_active",
)


def _validate_resource(resource: Resource) -> None:
    errors: dict[str, list[str]] = {}
    problems = availability.validate_opening_hours(resource.opening_hours)
    if problems:
        errors["opening_hours"] = problems
    bad = [c for c in resource.allowed_categories or [] if c not in UserCategory.values]
    if bad:
        errors["allowed_categories"] = [_("Unknown user group: %(v)s") % {"v": ", ".join(bad)}]
    if resource.granularity_minutes and resource.granularity_minutes < 5:
        errors.setdefault("granularity_minutes", []).append(
            _("The time step must be at least 5 minutes.")
        )
    if resource.min_duration_minutes > resource.max_duration_minutes:
        errors.setdefault("max_duration_minutes", []).append(
            _("The longest booking must not be shorter than the shortest.")
        )
    step = resource.granularity_minutes or 1
    if resource.min_duration_minutes % step or resource.max_duration_minutes % step:
        errors.setdefault("min_duration_minutes", []).append(
            _("The shortest and longest bookings must be whole multiples of the time step.")
        )
    if not isinstance(resource.specifications, dict):
        errors["specifications"] = [_("Specifications must map names to values.")]
    if not isinstance(resource.techniques, list):
        errors["techniques"] = [_("Techniques must be a list.")]
    try:
        resource.full_clean(exclude=["search_text", "facility"])
    except ValidationError as exc:
        for key, msgs in exc.message_dict.items():
            errors.setdefault(key, []).extend(msgs)
    if errors:
        raise ValidationError(errors)


def save_resource(
    actor: Any, facility: Facility, resource: Resource | None = None, **fields: Any
) -> Resource:
    """Create (``resource`` None) or change a resource of ``facility``. A new photo is
    stored only when everything else is valid."""
    require_manage_facility(actor, facility)
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValueError(f"unknown resource fields: {sorted(unknown)}")
    if resource is not None and resource.facility_id != facility.pk:
        raise PermissionDenied(_("This resource belongs to another facility."))
    with uploads_kept_if_saved() as uploads:
        if resource is None:
            obj = Resource(facility=facility)
            before: dict[str, Any] | None = None
        else:
            obj = Resource.objects.select_for_update().get(pk=resource.pk)
            before = snapshot(obj)
        old_photo = obj.photo.name
        for key, value in fields.items():
            if key == "photo" and value is None:
                continue
            setattr(obj, key, value)
        _validate_resource(obj)
        uploads.write_pending(obj)  # a new photo, once everything else is valid
        obj.save()
        if old_photo and obj.photo.name != old_photo:  # the replaced one, once committed
            delete_file_on_commit(obj.photo.storage, old_photo)
        record_event(
            actor,
            FacilitiesAction.RESOURCE_CREATED
            if before is None
            else FacilitiesAction.RESOURCE_UPDATED,
            obj,
            before=before,
            after=snapshot(obj),
        )
    return obj
