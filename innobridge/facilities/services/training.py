"""Training for resources that require it: a user requests it, a manager schedules a
session, then approves (a certificate is issued, valid for the resource's
``training_valid_months`` when set) or declines with a reason. The managers hear of a
new request and the user of every answer (in-app notice + e-mail, in their language).
Booking stays refused until the certificate exists (``bookings._certificate_ok``)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition, record_event, snapshot

from .. import notifications
from ..audit import FacilitiesAction
from ..models import (
    OPEN_TRAINING,
    Resource,
    TrainingCertificate,
    TrainingRequest,
)
from ..workflow import TRAINING_FLOW, TrainingAction
from .certificates import grant_certificate

TEXT_MAX = 1000


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_expiry(resource: Resource, issued: dt.date) -> dt.date | None:
    """When a certificate issued on ``issued`` expires: never unless the resource says."""
    months = resource.training_valid_months
    return add_months(issued, months) - dt.timedelta(days=1) if months else None


def _text(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Please give a reason.")})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": TEXT_MAX}})
    return value


def _move(actor: Any, req: TrainingRequest, action: str, audit: str, **changes: Any) -> Any:
    return cast(
        TrainingRequest,
        apply_transition(actor, req, TRAINING_FLOW, action, audit_action=audit, **changes),
    )


@transaction.atomic
def request_training(actor: Any, resource: Resource, *, message: str = "") -> TrainingRequest:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    if not resource.training_required:
        raise ValidationError(_("This resource needs no training."))
    message = _text(message, "message")
    cert = TrainingCertificate.objects.filter(person=actor, resource=resource).first()
    if cert is not None and cert.valid_on(timezone.localdate()):
        raise ValidationError(_("You already hold a valid certificate for this resource."))
    if TrainingRequest.objects.filter(
        person=actor, resource=resource, status__in=OPEN_TRAINING
    ).exists():
        raise ValidationError(_("You have already asked for this training."))
    try:
        with transaction.atomic():
            req = TrainingRequest.objects.create(person=actor, resource=resource, message=message)
    except IntegrityError as exc:
        raise ValidationError(_("You have already asked for this training.")) from exc
    record_event(actor, FacilitiesAction.TRAINING_REQUESTED, req, after=snapshot(req))
    notifications.training_requested(req)
    return req


@transaction.atomic
def schedule_training(
    actor: Any, req: TrainingRequest, *, session_at: dt.datetime
) -> TrainingRequest:
    if session_at <= timezone.now():
        raise ValidationError({"session_at": _("Choose a time in the future.")})
    req = _move(
        actor,
        req,
        TrainingAction.SCHEDULE,
        FacilitiesAction.TRAINING_SCHEDULED,
        session_at=session_at,
    )
    notifications.training_answered(req)
    return req


@transaction.atomic
def approve_training(
    actor: Any, req: TrainingRequest, *, valid_until: dt.date | None = None
) -> TrainingRequest:
    """Certify the trainee: the certificate's expiry is ``valid_until`` if given, else
    the resource's validity (none: it does not expire)."""
    TRAINING_FLOW.check(actor, req, TrainingAction.APPROVE)
    today = timezone.localdate()
    if valid_until is not None and valid_until <= today:
        raise ValidationError({"valid_until": _("The expiry must be after today.")})
    expiry = valid_until or certificate_expiry(req.resource, today)
    cert = grant_certificate(actor, req.person, req.resource, valid_until=expiry)
    req = _move(
        actor,
        req,
        TrainingAction.APPROVE,
        FacilitiesAction.TRAINING_APPROVED,
        certificate=cert,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    notifications.training_answered(req)
    return req


@transaction.atomic
def decline_training(actor: Any, req: TrainingRequest, *, reason: str) -> TrainingRequest:
    reason = _text(reason, "reason", required=True)
    req = _move(
        actor,
        req,
        TrainingAction.DECLINE,
        FacilitiesAction.TRAINING_DECLINED,
        reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    notifications.training_answered(req)
    return req


@transaction.atomic
def withdraw_training(actor: Any, req: TrainingRequest) -> TrainingRequest:
    return _move(actor, req, TrainingAction.WITHDRAW, FacilitiesAction.TRAINING_WITHDRAWN)
