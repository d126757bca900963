"""Funding API: conflicts, assignment, invitations, reviewer pools, ranking, reviews."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth
from innobridge.people.models import Person

from .. import permissions, selectors, services
from ..models import (
    Call,
    ConflictOfInterest,
    Criterion,
    Funder,
    Proposal,
    Review,
    ReviewAssignment,
)
from ..workflow import ASSIGNMENT_FLOW, describe
from .proposals import AnswerIn
from .schemas import (
    ERRORS,
    AssignmentCriterionOut,
    AssignmentOut,
    AssignmentRunOut,
    ConflictOut,
    NewConflictsOut,
    OpenAssignmentsOut,
    PoolMemberOut,
    PortfolioOut,
    RankingRowOut,
    ReviewCreatedOut,
    SentOut,
)
from .shapes import person_named

router = Router(tags=["funding"])

# --------------------------------------------------------------------------- assignment and review


class AssignIn(Schema):
    fair: bool = False
    cross_border: bool = False


def _officer_call(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(Call, pk=call_id)
    permissions.require_manage_call(request.user, call)
    return call


@router.post("/calls/{call_id}/conflicts", auth=api_auth, response={200: NewConflictsOut, **ERRORS})
def refresh_conflicts(request: HttpRequest, call_id: int) -> dict[str, Any]:
    """Record the automatic conflicts of every pool reviewer with every proposal."""
    call = _officer_call(request, call_id)
    return {"new_conflicts": services.refresh_conflicts(request.user, call)}


@router.get(
    "/calls/{call_id}/conflicts", auth=api_auth, response={200: list[ConflictOut], **ERRORS}
)
def list_conflicts(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    """The recorded conflicts of the call's proposals (officers only)."""
    call = _officer_call(request, call_id)
    return [
        {
            "proposal": c.proposal_id,
            "reviewer": c.reviewer_id,
            "reviewer_name": str(c.reviewer),
            "kind": c.kind,
            "detail": c.detail,
        }
        for c in ConflictOfInterest.objects.filter(proposal__call=call)
        .select_related("reviewer")
        .order_by("proposal_id", "reviewer_id", "kind")
    ]


def assignment_out(user: Any, a: ReviewAssignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "proposal": a.proposal_id,
        "reviewer": str(a.reviewer),
        "reviewer_id": a.reviewer_id,
        "funder_id": a.funder_id,
        "status": a.status,
        "actions": ASSIGNMENT_FLOW.allowed_actions(user, a),
        "affinity": a.affinity,
        "why": a.explanation,
        "by_hand": a.by_hand,
        "deadline": a.deadline,
    }


@router.post(
    "/calls/{call_id}/assignment", auth=api_auth, response={200: AssignmentRunOut, **ERRORS}
)
def run_assignment(request: HttpRequest, call_id: int, data: AssignIn) -> dict[str, Any]:
    call = _officer_call(request, call_id)
    summary = services.run_assignment(
        request.user, call, fair=data.fair, cross_border=data.cross_border
    )
    return {"summary": summary}


@router.get(
    "/calls/{call_id}/assignments", auth=api_auth, response={200: list[AssignmentOut], **ERRORS}
)
def call_assignments(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    call = _officer_call(request, call_id)
    qs = (
        ReviewAssignment.objects.filter(proposal__call=call)
        .select_related("reviewer")
        .order_by("proposal_id", "id")
    )
    return [assignment_out(request.user, a) for a in qs]


class ByHandIn(Schema):
    proposal_id: int
    reviewer_id: int
    funder_id: int


@router.post("/calls/{call_id}/assignments", auth=api_auth, response={201: AssignmentOut, **ERRORS})
def assign_by_hand(request: HttpRequest, call_id: int, data: ByHandIn) -> Status:
    call = get_object_or_404(Call, pk=call_id)
    p = get_object_or_404(Proposal, pk=data.proposal_id, call=call)
    a = services.assign_by_hand(
        request.user,
        p,
        get_object_or_404(Person, pk=data.reviewer_id),
        get_object_or_404(Funder, pk=data.funder_id),
    )
    return Status(201, assignment_out(request.user, a))


class InviteIn(Schema):
    deadline: dt.datetime | None = None


@router.post("/calls/{call_id}/invitations", auth=api_auth, response={200: SentOut, **ERRORS})
def send_invitations(request: HttpRequest, call_id: int, data: InviteIn) -> dict[str, Any]:
    call = get_object_or_404(Call, pk=call_id)
    return {"sent": services.send_invitations(request.user, call, deadline=data.deadline)}


@router.post("/calls/{call_id}/reminders", auth=api_auth, response={200: SentOut, **ERRORS})
def remind_reviewers(request: HttpRequest, call_id: int) -> dict[str, Any]:
    """Remind the caller's funders' reviewers who still owe a review (at most daily each)."""
    call = get_object_or_404(Call, pk=call_id)
    return {"sent": services.remind_reviewers(request.user, call)}


def _pool_out(funder: Funder) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "username": p.username,
            "name": str(p),
            "organisation": str(p.researcher_profile.organisation or "")
            if getattr(p, "researcher_profile", None)
            else "",
        }
        for p in funder.reviewer_pool.select_related("researcher_profile__organisation").order_by(
            "username"
        )
    ]


