"""Funding API: proposals, their team, budget, attachments and lifecycle steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth
from innobridge.people.models import Organisation, Person

from .. import selectors, services
from ..models import (
    Attachment,
    BudgetLine,
    Call,
    ConflictOfInterest,
    Funder,
    FunderDecision,
    Proposal,
    Screening,
    TeamMember,
)
from ..workflow import PROPOSAL_FLOW, describe
from .schemas import (
    ERRORS,
    AttachmentOut,
    BudgetLineCreatedOut,
    ConflictCreatedOut,
    DecisionCreatedOut,
    MembershipOut,
    ProposalOut,
    ProposalStateOut,
    ReviewOut,
)
from .shapes import person_named, proposal_out, proposal_visible

router = Router(tags=["funding"])
PDF_UPLOAD = File(...)

# --------------------------------------------------------------------------- proposals


class ProposalIn(Schema):
    title_en: Annotated[str, FromModel(Proposal, "title_en")] = ""
    title_zh: Annotated[str, FromModel(Proposal, "title_zh")] = ""
    abstract_en: Annotated[str, FromModel(Proposal, "abstract_en")] = ""
    abstract_zh: Annotated[str, FromModel(Proposal, "abstract_zh")] = ""
    keywords: list[str] = []
    duration_months: Annotated[int | None, FromModel(Proposal, "duration_months")] = None
    organisation_id: int | None = None


class ProposalPatch(Schema):
    title_en: Annotated[str | None, FromModel(Proposal, "title_en")] = None
    title_zh: Annotated[str | None, FromModel(Proposal, "title_zh")] = None
    abstract_en: Annotated[str | None, FromModel(Proposal, "abstract_en")] = None
    abstract_zh: Annotated[str | None, FromModel(Proposal, "abstract_zh")] = None
    keywords: list[str] | None = None
    duration_months: Annotated[int | None, FromModel(Proposal, "duration_months")] = None


@router.post("/calls/{call_id}/proposals", auth=api_auth, response={201: ProposalOut, **ERRORS})
def create_proposal(request: HttpRequest, call_id: int, data: ProposalIn) -> Status:
    call = get_object_or_404(Call, pk=call_id)
    org = (
        Organisation.objects.filter(pk=data.organisation_id).first()
        if data.organisation_id
        else None
    )
    p = services.create_proposal(
        request.user,
        call,
        organisation=org,
        title_en=data.title_en,
        title_zh=data.title_zh,
        abstract_en=data.abstract_en,
        abstract_zh=data.abstract_zh,
        keywords=data.keywords,
        duration_months=data.duration_months,
    )
    return Status(201, proposal_out(request.user, p))


ACTIONS_DOC = (
    "Each proposal carries `actions`: the transitions the caller may take on it now "
    "(for example `edit`, `submit`, `withdraw`; `edit` and `submit` end when the call "
    "closes). The state changes only along the table below; a step the state does not "
    "allow is a 422, a step the caller may not take a 403.\n\n" + describe(PROPOSAL_FLOW)
)


@router.get(
    "/proposals",
    auth=api_auth,
    description=ACTIONS_DOC,
    response={200: list[ProposalOut], **ERRORS},
)
def list_proposals(request: HttpRequest) -> list[dict[str, Any]]:
    """Proposals the caller may see (own, assigned, or of the calls they run)."""
    return [proposal_out(request.user, p) for p in selectors.visible_proposals(request.user)]


@router.get(
    "/proposals/{pk}", auth=api_auth, description=ACTIONS_DOC, response={200: ProposalOut, **ERRORS}
)
def get_proposal(request: HttpRequest, pk: int) -> dict[str, Any]:
    return proposal_out(request.user, proposal_visible(request, pk))


@router.patch("/proposals/{pk}", auth=api_auth, response={200: ProposalOut, **ERRORS})
def update_proposal(request: HttpRequest, pk: int, data: ProposalPatch) -> dict[str, Any]:
    p = proposal_visible(request, pk)
    fields = {k: v for k, v in data.dict().items() if v is not None}
    services.update_proposal(request.user, p, **fields)
    return proposal_out(request.user, p)


class MemberIn(Schema):
    """Who to invite: ``person_id`` (a person found through partner search, a profile,
    the shortlist or an introduction) or ``person``, a user name or e-mail."""

    person: str = ""
    person_id: int | None = None
    role: str = "partner_lead"
    organisation_id: int | None = None


@router.post("/proposals/{pk}/members", auth=api_auth, response={201: MembershipOut, **ERRORS})
def invite_member(request: HttpRequest, pk: int, data: MemberIn) -> Status:
    p = proposal_visible(request, pk)
    org = (
        Organisation.objects.filter(pk=data.organisation_id).first()
        if data.organisation_id
        else None
    )
    if data.person_id is not None:
        person = get_object_or_404(Person, pk=data.person_id, is_active=True)
    else:
        person = person_named(data.person)
    m = services.invite_member(request.user, p, person, organisation=org, role=data.role)
    return Status(201, {"id": m.pk, "status": m.status})


class AnswerIn(Schema):
    accept: bool


@router.post("/members/{pk}/respond", auth=api_auth, response={200: MembershipOut, **ERRORS})
def respond_invitation(request: HttpRequest, pk: int, data: AnswerIn) -> dict[str, Any]:
    m = get_object_or_404(TeamMember, pk=pk, person_id=request.user.pk)
    services.respond_invitation(request.user, m, accept=data.accept)
    return {"id": m.pk, "status": m.status}


@router.delete("/members/{pk}", auth=api_auth, response={204: None, **ERRORS})
def remove_member(request: HttpRequest, pk: int) -> Status:
    """The lead removes a team member (or a pending invitation) while the proposal is a
    draft; a funded project's team changes through a change request."""
    m = get_object_or_404(TeamMember, pk=pk, proposal__in=selectors.visible_proposals(request.user))
    services.remove_member(request.user, m)
    return Status(204, None)


