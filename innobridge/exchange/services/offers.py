"""Offers: accept (the stay begins as nominated), decline or lapse (the seat goes to the
waiting list at once)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.core.workflow import SYSTEM

from .. import notifications
from ..audit import ExchangeAction
from ..models import (
    Application,
    ApplicationState,
    ChecklistItem,
    Offer,
    OfferState,
    Stay,
    StipendInstalment,
)
from ..permissions import require_manage_programme
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


def _results_out(programme: Any) -> bool:
    return Offer.objects.filter(application__programme=programme).exists()


@transaction.atomic
def close_unsuccessful(actor: Any, app: Application) -> Application:
    """Close a shortlisted application that holds no offer as unsuccessful — it leaves the
    waiting list. Only once the results are out (offers sent); before that an officer
    marks an application not shortlisted instead."""
    if not _results_out(app.programme):
        raise ValidationError(
            _(
                "The results are not out yet: close an application as unsuccessful once "
                "offers have been sent (before that, mark it not shortlisted)."
            )
        )
    apply_transition(
        actor, app, APPLICATION_FLOW, "close", audit_action=ExchangeAction.APPLICATION_CLOSED
    )
    notifications.decision(app, "close")
    return app


@transaction.atomic
def close_waiting_list(actor: Any, programme: Any) -> list[Application]:
    """End the round: every shortlisted application still without an offer is closed as
    unsuccessful and told so. Refused while an offer awaits its reply (a decline could
    still go to the waiting list)."""
    require_manage_programme(actor, programme)
    if not _results_out(programme):
        raise ValidationError(
            _(
                "The results are not out yet: close an application as unsuccessful once "
                "offers have been sent (before that, mark it not shortlisted)."
            )
        )
    if Offer.objects.filter(application__programme=programme, state=OfferState.SENT).exists():
        raise ValidationError(
            _(
                "Offers are still awaiting replies; close the waiting list once every offer "
                "is accepted, declined or lapsed."
            )
        )
    waiting = list(
        Application.objects.filter(
            programme=programme, state=ApplicationState.SHORTLISTED
        ).select_related("programme", "applicant")
    )
    return [close_unsuccessful(actor, app) for app in waiting]