class PoolIn(Schema):
    person: str  # user name or e-mail


def _officer_funder(request: HttpRequest, funder_id: int) -> Funder:
    funder = get_object_or_404(Funder, pk=funder_id)
    permissions.require_act_for_funder(request.user, funder)
    return funder


@router.get(
    "/funders/{funder_id}/pool", auth=api_auth, response={200: list[PoolMemberOut], **ERRORS}
)
def get_pool(request: HttpRequest, funder_id: int) -> list[dict[str, Any]]:
    """A funder's reviewer pool (its officers only)."""
    return _pool_out(_officer_funder(request, funder_id))


@router.post(
    "/funders/{funder_id}/pool", auth=api_auth, response={201: list[PoolMemberOut], **ERRORS}
)
def add_to_pool(request: HttpRequest, funder_id: int, data: PoolIn) -> Status:
    funder = _officer_funder(request, funder_id)
    services.add_to_pool(request.user, funder, person_named(data.person.strip()))
    return Status(201, _pool_out(funder))


@router.delete(
    "/funders/{funder_id}/pool/{person_id}",
    auth=api_auth,
    response={200: OpenAssignmentsOut, **ERRORS},
)
def remove_from_pool(request: HttpRequest, funder_id: int, person_id: int) -> dict[str, Any]:
    """Sent invitations stay open (their number is returned); unsent ones are dropped."""
    funder = _officer_funder(request, funder_id)
    person = get_object_or_404(Person, pk=person_id)
    return {"open_assignments": services.remove_from_pool(request.user, funder, person)}


@router.get(
    "/calls/{call_id}/ranking/{funder_id}",
    auth=api_auth,
    response={200: list[RankingRowOut], **ERRORS},
)
def ranking(request: HttpRequest, call_id: int, funder_id: int) -> list[dict[str, Any]]:
    call = _officer_call(request, call_id)
    funder = get_object_or_404(Funder, pk=funder_id, call_sides__call=call)
    return [
        {
            "proposal": r["proposal"].pk,
            "title": r["proposal"].title,
            "reviews": r["n"],
            "mean": r["mean"],
            "min": r["min"],
            "max": r["max"],
            "stdev": r["stdev"],
            "decision": r["decision"].decision if r["decision"] else None,
        }
        for r in selectors.ranking(call, funder)
    ]


@router.get("/calls/{call_id}/portfolio", auth=api_auth, response={200: PortfolioOut, **ERRORS})
def portfolio(request: HttpRequest, call_id: int) -> dict[str, Any]:
    call = _officer_call(request, call_id)
    pf = selectors.suggested_portfolio(call)
    return {
        "chosen": sorted(pf["chosen"]),
        "total_score": pf["total_score"],
        "used": [
            {
                "side": s.side,
                "currency": s.currency,
                "used": u,
                "budget": s.budget,
                "committed": services.committed_amount(call, s.funder),
            }
            for s, u in pf["used"]
        ],
        "rows": [
            {
                "proposal": r["proposal"].pk,
                "score": r["score"],
                "costs": list(r["costs"]),
                "chosen": r["chosen"],
            }
            for r in pf["rows"]
        ],
    }


ASSIGNMENT_DOC = (
    "Each assignment carries `actions`: the steps the caller may take on it now. "
    "A step the state does not allow is a 422, one the caller may not take a 403.\n\n"
    + describe(ASSIGNMENT_FLOW)
)


@router.get(
    "/assignments",
    auth=api_auth,
    response={200: list[AssignmentOut], **ERRORS},
    description=ASSIGNMENT_DOC,
)
def my_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    return [assignment_out(request.user, a) for a in selectors.my_assignments(request.user)]


@router.post("/assignments/{pk}/respond", auth=api_auth, response={200: AssignmentOut, **ERRORS})
def respond_assignment(request: HttpRequest, pk: int, data: AnswerIn) -> dict[str, Any]:
    a = get_object_or_404(ReviewAssignment, pk=pk, reviewer_id=request.user.pk)
    services.respond_assignment(request.user, a, accept=data.accept)
    return assignment_out(request.user, a)


class ReviewIn(Schema):
    scores: dict[str, int]
    comments: Annotated[str, FromModel(Review, "comments")] = ""
    criterion_comments: dict[str, str] = {}


@router.post("/assignments/{pk}/review", auth=api_auth, response={201: ReviewCreatedOut, **ERRORS})
def submit_review(request: HttpRequest, pk: int, data: ReviewIn) -> Status:
    a = get_object_or_404(ReviewAssignment, pk=pk, reviewer_id=request.user.pk)
    r = services.submit_review(
        request.user,
        a,
        scores=data.scores,
        comments=data.comments,
        criterion_comments=data.criterion_comments,
    )
    return Status(201, {"id": r.pk, "weighted_score": r.weighted_score})


@router.get(
    "/assignments/{pk}/criteria",
    auth=api_auth,
    response={200: list[AssignmentCriterionOut], **ERRORS},
)
def assignment_criteria(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    a = get_object_or_404(ReviewAssignment, pk=pk, reviewer_id=request.user.pk)
    crits: list[Criterion] = list(selectors.criteria_for(a))
    return [
        {"id": c.pk, "name": c.name, "weight": c.weight, "max_score": c.max_score} for c in crits
    ]
