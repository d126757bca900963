"""Writes on demands: the guided form (a quantified target is required), triage by a
platform officer (publish / second diagnosis with a reason / long-term), bounties."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.people.models import Organisation

from .. import permissions as perm
from ..audit import TransferAction
from ..models import Demand, DemandMode, PlanStatus, SolutionPlan, TriageReason
from ..workflow import DEMAND_FLOW

DEMAND_FIELDS = (
    "title",
    "problem",
    "current_solution",
    "target_spec",
    "target_value",
    "target_unit",
    "constraints",
    "budget_min",
    "budget_max",
    "currency",
    "deadline",
    "region",
    "sector",
    "preferred_mode",
    "bounty_reward",
    "is_anonymous",
    "anonymous_description",
    "language",
)


NULLABLE = {"target_value", "budget_min", "budget_max", "bounty_reward", "deadline"}


def _apply(demand: Demand, data: dict[str, Any]) -> None:
    for key in DEMAND_FIELDS:
        if key in data:
            value = data[key]
            if value is None and key not in NULLABLE:
                value = False if key == "is_anonymous" else ""
            setattr(demand, key, value)


def _validate(demand: Demand) -> None:
    errors: dict[str, list[str]] = {}
    if demand.target_value is None or not (demand.target_unit or "").strip():
        errors["target_value"] = [
            _("State the target as a number with its unit (e.g. 0.5 mm, 95 %, 200 hours).")
        ]
    if (
        demand.budget_min is not None
        and demand.budget_max is not None
        and demand.budget_max < demand.budget_min
    ):
        errors["budget_max"] = [_("The upper end of the budget is below its lower end.")]
    for f in ("budget_min", "budget_max", "bounty_reward"):
        v = getattr(demand, f)
        if v is not None and v < 0:
            errors[f] = [_("An amount cannot be negative.")]
    if demand.preferred_mode == DemandMode.BOUNTY and not demand.bounty_reward:
        errors["bounty_reward"] = [_("A bounty needs its fixed reward.")]
    if demand.is_anonymous and not demand.anonymous_description.strip():
        errors["anonymous_description"] = [
            _("Describe your company without its name, e.g. “a Shenzhen electronics maker”.")
        ]
    try:
        demand.full_clean(exclude=["organisation", "created_by"])
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            if k not in errors:
                errors.setdefault(k, []).extend(v)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def post_demand(
    actor: Any,
    *,
    organisation: Organisation,
    data: dict[str, Any],
    submit: bool = True,
    is_demo: bool = False,
    check: bool = True,
) -> Demand:
    """A new demand from the guided form, submitted for triage unless ``submit`` is off."""
    if check:
        perm.require_post_demand(actor)
        if organisation.pk not in perm.enterprise_organisation_ids(actor):
            raise ValidationError(_("You may post demands only for your own company."))
    demand = Demand(organisation=organisation, created_by=actor, is_demo=is_demo)
    _apply(demand, data)
    _validate(demand)
    demand.save()
    record_event(actor, TransferAction.DEMAND_CREATED, demand, after=snapshot(demand))
    if submit:
        demand = apply_transition(  # type: ignore[assignment]
            actor,
            demand,
            DEMAND_FLOW,
            "submit",
            audit_action=TransferAction.DEMAND_SUBMITTED,
            check_roles=check,
        )
    return demand


@transaction.atomic
def update_demand(actor: Any, demand: Demand, *, data: dict[str, Any]) -> Demand:
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if not perm.is_demand_member(actor, demand):
        raise ValidationError(_("Only the company's people change its demand."))
    before = snapshot(demand)
    _apply(demand, data)
    _validate(demand)
    demand.save()
    record_event(
        actor, TransferAction.DEMAND_UPDATED, demand, before=before, after=snapshot(demand)
    )
    return demand


_ACTIONS = {
    "submit": TransferAction.DEMAND_SUBMITTED,
    "publish": TransferAction.DEMAND_PUBLISHED,
    "second_diagnosis": TransferAction.DEMAND_DIAGNOSIS_REQUESTED,
    "long_term": TransferAction.DEMAND_MARKED_LONG_TERM,
    "resubmit": TransferAction.DEMAND_RESUBMITTED,
    "close": TransferAction.DEMAND_CLOSED,
}


def triage_demand(
    actor: Any, demand: Demand, action: str, *, reason: str = "", note: str = ""
) -> Demand:
    """Move a demand along its table: triage (publish / second diagnosis with a reason /
    long-term), resubmission, closing."""
    if action not in _ACTIONS:
        raise ValidationError(_("Unknown action."))
    changes: dict[str, Any] = {}
    if action == "second_diagnosis":
        if reason not in TriageReason.values:
            raise ValidationError({"reason": [_("Choose why it needs a second diagnosis.")]})
        if reason == TriageReason.OTHER and not note.strip():
            raise ValidationError({"note": [_("Say what the other reason is.")]})
        changes.update(triage_reason=reason, triage_note=note.strip()[:3000])
    elif note.strip():
        changes["triage_note"] = note.strip()[:3000]
    if action in {"publish", "long_term"}:
        changes["published_at"] = timezone.now()
    moved = apply_transition(
        actor, demand, DEMAND_FLOW, action, audit_action=_ACTIONS[action], **changes
    )
    if action in {"publish", "long_term"}:
        from ..notifications import demand_changed

        demand_changed(moved)
    return moved  # type: ignore[return-value]


@transaction.atomic
def submit_plan(actor: Any, demand: Demand, *, team: str, summary: str) -> SolutionPlan:
    """A team answers a bounty demand (揭榜) with its solution plan."""
    if not demand.is_bounty or not perm.can_view_demand(actor, demand):
        raise ValidationError(_("Only published bounty demands take solution plans."))
    if not getattr(actor, "is_authenticated", False) or perm.is_demand_member(actor, demand):
        raise ValidationError(_("The company cannot answer its own bounty."))
    if not team.strip() or not summary.strip():
        raise ValidationError({"summary": [_("Name your team and describe your plan.")]})
    if SolutionPlan.objects.filter(demand=demand, submitted_by=actor).exists():
        raise ValidationError(_("You have already submitted a plan for this bounty."))
    plan = SolutionPlan.objects.create(
        demand=demand, submitted_by=actor, team=team.strip()[:300], summary=summary.strip()[:8000]
    )
    record_event(actor, TransferAction.PLAN_SUBMITTED, plan, after=snapshot(plan))
    return plan


@transaction.atomic
def select_plan(actor: Any, plan: SolutionPlan) -> SolutionPlan:
    """The enterprise selects one plan; the others are not selected."""
    demand = Demand.objects.select_for_update().get(pk=plan.demand_id)
    if not perm.is_demand_member(actor, demand):
        raise ValidationError(_("Only the company selects a plan."))
    if demand.plans.filter(status=PlanStatus.SELECTED).exists():
        raise ValidationError(_("A plan has already been selected."))
    demand.plans.exclude(pk=plan.pk).update(status=PlanStatus.NOT_SELECTED)
    plan.status = PlanStatus.SELECTED
    plan.save(update_fields=["status", "updated_at"])
    record_event(actor, TransferAction.PLAN_SELECTED, plan, after=snapshot(plan))
    return plan
