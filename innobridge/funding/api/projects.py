"""Funding API: funded projects, reports, disbursements, changes, notifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth
from innobridge.people.models import Organisation

from .. import selectors, services
from ..models import (
    BudgetLine,
    ChangeRequest,
    Disbursement,
    Funder,
    InvitationStatus,
    Milestone,
    Project,
    Report,
    ReviewAssignment,
    TeamMember,
)
from ..workflow import CHANGE_FLOW, PROJECT_FLOW, describe
from .schemas import (
    ERRORS,
    ChangeOut,
    DisbursementOut,
    DisbursementStatusOut,
    MarkedOut,
    MilestoneCreatedOut,
    NotificationOut,
    ProjectOut,
    ReportRatingOut,
    TerminatedOut,
)
from .shapes import person_named

router = Router(tags=["funding"])
PDF_UPLOAD = File(...)

# --------------------------------------------------------------------------- projects


def _project(request: HttpRequest, pk: int) -> Project:
    project = get_object_or_404(Project, pk=pk)
    if not selectors.can_view_project(request.user, project):
        from django.http import Http404

        raise Http404
    return project


PROJECT_DOC = (
    "A project and each of its change requests carry `actions`: the steps the caller may "
    "take now. A step the state does not allow is a 422, one the caller may not take a "
    "403.\n\n" + describe(PROJECT_FLOW) + "\n\n" + describe(CHANGE_FLOW)
)


@router.get(
    "/projects/{pk}", auth=api_auth, response={200: ProjectOut, **ERRORS}, description=PROJECT_DOC
)
def get_project(request: HttpRequest, pk: int) -> dict[str, Any]:
    project = _project(request, pk)
    return {
        "id": project.pk,
        "title": project.title,
        "status": project.current_status(),  # as of today (the stored one catches up daily)
        "actions": PROJECT_FLOW.allowed_actions(request.user, project),
        "start_date": project.start_date,
        "end_date": project.end_date,
        "milestones": [
            {
                "id": m.pk,
                "title": str(m.display_title),  # in the reader's language, as on the page
                "due_date": m.due_date,
                "overdue": m.is_overdue(),
                "reports": [
                    {"id": r.pk, "rating": r.rating, "summary": r.summary} for r in m.reports.all()
                ],
            }
            for m in project.milestones.all()
        ],
        "disbursements": [
            {
                "id": d.pk,
                "side": d.side,
                "instalment": d.instalment,
                "amount": d.amount,
                "currency": d.currency,
                "depends_on": d.depends_on_id,
                "status": d.status,
            }
            for d in project.disbursements.all()
        ],
        "change_requests": [change_out(request.user, c) for c in project.change_requests.all()],
        "termination_reason": project.termination_reason,
        "team": [
            {
                "id": m.pk,
                "person": str(m.person),
                "organisation": m.organisation.name,
                "side": m.side,
                "role": m.role,
            }
            for m in project.proposal.members.filter(
                status=InvitationStatus.ACCEPTED
            ).select_related("person", "organisation")
        ],
        "budget": [
            {
                "side": b.side,
                "category": b.category,
                "source": b.source,
                "amount": b.amount,
                "currency": b.currency,
            }
            for b in project.proposal.budget_lines.all()
        ],
    }


class ReportIn(Schema):
    milestone_id: int
    summary: Annotated[str, FromModel(Report, "summary")]


@router.post("/projects/{pk}/reports", auth=api_auth, response={201: ReportRatingOut, **ERRORS})
def submit_report(request: HttpRequest, pk: int, data: ReportIn) -> Status:
    project = _project(request, pk)
    m = get_object_or_404(Milestone, pk=data.milestone_id, project=project)
    r = services.submit_report(request.user, project, milestone=m, summary=data.summary)
    return Status(201, {"id": r.pk, "rating": r.rating})


class RatingIn(Schema):
    rating: str
    comment: str = ""


@router.post("/reports/{pk}/rating", auth=api_auth, response={200: ReportRatingOut, **ERRORS})
def rate_report(request: HttpRequest, pk: int, data: RatingIn) -> dict[str, Any]:
    r = services.rate_report(
        request.user, get_object_or_404(Report, pk=pk), rating=data.rating, comment=data.comment
    )
    return {"id": r.pk, "rating": r.rating}


@router.post(
    "/disbursements/{pk}/release", auth=api_auth, response={200: DisbursementStatusOut, **ERRORS}
)
def release_disbursement(request: HttpRequest, pk: int) -> dict[str, Any]:
    d = services.release_disbursement(request.user, get_object_or_404(Disbursement, pk=pk))
    return {"id": d.pk, "status": d.status}


class BudgetLineIn(Schema):
    category: str
    amount: Annotated[Decimal, FromModel(BudgetLine, "amount")]
    source: str = "funder"
    currency: str | None = None
    description: Annotated[str, FromModel(BudgetLine, "description")] = ""


class ChangeIn(Schema):
    kind: str
    side: str
    description: Annotated[str, FromModel(ChangeRequest, "description")]
    new_end_date: Annotated[dt.date | None, FromModel(ChangeRequest, "new_end_date")] = None
    new_budget: list[BudgetLineIn] = []
    remove_member_id: int | None = None
    add_person: str | None = None
    add_organisation_id: int | None = None
    add_role: str = "co_investigator"


@router.post("/projects/{pk}/changes", auth=api_auth, response={201: ChangeOut, **ERRORS})
def request_change(request: HttpRequest, pk: int, data: ChangeIn) -> Status:
    """A budget change carries the side's new lines (``new_budget``), a duration change
    ``new_end_date``, a team change ``remove_member_id`` and/or ``add_person``."""
    project = _project(request, pk)
    remove = (
        get_object_or_404(TeamMember, pk=data.remove_member_id, proposal=project.proposal)
        if data.remove_member_id
        else None
    )
    org = (
        get_object_or_404(Organisation, pk=data.add_organisation_id)
        if data.add_organisation_id
        else None
    )
    c = services.request_change(
        request.user,
        project,
        kind=data.kind,
        side=data.side,
        description=data.description,
        new_end_date=data.new_end_date,
        new_budget=[line.dict() for line in data.new_budget],
        remove_member=remove,
        add_person=person_named(data.add_person) if data.add_person else None,
        add_organisation=org,
        add_role=data.add_role,
    )
    return Status(201, change_out(request.user, c))


def change_out(user: Any, c: ChangeRequest) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "side": c.side,
        "status": c.status,
        "actions": CHANGE_FLOW.allowed_actions(user, c),
        "description": c.description,
        "new_end_date": c.new_end_date,
        "new_budget": c.new_budget,
        "remove_member_id": c.remove_member_id,
        "add_person": str(c.add_person) if c.add_person else None,
        "decision_note": c.decision_note,
    }


class MilestoneIn(Schema):
    title: Annotated[str, FromModel(Milestone, "title")]
    due_date: Annotated[dt.date, FromModel(Milestone, "due_date")]


@router.post(
    "/projects/{pk}/milestones", auth=api_auth, response={201: MilestoneCreatedOut, **ERRORS}
)
def add_milestone(request: HttpRequest, pk: int, data: MilestoneIn) -> Status:
    m = services.add_milestone(
        request.user, _project(request, pk), title=data.title, due_date=data.due_date
    )
    return Status(201, {"id": m.pk, "title": m.title, "due_date": m.due_date})


class InstalmentIn(Schema):
    funder_id: int
    amount: Annotated[Decimal, FromModel(Disbursement, "amount")]
    depends_on_id: int | None = None


@router.post("/projects/{pk}/instalments", auth=api_auth, response={201: DisbursementOut, **ERRORS})
def schedule_instalment(request: HttpRequest, pk: int, data: InstalmentIn) -> Status:
    """A funder's officer adds an instalment (in its currency, within its award),
    optionally released only after the report for a milestone is accepted."""
    project = _project(request, pk)
    dep = (
        get_object_or_404(Milestone, pk=data.depends_on_id, project=project)
        if data.depends_on_id
        else None
    )
    d = services.schedule_disbursement(
        request.user,
        project,
        get_object_or_404(Funder, pk=data.funder_id),
        amount=data.amount,
        depends_on=dep,
    )
    return Status(
        201,
        {
            "id": d.pk,
            "side": d.side,
            "instalment": d.instalment,
            "amount": d.amount,
            "currency": d.currency,
            "depends_on": d.depends_on_id,
            "status": d.status,
        },
    )


class TerminateIn(Schema):
    reason: Annotated[str, FromModel(Project, "termination_reason")]


@router.post("/projects/{pk}/terminate", auth=api_auth, response={200: TerminatedOut, **ERRORS})
def terminate_project(request: HttpRequest, pk: int, data: TerminateIn) -> dict[str, Any]:
    project = services.terminate_project(request.user, _project(request, pk), reason=data.reason)
    return {
        "id": project.pk,
        "status": project.status,
        "termination_reason": project.termination_reason,
    }


class ChangeDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/changes/{pk}/decision", auth=api_auth, response={200: ChangeOut, **ERRORS})
def decide_change(request: HttpRequest, pk: int, data: ChangeDecisionIn) -> dict[str, Any]:
    c = services.decide_change(
        request.user, get_object_or_404(ChangeRequest, pk=pk), approve=data.approve, note=data.note
    )
    return change_out(request.user, c)


@router.get("/notifications", auth=api_auth, response={200: list[NotificationOut], **ERRORS})
def notifications(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": n.pk,
            "subject": n.subject,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read": bool(n.read_at),
        }
        for n in selectors.notifications_of(request.user)[:100]
    ]


class ReadIn(Schema):
    ids: list[int] | None = None  # none given: all


@router.post("/notifications/read", auth=api_auth, response={200: MarkedOut, **ERRORS})
def mark_read(request: HttpRequest, data: ReadIn) -> dict[str, Any]:
    """Mark the caller's notifications read (the given ones, or all)."""
    return {"marked": services.mark_notifications_read(request.user, data.ids)}


@router.delete("/assignments/{pk}", auth=api_auth, response={204: None, **ERRORS})
def remove_assignment(request: HttpRequest, pk: int) -> Status:
    """An officer of the assignment's funder removes it before the reviewer accepts."""
    a = get_object_or_404(ReviewAssignment, pk=pk)
    services.remove_assignment(request.user, a)
    return Status(204, None)
