"""The funding lifecycles as transition tables (state → action → target, who may take it),
read by the services, the pages and the API alike.

Who someone is on an object (``proposal_roles``) is worked out from
:mod:`innobridge.funding.permissions`; what the state allows is the table. Rules that count
other rows (every funder screened, every funder decided, the budget) stay in the services:
the table holds only the edges and who may take each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from innobridge.core.services import apply_transition
from innobridge.core.workflow import SYSTEM, Transition, Workflow

from .models import Award, AwardStatus, MemberRole, Proposal, ProposalRole, ProposalState
from .permissions import can_lead_proposal, can_manage_call

LEAD = MemberRole.LEAD  # the lead applicant
OFFICER = ProposalRole.OFFICER

S = ProposalState


def proposal_roles(user: Any, proposal: Proposal) -> set[str]:
    """The roles ``user`` holds on ``proposal``: ``lead``, ``officer`` (of a funder of
    its call), ``system`` (scheduled jobs)."""
    if user == SYSTEM:
        return {SYSTEM}
    roles: set[str] = set()
    if can_lead_proposal(user, proposal):
        roles.add(LEAD)
    if can_manage_call(user, proposal.call):
        roles.add(OFFICER)
    return roles


_BEFORE_DECISION = (S.DRAFT, S.SUBMITTED, S.MORE_INFO, S.ELIGIBLE, S.IN_REVIEW, S.PANEL)

PROPOSAL_FLOW = Workflow(
    "proposal",
    [
        # the applicants
        Transition(S.DRAFT, "edit", S.DRAFT, {LEAD}, gettext_lazy("Edit")),
        Transition(S.DRAFT, "submit", S.SUBMITTED, {LEAD}, gettext_lazy("Submit")),
        *[
            Transition(s, "withdraw", S.WITHDRAWN, {LEAD}, gettext_lazy("Withdraw"))
            for s in _BEFORE_DECISION
        ],
        # each funder screens its side; the last screening moves the proposal
        Transition(S.SUBMITTED, "screen", S.SUBMITTED, {OFFICER}, gettext_lazy("Screen")),
        Transition(S.SUBMITTED, "find_eligible", S.ELIGIBLE, {OFFICER}),
        Transition(S.SUBMITTED, "find_ineligible", S.INELIGIBLE, {OFFICER}),
        # a funder's officer asks the team for more information (with a deadline); the team
        # may revise the texts, answers and resubmits, and screening continues
        Transition(
            S.SUBMITTED,
            "request_info",
            S.MORE_INFO,
            {OFFICER},
            gettext_lazy("Request more information"),
        ),
        Transition(S.MORE_INFO, "revise", S.MORE_INFO, {LEAD}, gettext_lazy("Revise")),
        Transition(S.MORE_INFO, "answer", S.SUBMITTED, {LEAD}, gettext_lazy("Answer and resubmit")),
        # review
        Transition(S.ELIGIBLE, "assign", S.ELIGIBLE, {OFFICER, SYSTEM}),
        Transition(S.IN_REVIEW, "assign", S.IN_REVIEW, {OFFICER, SYSTEM}),
        Transition(S.ELIGIBLE, "start_review", S.IN_REVIEW, {OFFICER}),
        Transition(S.IN_REVIEW, "to_panel", S.PANEL, {OFFICER}, gettext_lazy("Move to panel")),
        # each funder decides its side; the last decision moves the proposal
        Transition(S.PANEL, "decide", S.PANEL, {OFFICER}, gettext_lazy("Decide")),
        Transition(S.PANEL, "award", S.AWARDED, {OFFICER}),
        Transition(S.PANEL, "decline", S.DECLINED, {OFFICER}),
    ],
    roles=proposal_roles,
)

# What a refusal says when the state does not allow the action (the services' own words).
_REFUSALS = {
    "edit": gettext_lazy("This proposal has been submitted and can no longer be changed."),
    "submit": gettext_lazy("This proposal has already been submitted."),
    "withdraw": gettext_lazy("A proposal can only be withdrawn before the decision."),
    "screen": gettext_lazy("Only a submitted proposal can be screened."),
    "assign": gettext_lazy("Only eligible proposals can be assigned reviewers."),
    "to_panel": gettext_lazy("Only a proposal in review can go to the panel."),
    "decide": gettext_lazy("Decisions are recorded at the panel stage."),
    "request_info": gettext_lazy("More information can be requested only at screening."),
    "revise": gettext_lazy("This proposal has been submitted and can no longer be changed."),
    "answer": gettext_lazy("No request for more information is waiting for an answer."),
}

# Actions the applicants take only while the call is open.
_WHILE_OPEN = {"edit", "submit"}


def describe(flow: Workflow) -> str:
    """The table as Markdown, for the API docs: one line per transition."""
    lines = [f"Transitions of the {flow.name} (state —action→ target: who may take it):", ""]
    for source, edges in flow.table.items():
        for t in edges.values():
            lines.append(f"- `{source}` —`{t.action}`→ `{t.target}`: {', '.join(sorted(t.who))}")
    return "\n".join(lines)


def proposal_allows(proposal: Proposal, action: str) -> bool:
    """Whether the proposal's state allows ``action`` (who may take it aside)."""
    return PROPOSAL_FLOW.edge(proposal.state, action) is not None


def require_proposal_allows(proposal: Proposal, action: str) -> None:
    """A ``ValidationError`` in the services' words unless the state allows ``action``."""
    if not proposal_allows(proposal, action):
        message = _REFUSALS.get(action)
        if message is None:
            PROPOSAL_FLOW.check(SYSTEM, proposal, action)  # the generic refusal
        raise ValidationError(str(message))


def allowed_actions(user: Any, proposal: Proposal, now: dt.datetime | None = None) -> list[str]:
    """The actions ``user`` may take on ``proposal`` now: the buttons on its page and the
    ``actions`` field of the API. Editing and submitting end when the call closes."""
    actions = PROPOSAL_FLOW.allowed_actions(user, proposal)
    if proposal.state == S.DRAFT and proposal.call.is_closed(now):
        actions = [a for a in actions if a not in _WHILE_OPEN]
    return actions


def transition_proposal(
    actor: Any,
    proposal: Proposal,
    action: str,
    *,
    audit_action: str,
    check_roles: bool = False,
    **changes: Any,
) -> Proposal:
    """Move ``proposal`` along the table by ``action`` (row locked, state checked, audited:
    :func:`innobridge.core.services.apply_transition`). The services check who may act
    with their own, more precise, permission predicates first, so roles are checked here
    only when asked."""
    require_proposal_allows(proposal, action)
    apply_transition(
        actor,
        proposal,
        PROPOSAL_FLOW,
        action,
        audit_action=audit_action,
        check_roles=check_roles,
        **changes,
    )
    return proposal  # refreshed by apply_transition


# --------------------------------------------------------------------------- the award


def award_roles(user: Any, award: Award) -> set[str]:
    """``lead`` for the lead applicant of the awarded proposal."""
    if user == SYSTEM:
        return {SYSTEM}
    return {LEAD} if can_lead_proposal(user, award.proposal) else set()


A = AwardStatus

AWARD_FLOW = Workflow(
    "award",
    [
        # the lead applicant accepts the award letter (the project starts) or declines it
        Transition(A.OFFERED, "accept", A.ACCEPTED, {LEAD}, gettext_lazy("Accept the award")),
        Transition(A.OFFERED, "decline", A.DECLINED, {LEAD}, gettext_lazy("Decline the award")),
    ],
    roles=award_roles,
)
