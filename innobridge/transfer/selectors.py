"""Reads of the transfer app that depend on who asks, and the TTO funnel."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from innobridge.core.figures import HK, Dim, Row, grouped, quarter_key, region_label
from innobridge.core.permissions import Role, can_act_as

from . import permissions as perm
from .models import (
    Deal,
    DealState,
    Demand,
    DemandStatus,
    IpType,
    MatchNotice,
    MatchPass,
    Membership,
    MembershipKind,
    MembershipRequest,
    MembershipRequestState,
    Offer,
    OfferStatus,
    OfferView,
    PassReason,
    Sector,
)
from .permissions import PUBLIC_DEMAND_STATES


def answered_offer_ids(offers: list[Offer]) -> set[int]:
    """The offers someone on the platform answers for — their author, or a
    technology-transfer officer of their owner — in one query. Interest in any other
    (an imported record, an owner with no TTO here yet) would wait for nobody."""
    staffed = set(
        Membership.objects.filter(
            organisation_id__in={o.owner_id for o in offers}, kind=MembershipKind.TTO
        ).values_list("organisation_id", flat=True)
    )
    return {o.pk for o in offers if o.created_by_id is not None or o.owner_id in staffed}


def matchable_offers() -> QuerySet[Offer]:
    return Offer.objects.filter(state=OfferStatus.PUBLISHED)


def matchable_demands() -> QuerySet[Demand]:
    return Demand.objects.filter(state__in=PUBLIC_DEMAND_STATES)


def public_offers(
    *,
    sector: str = "",
    ip_type: str = "",
    mode: str = "",
    region: str = "",
    trl_min: int | None = None,
    trl_max: int | None = None,
) -> QuerySet[Offer]:
    qs = matchable_offers().select_related("owner")
    if ip_type:
        qs = qs.filter(ip_type=ip_type)
    if region:
        qs = qs.filter(owner__region=region)
    if trl_min:
        qs = qs.filter(trl__gte=trl_min)
    if trl_max:
        qs = qs.filter(trl__lte=trl_max)
    offers = list(qs)
    if sector:
        offers = [o for o in offers if sector in (o.sectors or [])]
    if mode:
        offers = [o for o in offers if mode in (o.modes or [])]
    return qs.filter(pk__in=[o.pk for o in offers])


def public_demands(*, sector: str = "", region: str = "", mode: str = "") -> QuerySet[Demand]:
    qs = matchable_demands()
    if sector:
        qs = qs.filter(sector=sector)
    if region:
        qs = qs.filter(region=region)
    if mode:
        qs = qs.filter(preferred_mode=mode)
    return qs


def offer_for(user: Any, pk: int) -> Offer:
    """The offer if ``user`` may see it (404 otherwise, so drafts stay unknown)."""
    offer = Offer.objects.select_related("owner", "created_by").get(pk=pk)
    if not perm.can_view_offer(user, offer):
        raise Offer.DoesNotExist
    return offer


def demand_for(user: Any, pk: int) -> Demand:
    demand = Demand.objects.select_related("organisation").get(pk=pk)
    if not perm.can_view_demand(user, demand):
        raise Demand.DoesNotExist
    return demand


def deal_for(user: Any, pk: int) -> Deal:
    deal = Deal.objects.select_related("offer", "offer__owner", "party").get(pk=pk)
    if not perm.can_view_deal(user, deal):
        raise Deal.DoesNotExist
    return deal


def demand_company(user: Any, demand: Demand) -> str:
    """The company's name, or its anonymous description when ``user`` may not know it."""
    if perm.can_see_name_demand(user, demand):
        return demand.organisation.name
    return demand.anonymous_description


def my_offers(user: Any) -> QuerySet[Offer]:
    if not getattr(user, "is_authenticated", False):
        return Offer.objects.none()
    orgs = perm.tto_organisation_ids(user)
    return Offer.objects.filter(Q(created_by=user) | Q(owner_id__in=orgs)).select_related("owner")


def my_demands(user: Any) -> QuerySet[Demand]:
    if not getattr(user, "is_authenticated", False):
        return Demand.objects.none()
    orgs = perm.enterprise_organisation_ids(user)
    return Demand.objects.filter(Q(created_by=user) | Q(organisation_id__in=orgs))


