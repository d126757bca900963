"""Pushed matching: a new or changed offer or demand is matched in the background; new
strong matches reach both sides in-app and once in a daily digest e-mail."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from innobridge.core.services import record_event

from .. import matching
from ..audit import TransferAction
from ..models import (
    Demand,
    MatchNotice,
    NotificationPreference,
    Offer,
    OfferStatus,
    SuggestedMatch,
)
from ..permissions import PUBLIC_DEMAND_STATES

TOP_PUSHED = 5
# A match is pushed when the engine grades it "strong" (``Match.is_strong``): the calibrated
# level of innobridge.matching.levels, chosen by benchmarks/calibrate_levels.py on real data.


def _record(offer: Offer, demand: Demand, hit: matching.Match) -> SuggestedMatch | None:
    from ..notifications import demand_people, offer_people

    match, created = SuggestedMatch.objects.get_or_create(
        offer=offer,
        demand=demand,
        defaults={
            "score": hit.score,
            "shared_terms": hit.shared_terms[:10],
            "closest_text": hit.closest_text[:2000],
        },
    )
    if not created:
        return None
    record_event("system", TransferAction.MATCH_FOUND, match, after={"score": round(hit.score, 4)})
    for side, people in (("offer", offer_people(offer)), ("demand", demand_people(demand))):
        for person in people:
            MatchNotice.objects.get_or_create(
                recipient=person, match=match, defaults={"side": side}
            )
    return match


@transaction.atomic
def find_matches_for_offer(offer: Offer) -> list[SuggestedMatch]:
    if offer.state != OfferStatus.PUBLISHED:
        return []
    hits = matching.demands_for_offer(offer, top_k=TOP_PUSHED)
    demands = Demand.objects.in_bulk([h.id for h in hits])
    out = []
    for h in hits:
        d = demands.get(h.id)
        if d is not None and d.state in PUBLIC_DEMAND_STATES and h.is_strong:
            m = _record(offer, d, h)
            if m is not None:
                out.append(m)
    return out


@transaction.atomic
def find_matches_for_demand(demand: Demand) -> list[SuggestedMatch]:
    if demand.state not in PUBLIC_DEMAND_STATES:
        return []
    hits = matching.offers_for_demand(demand, top_k=TOP_PUSHED)
    offers = Offer.objects.in_bulk([h.id for h in hits])
    out = []
    for h in hits:
        o = offers.get(h.id)
        if o is not None and o.state == OfferStatus.PUBLISHED and h.is_strong:
            m = _record(o, demand, h)
            if m is not None:
                out.append(m)
    return out


def preferences(person: Any) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.get_or_create(person=person)
    return pref


@transaction.atomic
def set_preferences(person: Any, *, in_app: bool, daily_digest: bool) -> NotificationPreference:
    pref = preferences(person)
    pref.in_app, pref.daily_digest = bool(in_app), bool(daily_digest)
    pref.save()
    return pref


def send_digests(now: dt.datetime | None = None) -> int:
    """Send each person who wants it one e-mail with the matches not yet e-mailed, in
    their language; every match is e-mailed at most once. Returns the e-mails sent."""
    from ..notifications import digest_body, mail

    now = now or timezone.now()
    pending: dict[int, list[MatchNotice]] = defaultdict(list)
    for n in (
        MatchNotice.objects.filter(emailed_at__isnull=True)
        .select_related("recipient", "match__offer", "match__demand")
        .order_by("recipient_id", "-match__score")
    ):
        pending[n.recipient_id].append(n)
    sent = 0
    off = set(
        NotificationPreference.objects.filter(daily_digest=False).values_list(
            "person_id", flat=True
        )
    )
    for person_id, notices in pending.items():
        with transaction.atomic():
            ids = [n.pk for n in notices]
            if person_id not in off and mail(
                notices[0].recipient, lambda n=notices: digest_body(n)
            ):
                sent += 1
            # marked either way: a match is never e-mailed later than its day
            MatchNotice.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
    return sent
