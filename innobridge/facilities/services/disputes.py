"""Disputes of a charge: raised by the payer, resolved by a manager."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition

from .. import notifications
from ..audit import FacilitiesAction
from ..models import (
    Charge,
    ChargeUnit,
    Dispute,
)
from ..permissions import require_dispute_charge, require_manage_facility
from ..workflow import CHARGE_FLOW, DISPUTE_FLOW, ChargeAction, DisputeAction
from .prices import CENT


def raise_dispute(actor: Any, charge: Charge, reason: str) -> Dispute:
    require_dispute_charge(actor, charge)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is wrong with the charge.")})
    with transaction.atomic():
        try:
            locked = cast(
                Charge,
                apply_transition(
                    actor,
                    charge,
                    CHARGE_FLOW,
                    ChargeAction.DISPUTE,
                    audit_action=FacilitiesAction.CHARGE_DISPUTED,
                ),
            )
        except ValidationError as exc:
            raise ValidationError(_("This charge has already been disputed.")) from exc
        dispute = Dispute.objects.create(
            charge=locked, raised_by=actor, reason=reason.strip(), original_amount=locked.amount
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
        try:
            locked = cast(
                Dispute,
                apply_transition(
                    actor,
                    dispute,
                    DISPUTE_FLOW,
                    DisputeAction.UPHOLD if upheld else DisputeAction.DISMISS,
                    audit_action=FacilitiesAction.DISPUTE_RESOLVED,
                    resolution=resolution.strip(),
                    resolved_by=actor,
                    resolved_at=timezone.now(),
                ),
            )
        except ValidationError as exc:
            raise ValidationError(_("This dispute has already been resolved.")) from exc
        # An upheld dispute sets the amount due: the line becomes one flat fee of it, so
        # quantity x unit price = amount still holds.
        changes: dict[str, Any] = (
            {"amount": amount, "quantity": Decimal(1), "unit": ChargeUnit.FEE, "unit_price": amount}
            if upheld and amount is not None
            else {}
        )
        apply_transition(
            actor,
            charge,
            CHARGE_FLOW,
            ChargeAction.ADJUST if upheld and amount is not None else ChargeAction.CONFIRM,
            audit_action=FacilitiesAction.CHARGE_ADJUSTED,
            **changes,
        )
        locked.charge = charge  # the charge as now settled (the role check cached it before)
        notifications.dispute_resolved(locked)  # sent on commit
    dispute.refresh_from_db()
    return dispute
