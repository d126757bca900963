"""The deal pipeline (the table in ``workflow.DEAL_FLOW``): interest → accepted by the
owner → NDA accepted → meetings → term sheet → signed, or closed with a reason; and the
one-step path for open and express licences (accept the published terms → signed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.models import Currency
from innobridge.core.services import apply_transition, record_event, snapshot

from .. import permissions as perm
from .. import selectors
from ..audit import TransferAction
from ..models import (
    Deal,
    DealState,
    Demand,
    LicensingMode,
    Meeting,
    NdaAcceptance,
    NdaText,
    Offer,
    OutcomeType,
    TermSheet,
)
from ..workflow import DEAL_FLOW


def _open_deal_exists(actor: Any, offer: Offer) -> bool:
    return Deal.objects.filter(offer=offer, party=actor).exclude(state=DealState.CLOSED).exists()


def _party_org(actor: Any) -> Any:
    orgs = sorted(perm.enterprise_organisation_ids(actor))
    return orgs[0] if orgs else None


@transaction.atomic
def express_interest(
    actor: Any, offer: Offer, *, message: str, demand: Demand | None = None, is_demo: bool = False
) -> Deal:
    """An expression of interest with a message: the first step of a deal."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    perm.require_express_interest_offer(actor, offer)
    if offer.pk not in selectors.answered_offer_ids([offer]):
        raise ValidationError(
            _(
                "Nobody from this offer's owner answers on InnoBridge yet, so interest sent "
                "here would wait unanswered: contact the owner directly (see the source of "
                "this listing)."
            )
        )
    if not message.strip():
        raise ValidationError({"message": [_("Tell the owner what you would use it for.")]})
    if _open_deal_exists(actor, offer):
        raise ValidationError(_("You have already expressed interest in this offer."))
    if demand is not None and not perm.is_demand_member(actor, demand):
        demand = None
    try:
        with transaction.atomic():
            deal = Deal.objects.create(
                offer=offer,
                party=actor,
                party_organisation_id=_party_org(actor),
                demand=demand,
                message=message.strip()[:4000],
                is_demo=is_demo,
            )
    except IntegrityError as exc:  # a concurrent second interest
        raise ValidationError(_("You have already expressed interest in this offer.")) from exc
    record_event(actor, TransferAction.DEAL_OPENED, deal, after=snapshot(deal))
    from ..notifications import deal_event

    deal_event(deal, "interest")
    return deal


