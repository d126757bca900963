"""The funding app's API (mounted at /api/funding/): the same calls, selectors and
services as the pages. Errors from the services become 422 (with every message) or 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from innobridge.people.auth import api_auth
from innobridge.people.models import Organisation, Person

from . import permissions, selectors, services
from .models import (
    Attachment,
    BudgetLine,
    Call,
    ChangeRequest,
    ConflictOfInterest,
    Criterion,
    Disbursement,
    Funder,
    Milestone,
    Notification,
    Project,
    Proposal,
    Report,
    ReviewAssignment,
    Scheme,
    TeamMember,
)

router = Router(tags=["funding"])
PDF_UPLOAD = File(...)


# --------------------------------------------------------------------------- shapes


def call_out(c: Call) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "title_zh": c.title_zh,
        "scheme": c.scheme.name,
        "description": c.description,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "is_open": c.is_open(),
        "min_duration_months": c.min_duration_months,
        "max_duration_months": c.max_duration_months,
        "required_sides": c.required_sides,
        "eligible_regions": c.eligible_regions,
        "eligible_org_types": c.eligible_org_types,
        "min_industry_share": c.min_industry_share,
        "one_application_per_person": c.one_application_per_person,
        "accepted_languages": c.accepted_languages,
        "max_attachment_mb": c.max_attachment_mb,
        "coi_years": c.coi_years,
        "review_deadline": c.review_deadline,
        "sides": [
            {
                "side": s.side,
                "funder": s.funder.name,
                "funder_id": s.funder_id,
                "currency": s.currency,
                "budget": s.budget,
                "project_cap": s.project_cap,
                "reviewers_per_proposal": s.reviewers_per_proposal,
                "max_reviewer_load": s.max_reviewer_load,
            }
            for s in c.sides.select_related("funder").order_by("side")
        ],
        "criteria": [
            {
                "id": k.pk,
                "funder_id": k.funder_id,
                "name": k.name,
                "name_zh": k.name_zh,
                "weight": k.weight,
                "max_score": k.max_score,
            }
            for k in c.criteria.all()
        ],
    }


def proposal_out(user: Any, p: Proposal) -> dict[str, Any]:
    role = selectors.proposal_role(user, p)
    out: dict[str, Any] = {
        "id": p.pk,
        "call": p.call_id,
        "state": p.state,
        "title_en": p.title_en,
        "title_zh": p.title_zh,
        "abstract_en": p.abstract_en,
        "abstract_zh": p.abstract_zh,
        "keywords": p.keywords,
        "duration_months": p.duration_months,
        "submitted_at": p.submitted_at,
        "screening_reason": p.screening_reason,
        "members": [
            {
                "id": m.pk,
                "person": str(m.person),
                "organisation": m.organisation.name,
                "side": m.side,
                "role": m.role,
                "status": m.status,
            }
            for m in p.members.select_related("person", "organisation")
        ],
        "budget": [
            {
                "id": b.pk,
                "side": b.side,
                "category": b.category,
                "source": b.source,
                "amount": b.amount,
                "currency": b.currency,
                "description": b.description,
            }
            for b in p.budget_lines.all()
        ],
        "attachments": [
            {"id": a.pk, "name": a.original_name, "size": a.size} for a in p.attachments.all()
        ],
        "decisions": selectors.decisions_for(user, p),
        "screenings": [
            {
                "funder_id": sc.funder_id,
                "funder": sc.funder.name,
                "side": sc.side,
                "eligible": sc.eligible,
                "reason": sc.reason,
                "screened_at": sc.screened_at,
            }
            for sc in p.screenings.select_related("funder").order_by("side")
        ]
        if role in ("officer", "team")
        else [],
    }
    if role == "team" and p.state == "draft":
        out["problems"] = services.submission_problems(p)
    return out


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    return get_object_or_404(selectors.visible_proposals(request.user), pk=pk)


def _person(key: str) -> Person:
    person = (
        Person.objects.filter(username=key).first()
        or Person.objects.filter(email__iexact=key).first()
    )
    if person is None:
        raise ValidationError({"person": _("No account with that user name or e-mail.")})
    return person


# --------------------------------------------------------------------------- calls (public)


@router.get("/calls")
def list_calls(request: HttpRequest) -> list[dict[str, Any]]:
    return [call_out(c) for c in selectors.visible_calls(request.user)]


@router.get("/calls/{call_id}")
def get_call(request: HttpRequest, call_id: int) -> dict[str, Any]:
    return call_out(get_object_or_404(selectors.visible_calls(request.user), pk=call_id))


# ------------------------------------------------------------- schemes and calls (officers)


def scheme_out(sc: Scheme) -> dict[str, Any]:
    return {
        "id": sc.pk,
        "name": sc.name,
        "name_zh": sc.name_zh,
        "description": sc.description,
        "funders": [
            {"id": f.pk, "name": f.name, "side": f.side, "currency": f.currency}
            for f in sc.funders.order_by("side")
        ],
        "calls": list(sc.calls.order_by("-opens_at", "id").values_list("pk", flat=True)),
    }


class SchemeIn(Schema):
    name: str
    name_zh: str = ""
    description: str = ""
    funder_ids: list[int]


class SchemePatch(Schema):
    name: str | None = None
    name_zh: str | None = None
    description: str | None = None
    funder_ids: list[int] | None = None


def _funders(ids: list[int]) -> list[Funder]:
    found = list(Funder.objects.filter(pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise ValidationError({"funder_ids": _("No funder with that id.")})
    return found


@router.get("/schemes", auth=api_auth)
def list_schemes(request: HttpRequest) -> list[dict[str, Any]]:
    """The schemes of the caller's funders (programme officers)."""
    return [scheme_out(sc) for sc in selectors.officer_schemes(request.user)]


