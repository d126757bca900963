"""Funders (an administrator's: who funds, on which side, in which currency, and who
their programme officers are)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.models import Currency
from innobridge.core.services import record_event, snapshot
from innobridge.people.models import Organisation, Person
from innobridge.people.permissions import is_admin, is_system

from ..audit import FundingAction
from ..models import SIDE_CHOICES, CallSide, Funder

# The funder's fields ``create_funder`` and ``update_funder`` take.
FUNDER_FIELDS = ("name", "name_zh", "organisation", "side", "currency", "officers")


def _require_admin(actor: Any) -> None:
    if not (is_system(actor) or is_admin(actor)):
        raise PermissionDenied(_("Only an administrator may do this."))


def _funder_state(funder: Funder) -> dict[str, Any]:
    fields = ["name", "name_zh", "organisation", "side", "currency"]
    officers = sorted(funder.officers.values_list("pk", flat=True))
    return {**snapshot(funder, fields), "officers": officers}


def _funder_problems(name: str | None, side: str | None, currency: str | None) -> dict[str, str]:
    errors = {}
    if name is not None and not name.strip():
        errors["name"] = _("A funder needs a name.")
    if side is not None and side not in dict(SIDE_CHOICES):
        errors["side"] = _("Choose the funder's side.")
    if currency is not None and currency not in Currency.values:
        errors["currency"] = _("Choose the funder's currency.")
    return errors


@transaction.atomic
def create_funder(
    actor: Any,
    *,
    name: str,
    side: str,
    currency: str,
    name_zh: str = "",
    organisation: Organisation | None = None,
    officers: Sequence[Person] = (),
) -> Funder:
    """An administrator records a funder and names its programme officers."""
    _require_admin(actor)
    errors = _funder_problems(name, side, currency)
    if errors:
        raise ValidationError(errors)
    funder = Funder.objects.create(
        name=name.strip(),
        name_zh=name_zh.strip(),
        organisation=organisation,
        side=side,
        currency=currency,
    )
    funder.officers.set(officers)
    record_event(actor, FundingAction.FUNDER_CREATED, funder, after=_funder_state(funder))
    return funder


@transaction.atomic
def update_funder(actor: Any, funder: Funder, **changes: Any) -> Funder:
    """An administrator changes a funder (``FUNDER_FIELDS``) and its officers. Its side
    and currency are fixed once it has a side in a call: its budgets, caps and
    decisions are in that currency, for that side."""
    _require_admin(actor)
    unknown = set(changes) - set(FUNDER_FIELDS)
    if unknown:
        raise TypeError(f"update_funder does not take {sorted(unknown)}")
    funder = Funder.objects.select_for_update().get(pk=funder.pk)
    errors = _funder_problems(changes.get("name"), changes.get("side"), changes.get("currency"))
    if CallSide.objects.filter(funder=funder).exists():
        for field in ("side", "currency"):
            if field in changes and changes[field] != getattr(funder, field):
                errors[field] = _(
                    "The funder has a side in a call: its side and currency no longer change."
                )
    if errors:
        raise ValidationError(errors)
    before = _funder_state(funder)
    officers = changes.pop("officers", None)
    for field, value in changes.items():
        setattr(funder, field, value.strip() if field in ("name", "name_zh") else value)
    funder.save()
    if officers is not None:
        funder.officers.set(officers)
    after = _funder_state(funder)
    if after != before:
        record_event(actor, FundingAction.FUNDER_UPDATED, funder, before=before, after=after)
    return funder
