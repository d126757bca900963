"""The facilities lifecycles as transition tables (state → action → target, who may take
it), read by the services (``core.services.apply_transition``), the booking page's buttons
and the API's ``actions`` field.

- A booking: requested → approved/rejected/cancelled; approved → cancelled (before the
  start), used or no-show (from the start on).
- A charge: open → disputed (by the payer) → adjusted or confirmed (a manager's decision).
- A dispute: open → upheld or dismissed (a manager).
- A training request: requested → scheduled (a session, may be moved) → certified (a
  certificate is issued) or declined with a reason (a manager); withdrawn by the trainee
  while open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.core.workflow import Transition, Workflow

from .models import (
    Booking,
    BookingStatus,
    Charge,
    ChargeStatus,
    Dispute,
    DisputeStatus,
    TrainingRequest,
    TrainingRequestStatus,
)
from .permissions import can_manage_facility

BOOKER = "booker"
MANAGER = "manager"
PAYER = "payer"
TRAINEE = "trainee"


def booking_roles(user: Any, booking: Booking) -> set[str]:
    roles: set[str] = set()
    if getattr(user, "pk", None) is not None and user.pk == booking.booker_id:
        roles.add(BOOKER)
    if can_manage_facility(user, booking.resource.facility):
        roles.add(MANAGER)
    return roles


class BookingAction:
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    RECORD_USAGE = "usage"
    MARK_NO_SHOW = "no_show"


S = BookingStatus
BOOKING_FLOW = Workflow(
    "booking",
    [
        Transition(S.REQUESTED, BookingAction.APPROVE, S.APPROVED, {MANAGER}, _("Approve")),
        Transition(S.REQUESTED, BookingAction.REJECT, S.REJECTED, {MANAGER}, _("Reject")),
        Transition(S.REQUESTED, BookingAction.CANCEL, S.CANCELLED, {BOOKER, MANAGER}, _("Cancel")),
        Transition(S.APPROVED, BookingAction.CANCEL, S.CANCELLED, {BOOKER, MANAGER}, _("Cancel")),
        Transition(S.APPROVED, BookingAction.RECORD_USAGE, S.USED, {MANAGER}, _("Record usage")),
        Transition(S.APPROVED, BookingAction.MARK_NO_SHOW, S.NO_SHOW, {MANAGER}, _("No-show")),
    ],
    roles=booking_roles,
    state_attr="status",
)

# Actions that need the booking not to have started yet, or to have started.
BEFORE_START = {BookingAction.CANCEL}
FROM_START = {BookingAction.RECORD_USAGE, BookingAction.MARK_NO_SHOW}


def booking_actions(user: Any, booking: Booking, now: dt.datetime | None = None) -> list[str]:
    """What ``user`` may do to ``booking`` now: the table's actions for their roles,
    less those the clock rules out (cancel only before the start; usage and no-show
    only from the start on)."""
    now = now or timezone.now()
    started = booking.starts_at <= now
    return [
        a
        for a in BOOKING_FLOW.allowed_actions(user, booking)
        if not (a in BEFORE_START and started) and not (a in FROM_START and not started)
    ]


def charge_roles(user: Any, charge: Charge) -> set[str]:
    roles: set[str] = set()
    if getattr(user, "pk", None) is not None and user.pk == charge.payer_id:
        roles.add(PAYER)
    if can_manage_facility(user, charge.booking.resource.facility):
        roles.add(MANAGER)
    return roles


class ChargeAction:
    DISPUTE = "dispute"
    ADJUST = "adjust"
    CONFIRM = "confirm"


C = ChargeStatus
CHARGE_FLOW = Workflow(
    "charge",
    [
        Transition(C.OPEN, ChargeAction.DISPUTE, C.DISPUTED, {PAYER}, _("Dispute")),
        Transition(C.DISPUTED, ChargeAction.ADJUST, C.ADJUSTED, {MANAGER}, _("Adjust")),
        Transition(C.DISPUTED, ChargeAction.CONFIRM, C.CONFIRMED, {MANAGER}, _("Confirm")),
    ],
    roles=charge_roles,
    state_attr="status",
)


def dispute_roles(user: Any, dispute: Dispute) -> set[str]:
    if can_manage_facility(user, dispute.charge.booking.resource.facility):
        return {MANAGER}
    return set()


class DisputeAction:
    UPHOLD = "uphold"
    DISMISS = "dismiss"


D = DisputeStatus
DISPUTE_FLOW = Workflow(
    "dispute",
    [
        Transition(D.OPEN, DisputeAction.UPHOLD, D.UPHELD, {MANAGER}, _("Uphold")),
        Transition(D.OPEN, DisputeAction.DISMISS, D.DISMISSED, {MANAGER}, _("Dismiss")),
    ],
    roles=dispute_roles,
    state_attr="status",
)


def training_roles(user: Any, request: TrainingRequest) -> set[str]:
    roles: set[str] = set()
    if getattr(user, "pk", None) is not None and user.pk == request.person_id:
        roles.add(TRAINEE)
    if can_manage_facility(user, request.resource.facility):
        roles.add(MANAGER)
    return roles


class TrainingAction:
    SCHEDULE = "schedule"
    APPROVE = "approve"
    DECLINE = "decline"
    WITHDRAW = "withdraw"


T = TrainingRequestStatus
TRAINING_FLOW = Workflow(
    "training",
    [
        Transition(T.REQUESTED, TrainingAction.SCHEDULE, T.SCHEDULED, {MANAGER}, _("Schedule")),
        Transition(T.SCHEDULED, TrainingAction.SCHEDULE, T.SCHEDULED, {MANAGER}, _("Reschedule")),
        Transition(
            T.REQUESTED, TrainingAction.APPROVE, T.CERTIFIED, {MANAGER}, _("Approve and certify")
        ),
        Transition(
            T.SCHEDULED, TrainingAction.APPROVE, T.CERTIFIED, {MANAGER}, _("Approve and certify")
        ),
        Transition(T.REQUESTED, TrainingAction.DECLINE, T.DECLINED, {MANAGER}, _("Decline")),
        Transition(T.SCHEDULED, TrainingAction.DECLINE, T.DECLINED, {MANAGER}, _("Decline")),
        Transition(T.REQUESTED, TrainingAction.WITHDRAW, T.WITHDRAWN, {TRAINEE}, _("Withdraw")),
        Transition(T.SCHEDULED, TrainingAction.WITHDRAW, T.WITHDRAWN, {TRAINEE}, _("Withdraw")),
    ],
    roles=training_roles,
    state_attr="status",
)
