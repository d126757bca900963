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

from .models import (
    AssignmentStatus,
    Award,
    AwardStatus,
    ChangeRequest,
    ChangeStatus,
    MemberRole,
    Project,
    ProjectStatus,
    Proposal,
    ProposalRole,
    ProposalState,
    ReviewAssignment,
)
from .permissions import (
    can_act_for_funder,
    can_decide_change,
    can_lead_proposal,
    can_manage_call,
    can_review_assignment,
    can_work_on_proposal,
)

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
        # the deadline passed without an answer: the asking funder's officer goes on
        # screening without it (and may then screen the proposal out)
        Transition(
            S.MORE_INFO,
            "resume_screening",
            S.SUBMITTED,
            {OFFICER},
            gettext_lazy("Resume screening without an answer"),
        ),
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
    "resume_screening": gettext_lazy("No request for more information is waiting for an answer."),
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
    if "resume_screening" in actions and not _may_resume(user, proposal, now):
        actions.remove("resume_screening")
    return actions


def _may_resume(user: Any, proposal: Proposal, now: dt.datetime | None) -> bool:
    """Screening resumes without an answer only once the open request's deadline has
    passed, and only by an officer of the funder that asked."""
    req = (
        proposal.info_requests.filter(answered_at__isnull=True, lapsed_at__isnull=True)
        .select_related("funder")
        .order_by("-requested_at", "-id")
        .first()
    )
    return req is not None and req.is_overdue(now) and can_act_for_funder(user, req.funder)


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


# --------------------------------------------------------------------- review assignments

REVIEWER = ProposalRole.REVIEWER
TEAM = ProposalRole.TEAM
A = AssignmentStatus
# Not stored: an assignment removed before the reviewer accepts is deleted.
REMOVED = "removed"


def assignment_roles(user: Any, assignment: ReviewAssignment) -> set[str]:
    """``reviewer`` (the one it names), ``officer`` (of its funder), ``system``."""
    if user == SYSTEM:
        return {SYSTEM}
    roles: set[str] = set()
    if can_review_assignment(user, assignment):
        roles.add(REVIEWER)
    if getattr(user, "is_authenticated", False) and can_act_for_funder(user, assignment.funder):
        roles.add(OFFICER)
    return roles


_UNFINISHED = (A.PROPOSED, A.INVITED, A.ACCEPTED)

ASSIGNMENT_FLOW = Workflow(
    "review assignment",
    [
        # the officers of the assignment's funder send, remove and chase it
        Transition(A.PROPOSED, "invite", A.INVITED, {OFFICER}, gettext_lazy("Invite")),
        Transition(A.PROPOSED, "remove", REMOVED, {OFFICER}, gettext_lazy("Remove")),
        Transition(A.INVITED, "remove", REMOVED, {OFFICER}, gettext_lazy("Remove")),
        Transition(A.INVITED, "remind", A.INVITED, {OFFICER, SYSTEM}),
        Transition(A.ACCEPTED, "remind", A.ACCEPTED, {OFFICER, SYSTEM}),
        # the reviewer answers, reviews, or declares a conflict (which releases it)
        Transition(A.INVITED, "accept", A.ACCEPTED, {REVIEWER}, gettext_lazy("Accept")),
        Transition(A.INVITED, "decline", A.DECLINED, {REVIEWER}, gettext_lazy("Decline")),
        Transition(A.ACCEPTED, "review", A.SUBMITTED, {REVIEWER}, gettext_lazy("Review")),
        *[Transition(s, "declare_conflict", A.DECLINED, {REVIEWER}) for s in _UNFINISHED],
        # a conflict found later (a team change) or the move to the panel ends it
        *[Transition(s, "release", A.DECLINED, {OFFICER, SYSTEM}) for s in _UNFINISHED],
        *[Transition(s, "close", A.DECLINED, {OFFICER, SYSTEM}) for s in (A.PROPOSED, A.INVITED)],
    ],
    roles=assignment_roles,
    state_attr="status",
)

# --------------------------------------------------------------------------- projects

P = ProjectStatus
_RUNNING = (P.ON_TRACK, P.LATE)


def project_roles(user: Any, project: Project) -> set[str]:
    """``team`` (an accepted member), ``officer`` (of a funder of its call), ``system``."""
    if user == SYSTEM:
        return {SYSTEM}
    roles: set[str] = set()
    if can_work_on_proposal(user, project.proposal):
        roles.add(TEAM)
    if can_manage_call(user, project.proposal.call):
        roles.add(OFFICER)
    return roles


