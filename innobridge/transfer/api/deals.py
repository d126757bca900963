"""Deals in the API: interest in an offer, taking a published licence, and the pipeline
from acceptance to signature."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Schema, Status

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth as _auth

from .. import selectors, services
from ..models import Deal, Demand, Meeting, Offer, TermSheet
from ..workflow import DEAL_FLOW
from .common import ERRORS, router


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
