"""Offers: accept (the stay begins as nominated), decline or lapse (the seat goes to the
waiting list at once)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.core.workflow import SYSTEM

from .. import notifications
from ..audit import ExchangeAction
from ..models import (
    ChecklistItem,
    Offer,
    OfferState,
    Stay,
    StipendInstalment,
)
from ..workflow import APPLICATION_FLOW, OFFER_FLOW
from .matchings import fill_from_waiting_list


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _create_stay(actor: Any, offer: Offer) -> Stay:
    programme = offer.placement.programme
    arrival = max(programme.earliest_start, timezone.localdate() + dt.timedelta(days=30))
    stay = Stay.objects.create(
        offer=offer,
        application=offer.application,
        placement=offer.placement,
        planned_arrival=arrival,
        planned_departure=_add_months(arrival, offer.placement.months),
    )
    region = offer.placement.organisation.region
    for step in programme.checklist.filter(host_region=region):
        ChecklistItem.objects.create(
            stay=stay,
            title=step.title,
            due_on=arrival - dt.timedelta(days=step.days_before_arrival),
        )
    for comp in programme.stipends.all():
        n = len(comp.schedule)
        part = (comp.amount / n).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        for k, paid_on in enumerate(comp.schedule, start=1):
            amount = part if k < n else comp.amount - part * (n - 1)
            StipendInstalment.objects.create(
                stay=stay,
                component=comp,
                number=k,
                paid_by=comp.paid_by,
                currency=comp.currency,
                amount=amount,
                paid_on=paid_on,
            )
    record_event(actor, ExchangeAction.STAY_CREATED, stay, after=snapshot(stay))
    return stay


def accept_offer(actor: Any, offer: Offer) -> Stay:
    with transaction.atomic():
        apply_transition(
            actor,
            offer,
            OFFER_FLOW,
            "accept",
            audit_action=ExchangeAction.OFFER_ACCEPTED,
            replied_at=timezone.now(),
        )
        apply_transition(
            actor,
            offer.application,
            APPLICATION_FLOW,
            "accept",
            audit_action=ExchangeAction.APPLICATION_ACCEPTED,
        )
        return _create_stay(actor, offer)


def decline_offer(actor: Any, offer: Offer) -> Offer | None:
    """Decline; returns the offer made from the waiting list, if any."""
    with transaction.atomic():
        apply_transition(
            actor,
            offer,
            OFFER_FLOW,
            "decline",
            audit_action=ExchangeAction.OFFER_DECLINED,
            replied_at=timezone.now(),
        )
        apply_transition(
            actor,
            offer.application,
            APPLICATION_FLOW,
            "decline",
            audit_action=ExchangeAction.APPLICATION_UNSUCCESSFUL,
        )
        return fill_from_waiting_list(SYSTEM, offer.placement, offer.run)


def lapse_overdue(today: dt.date | None = None) -> list[Offer]:
    """Offers past their reply date lapse; each freed seat goes to the waiting list."""
    today = today or timezone.localdate()
    lapsed = []
    for offer in Offer.objects.filter(state=OfferState.SENT, reply_by__lt=today).select_related(
        "application__programme", "placement"
    ):
        with transaction.atomic():
            apply_transition(
                SYSTEM, offer, OFFER_FLOW, "lapse", audit_action=ExchangeAction.OFFER_LAPSED
            )
            apply_transition(
                SYSTEM,
                offer.application,
                APPLICATION_FLOW,
                "decline",
                audit_action=ExchangeAction.APPLICATION_UNSUCCESSFUL,
            )
            notifications.decision(offer.application, "lapse")
            fill_from_waiting_list(SYSTEM, offer.placement, offer.run)
        lapsed.append(offer)
    return lapsed
