"""The enterprise's matches page: for each of its company's demands, the published offers
the engine ranks best, graded strong / possible / weak (the engine's calibrated levels,
as partner search shows them), explained, with the steps the reader can take on each —
express interest, take a licence on published terms, pass, or continue the deal already
open (accept the NDA, meetings, terms)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from .. import matching, selectors
from .. import permissions as perm
from ..forms import InterestForm, PassForm
from ..workflow import DEAL_FLOW

DEMANDS_SHOWN = 10
OFFERS_PER_DEMAND = 8


def offer_match_rows(
    user: Any, demand: Any, top_k: int = OFFERS_PER_DEMAND
) -> list[dict[str, Any]]:
    """One demand's matched offers for its company: the offer, the match (level, score,
    shared terms, closest text), the reader's open deal on it with the deal's next steps,
    and whether the reader may still express interest. Offers of the reader's own
    organisation and offers the reader passed on are left out."""
    passed = selectors.passed_offer_ids(user)
    hits = matching.offers_for_demand(demand, top_k=top_k, language=get_language(), exclude=passed)
    offers = selectors.matchable_offers().select_related("owner").in_bulk([h.id for h in hits])
    deals = selectors.open_deals_by_offer(user)
    answered = selectors.answered_offer_ids(list(offers.values()))
    rows = []
    for h in hits:
        offer = offers.get(h.id)
        if offer is None or offer.owner_id == demand.organisation_id:
            continue
        deal = deals.get(offer.pk)
        rows.append(
            {
                "offer": offer,
                "match": h,
                "deal": deal,
                # the deal's next steps for the reader (taken on the deal's page)
                "deal_steps": [t for t in DEAL_FLOW.allowed(user, deal) if t.action != "close"]
                if deal
                else [],
                "can_interest": deal is None and perm.can_express_interest_offer(user, offer),
                "answered": offer.pk in answered,
                # each row's own field ids (one page holds many of these forms)
                "interest_form": InterestForm(auto_id=f"id_m{demand.pk}_{offer.pk}_%s"),
                "pass_form": PassForm(auto_id=f"id_p{demand.pk}_{offer.pk}_%s"),
            }
        )
    return rows


@login_required
def enterprise_matches(request: HttpRequest) -> HttpResponse:
    user = request.user
    demands = list(selectors.enterprise_demands(user)[:DEMANDS_SHOWN])
    groups = [{"demand": d, "rows": offer_match_rows(user, d)} for d in demands]
    return render(
        request,
        "transfer/matches.html",
        {
            "groups": groups,
            "is_enterprise": bool(perm.enterprise_organisation_ids(user)),
            "can_demand": perm.can_post_demand(user),
        },
    )
