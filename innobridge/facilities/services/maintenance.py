"""Maintenance blocks on a resource."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.services import record_event, snapshot

from ..audit import FacilitiesAction
from ..models import (
    Booking,
    BookingStatus,
    MaintenanceBlock,
    Resource,
)
from ..permissions import require_manage_facility
from .bookings import lock_resource


def add_maintenance(
    actor: Any, resource: Resource, start: dt.datetime, end: dt.datetime, reason: str = ""
) -> MaintenanceBlock:
    require_manage_facility(actor, resource.facility)
    if end <= start:
        raise ValidationError(_("The end must be after the start."))
    with transaction.atomic():
        lock_resource(resource)  # a booking request in flight finishes first, or sees this
        clash = Booking.objects.filter(
            resource=resource,
            status__in=(BookingStatus.REQUESTED, BookingStatus.APPROVED),
            starts_at__lt=end,
            ends_at__gt=start,
        ).count()
        if clash:
            raise ValidationError(
                _("%(n)d booking(s) fall in that time; cancel or reject them first.") % {"n": clash}
            )
        block = MaintenanceBlock.objects.create(
            resource=resource, starts_at=start, ends_at=end, reason=reason.strip()
        )
        record_event(actor, FacilitiesAction.MAINTENANCE_ADDED, block, after=snapshot(block))
    return block


def remove_maintenance(actor: Any, block: MaintenanceBlock) -> None:
    require_manage_facility(actor, block.resource.facility)
    with transaction.atomic():
        record_event(actor, FacilitiesAction.MAINTENANCE_REMOVED, block, before=snapshot(block))
        block.delete()
