"""Figures of the funding app for the Action Plan dashboard (plan)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet, Sum

from innobridge.core.figures import Dim, Row, grouped, region_label

from ..models import (
    DECIDED_STATES,
    DecisionChoice,
    FunderDecision,
    InvitationStatus,
    Project,
    Proposal,
    ProposalState,
    TeamMember,
)
from ..models import ProjectStatus as ProjectStatus  # for the plan dashboard

# Each takes the moment ``as_of`` (what the data said then: events dated after it are left
# out) and an optional breakdown ``by``; it returns rows of (key, label, value), one row
# with an empty key for the total. Breakdowns by team ("region", "institution", "city")
# count a joint proposal once on each side/institution it has an accepted member in.


def _team_dims(date_field: str) -> dict[str, Dim]:
    return {
        "region": Dim("members__side", label=region_label),
        "institution": Dim("members__organisation_id", label_field="members__organisation__name"),
        "city": Dim("members__organisation__city"),
        "quarter": Dim(date_field, quarter=True),
    }


def _with_team(qs: QuerySet[Any], by: str | None) -> QuerySet[Any]:
    if by in ("region", "institution", "city"):
        return qs.filter(members__status=InvitationStatus.ACCEPTED)
    return qs


def proposals_submitted_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Proposals submitted by ``as_of`` (whatever happened to them since)."""
    qs = Proposal.objects.filter(submitted_at__isnull=False, submitted_at__lte=as_of)
    return grouped(_with_team(qs, by), _team_dims("submitted_at"), by)


def proposals_decided_figure(
    as_of: dt.datetime, by: str | None = None, *, awarded_only: bool = False
) -> list[Row]:
    """Proposals decided (awarded or not funded) by ``as_of``; ``awarded_only``: awarded."""
    states = [ProposalState.AWARDED] if awarded_only else list(DECIDED_STATES)
    qs = Proposal.objects.filter(state__in=states, decided_at__isnull=False, decided_at__lte=as_of)
    return grouped(_with_team(qs, by), _team_dims("decided_at"), by)


def funding_committed_figure(as_of: dt.datetime, currency: str, by: str | None = None) -> list[Row]:
    """Amounts the funders decided to fund, in ``currency``, for proposals awarded by
    ``as_of`` (the amounts ``public_projects`` lists)."""
    qs = FunderDecision.objects.filter(
        decision=DecisionChoice.FUND,
        currency=currency,
        proposal__state=ProposalState.AWARDED,
        proposal__decided_at__lte=as_of,
    )
    dims = {
        "region": Dim("side", label=region_label),
        "quarter": Dim("proposal__decided_at", quarter=True),
    }
    return grouped(qs, dims, by, value=Sum("amount"))


def projects_by_status_figure(status: str, by: str | None = None) -> list[Row]:
    """Funded projects in ``status`` now (a current state: its history is in snapshots)."""
    qs = Project.objects.filter(status=status)
    dims = {
        "region": Dim("proposal__members__side", label=region_label),
        "institution": Dim(
            "proposal__members__organisation_id",
            label_field="proposal__members__organisation__name",
        ),
    }
    if by is not None:
        qs = qs.filter(proposal__members__status=InvitationStatus.ACCEPTED)
    return grouped(qs, dims, by)


def joint_institutions_figure(
    as_of: dt.datetime, by: str | None = None, *, regions: list[str] | None = None
) -> list[Row]:
    """Distinct institutions with an accepted team member in a proposal submitted by
    ``as_of`` (only those of ``regions`` when given)."""
    qs = TeamMember.objects.filter(
        status=InvitationStatus.ACCEPTED,
        proposal__submitted_at__isnull=False,
        proposal__submitted_at__lte=as_of,
    )
    if regions is not None:
        qs = qs.filter(organisation__region__in=regions)
    dims = {
        "region": Dim("organisation__region", label=region_label),
        "city": Dim("organisation__city"),
    }
    return grouped(qs, dims, by, value=Count("organisation", distinct=True))
