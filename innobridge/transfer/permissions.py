"""Who may do what in transfer: ``can_<verb>_<noun>`` predicates and ``require_…``.

Who sees what:
* the public sees published offers' non-confidential parts and published demands
  (anonymous ones without the company's name);
* an offer's confidential part: its owner organisation's TTOs and parties with an
  accepted NDA for that offer — nobody else (not even moderators);
* a deal: its party, the owner organisation's TTOs and platform officers, so an
  enterprise never sees another enterprise's interest in the same offer;
* drafts and rejected listings: their authors (and the owner's TTOs) and moderators.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as

from .models import (
    Deal,
    DealState,
    Demand,
    DemandStatus,
    Membership,
    MembershipKind,
    NdaAcceptance,
    Offer,
    OfferStatus,
)

PUBLIC_DEMAND_STATES = (DemandStatus.PUBLISHED, DemandStatus.LONG_TERM)


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_officer(user: Any) -> bool:
    """A platform (programme) officer: moderates listings and demands."""
    return can_act_as(user, Role.PROGRAMME_OFFICER)


def tto_organisation_ids(user: Any) -> set[int]:
    """The organisations whose technology-transfer officer ``user`` is."""
    if not _signed_in(user) or not can_act_as(user, Role.TECH_TRANSFER_OFFICER):
        return set()
    cache = getattr(user, "_transfer_tto_orgs", None)
    if cache is None:
        cache = set(
            Membership.objects.filter(person=user, kind=MembershipKind.TTO).values_list(
                "organisation_id", flat=True
            )
        )
        user._transfer_tto_orgs = cache
    return set(cache)


def enterprise_organisation_ids(user: Any) -> set[int]:
    """The organisations ``user`` is a staff member of, as an enterprise. Being linked gives
    the enterprise role (``services.add_membership``), so no one without it is read for
    (every signed-in home page asks: issue #17)."""
    if not _signed_in(user) or not can_act_as(user, Role.ENTERPRISE):
        return set()
    return set(
        Membership.objects.filter(person=user, kind=MembershipKind.ENTERPRISE).values_list(
            "organisation_id", flat=True
        )
    )


def can_decide_membership_requests(user: Any) -> bool:
    """Who links people to organisations: the platform's administrators (as in the
    admin's membership page)."""
    from innobridge.people.permissions import is_admin

    return _signed_in(user) and is_admin(user)


def require_decide_membership_requests(user: Any) -> None:
    if not can_decide_membership_requests(user):
        raise PermissionDenied(_("Only an administrator decides these requests."))


def is_owner_tto(user: Any, offer: Offer) -> bool:
    return offer.owner_id in tto_organisation_ids(user)


def is_author(user: Any, obj: Offer | Demand) -> bool:
    return _signed_in(user) and obj.created_by_id == user.pk


# ------------------------------------------------------------------- offers
def can_view_offer(user: Any, offer: Offer) -> bool:
    if offer.state == OfferStatus.PUBLISHED:
        return True
    return is_author(user, offer) or is_owner_tto(user, offer) or is_officer(user)


def require_view_offer(user: Any, offer: Offer) -> None:
    if not can_view_offer(user, offer):
        raise PermissionDenied(_("This listing is not public."))


def has_accepted_nda(user: Any, offer: Offer) -> bool:
    if not _signed_in(user):
        return False
    return (
        NdaAcceptance.objects.filter(deal__offer=offer, deal__party=user, person=user)
        .exclude(deal__state=DealState.CLOSED)
        .exists()
    )


def can_view_confidential_offer(user: Any, offer: Offer) -> bool:
    return is_owner_tto(user, offer) or has_accepted_nda(user, offer)


def require_view_confidential_offer(user: Any, offer: Offer) -> None:
    if not can_view_confidential_offer(user, offer):
        raise PermissionDenied(
            _("The confidential part is shown only after you have accepted the owner's NDA.")
        )


def can_create_offer(user: Any, owner_id: int | None = None) -> bool:
    if can_act_as(user, Role.TECH_TRANSFER_OFFICER) and (
        owner_id is None or owner_id in tto_organisation_ids(user)
    ):
        return True
    return can_act_as(user, Role.RESEARCHER)


def require_create_offer(user: Any, owner_id: int | None = None) -> None:
    if not can_create_offer(user, owner_id):
        raise PermissionDenied(_("Only researchers and technology-transfer officers list offers."))


def can_edit_offer(user: Any, offer: Offer) -> bool:
    if offer.state not in (OfferStatus.DRAFT, OfferStatus.PUBLISHED, OfferStatus.EXPIRED):
        return False
    if offer.state == OfferStatus.DRAFT and is_author(user, offer):
        return True
    return is_owner_tto(user, offer)


def require_edit_offer(user: Any, offer: Offer) -> None:
    if not can_edit_offer(user, offer):
        raise PermissionDenied(_("You may not change this listing now."))


def can_express_interest_offer(user: Any, offer: Offer) -> bool:
    return (
        _signed_in(user)
        and offer.state == OfferStatus.PUBLISHED
        and not is_owner_tto(user, offer)
        and not is_author(user, offer)
    )


def require_express_interest_offer(user: Any, offer: Offer) -> None:
    if not can_express_interest_offer(user, offer):
        raise PermissionDenied(_("You cannot express interest in this listing."))


def can_view_funnel_offer(user: Any, offer: Offer) -> bool:
    return is_owner_tto(user, offer) or is_officer(user)


def require_view_funnel_offer(user: Any, offer: Offer) -> None:
    if not can_view_funnel_offer(user, offer):
        raise PermissionDenied(_("Only the owner's technology-transfer officers see this."))


# ------------------------------------------------------------------ demands
def is_demand_member(user: Any, demand: Demand) -> bool:
    return is_author(user, demand) or demand.organisation_id in enterprise_organisation_ids(user)


def can_view_demand(user: Any, demand: Demand) -> bool:
    if demand.state in PUBLIC_DEMAND_STATES:
        return True
    return is_demand_member(user, demand) or is_officer(user)


def require_view_demand(user: Any, demand: Demand) -> None:
    if not can_view_demand(user, demand):
        raise PermissionDenied(_("This demand is not public."))


def can_see_name_demand(user: Any, demand: Demand) -> bool:
    """An anonymous demand's company is named only to its own people, moderators, and
    the owners of an offer whose deal with it both sides have agreed to pursue."""
    if not demand.is_anonymous or is_demand_member(user, demand) or is_officer(user):
        return True
    orgs = tto_organisation_ids(user)
    return bool(orgs) and (
        Deal.objects.filter(demand=demand, offer__owner_id__in=orgs)
        .exclude(state__in=[DealState.INTEREST, DealState.CLOSED])
        .exists()
    )


def can_post_demand(user: Any) -> bool:
    return can_act_as(user, Role.ENTERPRISE) and bool(enterprise_organisation_ids(user))


def require_post_demand(user: Any) -> None:
    if not can_post_demand(user):
        raise PermissionDenied(_("Only enterprise users of a registered company post demands."))


# -------------------------------------------------------------------- deals
def can_view_deal(user: Any, deal: Deal) -> bool:
    if not _signed_in(user):
        return False
    return deal.party_id == user.pk or is_owner_tto(user, deal.offer) or is_officer(user)


def require_view_deal(user: Any, deal: Deal) -> None:
    if not can_view_deal(user, deal):
        raise PermissionDenied(_("You are not a party to this deal."))