PROJECT_FLOW = Workflow(
    "project",
    [
        # the daily status check (milestones overdue, the final report accepted)
        Transition(P.ON_TRACK, "fall_behind", P.LATE, {SYSTEM}),
        Transition(P.LATE, "catch_up", P.ON_TRACK, {SYSTEM}),
        *[Transition(s, "complete", P.COMPLETED, {SYSTEM}) for s in _RUNNING],
        # while it runs: the team reports and asks for changes, the officers steer and pay
        *[
            t
            for s in _RUNNING
            for t in (
                Transition(s, "report", s, {TEAM}, gettext_lazy("Submit a report")),
                Transition(s, "request_change", s, {TEAM}, gettext_lazy("Request a change")),
                Transition(s, "add_milestone", s, {OFFICER}, gettext_lazy("Add a milestone")),
                Transition(s, "schedule", s, {OFFICER}, gettext_lazy("Schedule an instalment")),
                Transition(s, "release", s, {OFFICER}, gettext_lazy("Release an instalment")),
                Transition(s, "decide_change", s, {OFFICER}),
                # a joint project ends when every funder has agreed (counted by the service)
                Transition(s, "terminate", P.TERMINATED, {OFFICER}, gettext_lazy("Terminate")),
            )
        ],
    ],
    roles=project_roles,
    state_attr="status",
)

# --------------------------------------------------------------------- change requests

C = ChangeStatus


def change_roles(user: Any, change: ChangeRequest) -> set[str]:
    """``officer``: of a funder that may decide it now (the funder concerned first; on a
    joint change then each other funder); ``system``."""
    if user == SYSTEM:
        return {SYSTEM}
    return {OFFICER} if can_decide_change(user, change) else set()


CHANGE_FLOW = Workflow(
    "change request",
    [
        # on a joint change every funder approves; the last approval moves it
        Transition(C.PENDING, "approve", C.APPROVED, {OFFICER}, gettext_lazy("Approve")),
        Transition(C.PENDING, "reject", C.REJECTED, {OFFICER}, gettext_lazy("Reject")),
    ],
    roles=change_roles,
    state_attr="status",
)

# What a refusal says when the state does not allow the action (the services' words).
_FLOW_REFUSALS: dict[str, dict[str, Any]] = {
    ASSIGNMENT_FLOW.name: {
        "invite": gettext_lazy("This assignment has been sent already."),
        "remove": gettext_lazy("Only an assignment not yet accepted can be removed."),
        "accept": gettext_lazy("You have already answered this invitation."),
        "decline": gettext_lazy("You have already answered this invitation."),
        "review": gettext_lazy("Accept the invitation before reviewing."),
    },
    PROJECT_FLOW.name: {
        action: gettext_lazy("This project is closed.") for action in PROJECT_FLOW.actions
    },
    CHANGE_FLOW.name: {
        action: gettext_lazy("This request has already been decided.")
        for action in CHANGE_FLOW.actions
    },
}


def require_allows(flow: Workflow, obj: Any, action: str) -> None:
    """A ``ValidationError`` in the services' words unless ``obj``'s state allows
    ``action`` in ``flow`` (who may take it aside: the services check that first)."""
    if flow.edge(flow.state_of(obj), action) is None:
        message = _FLOW_REFUSALS.get(flow.name, {}).get(action)
        if message is None:
            flow.check(SYSTEM, obj, action)  # the generic refusal
        raise ValidationError(str(message))


def project_status_action(current: str, target: str) -> str | None:
    """The action of the daily status check that moves a project from ``current`` to
    ``target`` (None: the table has no such step, or nothing changes)."""
    for t in PROJECT_FLOW.table.get(str(current), {}).values():
        if t.target == target and t.target != t.source and SYSTEM in t.who:
            return t.action
    return None


# --------------------------------------------------------------------------- the award


def award_roles(user: Any, award: Award) -> set[str]:
    """``lead`` for the lead applicant of the awarded proposal."""
    if user == SYSTEM:
        return {SYSTEM}
    return {LEAD} if can_lead_proposal(user, award.proposal) else set()


AW = AwardStatus

AWARD_FLOW = Workflow(
    "award",
    [
        # the lead applicant accepts the award letter (the project starts) or declines it
        Transition(AW.OFFERED, "accept", AW.ACCEPTED, {LEAD}, gettext_lazy("Accept the award")),
        Transition(AW.OFFERED, "decline", AW.DECLINED, {LEAD}, gettext_lazy("Decline the award")),
    ],
    roles=award_roles,
)