@router.post("/schemes", auth=api_auth, response={201: dict})
def create_scheme(request: HttpRequest, data: SchemeIn) -> Status:
    sc = services.create_scheme(
        request.user,
        name=data.name,
        name_zh=data.name_zh,
        description=data.description,
        funders=_funders(data.funder_ids),
    )
    return Status(201, scheme_out(sc))


@router.patch("/schemes/{pk}", auth=api_auth)
def update_scheme(request: HttpRequest, pk: int, data: SchemePatch) -> dict[str, Any]:
    sc = get_object_or_404(selectors.officer_schemes(request.user), pk=pk)
    sc = services.update_scheme(
        request.user,
        sc,
        name=data.name,
        name_zh=data.name_zh,
        description=data.description,
        funders=_funders(data.funder_ids) if data.funder_ids is not None else None,
    )
    return scheme_out(sc)


class CriterionIn(Schema):
    name: str
    name_zh: str
    weight: Decimal
    max_score: int = 5


class SideIn(Schema):
    funder_id: int
    budget: Decimal
    project_cap: Decimal
    reviewers_per_proposal: int = 2
    max_reviewer_load: int = 6
    criteria: list[CriterionIn] | None = None


class CallIn(Schema):
    scheme_id: int
    title: str
    title_zh: str = ""
    description: str = ""
    opens_at: dt.datetime
    closes_at: dt.datetime
    sides: list[SideIn]
    min_duration_months: int = 12
    max_duration_months: int = 36
    eligible_regions: list[str] | None = None
    eligible_org_types: list[str] = []
    required_sides: list[str] | None = None
    min_industry_share: Decimal = Decimal(0)
    one_application_per_person: bool = True
    accepted_languages: list[str] = ["en", "zh"]
    review_deadline: dt.datetime | None = None
    coi_years: int = 3
    max_attachment_mb: int = 10


class CallPatch(Schema):
    title: str | None = None
    title_zh: str | None = None
    description: str | None = None
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    min_duration_months: int | None = None
    max_duration_months: int | None = None
    eligible_regions: list[str] | None = None
    eligible_org_types: list[str] | None = None
    required_sides: list[str] | None = None
    min_industry_share: Decimal | None = None
    one_application_per_person: bool | None = None
    accepted_languages: list[str] | None = None
    review_deadline: dt.datetime | None = None
    coi_years: int | None = None
    max_attachment_mb: int | None = None


