"""Schemes: created and changed by their funders' officers, and deleted while no call
uses one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.services import record_event, snapshot
from innobridge.people.permissions import is_admin

from ..audit import FundingAction
from ..models import (
    CallSide,
    Funder,
    Scheme,
)
from ..permissions import can_act_for_funder


@transaction.atomic
def create_scheme(
    actor: Any, *, name: str, funders: list[Funder], name_zh: str = "", description: str = ""
) -> Scheme:
    if not funders or not any(can_act_for_funder(actor, f) for f in funders):
        raise PermissionDenied(_("Only a programme officer of one of the funders may do this."))
    errors = _scheme_problems(name, funders)
    if errors:
        raise ValidationError(errors)
    scheme = Scheme.objects.create(
        name=name.strip(), name_zh=name_zh.strip(), description=description
    )
    scheme.funders.set(funders)
    record_event(actor, FundingAction.SCHEME_CREATED, scheme, after=snapshot(scheme))
    return scheme


def _scheme_problems(name: str | None, funders: Sequence[Funder] | None) -> dict[str, str]:
    errors = {}
    if name is not None and not name.strip():
        errors["name"] = _("A scheme needs a name.")
    if funders is not None:
        if not funders:
            errors["funders"] = _("Choose the funders of the scheme.")
        elif len({f.side for f in funders}) != len(funders):
            errors["funders"] = _("Two funders for the same side.")
    return errors


@transaction.atomic
def update_scheme(
    actor: Any,
    scheme: Scheme,
    *,
    name: str | None = None,
    name_zh: str | None = None,
    description: str | None = None,
    funders: list[Funder] | None = None,
) -> Scheme:
    if not any(can_act_for_funder(actor, f) for f in scheme.funders.all()):
        raise PermissionDenied(_("Only a programme officer of one of the funders may do this."))
    errors = _scheme_problems(name, funders)
    if funders is not None and "funders" not in errors:
        in_use = set(CallSide.objects.filter(call__scheme=scheme).values_list("funder", flat=True))
        if in_use - {f.pk for f in funders}:
            errors["funders"] = _("A funder with calls in this scheme cannot be removed.")
        elif not any(can_act_for_funder(actor, f) for f in funders):
            errors["funders"] = _("Keep at least one of your own funders in the scheme.")
    if errors:
        raise ValidationError(errors)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    before = {**snapshot(scheme), "funders": sorted(scheme.funders.values_list("pk", flat=True))}
    if name is not None:
        scheme.name = name.strip()
    if name_zh is not None:
        scheme.name_zh = name_zh.strip()
    if description is not None:
        scheme.description = description
    scheme.save()
    if funders is not None:
        scheme.funders.set(funders)
    after = {**snapshot(scheme), "funders": sorted(scheme.funders.values_list("pk", flat=True))}
    record_event(actor, FundingAction.SCHEME_UPDATED, scheme, before=before, after=after)
    return scheme


@transaction.atomic
def delete_scheme(actor: Any, scheme: Scheme) -> None:
    """A programme officer of one of its funders (or an administrator) deletes a scheme
    no call uses (a call's scheme is part of its record); audited with what it was."""
    funders = list(scheme.funders.all())
    if not (is_admin(actor) or any(can_act_for_funder(actor, f) for f in funders)):
        raise PermissionDenied(_("Only a programme officer of one of the funders may do this."))
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    calls = scheme.calls.count()
    if calls:
        raise ValidationError(
            _("The scheme has %(n)d call(s): a scheme with calls cannot be deleted.") % {"n": calls}
        )
    before = {**snapshot(scheme), "funders": sorted(f.pk for f in funders)}
    record_event(actor, FundingAction.SCHEME_DELETED, scheme, before=before)
    scheme.delete()
