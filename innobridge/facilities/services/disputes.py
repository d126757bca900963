"""Disputes of a charge: raised by the payer, resolved by a manager."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import record_event, snapshot

from .. import notifications
from ..models import (
    Charge,
    ChargeStatus,
    Dispute,
    DisputeStatus,
)
from ..permissions import require_dispute_charge, require_manage_facility
from .prices import CENT


def raise_dispute(actor: Any, charge: Charge, reason: str) -> Dispute:
    require_dispute_charge(actor, charge)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is wrong with the charge.")})
    with transaction.atomic():
        locked = Charge.objects.select_for_update().get(pk=charge.pk)
        if locked.status != ChargeStatus.OPEN:
            raise ValidationError(_("This charge has already been disputed."))
        before = snapshot(locked)
        locked.status = ChargeStatus.DISPUTED
        locked.save()
        dispute = Dispute.objects.create(
            charge=locked, raised_by=actor, reason=reason.strip(), original_amount=locked.amount
        )
        record_event(
            actor, "facilities.charge.dispute", locked, before=before, after=snapshot(locked)
        )
        notifications.charge_disputed(dispute)  # sent on commit
    charge.refresh_from_db()
    return dispute


def resolve_dispute(
    actor: Any,
    dispute: Dispute,
    *,
    upheld: bool,
    resolution: str,
    new_amount: Decimal | str | None = None,
) -> Dispute:
    """A manager decides: upheld (the charge is set to ``new_amount``, between 0 and the
    original) or dismissed (the charge stands)."""
    charge = dispute.charge
    require_manage_facility(actor, charge.booking.resource.facility)
    if not resolution.strip():
        raise ValidationError({"resolution": _("Explain the decision to the payer.")})
    amount: Decimal | None = None
    if upheld:
        try:
            amount = Decimal(str(new_amount)).quantize(CENT)
        except Exception as exc:
            raise ValidationError({"new_amount": _("Give the corrected amount.")}) from exc
        if not (Decimal(0) <= amount <= dispute.original_amount):
            raise ValidationError(
                {"new_amount": _("The corrected amount must be between 0 and the original.")}
            )
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.status != DisputeStatus.OPEN:
            raise ValidationError(_("This dispute has already been resolved."))
        before = snapshot(locked)
        locked.status = DisputeStatus.UPHELD if upheld else DisputeStatus.DISMISSED
        locked.resolution = resolution.strip()
        locked.resolved_by = actor
        locked.resolved_at = timezone.now()
        locked.save()
        c = Charge.objects.select_for_update().get(pk=charge.pk)
        c_before = snapshot(c)
        if upheld and amount is not None:
            c.amount = amount
            c.status = ChargeStatus.ADJUSTED
        else:
            c.status = ChargeStatus.CONFIRMED
        c.save()
        record_event(
            actor, "facilities.dispute.resolve", locked, before=before, after=snapshot(locked)
        )
        record_event(actor, "facilities.charge.adjust", c, before=c_before, after=snapshot(c))
        notifications.dispute_resolved(locked)  # sent on commit
    dispute.refresh_from_db()
    return dispute
