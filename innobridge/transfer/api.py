"""The transfer API (under /api/transfer/): offers, demands, matches, deals, funnels.

Typed input and output schemas on every endpoint; inputs take their limits from the model
fields (``FromModel``), so bad input is a 422 naming the field. Errors: 401 without a
signed-in user where one is needed, 403 when the table or the who-sees-what rules refuse,
404 for what the reader may not see, 422 for invalid input.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth as _auth
from innobridge.people.models import Organisation

from . import matching, selectors, services
from . import permissions as perm
from .models import Deal, Demand, Meeting, Offer, OfferStatus, SolutionPlan, TermSheet
from .workflow import DEAL_FLOW, DEMAND_FLOW, OFFER_FLOW

router = Router(tags=["transfer"])
ERRORS = {401: dict, 403: dict, 404: dict, 422: dict}


class PatentOut(Schema):
    number: str
    jurisdiction: str
    status: str


class InventorOut(Schema):
    name: str
    share: Decimal


class OfferOut(Schema):
    id: int
    state: str
    title: str
    summary: str
    problem: str
    # a record imported from a public catalogue may leave the benefit, TRL and stage unstated
    benefit_value: Decimal | None
    benefit_unit: str
    benefit_compared_with: str
    commercial_route: str
    sectors: list[str]
    keywords: list[str]
    ip_type: str
    trl: int | None
    trl_self_declared: bool = True
    trl_evidence: str
    stage: str
    owner: str
    owner_id: int
    owner_region: str
    modes: list[str]
    licence_fee: Decimal | None
    licence_currency: str
    licence_terms: str
    patents: list[PatentOut]
    inventors: list[InventorOut]
    expires_at: dt.datetime | None
    is_demo: bool
    source: str
    actions: list[str]
    score: float | None = None
    level: str = Field("", description="strong / possible / weak: the engine's calibrated level")
    shared_terms: list[str] = []
    closest_text: str = ""


def _offer_out(user: Any, o: Offer, hit: matching.Match | None = None) -> dict[str, Any]:
    return {
        **{f: getattr(o, f) for f in OfferOut.model_fields if hasattr(o, f)},
        "owner": o.owner.name,
        "owner_region": o.owner.region,
        "patents": list(o.patents.values("number", "jurisdiction", "status")),
        "inventors": list(o.inventors.values("name", "share")),
        "actions": OFFER_FLOW.allowed_actions(user, o),
        "score": hit.score if hit else None,
        "level": hit.level if hit else "",
        "shared_terms": hit.shared_terms if hit else [],
        "closest_text": hit.closest_text if hit else "",
    }


class OfferFilters(Schema):
    q: Annotated[str, FromModel(Offer, "summary", max_length=2000)] = ""
    sector: str = ""
    ip_type: str = ""
    mode: str = ""
    region: str = ""
    trl_min: Annotated[int | None, FromModel(Offer, "trl")] = None
    trl_max: Annotated[int | None, FromModel(Offer, "trl")] = None


@router.get("/offers", response=list[OfferOut])
def list_offers(request: HttpRequest, f: Query[OfferFilters]) -> list[dict[str, Any]]:
    """Published offers (non-confidential parts); with ``q``, ranked by the matching
    engine across English, 繁體 and 简体, each with its explanation."""
    filters: dict[str, Any] = {
        "sector": f.sector,
        "ip_type": f.ip_type,
        "mode": f.mode,
        "region": f.region,
    }
    trl: dict[str, Any] = {"trl_min": f.trl_min, "trl_max": f.trl_max}
    qs = selectors.public_offers(**filters, **trl)
    if f.q.strip():
        hits = matching.offers_for_text(f.q, top_k=50, language=get_language(), **filters, **trl)
        by_id = {o.pk: o for o in qs}
        return [_offer_out(request.user, by_id[h.id], h) for h in hits if h.id in by_id]
    return [_offer_out(request.user, o) for o in qs[:200]]


@router.get("/offers/{offer_id}", response={200: OfferOut, 404: dict})
def get_offer(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    """One offer's non-confidential part (drafts only to their authors and moderators)."""
    return _offer_out(request.user, selectors.offer_for(request.user, offer_id))


class ConfidentialOut(Schema):
    id: int
    confidential_text: str
    files: list[str]


