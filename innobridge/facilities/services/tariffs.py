"""Tariffs: the price of a resource for each user category."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.services import record_event, snapshot

from ..audit import FacilitiesAction
from ..models import (
    Resource,
    Tariff,
    UserCategory,
)
from ..permissions import require_manage_facility

TARIFF_FIELDS = (
    "unit",
    "price",
    "currency",
    "cancellation_window_hours",
    "late_cancellation_fee_percent",
    "no_show_fee_percent",
)


def set_tariff(actor: Any, resource: Resource, category: str, **fields: Any) -> Tariff:
    """Create or replace the tariff of one user category (bookings keep the price
    frozen when they were requested)."""
    require_manage_facility(actor, resource.facility)
    if category not in UserCategory.values:
        raise ValidationError({"category": _("Choose a user category.")})
    unknown = set(fields) - set(TARIFF_FIELDS)
    if unknown:
        raise ValueError(f"unknown tariff fields: {sorted(unknown)}")
    with transaction.atomic():
        existing = (
            Tariff.objects.select_for_update().filter(resource=resource, category=category).first()
        )
        before = snapshot(existing) if existing else None
        tariff = existing or Tariff(resource=resource, category=category)
        for key, value in fields.items():
            setattr(tariff, key, value)
        errors: dict[str, list[str]] = {}
        for key in ("late_cancellation_fee_percent", "no_show_fee_percent"):
            value = getattr(tariff, key)
            if value is not None and value > 100:
                errors[key] = [_("A percentage cannot exceed 100.")]
        try:
            tariff.full_clean(exclude=["resource"], validate_unique=False)
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                errors.setdefault(key, []).extend(msgs)
        if tariff.price is not None and tariff.price < 0:
            errors.setdefault("price", []).append(_("A price cannot be negative."))
        if errors:
            raise ValidationError(errors)
        tariff.save()
        record_event(
            actor,
            FacilitiesAction.TARIFF_UPDATED if before else FacilitiesAction.TARIFF_CREATED,
            tariff,
            before=before,
            after=snapshot(tariff),
        )
    return tariff


def remove_tariff(actor: Any, tariff: Tariff) -> None:
    """That user category can no longer book the resource (existing bookings stand)."""
    require_manage_facility(actor, tariff.resource.facility)
    with transaction.atomic():
        before = snapshot(tariff)
        record_event(actor, FacilitiesAction.TARIFF_DELETED, tariff, before=before)
        tariff.delete()
