"""Decisions: each funder decides on its side under its budget; the project follows."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.money import Money, parse_amount
from innobridge.core.services import record_event, snapshot

from ..audit import FundingAction
from ..models import (
    Award,
    AwardStatus,
    Call,
    DecisionChoice,
    Disbursement,
    DisbursementStatus,
    Funder,
    FunderDecision,
    InvitationStatus,
    Milestone,
    Project,
    ProjectStatus,
    Proposal,
    ProposalState,
)
from ..models.projects import FINAL_REPORT_TITLE, PROGRESS_REPORT_TITLE
from ..notifications import notify
from ..permissions import require_act_for_funder
from ..workflow import require_proposal_allows, transition_proposal
from .calls import lock_call_side
from .proposals import side_totals


def committed_amount(call: Call, funder: Funder) -> Decimal:
    """What ``funder`` has committed in ``call``: its "fund" decisions on proposals awarded
    or still at the panel (waiting for the other funder). Terminated projects keep what
    was released, not what was still to come."""
    return committed_amounts(call, [funder]).get(funder.pk, Decimal(0))


def committed_amounts(call: Call, funders: list[Funder] | None = None) -> dict[int, Decimal]:
    """:func:`committed_amount` of each funder of ``call`` (or of ``funders``), by funder
    id, in two reads whatever the number of funders; a funder with nothing committed is
    absent."""
    # Read as rows and added up here: the exclusions and the grouped sums, done by the
    # database, cost more to build and compile than the few rows of a call cost to add
    # (the officers' pages read this on every request; issue #17).
    running = FunderDecision.objects.filter(
        proposal__call=call,
        decision=DecisionChoice.FUND,
        proposal__state__in=[ProposalState.PANEL, ProposalState.AWARDED],
    )
    terminated = Disbursement.objects.filter(
        project__proposal__call=call,
        project__status=ProjectStatus.TERMINATED,
        status=DisbursementStatus.RELEASED,
    )
    if funders is not None:
        running = running.filter(funder__in=funders)
        terminated = terminated.filter(funder__in=funders)
    out: dict[int, Decimal] = {}
    for funder_id, amount, project_status, award_state in running.order_by().values_list(
        "funder_id", "amount", "proposal__project__status", "proposal__award__state"
    ):
        if project_status == ProjectStatus.TERMINATED:  # what was released counts, below
            continue
        if award_state == AwardStatus.DECLINED:  # given back by the applicants
            continue
        if amount is not None:
            out[funder_id] = out.get(funder_id, Decimal(0)) + amount
    for funder_id, amount in terminated.order_by().values_list("funder_id", "amount"):
        out[funder_id] = out.get(funder_id, Decimal(0)) + amount
    return out


@transaction.atomic
def record_decision(
    actor: Any,
    proposal: Proposal,
    funder: Funder,
    *,
    decision: str,
    reasons: str,
    amount: Decimal | str | None = None,
    conditions: str = "",
) -> FunderDecision:
    """One funder's decision on its side; when every side has decided, the joint decision
    is made: awarded only if every funder funds.

    A decision to fund grants ``amount`` in the side's currency: by default what the
    proposal requests from this funder; it may be cut below the request, never raised
    above it, and must fit what is left of the funder's budget. ``conditions`` are the
    funder's conditions of the award (they go into the award letter)."""
    require_act_for_funder(actor, funder)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require_proposal_allows(proposal, "decide")
    cs = lock_call_side(proposal.call, funder)  # one budget check at a time per side
    if cs is None:
        raise ValidationError(_("This funder does not take part in the call."))
    if decision not in DecisionChoice.values:
        raise ValidationError({"decision": _("Choose fund or do not fund.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    if proposal.decisions.filter(funder=funder).exists():
        raise ValidationError(
            _("%(funder)s has already decided on this proposal.") % {"funder": funder.name}
        )
    requested = side_totals(proposal)[cs.side]["funder"]
    granted = _granted(amount, requested, cs.currency) if decision == DecisionChoice.FUND else None
    amount = granted if granted is not None else Decimal(0)
    if decision == DecisionChoice.FUND:
        committed = committed_amount(proposal.call, funder)
        if committed + amount > cs.budget:
            raise ValidationError(
                _(
                    "Funding this proposal (%(currency)s %(amount)s) would exceed the budget "
                    "of %(funder)s: %(currency)s %(left)s of %(currency)s %(budget)s is left."
                )
                % {
                    "currency": cs.currency,
                    "amount": Money(amount, cs.currency).figure(),
                    "funder": funder.name,
                    "left": Money(max(cs.budget - committed, Decimal(0)), cs.currency).figure(),
                    "budget": Money(cs.budget, cs.currency).figure(),
                }
            )
    d = FunderDecision.objects.create(
        proposal=proposal,
        funder=funder,
        side=cs.side,
        decision=decision,
        reasons=reasons.strip(),
        amount=amount,
        requested=requested,
        currency=cs.currency,
        conditions=conditions.strip() if decision == DecisionChoice.FUND else "",
        decided_by=actor,
    )
    record_event(actor, FundingAction.DECISION_RECORDED, d, after=snapshot(d))
    decisions = list(proposal.decisions.all())
    if len(decisions) == proposal.call.sides.count():
        _finalise(actor, proposal, decisions)
    return d


def _granted(amount: Decimal | str | None, requested: Decimal, currency: str) -> Decimal:
    """The amount a funder grants: the request unless given; positive, at most the request."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return requested
    try:
        value = parse_amount(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:  # MoneyError is a ValueError
        raise ValidationError({"amount": _("Give the amount as a number.")}) from exc
    if not value.is_finite() or value <= 0:
        raise ValidationError({"amount": _("A decision to fund grants more than nothing.")})
    if value > requested:
        raise ValidationError(
            {
                "amount": _(
                    "The amount granted may be cut below the request, never raised above it "
                    "(%(currency)s %(requested)s requested)."
                )
                % {"currency": currency, "requested": Money(requested, currency).figure()}
            }
        )
    return value


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _finalise(actor: Any, proposal: Proposal, decisions: list[FunderDecision]) -> None:
    fund = all(d.decision == DecisionChoice.FUND for d in decisions)
    transition_proposal(
        actor,
        proposal,
        "award" if fund else "decline",
        audit_action=FundingAction.PROPOSAL_AWARDED if fund else FundingAction.PROPOSAL_DECLINED,
        decided_at=timezone.now(),
    )
    if fund:  # the project starts when the lead applicant accepts the award
        award = Award.objects.create(proposal=proposal)
        record_event(actor, FundingAction.AWARD_OFFERED, award, after=snapshot(award))
        notify(
            proposal.lead,
            gettext_noop("Award offered"),
            gettext_noop(
                "Your proposal “%(title)s” is awarded. Read the award letter and accept or "
                "decline the award on InnoBridge; the project starts when you accept."
            ),
            {"title": proposal.title},
            url=proposal.get_absolute_url(),
        )
    # lazy, so each member reads the decisions in their own language (names, reasons as written)
    reasons = format_lazy(
        "\n".join(["{}: {} — {}"] * len(decisions)),
        *[
            x
            for d in decisions
            for x in (d.funder.name, DecisionChoice(d.decision).label, d.reasons)
        ],
    )
    for m in proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related("person"):
        notify(
            m.person,
            gettext_noop("Decision on your proposal"),
            gettext_noop("The joint decision on “%(title)s” is: %(outcome)s.\n\n%(reasons)s"),
            {
                "title": proposal.title,
                "outcome": ProposalState(proposal.state).label,  # lazy: the recipient's language
                "reasons": reasons,
            },
            url=proposal.get_absolute_url(),
        )


def create_project(actor: Any, proposal: Proposal) -> Project:
    """The project of an awarded proposal, from its start today: milestones and each
    funder's instalments of the amount it granted."""
    decisions = [d for d in proposal.decisions.select_related("funder") if d.amount > 0]
    start = timezone.localdate()
    end = _add_months(start, proposal.duration_months)
    project = Project.objects.create(
        proposal=proposal, title=proposal.title, start_date=start, end_date=end
    )
    mid = None
    if proposal.duration_months >= 12:
        mid = Milestone.objects.create(
            project=project,
            title=PROGRESS_REPORT_TITLE,
            due_date=_add_months(start, proposal.duration_months // 2),
        )
    final = Milestone.objects.create(
        project=project, title=FINAL_REPORT_TITLE, due_date=end, is_final=True
    )
    for d in decisions:
        first = (d.amount / 2).quantize(Decimal("0.01"))
        plan = [(None, first), (mid or final, d.amount - first)]
        for n, (dep, amt) in enumerate(plan, start=1):
            if amt > 0:
                Disbursement.objects.create(
                    project=project,
                    funder=d.funder,
                    side=d.side,
                    instalment=n,
                    amount=amt,
                    currency=d.currency,
                    depends_on=dep,
                )
    record_event(actor, FundingAction.PROJECT_CREATED, project, after=snapshot(project))
    return project
