"""Enterprises in the API: the companies an offer suits, and the offers for a company."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Schema
from pydantic import Field

from innobridge.people.auth import api_auth as _auth
from innobridge.people.models import Organisation

from .. import matching, selectors
from .. import permissions as perm
from ..models import Offer
from .common import ERRORS, router
from .offers import OfferOut, _offer_out


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
