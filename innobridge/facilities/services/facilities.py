"""Publishing a facility and naming its managers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as
from innobridge.core.services import record_event, snapshot

from ..audit import FacilitiesAction
from ..models import (
    Facility,
)
from ..permissions import (
    require_manage_facility,
    require_publish_facility,
)

FACILITY_FIELDS = (
    "name",
    "name_zh",
    "organisation",
    "city",
    "region",
    "location",
    "contact_email",
    "contact_phone",
    "website",
    "description",
    "description_zh",
    "is_active",
)


def _check_managers(managers: Any) -> list[Any]:
    people = list(managers)
    wrong = [p for p in people if not can_act_as(p, Role.FACILITY_MANAGER)]
    if wrong:
        raise ValidationError(
            {
                "managers": _("%(names)s do(es) not hold the facility manager role.")
                % {"names": ", ".join(str(p) for p in wrong)}
            }
        )
    return people


def validate_model(obj: Any, exclude: tuple[str, ...] = ()) -> None:
    obj.full_clean(exclude=list(exclude), validate_unique=True)


def create_facility(actor: Any, *, managers: Any = (), **fields: Any) -> Facility:
    """A new facility; the creating facility manager becomes one of its managers."""
    require_publish_facility(actor)
    unknown = set(fields) - set(FACILITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown facility fields: {sorted(unknown)}")
    people = _check_managers(managers)
    if can_act_as(actor, Role.FACILITY_MANAGER) and actor not in people:
        people.append(actor)
    facility = Facility(**fields)
    if not facility.region and facility.organisation_id:
        facility.region = facility.organisation.region or ""
    validate_model(facility)
    with transaction.atomic():
        facility.save()
        facility.managers.set(people)
        record_event(
            actor,
            FacilitiesAction.FACILITY_CREATED,
            facility,
            after={**snapshot(facility), "managers": sorted(p.pk for p in people)},
        )
    return facility


def update_facility(
    actor: Any, facility: Facility, *, managers: Any = None, **fields: Any
) -> Facility:
    require_manage_facility(actor, facility)
    unknown = set(fields) - set(FACILITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown facility fields: {sorted(unknown)}")
    people = _check_managers(managers) if managers is not None else None
    if people is not None and not people:
        raise ValidationError({"managers": _("A facility needs at least one manager.")})
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        before = {
            **snapshot(locked),
            "managers": sorted(locked.managers.values_list("pk", flat=True)),
        }
        for key, value in fields.items():
            setattr(locked, key, value)
        validate_model(locked)
        locked.save()
        if people is not None:
            locked.managers.set(people)
        after = {
            **snapshot(locked),
            "managers": sorted(locked.managers.values_list("pk", flat=True)),
        }
        record_event(actor, FacilitiesAction.FACILITY_UPDATED, locked, before=before, after=after)
        # Resources carry the facility's names in their search text.
        for r in locked.resources.all():
            r.save(update_fields=["search_text"])
    facility.refresh_from_db()
    return facility
