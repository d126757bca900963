"""Placements posted by hosts, approved by the host institution's coordinator."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.models import Region
from innobridge.core.services import apply_transition, record_event, snapshot

from ..audit import ExchangeAction
from ..models import Placement, Programme
from ..permissions import can_propose_placement, require
from ..workflow import PLACEMENT_FLOW

ACTIONS = {
    "approve": ExchangeAction.PLACEMENT_APPROVED,
    "reject": ExchangeAction.PLACEMENT_REJECTED,
    "close": ExchangeAction.PLACEMENT_CLOSED,
}


def host_region_error(programme: Programme, organisation: Any) -> str | None:
    """Why ``organisation`` cannot host this programme's fellows (its host regions named
    in the reader's language), or None when it can."""
    if organisation.region in programme.host_regions:
        return None
    return _("This programme hosts fellows only in: %(r)s.") % {
        "r": ", ".join(str(Region(r).label) for r in sorted(programme.host_regions))
    }


@transaction.atomic
def propose_placement(
    actor: Any,
    programme: Programme,
    *,
    title: str,
    organisation: Any,
    description: str = "",
    seats: int = 1,
    months: int = 12,
    requirements: str = "",
    is_demo: bool = False,
) -> Placement:
    require(can_propose_placement(actor, programme), _("Only researchers post placements."))
    if (error := host_region_error(programme, organisation)) is not None:
        raise ValidationError({"organisation": error})
    if not programme.min_months <= months <= programme.max_months:
        raise ValidationError(
            {
                "months": _("A stay in this programme lasts %(a)s to %(b)s months.")
                % {"a": programme.min_months, "b": programme.max_months}
            }
        )
    p = Placement(
        programme=programme,
        title=title,
        description=description,
        supervisor=actor,
        organisation=organisation,
        seats=seats,
        months=months,
        requirements=requirements,
        is_demo=is_demo,
    )
    p.full_clean()
    p.save()
    record_event(actor, ExchangeAction.PLACEMENT_PROPOSED, p, after=snapshot(p))
    return p


def move_placement(actor: Any, placement: Placement, action: str) -> Placement:
    if action not in ACTIONS:
        raise ValidationError(_("Unknown action."))
    apply_transition(actor, placement, PLACEMENT_FLOW, action, audit_action=ACTIONS[action])
    return placement