@router.delete("/attachments/{pk}", auth=api_auth, response={204: None, **ERRORS})
def remove_attachment(request: HttpRequest, pk: int) -> Status:
    """The uploader (or the lead) removes a file while the proposal is a draft."""
    att = get_object_or_404(
        Attachment, pk=pk, proposal__in=selectors.visible_proposals(request.user)
    )
    services.remove_attachment(request.user, att)
    return Status(204, None)


class BudgetIn(Schema):
    side: str
    category: str
    amount: Annotated[Decimal, FromModel(BudgetLine, "amount")]
    currency: str | None = None
    source: str = "funder"
    description: Annotated[str, FromModel(BudgetLine, "description")] = ""


@router.post(
    "/proposals/{pk}/budget", auth=api_auth, response={201: BudgetLineCreatedOut, **ERRORS}
)
def add_budget_line(request: HttpRequest, pk: int, data: BudgetIn) -> Status:
    p = proposal_visible(request, pk)
    line = services.add_budget_line(request.user, p, **data.dict())
    return Status(201, {"id": line.pk, "amount": line.amount, "currency": line.currency})


@router.delete("/budget/{pk}", auth=api_auth, response={204: None, **ERRORS})
def remove_budget_line(request: HttpRequest, pk: int) -> Status:
    services.remove_budget_line(request.user, get_object_or_404(BudgetLine, pk=pk))
    return Status(204, None)


@router.post("/proposals/{pk}/attachments", auth=api_auth, response={201: AttachmentOut, **ERRORS})
def add_attachment(request: HttpRequest, pk: int, file: UploadedFile = PDF_UPLOAD) -> Status:
    att = services.add_attachment(request.user, proposal_visible(request, pk), file)
    return Status(201, {"id": att.pk, "name": att.original_name, "size": att.size})


@router.post("/proposals/{pk}/submit", auth=api_auth, response={200: ProposalOut, **ERRORS})
def submit_proposal(request: HttpRequest, pk: int) -> dict[str, Any]:
    p = services.submit_proposal(request.user, proposal_visible(request, pk))
    return proposal_out(request.user, p)


class ReasonIn(Schema):
    reason: str = ""


@router.post("/proposals/{pk}/withdraw", auth=api_auth, response={200: ProposalStateOut, **ERRORS})
def withdraw_proposal(request: HttpRequest, pk: int, data: ReasonIn) -> dict[str, Any]:
    p = services.withdraw_proposal(request.user, proposal_visible(request, pk), reason=data.reason)
    return {"id": p.pk, "state": p.state}


class ScreenIn(Schema):
    eligible: bool
    reason: Annotated[str, FromModel(Screening, "reason")] = ""
    funder_id: int | None = None


@router.post("/proposals/{pk}/screen", auth=api_auth, response={200: ProposalOut, **ERRORS})
def screen_proposal(request: HttpRequest, pk: int, data: ScreenIn) -> dict[str, Any]:
    """One funder screens its own side (``funder_id``; by default every side whose funder
    the caller serves). Eligible only when every side is; ineligible on either ends it."""
    funder = get_object_or_404(Funder, pk=data.funder_id) if data.funder_id else None
    p = services.screen_proposal(
        request.user,
        proposal_visible(request, pk),
        funder,
        eligible=data.eligible,
        reason=data.reason,
    )
    return proposal_out(request.user, p)


@router.post("/proposals/{pk}/panel", auth=api_auth, response={200: ProposalStateOut, **ERRORS})
def move_to_panel(request: HttpRequest, pk: int) -> dict[str, Any]:
    p = services.move_to_panel(request.user, proposal_visible(request, pk))
    return {"id": p.pk, "state": p.state}


class DecisionIn(Schema):
    funder_id: int
    decision: str
    reasons: Annotated[str, FromModel(FunderDecision, "reasons")]
    amount: Annotated[Decimal | None, FromModel(FunderDecision, "amount")] = Field(
        default=None, description="Granted; default the request; never above it."
    )
    conditions: Annotated[str, FromModel(FunderDecision, "conditions")] = ""


@router.post(
    "/proposals/{pk}/decisions", auth=api_auth, response={201: DecisionCreatedOut, **ERRORS}
)
def record_decision(request: HttpRequest, pk: int, data: DecisionIn) -> Status:
    p = proposal_visible(request, pk)
    funder = get_object_or_404(Funder, pk=data.funder_id)
    d = services.record_decision(
        request.user,
        p,
        funder,
        decision=data.decision,
        reasons=data.reasons,
        amount=data.amount,
        conditions=data.conditions,
    )
    p.refresh_from_db()
    return Status(201, {"id": d.pk, "decision": d.decision, "proposal_state": p.state})


@router.get("/proposals/{pk}/reviews", auth=api_auth, response={200: list[ReviewOut], **ERRORS})
def proposal_reviews(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Officers: all, named. Reviewers: after submitting their own, others anonymous.
    Applicants: none."""
    return selectors.visible_reviews(request.user, proposal_visible(request, pk))


class ConflictIn(Schema):
    detail: Annotated[str, FromModel(ConflictOfInterest, "detail")]


@router.post(
    "/proposals/{pk}/conflicts", auth=api_auth, response={201: ConflictCreatedOut, **ERRORS}
)
def declare_conflict(request: HttpRequest, pk: int, data: ConflictIn) -> Status:
    coi = services.declare_conflict(request.user, proposal_visible(request, pk), detail=data.detail)
    return Status(201, {"id": coi.pk, "kind": coi.kind})