def my_deals(user: Any) -> QuerySet[Deal]:
    """Deals ``user`` is a party to or handles as the owner's TTO (never other
    enterprises' deals)."""
    if not getattr(user, "is_authenticated", False):
        return Deal.objects.none()
    orgs = perm.tto_organisation_ids(user)
    return Deal.objects.filter(Q(party=user) | Q(offer__owner_id__in=orgs)).select_related(
        "offer", "party"
    )


def is_tto(user: Any) -> bool:
    """``user`` is a technology-transfer officer of some organisation (no query for
    someone without the role)."""
    return bool(perm.tto_organisation_ids(user))


def deals_to_answer(user: Any) -> QuerySet[Deal]:
    """Interest in the offers of ``user``'s TTO organisations that nobody has accepted or
    closed yet, oldest first (the home page's "waiting for you")."""
    orgs = perm.tto_organisation_ids(user)
    if not orgs:
        return Deal.objects.none()
    return (
        Deal.objects.filter(offer__owner_id__in=orgs, state=DealState.INTEREST)
        .select_related("offer", "party")
        .order_by("created_at", "pk")
    )


# The deal states in which only the party (the enterprise) can take the next step: accept
# the owner's NDA after the TTO accepted their interest, or accept the terms offered.
PARTY_TURN_STATES = (DealState.ACCEPTED, DealState.TERMS_OFFERED)


def deals_waiting_for_party(user: Any) -> QuerySet[Deal]:
    """The deals of an enterprise user that wait for them (the home page's "your turn"),
    longest waiting first; one query, none for someone without the enterprise role."""
    if not can_act_as(user, Role.ENTERPRISE):
        return Deal.objects.none()
    return (
        Deal.objects.filter(party=user, state__in=PARTY_TURN_STATES)
        .select_related("offer")
        .order_by("accepted_at", "created_at", "pk")
    )


def moderation_queue(user: Any) -> dict[str, Any]:
    """What waits for ``user``: offers to approve (TTO) or review (officer), demands to
    triage (officer)."""
    orgs = perm.tto_organisation_ids(user)
    out: dict[str, Any] = {
        "tto_offers": Offer.objects.filter(state=OfferStatus.AWAITING_TTO, owner_id__in=orgs),
        "review_offers": Offer.objects.none(),
        "triage_demands": Demand.objects.none(),
    }
    if perm.is_officer(user):
        out["review_offers"] = Offer.objects.filter(state=OfferStatus.SUBMITTED)
        out["triage_demands"] = Demand.objects.filter(state=DemandStatus.SUBMITTED)
    return out


def my_notices(user: Any) -> QuerySet[MatchNotice]:
    from .models import NotificationPreference

    if not getattr(user, "is_authenticated", False):
        return MatchNotice.objects.none()
    pref = NotificationPreference.objects.filter(person=user).first()
    if pref is not None and not pref.in_app:
        return MatchNotice.objects.none()
    return MatchNotice.objects.filter(recipient=user).select_related(
        "match__offer", "match__demand"
    )


def pass_reasons(offer: Offer) -> list[tuple[str, int]]:
    """Why recipients passed on the offer: counts per reason, never who."""
    counts = Counter(MatchPass.objects.filter(offer=offer).values_list("reason", flat=True))
    return [(str(label), counts.get(value, 0)) for value, label in PassReason.choices]


# -------------------------------------------------------------------- funnel
STAGES = ("listed", "viewed", "interest", "nda", "meeting", "signed")


def stage_labels() -> dict[str, str]:
    return {
        "listed": _("Listed"),
        "viewed": _("Viewed"),
        "interest": _("Interest"),
        "nda": _("NDA"),
        "meeting": _("Meeting"),
        "signed": _("Signed"),
    }


@dataclass
class Funnel:
    counts: dict[str, int]
    conversion: dict[str, float | None]  # stage → share of the previous stage (%)
    median_days: dict[str, float | None]  # stage → median days from the previous stage
    rows: list[dict[str, Any]] = field(default_factory=list)


def _days(a: Any, b: Any) -> float | None:
    if a is None or b is None:
        return None
    return max((b - a).total_seconds() / 86400.0, 0.0)