class SidePatch(Schema):
    budget: Decimal | None = None
    project_cap: Decimal | None = None
    reviewers_per_proposal: int | None = None
    max_reviewer_load: int | None = None


@router.post("/calls", auth=api_auth, response={201: dict})
def create_call(request: HttpRequest, data: CallIn) -> Status:
    """A call with one side per funder (budget and cap in the funder's currency; a side
    without ``criteria`` gets the default rubric)."""
    scheme = get_object_or_404(Scheme, pk=data.scheme_id)
    fields = data.dict(exclude={"scheme_id", "sides"})
    sides = []
    for side in data.sides:
        entry: dict[str, Any] = side.dict(exclude={"funder_id", "criteria"})
        entry["funder"] = get_object_or_404(Funder, pk=side.funder_id)
        if side.criteria is not None:
            entry["criteria"] = [c.dict() for c in side.criteria]
        sides.append(entry)
    call = services.create_call(request.user, scheme, sides=sides, **fields)
    return Status(201, call_out(call))


@router.patch("/calls/{call_id}", auth=api_auth)
def update_call(request: HttpRequest, call_id: int, data: CallPatch) -> dict[str, Any]:
    """Before the call opens, anything; after, only the description and review deadline."""
    call = get_object_or_404(selectors.visible_calls(request.user), pk=call_id)
    fields = {
        k: v
        for k, v in data.dict(exclude_unset=True).items()
        if v is not None or k == "review_deadline"  # null clears the review deadline
    }
    return call_out(services.update_call(request.user, call, **fields))


@router.patch("/calls/{call_id}/sides/{funder_id}", auth=api_auth)
def update_call_side(
    request: HttpRequest, call_id: int, funder_id: int, data: SidePatch
) -> dict[str, Any]:
    """A funder's officers change its own side (before the call opens)."""
    call = get_object_or_404(selectors.visible_calls(request.user), pk=call_id)
    services.update_call_side(
        request.user, call, get_object_or_404(Funder, pk=funder_id), **data.dict()
    )
    return call_out(call)


@router.put("/calls/{call_id}/rubric/{funder_id}", auth=api_auth)
def set_rubric(
    request: HttpRequest, call_id: int, funder_id: int, data: list[CriterionIn]
) -> dict[str, Any]:
    """Replace one funder's rubric (weights summing to 100, bilingual labels)."""
    call = get_object_or_404(selectors.visible_calls(request.user), pk=call_id)
    services.set_rubric(
        request.user, call, get_object_or_404(Funder, pk=funder_id), [c.dict() for c in data]
    )
    return call_out(call)


@router.get("/projects")
def list_public_projects(request: HttpRequest) -> list[dict[str, Any]]:
    """Awarded projects: titles, partners and amounts only."""
    return selectors.public_projects()


# --------------------------------------------------------------------------- proposals


class ProposalIn(Schema):
    title_en: str = ""
    title_zh: str = ""
    abstract_en: str = ""
    abstract_zh: str = ""
    keywords: list[str] = []
    duration_months: int | None = None
    organisation_id: int | None = None


class ProposalPatch(Schema):
    title_en: str | None = None
    title_zh: str | None = None
    abstract_en: str | None = None
    abstract_zh: str | None = None
    keywords: list[str] | None = None
    duration_months: int | None = None


@router.post("/calls/{call_id}/proposals", auth=api_auth, response={201: dict})
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


@router.get("/proposals", auth=api_auth)
def list_proposals(request: HttpRequest) -> list[dict[str, Any]]:
    """Proposals the caller may see (own, assigned, or of the calls they run)."""
    return [proposal_out(request.user, p) for p in selectors.visible_proposals(request.user)]


@router.get("/proposals/{pk}", auth=api_auth)
def get_proposal(request: HttpRequest, pk: int) -> dict[str, Any]:
    return proposal_out(request.user, _proposal(request, pk))


