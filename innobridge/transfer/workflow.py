"""The transfer lifecycles as transition tables: offers, demands and the deal pipeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from innobridge.core.workflow import SYSTEM, Transition, Workflow

from . import permissions as perm
from .models import DealState as D
from .models import DemandStatus as M
from .models import MembershipRequestState as R
from .models import OfferStatus as O

AUTHOR, TTO, OFFICER, PARTY, OWNER = "author", "tto", "officer", "party", "owner"
REQUESTER, ADMINISTRATOR = "requester", "administrator"


def offer_roles(user: Any, offer: Any) -> set[str]:
    if user == SYSTEM:
        return {SYSTEM}
    held: set[str] = set()
    if perm.is_owner_tto(user, offer):
        held.add(TTO)  # a TTO who writes the listing submits it directly
    elif perm.is_author(user, offer):
        held.add(AUTHOR)
    if perm.is_officer(user):
        held.add(OFFICER)
    return held


OFFER_FLOW = Workflow(
    "offer",
    [
        Transition(O.DRAFT, "submit_to_tto", O.AWAITING_TTO, {AUTHOR}, _("Send to my TTO")),
        Transition(O.DRAFT, "submit", O.SUBMITTED, {TTO}, _("Submit for platform review")),
        Transition(O.DRAFT, "withdraw", O.WITHDRAWN, {AUTHOR, TTO}, _("Withdraw")),
        Transition(O.AWAITING_TTO, "tto_approve", O.SUBMITTED, {TTO}, _("Approve and submit")),
        Transition(O.AWAITING_TTO, "tto_return", O.DRAFT, {TTO}, _("Return to the researcher")),
        Transition(O.SUBMITTED, "publish", O.PUBLISHED, {OFFICER}, _("Publish")),
        Transition(O.SUBMITTED, "return", O.DRAFT, {OFFICER}, _("Request changes")),
        Transition(O.SUBMITTED, "reject", O.REJECTED, {OFFICER}, _("Reject")),
        Transition(O.PUBLISHED, "renew", O.PUBLISHED, {TTO}, _("Renew for 12 months")),
        Transition(O.PUBLISHED, "expire", O.EXPIRED, {SYSTEM}, _("Expire")),
        Transition(O.PUBLISHED, "withdraw", O.WITHDRAWN, {TTO}, _("Withdraw")),
        Transition(O.EXPIRED, "renew", O.PUBLISHED, {TTO}, _("Renew for 12 months")),
    ],
    roles=offer_roles,
)


def demand_roles(user: Any, demand: Any) -> set[str]:
    held: set[str] = set()
    if perm.is_demand_member(user, demand):
        held.add(AUTHOR)
    if perm.is_officer(user):
        held.add(OFFICER)
    return held


DEMAND_FLOW = Workflow(
    "demand",
    [
        Transition(M.DRAFT, "submit", M.SUBMITTED, {AUTHOR}, _("Submit for triage")),
        Transition(M.SUBMITTED, "publish", M.PUBLISHED, {OFFICER}, _("Publish")),
        Transition(
            M.SUBMITTED, "second_diagnosis", M.SECOND_DIAGNOSIS, {OFFICER}, _("Second diagnosis")
        ),
        Transition(M.SUBMITTED, "long_term", M.LONG_TERM, {OFFICER}, _("Mark long-term")),
        Transition(M.SECOND_DIAGNOSIS, "resubmit", M.SUBMITTED, {AUTHOR}, _("Resubmit")),
        Transition(M.PUBLISHED, "close", M.CLOSED, {AUTHOR, OFFICER}, _("Close")),
        Transition(M.LONG_TERM, "close", M.CLOSED, {AUTHOR, OFFICER}, _("Close")),
    ],
    roles=demand_roles,
)


def deal_roles(user: Any, deal: Any) -> set[str]:
    held: set[str] = set()
    if getattr(user, "pk", None) is not None and deal.party_id == user.pk:
        held.add(PARTY)
    if perm.is_owner_tto(user, deal.offer):
        held.add(OWNER)
    return held


_OPEN = (D.INTEREST, D.ACCEPTED, D.NDA_ACCEPTED, D.MEETING, D.NEGOTIATION)

DEAL_FLOW = Workflow(
    "deal",
    [
        Transition(D.TERMS_OFFERED, "accept_terms", D.SIGNED, {PARTY}, _("Accept the terms")),
        Transition(D.INTEREST, "accept", D.ACCEPTED, {OWNER}, _("Accept and talk")),
        Transition(D.ACCEPTED, "accept_nda", D.NDA_ACCEPTED, {PARTY}, _("Accept the NDA")),
        Transition(D.NDA_ACCEPTED, "meet", D.MEETING, {OWNER, PARTY}, _("Record a meeting")),
        Transition(D.MEETING, "meet", D.MEETING, {OWNER, PARTY}, _("Record a meeting")),
        Transition(D.NEGOTIATION, "meet", D.NEGOTIATION, {OWNER, PARTY}, _("Record a meeting")),
        Transition(D.MEETING, "propose_terms", D.NEGOTIATION, {OWNER, PARTY}, _("Term sheet")),
        Transition(
            D.NEGOTIATION,
            "propose_terms",
            D.NEGOTIATION,
            {OWNER, PARTY},
            _("Revise the term sheet"),
        ),
        Transition(D.NEGOTIATION, "sign", D.SIGNED, {OWNER}, _("Record the signed agreement")),
        *[Transition(s, "close", D.CLOSED, {OWNER, PARTY}, _("Close")) for s in _OPEN],
    ],
    roles=deal_roles,
)

# Funnel stages in order, and the deal states that have reached each.
FUNNEL_REACHED = {
    "interest": set(DEAL_FLOW.states),
    "nda": {D.NDA_ACCEPTED, D.MEETING, D.NEGOTIATION, D.SIGNED},
    "meeting": {D.MEETING, D.NEGOTIATION, D.SIGNED},
    "signed": {D.SIGNED},
}


def membership_request_roles(user: Any, request: Any) -> set[str]:
    held: set[str] = set()
    if getattr(user, "pk", None) is not None and request.requester_id == user.pk:
        held.add(REQUESTER)
    if perm.can_decide_membership_requests(user):
        held.add(ADMINISTRATOR)
    return held


MEMBERSHIP_REQUEST_FLOW = Workflow(
    "membership request",
    [
        Transition(R.SUBMITTED, "approve", R.APPROVED, {ADMINISTRATOR}, _("Approve")),
        Transition(R.SUBMITTED, "decline", R.DECLINED, {ADMINISTRATOR}, _("Decline")),
        Transition(R.SUBMITTED, "withdraw", R.WITHDRAWN, {REQUESTER}, _("Withdraw")),
    ],
    roles=membership_request_roles,
)
