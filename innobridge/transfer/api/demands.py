"""Demands in the API: the list, one demand, posting and triage, its matches, and bounty plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Query, Schema, Status
from pydantic import Field

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth as _auth
from innobridge.people.models import Organisation

from .. import matching, selectors, services
from .. import permissions as perm
from ..models import Demand, SolutionPlan
from ..workflow import DEMAND_FLOW
from .common import ERRORS, router
from .offers import NoteIn, OfferFilters, OfferOut, _offer_out


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
