"""Reads of proposals: one's own, those one may see, one's role on one, a proposal's page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from ..models import (
    AssignmentStatus,
    InvitationStatus,
    Proposal,
    ProposalRole,
    ProposalState,
    TeamMember,
)
from ..models import ProjectStatus as ProjectStatus  # for the plan dashboard
from ..permissions import can_manage_call, prefetched
from .calls import _authed, officer_calls, prefetch_call_sides


def my_proposals(user: Any) -> QuerySet[Proposal]:
    if not _authed(user):
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(
            Q(lead=user)
            | Q(
                members__person=user,
                members__status__in=[InvitationStatus.ACCEPTED, InvitationStatus.INVITED],
            )
        )
        .distinct()
        .select_related("call")
        .order_by("-created_at", "id")
    )


def visible_proposals(user: Any) -> QuerySet[Proposal]:
    """Own proposals (team or invited), assigned ones (not declined), officers' calls'."""
    if not _authed(user):
        return Proposal.objects.none()
    q = Q(lead=user) | Q(
        members__person=user,
        members__status__in=[InvitationStatus.ACCEPTED, InvitationStatus.INVITED],
    )
    q |= Q(
        assignments__reviewer=user,
        assignments__status__in=[
            AssignmentStatus.INVITED,
            AssignmentStatus.ACCEPTED,
            AssignmentStatus.SUBMITTED,
        ],
    )
    calls = officer_calls(user)
    q |= Q(call__in=calls) & ~Q(state=ProposalState.DRAFT)
    return Proposal.objects.filter(q).distinct().order_by("call", "id")


def proposal_role(user: Any, proposal: Proposal) -> ProposalRole:
    """How ``user`` relates to ``proposal`` (``ProposalRole.NONE``: not at all)."""
    if not _authed(user):
        return ProposalRole.NONE
    if can_manage_call(user, proposal.call) and proposal.state != ProposalState.DRAFT:
        return ProposalRole.OFFICER
    team = (InvitationStatus.ACCEPTED, InvitationStatus.INVITED)
    if proposal.lead_id == user.pk:
        return ProposalRole.TEAM
    if prefetched(proposal, "members"):  # read once by the page
        if any(m.person_id == user.pk and m.status in team for m in proposal.members.all()):
            return ProposalRole.TEAM
    elif proposal.members.filter(person=user, status__in=team).exists():
        return ProposalRole.TEAM
    if proposal.assignments.filter(
        reviewer=user,
        status__in=[
            AssignmentStatus.INVITED,
            AssignmentStatus.ACCEPTED,
            AssignmentStatus.SUBMITTED,
        ],
    ).exists():
        return ProposalRole.REVIEWER
    return ProposalRole.NONE


def prefetch_proposal_page(proposal: Proposal) -> Proposal:
    """Read once what a proposal's page and its checks ask for repeatedly: the call's sides
    (with funders), the budget lines and the team (with people and organisations)."""
    prefetch_call_sides(proposal.call)
    prefetch_related_objects(
        [proposal],
        "budget_lines",
        Prefetch("members", queryset=TeamMember.objects.select_related("person", "organisation")),
    )
    return proposal


def team_of(proposal: Proposal) -> list[TeamMember]:
    """The proposal's team with people and organisations (prefetched or read now)."""
    if prefetched(proposal, "members"):
        return list(proposal.members.all())
    return list(proposal.members.select_related("person", "organisation"))


def side_totals(proposal: Proposal) -> dict[str, dict[str, Decimal]]:
    """{side: {"funder": requested, "industry": sponsorship, "currency": ...}}."""
    out: dict[str, dict[str, Any]] = {}
    for cs in proposal.call.sides.all():
        out[cs.side] = {"funder": Decimal(0), "industry": Decimal(0), "currency": cs.currency}
    for line in proposal.budget_lines.all():
        if line.side in out:
            out[line.side][line.source] += line.amount
    return out


def invitable_drafts(user: Any) -> QuerySet[Proposal]:
    """The user's own draft proposals (as lead) whose call is still open: the proposals
    they may invite a partner to."""
    if not _authed(user):
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(
            lead=user, state=ProposalState.DRAFT, call__closes_at__gt=timezone.now()
        )
        .select_related("call")
        .order_by("-created_at", "id")
    )
