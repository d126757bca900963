"""Monthly booking quotas: a resource's default and a person's own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.services import record_event, snapshot

from ..audit import FacilitiesAction
from ..models import (
    Resource,
    UserQuota,
    monthly_quota_validator,
)
from ..permissions import require_manage_facility


def quota_hours(person: Any, resource: Resource) -> int | None:
    """The person's monthly quota on ``resource``: their own if a manager set one, else
    the resource's default (None: unlimited)."""
    own = UserQuota.objects.filter(person=person, resource=resource).first()
    if own is not None:
        return own.monthly_hours
    return resource.monthly_quota_hours


def set_user_quota(
    actor: Any, person: Any, resource: Resource, monthly_hours: int | None
) -> UserQuota | None:
    """Give ``person`` their own monthly quota on ``resource`` (None: back to the
    resource's default). Bookings already made stand."""
    require_manage_facility(actor, resource.facility)
    if monthly_hours is not None and monthly_hours < 0:
        raise ValidationError({"monthly_hours": _("A quota cannot be negative.")})
    if monthly_hours is not None:
        try:
            monthly_quota_validator(monthly_hours)
        except ValidationError as exc:
            raise ValidationError({"monthly_hours": exc.messages}) from exc
    with transaction.atomic():
        existing = (
            UserQuota.objects.select_for_update().filter(person=person, resource=resource).first()
        )
        before = snapshot(existing) if existing else None
        if monthly_hours is None:
            if existing is not None:
                record_event(actor, FacilitiesAction.QUOTA_REMOVED, existing, before=before)
                existing.delete()
            return None
        quota = existing or UserQuota(person=person, resource=resource, monthly_hours=0)
        quota.monthly_hours = monthly_hours
        quota.set_by = actor
        quota.save()
        record_event(actor, FacilitiesAction.QUOTA_SET, quota, before=before, after=snapshot(quota))
    return quota