@router.patch("/proposals/{pk}", auth=api_auth)
def update_proposal(request: HttpRequest, pk: int, data: ProposalPatch) -> dict[str, Any]:
    p = _proposal(request, pk)
    fields = {k: v for k, v in data.dict().items() if v is not None}
    services.update_proposal(request.user, p, **fields)
    return proposal_out(request.user, p)


class MemberIn(Schema):
    person: str
    role: str = "partner_lead"
    organisation_id: int | None = None


@router.post("/proposals/{pk}/members", auth=api_auth, response={201: dict})
def invite_member(request: HttpRequest, pk: int, data: MemberIn) -> Status:
    p = _proposal(request, pk)
    org = (
        Organisation.objects.filter(pk=data.organisation_id).first()
        if data.organisation_id
        else None
    )
    m = services.invite_member(
        request.user, p, _person(data.person), organisation=org, role=data.role
    )
    return Status(201, {"id": m.pk, "status": m.status})


class AnswerIn(Schema):
    accept: bool


@router.post("/members/{pk}/respond", auth=api_auth)
def respond_invitation(request: HttpRequest, pk: int, data: AnswerIn) -> dict[str, Any]:
    m = get_object_or_404(TeamMember, pk=pk, person_id=request.user.pk)
    services.respond_invitation(request.user, m, accept=data.accept)
    return {"id": m.pk, "status": m.status}


@router.delete("/members/{pk}", auth=api_auth, response={204: None})
def remove_member(request: HttpRequest, pk: int) -> Status:
    """The lead removes a team member (or a pending invitation) while the proposal is a
    draft; a funded project's team changes through a change request."""
    m = get_object_or_404(TeamMember, pk=pk, proposal__in=selectors.visible_proposals(request.user))
    services.remove_member(request.user, m)
    return Status(204, None)


@router.delete("/attachments/{pk}", auth=api_auth, response={204: None})
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
    amount: Decimal
    currency: str | None = None
    source: str = "funder"
    description: str = ""


@router.post("/proposals/{pk}/budget", auth=api_auth, response={201: dict})
def add_budget_line(request: HttpRequest, pk: int, data: BudgetIn) -> Status:
    p = _proposal(request, pk)
    line = services.add_budget_line(request.user, p, **data.dict())
    return Status(201, {"id": line.pk, "amount": line.amount, "currency": line.currency})


@router.delete("/budget/{pk}", auth=api_auth, response={204: None})
def remove_budget_line(request: HttpRequest, pk: int) -> Status:
    services.remove_budget_line(request.user, get_object_or_404(BudgetLine, pk=pk))
    return Status(204, None)


@router.post("/proposals/{pk}/attachments", auth=api_auth, response={201: dict})
def add_attachment(request: HttpRequest, pk: int, file: UploadedFile = PDF_UPLOAD) -> Status:
    att = services.add_attachment(request.user, _proposal(request, pk), file)
    return Status(201, {"id": att.pk, "name": att.original_name, "size": att.size})


@router.post("/proposals/{pk}/submit", auth=api_auth)
def submit_proposal(request: HttpRequest, pk: int) -> dict[str, Any]:
    p = services.submit_proposal(request.user, _proposal(request, pk))
    return proposal_out(request.user, p)


class ReasonIn(Schema):
    reason: str = ""


@router.post("/proposals/{pk}/withdraw", auth=api_auth)
def withdraw_proposal(request: HttpRequest, pk: int, data: ReasonIn) -> dict[str, Any]:
    p = services.withdraw_proposal(request.user, _proposal(request, pk), reason=data.reason)
    return {"id": p.pk, "state": p.state}


class ScreenIn(Schema):
    eligible: bool
    reason: str = ""
    funder_id: int | None = None


@router.post("/proposals/{pk}/screen", auth=api_auth)
def screen_proposal(request: HttpRequest, pk: int, data: ScreenIn) -> dict[str, Any]:
    """One funder screens its own side (``funder_id``; by default every side whose funder
    the caller serves). Eligible only when every side is; ineligible on either ends it."""
    funder = get_object_or_404(Funder, pk=data.funder_id) if data.funder_id else None
    p = services.screen_proposal(
        request.user, _proposal(request, pk), funder, eligible=data.eligible, reason=data.reason
    )
    return proposal_out(request.user, p)