def _median(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(statistics.median(vals), 1) if vals else None


def funnel(offers: QuerySet[Offer] | list[Offer]) -> Funnel:
    """listed → viewed → interest → NDA → meeting → signed over ``offers``: how many
    reached each stage, the conversion from the stage before, the median days it took."""
    offers = list(offers)
    ids = [o.pk for o in offers]
    listed = [o for o in offers if o.published_at is not None]
    views = list(OfferView.objects.filter(offer_id__in=ids))
    deals = list(Deal.objects.filter(offer_id__in=ids))
    first_view = {(v.offer_id, v.viewer_id): v.viewed_at for v in views}
    published = {o.pk: o.published_at for o in offers}
    counts = {
        "listed": len(listed),
        "viewed": len(views),
        "interest": len(deals),
        "nda": sum(1 for d in deals if d.nda_at),
        "meeting": sum(1 for d in deals if d.meeting_at),
        "signed": sum(1 for d in deals if d.signed_at),
    }
    med = {
        "listed": None,
        "viewed": _median([_days(published.get(v.offer_id), v.viewed_at) for v in views]),
        "interest": _median(
            [_days(first_view.get((d.offer_id, d.party_id)), d.created_at) for d in deals]
        ),
        "nda": _median([_days(d.accepted_at or d.created_at, d.nda_at) for d in deals]),
        "meeting": _median([_days(d.nda_at, d.meeting_at) for d in deals]),
        "signed": _median(
            [_days(d.meeting_at or d.created_at, d.signed_at) for d in deals if d.signed_at]
        ),
    }
    conv: dict[str, float | None] = {"listed": None}
    for prev, stage in itertools.pairwise(STAGES):
        conv[stage] = round(100.0 * counts[stage] / counts[prev], 1) if counts[prev] else None
    rows = []
    for o in offers:
        od = [d for d in deals if d.offer_id == o.pk]
        rows.append(
            {
                "offer": o,
                "viewed": sum(1 for v in views if v.offer_id == o.pk),
                "interest": len(od),
                "nda": sum(1 for d in od if d.nda_at),
                "meeting": sum(1 for d in od if d.meeting_at),
                "signed": sum(1 for d in od if d.signed_at),
            }
        )
    return Funnel(counts, conv, med, rows)


def organisation_offers(org_id: int) -> QuerySet[Offer]:
    return Offer.objects.filter(owner_id=org_id).exclude(published_at__isnull=True)


# ------------------------------------------- figures for the Action Plan dashboard (plan)
# Each takes the moment ``as_of`` (what the data said then) and an optional breakdown
# ``by``; rows of (key, label, value), one row with an empty key for the total. The deal
# counts are the funnel's ("interest", "nda", "signed") over every offer.


def sector_label(key: str) -> str:
    return str(dict(Sector.choices).get(key, key))


def ip_type_label(key: str) -> str:
    return str(dict(IpType.choices).get(key, key))


def offers_listed_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Offers published on the platform by ``as_of`` (whatever their state since)."""
    qs = Offer.objects.filter(published_at__isnull=False, published_at__lte=as_of)
    dims = {
        "region": Dim("owner__region", label=region_label),
        "institution": Dim("owner_id", label_field="owner__name"),
        "city": Dim("owner__city"),
        "kind": Dim("ip_type", label=ip_type_label),
        "quarter": Dim("published_at", quarter=True),
    }
    return grouped(qs, dims, by)


def demands_posted_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Enterprise demands published by ``as_of``."""
    qs = Demand.objects.filter(published_at__isnull=False, published_at__lte=as_of)
    dims = {
        "region": Dim("region", label=region_label),
        "city": Dim("organisation__city"),
        "discipline": Dim("sector", label=sector_label),
        "quarter": Dim("published_at", quarter=True),
    }
    return grouped(qs, dims, by)


DEAL_STAGE_FIELDS = {"interest": "created_at", "nda": "nda_at", "signed": "signed_at"}


def deals_figure(stage: str, as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Deals that had reached ``stage`` ("interest", "nda" or "signed") by ``as_of``."""
    when = DEAL_STAGE_FIELDS[stage]
    qs = Deal.objects.filter(**{f"{when}__isnull": False, f"{when}__lte": as_of})
    dims = {
        "region": Dim("party_organisation__region", label=region_label),
        "institution": Dim("offer__owner_id", label_field="offer__owner__name"),
        "discipline": Dim("demand__sector", label=sector_label),
        "quarter": Dim(when, quarter=True),
    }
    return grouped(qs, dims, by)


def median_days_to_deal_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Median days from the first expression of interest to the signed agreement, over
    the deals signed by ``as_of`` (by "region" of the party, or "quarter" signed)."""
    deals = Deal.objects.filter(signed_at__isnull=False, signed_at__lte=as_of).values_list(
        "created_at", "signed_at", "party_organisation__region"
    )
    groups: dict[str, list[float | None]] = {}
    for created, signed, region in deals:
        assert signed is not None  # filtered above
        if by is None:
            key = ""
        elif by == "region":
            key = region or ""
        elif by == "quarter":
            key = quarter_key(signed.astimezone(HK).date())
        else:
            raise KeyError(by)
        groups.setdefault(key, []).append(_days(created, signed))
    rows = []
    for key, days in sorted(groups.items()):
        med = _median(days)
        label = region_label(key) if by == "region" else key
        rows.append(Row(key, label, None if med is None else Decimal(str(med))))
    if by is None and not rows:
        rows = [Row("", "", None)]
    return rows


def named_demand_counts(organisation_ids: list[int]) -> dict[int, int]:
    """Published demands each organisation posted under its own name."""
    from django.db.models import Count

    rows = (
        matchable_demands()
        .filter(is_anonymous=False, organisation_id__in=organisation_ids)
        .values("organisation_id")
        .annotate(n=Count("id"))
    )
    return {r["organisation_id"]: r["n"] for r in rows}


# States in which a demand's own company sees its matches (as on the demand's page).
MATCHED_DEMAND_STATES = (*PUBLIC_DEMAND_STATES, DemandStatus.SUBMITTED)


def enterprise_demands(user: Any) -> QuerySet[Demand]:
    """The demands of ``user``'s enterprises that have matches to show (published,
    long-term, or waiting for triage), newest first."""
    orgs = perm.enterprise_organisation_ids(user)
    if not orgs:
        return Demand.objects.none()
    return (
        Demand.objects.filter(organisation_id__in=orgs, state__in=MATCHED_DEMAND_STATES)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )


def open_deals_by_offer(user: Any) -> dict[int, Deal]:
    """``user``'s own deals that are not closed, by offer (one per offer)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    qs = Deal.objects.filter(party=user).exclude(state=DealState.CLOSED).order_by("pk")
    return {d.offer_id: d for d in qs}


def passed_offer_ids(user: Any) -> set[int]:
    """Offers ``user`` passed on (they leave the user's match lists)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(MatchPass.objects.filter(person=user).values_list("offer_id", flat=True))


# ------------------------------------------------------- requests to act for an organisation
def memberships_of(user: Any) -> QuerySet[Membership]:
    """The organisations ``user`` acts for in transfer, with how."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(person=user).select_related("organisation").order_by("pk")


def membership_requests_of(user: Any) -> QuerySet[MembershipRequest]:
    """``user``'s own requests, newest first."""
    if not getattr(user, "is_authenticated", False):
        return MembershipRequest.objects.none()
    return MembershipRequest.objects.filter(requester=user).select_related(
        "organisation", "decided_by"
    )


def decides_membership_requests(user: Any) -> bool:
    return perm.can_decide_membership_requests(user)


def unlinked_enterprise_user(user: Any) -> bool:
    """Signed up as an enterprise user, and acts for no company yet."""
    return (
        getattr(user, "is_authenticated", False)
        and can_act_as(user, Role.ENTERPRISE)
        and not perm.enterprise_organisation_ids(user)
    )


def waiting_membership_requests(user: Any) -> QuerySet[MembershipRequest]:
    """The requests an administrator decides, oldest first (none for anyone else)."""
    if not perm.can_decide_membership_requests(user):
        return MembershipRequest.objects.none()
    return (
        MembershipRequest.objects.filter(state=MembershipRequestState.SUBMITTED)
        .select_related("requester", "organisation")
        .order_by("created_at", "pk")
    )


def decided_membership_requests(user: Any, limit: int = 50) -> list[MembershipRequest]:
    """The latest decided or withdrawn requests, for the administrator's record."""
    if not perm.can_decide_membership_requests(user):
        return []
    return list(
        MembershipRequest.objects.exclude(state=MembershipRequestState.SUBMITTED)
        .select_related("requester", "organisation", "decided_by")
        .order_by("-updated_at", "-pk")[:limit]
    )
