"""Funding API: the award after a decision (accept or decline; the letter) and requests
for more information at screening (ask, answer, resume screening after a missed deadline)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth

from .. import selectors, services
from ..models import Award, Funder, InfoRequest
from ..workflow import AWARD_FLOW, describe
from .schemas import ERRORS, AwardOut, InfoRequestOut
from .shapes import proposal_visible

router = Router(tags=["funding"])


def award_out(user: Any, award: Award) -> dict[str, Any]:
    project = getattr(award.proposal, "project", None)
    return {
        "proposal": award.proposal_id,
        "state": award.state,
        "actions": services.award_actions(user, award),
        "letter_url": reverse("funding:award_letter", args=[award.proposal_id]),
        "project": project.pk if project is not None else None,
        "response_note": award.response_note,
        "responded_at": award.responded_at,
    }


def _award(request: HttpRequest, pk: int) -> Award:
    p = proposal_visible(request, pk)
    if selectors.proposal_role(request.user, p) not in ("team", "officer"):
        from django.http import Http404

        raise Http404
    return get_object_or_404(Award, proposal=p)


@router.get("/proposals/{pk}/award", auth=api_auth, response={200: AwardOut, **ERRORS})
def get_award(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The award of an awarded proposal (to its team and the call's officers)."""
    return award_out(request.user, _award(request, pk))


class AwardAnswerIn(Schema):
    accept: bool
    note: Annotated[str, FromModel(Award, "response_note")] = ""


@router.post(
    "/proposals/{pk}/award/answer",
    auth=api_auth,
    response={200: AwardOut, **ERRORS},
    description="A step the award's state does not allow is a 422, a step the caller may "
    "not take a 403.\n\n" + describe(AWARD_FLOW),
)
def answer_award(request: HttpRequest, pk: int, data: AwardAnswerIn) -> dict[str, Any]:
    """The lead applicant accepts the award (the project starts) or declines it (a note
    is required). Transitions: the award table in funding/workflow.py."""
    award = _award(request, pk)
    if data.accept:
        services.accept_award(request.user, award, note=data.note)
    else:
        services.decline_award(request.user, award, note=data.note)
    award.refresh_from_db()
    return award_out(request.user, award)


def info_out(r: InfoRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "proposal": r.proposal_id,
        "proposal_state": r.proposal.state,
        "funder": r.funder.name,
        "question": r.question,
        "deadline": r.deadline,
        "overdue": r.is_overdue(),
        "answer": r.answer,
        "answered_at": r.answered_at,
        "lapsed_at": r.lapsed_at,
    }


class InfoRequestIn(Schema):
    funder_id: int
    question: Annotated[str, FromModel(InfoRequest, "question")]
    deadline: dt.datetime


@router.post(
    "/proposals/{pk}/information-requests",
    auth=api_auth,
    response={201: InfoRequestOut, **ERRORS},
)
def request_information(request: HttpRequest, pk: int, data: InfoRequestIn) -> Status:
    """A funder's officer sends the submitted proposal back to its team with a question
    and a deadline (proposal: submitted → more_info)."""
    p = proposal_visible(request, pk)
    funder = get_object_or_404(Funder, pk=data.funder_id)
    r = services.request_information(
        request.user, p, funder, question=data.question, deadline=data.deadline
    )
    r.proposal.refresh_from_db()
    return Status(201, info_out(r))


@router.get(
    "/proposals/{pk}/information-requests",
    auth=api_auth,
    response={200: list[InfoRequestOut], **ERRORS},
)
def list_information_requests(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """The proposal's questions and answers (to its team and the call's officers)."""
    p = proposal_visible(request, pk)
    if selectors.proposal_role(request.user, p) not in ("team", "officer"):
        return []
    return [info_out(r) for r in p.info_requests.select_related("funder", "proposal")]


class InfoAnswerIn(Schema):
    answer: Annotated[str, FromModel(InfoRequest, "answer")]


@router.post(
    "/proposals/{pk}/information-requests/answer",
    auth=api_auth,
    response={200: InfoRequestOut, **ERRORS},
)
def answer_information(request: HttpRequest, pk: int, data: InfoAnswerIn) -> dict[str, Any]:
    """The lead applicant answers the open question and resubmits (more_info → submitted)."""
    r = services.answer_information(request.user, proposal_visible(request, pk), answer=data.answer)
    r.proposal.refresh_from_db()
    return info_out(r)


@router.post(
    "/proposals/{pk}/information-requests/resume-screening",
    auth=api_auth,
    response={200: InfoRequestOut, **ERRORS},
)
def resume_screening(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The deadline of the open question passed without an answer: the asking funder's
    officer resumes screening without it (more_info → submitted); a 422 before the
    deadline, a 403 for anyone else. The proposal's ``actions`` list
    ``resume_screening`` when this is possible."""
    r = services.resume_screening(request.user, proposal_visible(request, pk))
    r.proposal.refresh_from_db()
    return info_out(r)