@router.post("/proposals/{pk}/panel", auth=api_auth)
def move_to_panel(request: HttpRequest, pk: int) -> dict[str, Any]:
    p = services.move_to_panel(request.user, _proposal(request, pk))
    return {"id": p.pk, "state": p.state}


class DecisionIn(Schema):
    funder_id: int
    decision: str
    reasons: str


@router.post("/proposals/{pk}/decisions", auth=api_auth, response={201: dict})
def record_decision(request: HttpRequest, pk: int, data: DecisionIn) -> Status:
    p = _proposal(request, pk)
    funder = get_object_or_404(Funder, pk=data.funder_id)
    d = services.record_decision(
        request.user, p, funder, decision=data.decision, reasons=data.reasons
    )
    p.refresh_from_db()
    return Status(201, {"id": d.pk, "decision": d.decision, "proposal_state": p.state})


@router.get("/proposals/{pk}/reviews", auth=api_auth)
def proposal_reviews(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Officers: all, named. Reviewers: after submitting their own, others anonymous.
    Applicants: none."""
    return selectors.visible_reviews(request.user, _proposal(request, pk))


class ConflictIn(Schema):
    detail: str


@router.post("/proposals/{pk}/conflicts", auth=api_auth, response={201: dict})
def declare_conflict(request: HttpRequest, pk: int, data: ConflictIn) -> Status:
    coi = services.declare_conflict(request.user, _proposal(request, pk), detail=data.detail)
    return Status(201, {"id": coi.pk, "kind": coi.kind})


# --------------------------------------------------------------------------- assignment and review


class AssignIn(Schema):
    fair: bool = False
    cross_border: bool = False


def _officer_call(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(Call, pk=call_id)
    permissions.require_manage_call(request.user, call)
    return call


@router.post("/calls/{call_id}/conflicts", auth=api_auth)
def refresh_conflicts(request: HttpRequest, call_id: int) -> dict[str, Any]:
    """Record the automatic conflicts of every pool reviewer with every proposal."""
    call = _officer_call(request, call_id)
    return {"new_conflicts": services.refresh_conflicts(request.user, call)}


@router.get("/calls/{call_id}/conflicts", auth=api_auth)
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


def assignment_out(a: ReviewAssignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "proposal": a.proposal_id,
        "reviewer": str(a.reviewer),
        "reviewer_id": a.reviewer_id,
        "funder_id": a.funder_id,
        "status": a.status,
        "affinity": a.affinity,
        "why": a.explanation,
        "by_hand": a.by_hand,
        "deadline": a.deadline,
    }


@router.post("/calls/{call_id}/assignment", auth=api_auth)
def run_assignment(request: HttpRequest, call_id: int, data: AssignIn) -> dict[str, Any]:
    call = _officer_call(request, call_id)
    summary = services.run_assignment(
        request.user, call, fair=data.fair, cross_border=data.cross_border
    )
    return {"summary": summary}


@router.get("/calls/{call_id}/assignments", auth=api_auth)
def call_assignments(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    call = _officer_call(request, call_id)
    qs = (
        ReviewAssignment.objects.filter(proposal__call=call)
        .select_related("reviewer")
        .order_by("proposal_id", "id")
    )
    return [assignment_out(a) for a in qs]


class ByHandIn(Schema):
    proposal_id: int
    reviewer_id: int
    funder_id: int


@router.post("/calls/{call_id}/assignments", auth=api_auth, response={201: dict})
def assign_by_hand(request: HttpRequest, call_id: int, data: ByHandIn) -> Status:
    call = get_object_or_404(Call, pk=call_id)
    p = get_object_or_404(Proposal, pk=data.proposal_id, call=call)
    a = services.assign_by_hand(
        request.user,
        p,
        get_object_or_404(Person, pk=data.reviewer_id),
        get_object_or_404(Funder, pk=data.funder_id),
    )
    return Status(201, assignment_out(a))


class InviteIn(Schema):
    deadline: dt.datetime | None = None


@router.post("/calls/{call_id}/invitations", auth=api_auth)
def send_invitations(request: HttpRequest, call_id: int, data: InviteIn) -> dict[str, Any]:
    call = get_object_or_404(Call, pk=call_id)
    return {"sent": services.send_invitations(request.user, call, deadline=data.deadline)}


@router.post("/calls/{call_id}/reminders", auth=api_auth)
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


@router.get("/funders/{funder_id}/pool", auth=api_auth)
def get_pool(request: HttpRequest, funder_id: int) -> list[dict[str, Any]]:
    """A funder's reviewer pool (its officers only)."""
    return _pool_out(_officer_funder(request, funder_id))


@router.post("/funders/{funder_id}/pool", auth=api_auth, response={201: list[dict]})
def add_to_pool(request: HttpRequest, funder_id: int, data: PoolIn) -> Status:
    funder = _officer_funder(request, funder_id)
    services.add_to_pool(request.user, funder, _person(data.person.strip()))
    return Status(201, _pool_out(funder))


@router.delete("/funders/{funder_id}/pool/{person_id}", auth=api_auth)
def remove_from_pool(request: HttpRequest, funder_id: int, person_id: int) -> dict[str, Any]:
    """Sent invitations stay open (their number is returned); unsent ones are dropped."""
    funder = _officer_funder(request, funder_id)
    person = get_object_or_404(Person, pk=person_id)
    return {"open_assignments": services.remove_from_pool(request.user, funder, person)}


@router.get("/calls/{call_id}/ranking/{funder_id}", auth=api_auth)
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


@router.get("/calls/{call_id}/portfolio", auth=api_auth)
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


@router.get("/assignments", auth=api_auth)
def my_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    return [assignment_out(a) for a in selectors.my_assignments(request.user)]


@router.post("/assignments/{pk}/respond", auth=api_auth)
def respond_assignment(request: HttpRequest, pk: int, data: AnswerIn) -> dict[str, Any]:
    a = get_object_or_404(ReviewAssignment, pk=pk, reviewer_id=request.user.pk)
    services.respond_assignment(request.user, a, accept=data.accept)
    return assignment_out(a)


class ReviewIn(Schema):
    scores: dict[str, int]
    comments: str = ""
    criterion_comments: dict[str, str] = {}


@router.post("/assignments/{pk}/review", auth=api_auth, response={201: dict})
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


@router.get("/assignments/{pk}/criteria", auth=api_auth)
def assignment_criteria(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    a = get_object_or_404(ReviewAssignment, pk=pk, reviewer_id=request.user.pk)
    crits: list[Criterion] = list(selectors.criteria_for(a))
    return [
        {"id": c.pk, "name": c.name, "weight": c.weight, "max_score": c.max_score} for c in crits
    ]


# --------------------------------------------------------------------------- projects


def _project(request: HttpRequest, pk: int) -> Project:
    project = get_object_or_404(Project, pk=pk)
    if not selectors.can_view_project(request.user, project):
        from django.http import Http404

        raise Http404
    return project


@router.get("/projects/{pk}", auth=api_auth)
def get_project(request: HttpRequest, pk: int) -> dict[str, Any]:
    project = _project(request, pk)
    services.refresh_project_status(project)
    return {
        "id": project.pk,
        "title": project.title,
        "status": project.status,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "milestones": [
            {
                "id": m.pk,
                "title": m.title,
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
        "change_requests": [change_out(c) for c in project.change_requests.all()],
        "termination_reason": project.termination_reason,
        "team": [
            {
                "id": m.pk,
                "person": str(m.person),
                "organisation": m.organisation.name,
                "side": m.side,
                "role": m.role,
            }
            for m in project.proposal.members.filter(status="accepted").select_related(
                "person", "organisation"
            )
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
    summary: str


@router.post("/projects/{pk}/reports", auth=api_auth, response={201: dict})
def submit_report(request: HttpRequest, pk: int, data: ReportIn) -> Status:
    project = _project(request, pk)
    m = get_object_or_404(Milestone, pk=data.milestone_id, project=project)
    r = services.submit_report(request.user, project, milestone=m, summary=data.summary)
    return Status(201, {"id": r.pk, "rating": r.rating})


class RatingIn(Schema):
    rating: str
    comment: str = ""


@router.post("/reports/{pk}/rating", auth=api_auth)
def rate_report(request: HttpRequest, pk: int, data: RatingIn) -> dict[str, Any]:
    r = services.rate_report(
        request.user, get_object_or_404(Report, pk=pk), rating=data.rating, comment=data.comment
    )
    return {"id": r.pk, "rating": r.rating}


@router.post("/disbursements/{pk}/release", auth=api_auth)
def release_disbursement(request: HttpRequest, pk: int) -> dict[str, Any]:
    d = services.release_disbursement(request.user, get_object_or_404(Disbursement, pk=pk))
    return {"id": d.pk, "status": d.status}


class BudgetLineIn(Schema):
    category: str
    amount: Decimal
    source: str = "funder"
    currency: str | None = None
    description: str = ""


class ChangeIn(Schema):
    kind: str
    side: str
    description: str
    new_end_date: dt.date | None = None
    new_budget: list[BudgetLineIn] = []
    remove_member_id: int | None = None
    add_person: str | None = None
    add_organisation_id: int | None = None
    add_role: str = "co_investigator"


@router.post("/projects/{pk}/changes", auth=api_auth, response={201: dict})
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
        add_person=_person(data.add_person) if data.add_person else None,
        add_organisation=org,
        add_role=data.add_role,
    )
    return Status(201, change_out(c))


def change_out(c: ChangeRequest) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "side": c.side,
        "status": c.status,
        "description": c.description,
        "new_end_date": c.new_end_date,
        "new_budget": c.new_budget,
        "remove_member_id": c.remove_member_id,
        "add_person": str(c.add_person) if c.add_person else None,
        "decision_note": c.decision_note,
    }


class MilestoneIn(Schema):
    title: str
    due_date: dt.date


@router.post("/projects/{pk}/milestones", auth=api_auth, response={201: dict})
def add_milestone(request: HttpRequest, pk: int, data: MilestoneIn) -> Status:
    m = services.add_milestone(
        request.user, _project(request, pk), title=data.title, due_date=data.due_date
    )
    return Status(201, {"id": m.pk, "title": m.title, "due_date": m.due_date})


class InstalmentIn(Schema):
    funder_id: int
    amount: Decimal
    depends_on_id: int | None = None


@router.post("/projects/{pk}/instalments", auth=api_auth, response={201: dict})
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
    reason: str


@router.post("/projects/{pk}/terminate", auth=api_auth)
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


@router.post("/changes/{pk}/decision", auth=api_auth)
def decide_change(request: HttpRequest, pk: int, data: ChangeDecisionIn) -> dict[str, Any]:
    c = services.decide_change(
        request.user, get_object_or_404(ChangeRequest, pk=pk), approve=data.approve, note=data.note
    )
    return change_out(c)


@router.get("/notifications", auth=api_auth)
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
        for n in Notification.objects.filter(recipient_id=request.user.pk)[:100]
    ]


class ReadIn(Schema):
    ids: list[int] | None = None  # none given: all


@router.post("/notifications/read", auth=api_auth)
def mark_read(request: HttpRequest, data: ReadIn) -> dict[str, Any]:
    """Mark the caller's notifications read (the given ones, or all)."""
    return {"marked": services.mark_notifications_read(request.user, data.ids)}


@router.delete("/assignments/{pk}", auth=api_auth, response={204: None})
def remove_assignment(request: HttpRequest, pk: int) -> Status:
    """An officer of the assignment's funder removes it before the reviewer accepts."""
    a = get_object_or_404(ReviewAssignment, pk=pk)
    services.remove_assignment(request.user, a)
    return Status(204, None)