@transaction.atomic
def take_published_terms(actor: Any, offer: Offer, *, mode: str, is_demo: bool = False) -> Deal:
    """Open licence (专利开放许可) or express licence: whoever accepts the published terms
    gets the licence at once, on the same terms and fee as everyone else."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    perm.require_express_interest_offer(actor, offer)
    if mode not in (LicensingMode.OPEN, LicensingMode.EXPRESS) or mode not in offer.modes:
        raise ValidationError({"mode": [_("This offer has no such published licence.")]})
    if _open_deal_exists(actor, offer):
        raise ValidationError(_("You already have a deal on this offer."))
    deal = Deal.objects.create(
        offer=offer,
        party=actor,
        party_organisation_id=_party_org(actor),
        state=DealState.TERMS_OFFERED,
        message=_("Accepted the published terms."),
        is_demo=is_demo,
    )
    record_event(actor, TransferAction.DEAL_OPENED, deal, after=snapshot(deal))
    now = timezone.now()
    deal = apply_transition(  # type: ignore[assignment]
        actor,
        deal,
        DEAL_FLOW,
        "accept_terms",
        audit_action=TransferAction.DEAL_TERMS_ACCEPTED,
        signed_at=now,
        accepted_at=now,
        outcome=OutcomeType.LICENCE,
        outcome_mode=mode,
        signed_date=timezone.localdate(now),
        value=offer.licence_fee,
        value_currency=offer.licence_currency,
        terms=offer.licence_terms,
    )
    from ..notifications import deal_event

    deal_event(deal, "signed")
    return deal


def accept_deal(actor: Any, deal: Deal) -> Deal:
    moved = apply_transition(
        actor,
        deal,
        DEAL_FLOW,
        "accept",
        audit_action=TransferAction.DEAL_ACCEPTED,
        accepted_at=timezone.now(),
    )
    from ..notifications import deal_event

    deal_event(moved, "accepted")
    return moved  # type: ignore[return-value]


def current_nda(offer: Offer) -> NdaText | None:
    return NdaText.objects.filter(organisation_id=offer.owner_id).order_by("-version").first()


@transaction.atomic
def accept_nda(actor: Any, deal: Deal, *, version: int, language: str = "en") -> Deal:
    """Click-through acceptance of the owner's current NDA; the accepted version, time and
    user are recorded."""
    nda = current_nda(deal.offer)
    if nda is None:
        raise ValidationError(_("The owner has not published an NDA yet."))
    if version != nda.version:
        raise ValidationError(
            _("The NDA has changed (now version %(v)s): read it again.") % {"v": nda.version}
        )
    moved = apply_transition(
        actor,
        deal,
        DEAL_FLOW,
        "accept_nda",
        audit_action=TransferAction.DEAL_NDA_ACCEPTED,
        nda_at=timezone.now(),
    )
    NdaAcceptance.objects.create(deal_id=moved.pk, nda=nda, person=actor, language=language[:10])
    return moved  # type: ignore[return-value]


@transaction.atomic
def record_meeting(actor: Any, deal: Deal, *, held_on: dt.date, notes: str = "") -> Meeting:
    if not isinstance(held_on, dt.date):
        raise ValidationError({"held_on": [_("Enter the date of the meeting.")]})
    changes: dict[str, Any] = {} if deal.meeting_at else {"meeting_at": timezone.now()}
    moved = apply_transition(
        actor, deal, DEAL_FLOW, "meet", audit_action=TransferAction.DEAL_MEETING_RECORDED, **changes
    )
    return Meeting.objects.create(
        deal_id=moved.pk, held_on=held_on, notes=notes.strip()[:4000], recorded_by=actor
    )


def _amount(value: Any, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: [_("Enter a number.")]}) from exc
    if not d.is_finite():
        raise ValidationError({field: [_("Enter a number.")]})
    if d < 0:
        raise ValidationError({field: [_("An amount cannot be negative.")]})
    return d


@transaction.atomic
def propose_terms(
    actor: Any,
    deal: Deal,
    *,
    mode: str,
    field_of_use: str,
    territory: str,
    exclusive: bool,
    upfront_fee: Any,
    royalty_pct: Any,
    milestones: str = "",
    currency: str,
) -> TermSheet:
    """A term sheet (a new version each time): moves the deal into negotiation."""
    sheet = TermSheet(
        deal=deal,
        mode=mode,
        field_of_use=field_of_use.strip(),
        territory=territory.strip(),
        exclusive=bool(exclusive),
        upfront_fee=_amount(upfront_fee, "upfront_fee"),
        royalty_pct=_amount(royalty_pct, "royalty_pct"),
        milestones=milestones.strip(),
        currency=currency,
        proposed_by=actor,
    )
    sheet.full_clean(exclude=["deal", "proposed_by"])
    changes: dict[str, Any] = {} if deal.negotiation_at else {"negotiation_at": timezone.now()}
    moved = apply_transition(
        actor,
        deal,
        DEAL_FLOW,
        "propose_terms",
        audit_action=TransferAction.DEAL_TERMS_PROPOSED,
        **changes,
    )
    sheet.deal = moved  # type: ignore[assignment]
    sheet.save()
    return sheet


@transaction.atomic
def sign_deal(
    actor: Any,
    deal: Deal,
    *,
    outcome: str,
    signed_date: dt.date,
    value: Any,
    currency: str,
    terms: str,
    mode: str = "",
) -> Deal:
    """Record the signed licence / collaboration / spin-off / assignment."""
    errors: dict[str, list[str]] = {}
    if outcome not in OutcomeType.values:
        errors["outcome"] = [_("Choose what was signed.")]
    if currency not in Currency.values:
        errors["currency"] = [_("Choose a currency.")]
    if mode and mode not in LicensingMode.values:
        errors["mode"] = [_("Choose a licensing mode.")]
    if not isinstance(signed_date, dt.date):
        errors["signed_date"] = [_("Enter the date it was signed.")]
    if not terms.strip():
        errors["terms"] = [_("Record the main terms.")]
    if errors:
        raise ValidationError(errors)
    moved = apply_transition(
        actor,
        deal,
        DEAL_FLOW,
        "sign",
        audit_action=TransferAction.DEAL_SIGNED,
        signed_at=timezone.now(),
        outcome=outcome,
        outcome_mode=mode,
        signed_date=signed_date,
        value=_amount(value, "value"),
        value_currency=currency,
        terms=terms.strip()[:8000],
    )
    from ..notifications import deal_event

    deal_event(moved, "signed")
    return moved  # type: ignore[return-value]


def close_deal(actor: Any, deal: Deal, *, reason: str) -> Deal:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the deal is closed.")]})
    return apply_transition(  # type: ignore[return-value]
        actor,
        deal,
        DEAL_FLOW,
        "close",
        audit_action=TransferAction.DEAL_CLOSED,
        closed_at=timezone.now(),
        closed_reason=reason.strip()[:2000],
    )


DEAL_ACTIONS = {"accept": accept_deal, "close": close_deal}


@transaction.atomic
def publish_nda(
    actor: Any, organisation: Any, *, text_en: str, text_zh_hant: str, text_zh_hans: str
) -> NdaText:
    """A new version of the organisation's NDA, in all three languages."""
    if actor != "system" and organisation.pk not in perm.tto_organisation_ids(actor):
        raise ValidationError(_("Only the organisation's technology-transfer officers do this."))
    texts = {"text_en": text_en, "text_zh_hant": text_zh_hant, "text_zh_hans": text_zh_hans}
    missing = [k for k, v in texts.items() if not v.strip()]
    if missing:
        raise ValidationError(
            {k: [_("The NDA is needed in all three languages.")] for k in missing}
        )
    last = NdaText.objects.filter(organisation=organisation).order_by("-version").first()
    nda = NdaText.objects.create(
        organisation=organisation,
        version=(last.version + 1) if last else 1,
        **{k: v.strip() for k, v in texts.items()},
    )
    record_event(actor, TransferAction.NDA_PUBLISHED, nda, after={"version": nda.version})
    return nda
