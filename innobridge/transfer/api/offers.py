"""Offers in the API: the list and search, one offer, its confidential part, drafting
and its lifecycle, passing on one, funnels."""

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
from ..models import Offer, OfferStatus
from ..workflow import OFFER_FLOW
from .common import ERRORS, router


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