@router.get(
    "/offers/{offer_id}/confidential", response={200: ConfidentialOut, **ERRORS}, auth=_auth
)
def get_confidential(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    """The confidential part: the owner's TTOs and parties with an accepted NDA only;
    each read is logged."""
    offer = get_object_or_404(Offer, pk=offer_id)
    services.log_confidential_view(request.user, offer, "text (API)")
    return {
        "id": offer.pk,
        "confidential_text": offer.confidential_text,
        "files": [f.title for f in offer.confidential_files.all()],
    }


class PatentIn(Schema):
    number: Annotated[str, FromModel(Offer, "title", max_length=40)]
    jurisdiction: str
    status: str


class InventorIn(Schema):
    name: Annotated[str, FromModel(Offer, "title", max_length=200)]
    share: Annotated[Decimal, FromModel(Offer, "benefit_value", max_digits=5, decimal_places=2)]


class OfferIn(Schema):
    owner_id: int
    title: Annotated[str, FromModel(Offer, "title")]
    summary: Annotated[str, FromModel(Offer, "summary")]
    problem: Annotated[str, FromModel(Offer, "problem")]
    benefit_value: Annotated[Decimal, FromModel(Offer, "benefit_value")]
    benefit_unit: Annotated[str, FromModel(Offer, "benefit_unit")]
    benefit_compared_with: Annotated[str, FromModel(Offer, "benefit_compared_with")]
    commercial_route: Annotated[str, FromModel(Offer, "commercial_route")]
    sectors: list[str]
    keywords: list[str] = []
    ip_type: str
    trl: Annotated[int, FromModel(Offer, "trl")]
    trl_evidence: Annotated[str, FromModel(Offer, "trl_evidence")]
    stage: str
    language: Annotated[str, FromModel(Offer, "language")] = "en"
    modes: list[str]
    licence_fee: Annotated[Decimal | None, FromModel(Offer, "licence_fee")] = None
    licence_currency: str = "HKD"
    licence_terms: Annotated[str, FromModel(Offer, "licence_terms")] = ""
    confidential_text: Annotated[str, FromModel(Offer, "confidential_text")] = ""
    inventors: list[InventorIn]
    patents: list[PatentIn] = []


@router.post("/offers", response={201: OfferOut, **ERRORS}, auth=_auth)
def create_offer(request: HttpRequest, data: OfferIn) -> Status:
    """A draft offer (a researcher then sends it to their TTO; a TTO submits it)."""
    owner = get_object_or_404(Organisation, pk=data.owner_id)
    fields = data.dict(exclude={"owner_id", "inventors", "patents"})
    offer = services.create_offer(
        request.user,
        owner=owner,
        data=fields,
        inventors=[i.dict() for i in data.inventors],
        patents=[p.dict() for p in data.patents],
    )
    return Status(201, _offer_out(request.user, offer))


class NoteIn(Schema):
    note: Annotated[str, FromModel(Offer, "review_note")] = ""
    reason: str = ""


@router.post("/offers/{offer_id}/actions/{action}", response={200: OfferOut, **ERRORS}, auth=_auth)
def offer_action(request: HttpRequest, offer_id: int, action: str, data: NoteIn) -> dict[str, Any]:
    """One step of the offer lifecycle (see ``actions`` on the offer)."""
    offer = get_object_or_404(Offer, pk=offer_id)
    moved = services.move_offer(request.user, offer, action, note=data.note)
    return _offer_out(request.user, moved)


class DealOut(Schema):
    id: int
    offer_id: int
    state: str
    message: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    nda_at: dt.datetime | None
    meeting_at: dt.datetime | None
    negotiation_at: dt.datetime | None
    signed_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_reason: str
    outcome: str
    outcome_mode: str
    signed_date: dt.date | None
    value: Decimal | None
    value_currency: str
    terms: str
    actions: list[str]


def _deal_out(user: Any, d: Deal) -> dict[str, Any]:
    return {
        **{f: getattr(d, f) for f in DealOut.model_fields if hasattr(d, f)},
        "actions": DEAL_FLOW.allowed_actions(user, d),
    }


class InterestIn(Schema):
    message: Annotated[str, FromModel(Deal, "message")]
    demand_id: int | None = None


@router.post("/offers/{offer_id}/interest", response={201: DealOut, **ERRORS}, auth=_auth)
def express_interest(request: HttpRequest, offer_id: int, data: InterestIn) -> Status:
    """An expression of interest (one open deal per person and offer)."""
    offer = get_object_or_404(Offer, pk=offer_id)
    demand = Demand.objects.filter(pk=data.demand_id).first() if data.demand_id else None
    deal = services.express_interest(request.user, offer, message=data.message, demand=demand)
    return Status(201, _deal_out(request.user, deal))


class TakeIn(Schema):
    mode: str


@router.post("/offers/{offer_id}/take", response={201: DealOut, **ERRORS}, auth=_auth)
def take_licence(request: HttpRequest, offer_id: int, data: TakeIn) -> Status:
    """Accept an open or express licence's published terms: signed at once."""
    offer = get_object_or_404(Offer, pk=offer_id)
    deal = services.take_published_terms(request.user, offer, mode=data.mode)
    return Status(201, _deal_out(request.user, deal))


class PassIn(Schema):
    reason: str
    other_text: Annotated[str, FromModel(Offer, "title", max_length=300)] = ""


class PassReasonOut(Schema):
    reason: str
    count: int


@router.post("/offers/{offer_id}/pass", response={204: None, **ERRORS}, auth=_auth)
def pass_offer(request: HttpRequest, offer_id: int, data: PassIn) -> Status:
    offer = get_object_or_404(Offer, pk=offer_id, state=OfferStatus.PUBLISHED)
    services.pass_offer(request.user, offer, reason=data.reason, other_text=data.other_text)
    return Status(204, None)


class FunnelStageOut(Schema):
    stage: str
    count: int
    conversion: float | None
    median_days: float | None


class FunnelOut(Schema):
    stages: list[FunnelStageOut]
    pass_reasons: list[PassReasonOut] = []


def _funnel_out(f: selectors.Funnel) -> list[dict[str, Any]]:
    return [
        {
            "stage": s,
            "count": f.counts[s],
            "conversion": f.conversion[s],
            "median_days": f.median_days[s],
        }
        for s in selectors.STAGES
    ]


@router.get("/offers/{offer_id}/funnel", response={200: FunnelOut, **ERRORS}, auth=_auth)
def offer_funnel(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    """listed → viewed → interest → NDA → meeting → signed, with the pass reasons counted
    (never who): for the owner's TTOs and officers."""
    offer = get_object_or_404(Offer, pk=offer_id)
    perm.require_view_funnel_offer(request.user, offer)
    return {
        "stages": _funnel_out(selectors.funnel([offer])),
        "pass_reasons": [{"reason": r, "count": n} for r, n in selectors.pass_reasons(offer)],
    }


@router.get("/organisations/{org_id}/funnel", response={200: FunnelOut, **ERRORS}, auth=_auth)
def organisation_funnel(request: HttpRequest, org_id: int) -> dict[str, Any]:
    if org_id not in perm.tto_organisation_ids(request.user) and not perm.is_officer(request.user):
        raise Organisation.DoesNotExist
    return {"stages": _funnel_out(selectors.funnel(selectors.organisation_offers(org_id)))}


# ------------------------------------------------------------------ demands
class DemandOut(Schema):
    id: int
    state: str
    company: str
    title: str
    problem: str
    current_solution: str
    target_spec: str
    target_value: Decimal
    target_unit: str
    constraints: str
    budget_min: Decimal
    budget_max: Decimal
    currency: str
    deadline: dt.date
    region: str
    sector: str
    preferred_mode: str
    bounty_reward: Decimal | None
    language: str
    is_demo: bool
    actions: list[str]


def _demand_out(user: Any, d: Demand) -> dict[str, Any]:
    return {
        **{f: getattr(d, f) for f in DemandOut.model_fields if hasattr(d, f)},
        "company": selectors.demand_company(user, d),
        "actions": DEMAND_FLOW.allowed_actions(user, d),
    }


@router.get("/demands", response=list[DemandOut])
def list_demands(
    request: HttpRequest, sector: str = "", region: str = "", mode: str = ""
) -> list[dict[str, Any]]:
    """Published demands (anonymous ones without the company's name)."""
    qs = selectors.public_demands(sector=sector, region=region, mode=mode)
    return [_demand_out(request.user, d) for d in qs.select_related("organisation")[:200]]


@router.get("/demands/{demand_id}", response={200: DemandOut, 404: dict})
def get_demand(request: HttpRequest, demand_id: int) -> dict[str, Any]:
    return _demand_out(request.user, selectors.demand_for(request.user, demand_id))


class DemandIn(Schema):
    title: Annotated[str, FromModel(Demand, "title")]
    problem: Annotated[str, FromModel(Demand, "problem")]
    current_solution: Annotated[str, FromModel(Demand, "current_solution")]
    target_spec: Annotated[str, FromModel(Demand, "target_spec")]
    target_value: Annotated[Decimal | None, FromModel(Demand, "target_value")] = None
    target_unit: Annotated[str, FromModel(Demand, "target_unit")] = ""
    constraints: Annotated[str, FromModel(Demand, "constraints")] = ""
    budget_min: Annotated[Decimal, FromModel(Demand, "budget_min")]
    budget_max: Annotated[Decimal, FromModel(Demand, "budget_max")]
    currency: str
    deadline: Annotated[dt.date, FromModel(Demand, "deadline")]
    region: str
    sector: str
    preferred_mode: str
    bounty_reward: Annotated[Decimal | None, FromModel(Demand, "bounty_reward")] = None
    is_anonymous: bool = False
    anonymous_description: Annotated[str, FromModel(Demand, "anonymous_description")] = ""
    language: Annotated[str, FromModel(Demand, "language")] = "en"


@router.post("/demands", response={201: DemandOut, **ERRORS}, auth=_auth)
def post_demand(request: HttpRequest, data: DemandIn) -> Status:
    """A demand for the caller's company, submitted for triage."""
    orgs = sorted(perm.enterprise_organisation_ids(request.user))
    perm.require_post_demand(request.user)
    org = Organisation.objects.get(pk=orgs[0])
    demand = services.post_demand(request.user, organisation=org, data=data.dict())
    return Status(201, _demand_out(request.user, demand))


@router.post(
    "/demands/{demand_id}/actions/{action}", response={200: DemandOut, **ERRORS}, auth=_auth
)
def demand_action(
    request: HttpRequest, demand_id: int, action: str, data: NoteIn
) -> dict[str, Any]:
    """Triage (publish / second_diagnosis with a reason / long_term), resubmit, close."""
    demand = get_object_or_404(Demand, pk=demand_id)
    moved = services.triage_demand(request.user, demand, action, reason=data.reason, note=data.note)
    return _demand_out(request.user, moved)


class ExpertOut(Schema):
    profile_id: int
    name: str
    organisation: str
    score: float
    level: str = Field("", description="strong / possible / weak: the engine's calibrated level")
    shared_terms: list[str]
    closest_text: str


class DemandMatchesOut(Schema):
    offers: list[OfferOut]
    experts: list[ExpertOut]


@router.get("/demands/{demand_id}/matches", response={200: DemandMatchesOut, **ERRORS}, auth=_auth)
def demand_matches(request: HttpRequest, demand_id: int, f: Query[OfferFilters]) -> dict[str, Any]:
    """Ranked offers and experts for the company's own demand, each explained."""
    from innobridge.people.models import ResearcherProfile

    demand = selectors.demand_for(request.user, demand_id)
    if not perm.is_demand_member(request.user, demand):
        raise Demand.DoesNotExist
    hits = matching.offers_for_demand(
        demand,
        top_k=20,
        language=get_language(),
        sector=f.sector,
        ip_type=f.ip_type,
        mode=f.mode,
        region=f.region,
        trl_min=f.trl_min,
        trl_max=f.trl_max,
    )
    offers = selectors.matchable_offers().select_related("owner").in_bulk([h.id for h in hits])
    experts = matching.experts_for_demand(demand, top_k=10, language=get_language())
    profiles = ResearcherProfile.objects.select_related("person", "organisation").in_bulk(
        [e.profile_id for e in experts]
    )
    return {
        "offers": [_offer_out(request.user, offers[h.id], h) for h in hits if h.id in offers],
        "experts": [
            {
                "profile_id": e.profile_id,
                "name": str(profiles[e.profile_id]),
                "organisation": getattr(profiles[e.profile_id].organisation, "name", ""),
                "score": e.score,
                "level": e.level,
                "shared_terms": e.shared_terms,
                "closest_text": e.closest_text,
            }
            for e in experts
            if e.profile_id in profiles
        ],
    }


# -------------------------------------------------------------------- deals
@router.get("/deals", response=list[DealOut], auth=_auth)
def list_deals(request: HttpRequest) -> list[dict[str, Any]]:
    """Deals the caller is a party to or handles as the owner's TTO — never another
    enterprise's."""
    return [_deal_out(request.user, d) for d in selectors.my_deals(request.user)[:500]]


@router.get("/deals/{deal_id}", response={200: DealOut, **ERRORS}, auth=_auth)
def get_deal(request: HttpRequest, deal_id: int) -> dict[str, Any]:
    return _deal_out(request.user, selectors.deal_for(request.user, deal_id))


class NdaIn(Schema):
    version: int


class MeetingIn(Schema):
    held_on: Annotated[dt.date, FromModel(Meeting, "held_on")]
    notes: Annotated[str, FromModel(Meeting, "notes")] = ""


class TermSheetIn(Schema):
    mode: str
    field_of_use: Annotated[str, FromModel(TermSheet, "field_of_use")]
    territory: Annotated[str, FromModel(TermSheet, "territory")]
    exclusive: bool = False
    upfront_fee: Annotated[Decimal, FromModel(TermSheet, "upfront_fee")]
    royalty_pct: Annotated[Decimal, FromModel(TermSheet, "royalty_pct")]
    milestones: Annotated[str, FromModel(TermSheet, "milestones")] = ""
    currency: str


class SignIn(Schema):
    outcome: str
    mode: str = ""
    signed_date: Annotated[dt.date, FromModel(Deal, "signed_date")]
    value: Annotated[Decimal, FromModel(Deal, "value")]
    currency: str
    terms: Annotated[str, FromModel(Deal, "terms")]


class CloseIn(Schema):
    reason: Annotated[str, FromModel(Deal, "closed_reason")]


@router.post("/deals/{deal_id}/accept", response={200: DealOut, **ERRORS}, auth=_auth)
def accept(request: HttpRequest, deal_id: int) -> dict[str, Any]:
    deal = selectors.deal_for(request.user, deal_id)
    return _deal_out(request.user, services.accept_deal(request.user, deal))


@router.post("/deals/{deal_id}/nda", response={200: DealOut, **ERRORS}, auth=_auth)
def accept_nda(request: HttpRequest, deal_id: int, data: NdaIn) -> dict[str, Any]:
    deal = selectors.deal_for(request.user, deal_id)
    moved = services.accept_nda(
        request.user, deal, version=data.version, language=get_language() or "en"
    )
    return _deal_out(request.user, moved)


@router.post("/deals/{deal_id}/meetings", response={200: DealOut, **ERRORS}, auth=_auth)
def meeting(request: HttpRequest, deal_id: int, data: MeetingIn) -> dict[str, Any]:
    deal = selectors.deal_for(request.user, deal_id)
    services.record_meeting(request.user, deal, held_on=data.held_on, notes=data.notes)
    deal.refresh_from_db()
    return _deal_out(request.user, deal)


@router.post("/deals/{deal_id}/terms", response={200: DealOut, **ERRORS}, auth=_auth)
def terms(request: HttpRequest, deal_id: int, data: TermSheetIn) -> dict[str, Any]:
    deal = selectors.deal_for(request.user, deal_id)
    services.propose_terms(request.user, deal, **data.dict())
    deal.refresh_from_db()
    return _deal_out(request.user, deal)


@router.post("/deals/{deal_id}/sign", response={200: DealOut, **ERRORS}, auth=_auth)
def sign(request: HttpRequest, deal_id: int, data: SignIn) -> dict[str, Any]:
    deal = selectors.deal_for(request.user, deal_id)
    return _deal_out(request.user, services.sign_deal(request.user, deal, **data.dict()))


@router.post("/deals/{deal_id}/close", response={200: DealOut, **ERRORS}, auth=_auth)
def close(request: HttpRequest, deal_id: int, data: CloseIn) -> dict[str, Any]:
    deal = selectors.deal_for(request.user, deal_id)
    return _deal_out(request.user, services.close_deal(request.user, deal, reason=data.reason))


# ------------------------------------------------------- enterprises as such
class EnterpriseMatchOut(Schema):
    organisation_id: int
    name: str
    region: str
    demands: int = Field(description="its published demands under its own name")
    score: float
    level: str = Field("", description="strong / possible / weak: the engine's calibrated level")
    shared_terms: list[str]
    closest_text: str


@router.get(
    "/offers/{offer_id}/enterprises",
    response={200: list[EnterpriseMatchOut], **ERRORS},
    auth=_auth,
)
def offer_enterprises(request: HttpRequest, offer_id: int) -> list[dict[str, Any]]:
    """Enterprises whose demands (posted under their own name) fit a published offer,
    ranked and explained — for the offer's TTOs and platform officers."""
    from django.core.exceptions import PermissionDenied

    offer = get_object_or_404(Offer, pk=offer_id)
    if not (perm.is_owner_tto(request.user, offer) or perm.is_officer(request.user)):
        raise PermissionDenied
    hits = matching.enterprises_for_offer(offer, top_k=10, language=get_language())
    orgs = Organisation.objects.in_bulk([h.id for h in hits])
    counts = selectors.named_demand_counts([h.id for h in hits])
    return [
        {
            "organisation_id": h.id,
            "name": orgs[h.id].name,
            "region": orgs[h.id].region,
            "demands": counts.get(h.id, 0),
            "score": h.score,
            "level": h.level,
            "shared_terms": h.shared_terms,
            "closest_text": h.closest_text,
        }
        for h in hits
        if h.id in orgs
    ]


@router.get(
    "/organisations/{org_id}/offer-matches", response={200: list[OfferOut], **ERRORS}, auth=_auth
)
def enterprise_offers(request: HttpRequest, org_id: int) -> list[dict[str, Any]]:
    """Published offers that fit the enterprise as a whole (all its published demands),
    for the enterprise's own members."""
    from django.core.exceptions import PermissionDenied

    org = get_object_or_404(Organisation, pk=org_id)
    if org.pk not in perm.enterprise_organisation_ids(request.user):
        raise PermissionDenied
    demands = list(selectors.matchable_demands().filter(organisation=org))
    if not demands:
        return []
    hits = matching.offers_for_enterprise(org, demands, top_k=20, language=get_language())
    offers = selectors.matchable_offers().select_related("owner").in_bulk([h.id for h in hits])
    return [
        _offer_out(request.user, offers[h.id], h)
        for h in hits
        if h.id in offers and offers[h.id].owner_id != org.pk
    ]


# ------------------------------------------------------- bounty solution plans
class PlanIn(Schema):
    team: Annotated[str, FromModel(SolutionPlan, "team")]
    summary: Annotated[str, FromModel(SolutionPlan, "summary")]


class PlanOut(Schema):
    id: int
    demand_id: int
    team: str
    summary: str
    status: str
    submitted_at: dt.datetime
    mine: bool


def _plan_out(user: Any, p: SolutionPlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "demand_id": p.demand_id,
        "team": p.team,
        "summary": p.summary,
        "status": p.status,
        "submitted_at": p.created_at,
        "mine": p.submitted_by_id == getattr(user, "pk", None),
    }


@router.get("/demands/{demand_id}/plans", response={200: list[PlanOut], **ERRORS}, auth=_auth)
def list_plans(request: HttpRequest, demand_id: int) -> list[dict[str, Any]]:
    """A bounty's solution plans: every plan for the company's members, one's own plan for
    a team (teams never see each other's)."""
    demand = selectors.demand_for(request.user, demand_id)
    plans = demand.plans.order_by("pk")
    if not perm.is_demand_member(request.user, demand):
        plans = plans.filter(submitted_by_id=request.user.pk)
    return [_plan_out(request.user, p) for p in plans]


@router.post("/demands/{demand_id}/plans", response={201: PlanOut, **ERRORS}, auth=_auth)
def submit_plan(request: HttpRequest, demand_id: int, data: PlanIn) -> Status:
    """A team answers a published bounty demand (揭榜) with its plan."""
    demand = selectors.demand_for(request.user, demand_id)
    plan = services.submit_plan(request.user, demand, team=data.team, summary=data.summary)
    return Status(201, _plan_out(request.user, plan))


@router.post("/plans/{plan_id}/select", response={200: PlanOut, **ERRORS}, auth=_auth)
def select_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The company selects one plan; the others become not selected."""
    plan = get_object_or_404(SolutionPlan, pk=plan_id)
    if not perm.can_view_demand(request.user, plan.demand):
        raise Demand.DoesNotExist
    return _plan_out(request.user, services.select_plan(request.user, plan))
