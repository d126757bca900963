"""Reads of projects: those one may see, a team's, the public list."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ..models import (
    DecisionChoice,
    InvitationStatus,
    Project,
)
from ..models import ProjectStatus as ProjectStatus  # for the plan dashboard
from ..permissions import can_manage_call, can_work_on_proposal
from .calls import _authed, officer_calls


def visible_projects(user: Any) -> QuerySet[Project]:
    """Projects whose page ``user`` may open: both partners' teams and the call's officers."""
    if not _authed(user):
        return Project.objects.none()
    q = Q(proposal__members__person=user, proposal__members__status=InvitationStatus.ACCEPTED)
    q |= Q(proposal__call__in=officer_calls(user))
    return Project.objects.filter(q).distinct().order_by("-start_date", "id")


def team_projects(user: Any) -> QuerySet[Project]:
    """Projects whose team ``user`` is an accepted member of (the reports are theirs to
    file), newest first, with their milestones."""
    if not _authed(user):
        return Project.objects.none()
    return (
        Project.objects.filter(
            proposal__members__person=user, proposal__members__status=InvitationStatus.ACCEPTED
        )
        .distinct()
        .prefetch_related("milestones")
        .order_by("-start_date", "id")
    )


def public_projects() -> list[dict[str, Any]]:
    """Awarded projects: title, partner institutions and amounts only."""
    out = []
    for project in (
        Project.objects.select_related("proposal", "proposal__call")
        .prefetch_related("proposal__members__organisation", "proposal__decisions")
        .order_by("-start_date", "id")
    ):
        p = project.proposal
        orgs = []
        for m in p.members.all():
            if m.status == InvitationStatus.ACCEPTED and m.organisation not in orgs:
                orgs.append(m.organisation)
        out.append(
            {
                "id": project.pk,
                "title": project.title,
                "title_zh": p.title_zh,
                "call": p.call.title,
                "partners": [
                    {"name": o.name, "name_zh": o.name_zh, "region": o.region} for o in orgs
                ],
                "amounts": [
                    {"side": d.side, "amount": d.amount, "currency": d.currency}
                    for d in sorted(p.decisions.all(), key=lambda d: d.side)
                    if d.decision == DecisionChoice.FUND
                ],
            }
        )
    return out


def can_view_project(user: Any, project: Project) -> bool:
    return can_work_on_proposal(user, project.proposal) or can_manage_call(
        user, project.proposal.call
    )
