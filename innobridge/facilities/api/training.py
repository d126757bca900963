"""Training: the caller's status on a resource and their request; the managers' queue
and their decisions (schedule a session, approve with the certificate, decline with a
reason); the trainee's withdrawal. Each answer lists the caller's ``actions``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema, Status
from ninja.errors import HttpError

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth as _auth

from .. import selectors, services
from ..models import Resource, TrainingCertificate, TrainingRequest
from ..workflow import TRAINING_FLOW, TrainingAction
from .common import _aware, _call, router, utc


class TrainingRequestIn(Schema):
    message: Annotated[str, FromModel(TrainingRequest, "message")] = ""


class TrainingDecisionIn(Schema):
    session_at: dt.datetime | None = None
    valid_until: Annotated[dt.date, FromModel(TrainingCertificate, "valid_until")] | None = None
    reason: Annotated[str, FromModel(TrainingRequest, "reason")] = ""


class TrainingRequestOut(Schema):
    id: int
    resource_id: int
    person: str
    message: str
    status: str
    session_at: dt.datetime | None
    reason: str
    certificate_valid_until: dt.date | None
    created_at: dt.datetime
    actions: list[str]


class TrainingStatusOut(Schema):
    training_required: bool
    certified: bool
    certificate_valid_until: dt.date | None
    request: TrainingRequestOut | None


def _out(user: Any, req: TrainingRequest) -> dict[str, Any]:
    cert = req.certificate
    return {
        "id": req.pk,
        "resource_id": req.resource_id,
        "person": str(req.person),
        "message": req.message,
        "status": req.status,
        "session_at": utc(req.session_at) if req.session_at else None,
        "reason": req.reason,
        "certificate_valid_until": cert.valid_until if cert else None,
        "created_at": utc(req.created_at),
        "actions": TRAINING_FLOW.allowed_actions(user, req),
    }


def _resource(resource_id: int) -> Resource:
    return get_object_or_404(Resource, pk=resource_id, is_active=True)


@router.get(
    "/resources/{resource_id}/training",
    response=TrainingStatusOut,
    auth=_auth,
    summary="My training status on a resource",
)
def training_status(request: HttpRequest, resource_id: int) -> dict[str, Any]:
    resource = _resource(resource_id)
    status = selectors.training_status(resource, request.user)
    if status is None:
        return {
            "training_required": False,
            "certified": True,
            "certificate_valid_until": None,
            "request": None,
        }
    cert = status["certificate"]
    return {
        "training_required": True,
        "certified": status["valid"],
        "certificate_valid_until": cert.valid_until if cert else None,
        "request": _out(request.user, status["request"]) if status["request"] else None,
    }


@router.post(
    "/resources/{resource_id}/training",
    response={201: TrainingRequestOut},
    auth=_auth,
    summary="Request the training a resource requires",
)
def request_training(request: HttpRequest, resource_id: int, data: TrainingRequestIn) -> Any:
    """422 when the resource needs no training, the caller is already certified or has
    an open request."""
    req = _call(
        services.request_training, request.user, _resource(resource_id), message=data.message
    )
    return Status(201, _out(request.user, req))


@router.get(
    "/training/queue",
    response=list[TrainingRequestOut],
    auth=_auth,
    summary="Open training requests of the facilities I manage",
)
def training_queue(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(request.user, r) for r in selectors.training_queue(request.user)]


@router.post(
    "/training/{request_id}/{action}",
    response=TrainingRequestOut,
    auth=_auth,
    summary="Schedule, approve, decline or withdraw a training request",
)
def training_action(
    request: HttpRequest,
    request_id: int,
    action: Literal["schedule", "approve", "decline", "withdraw"],
    data: TrainingDecisionIn,
) -> dict[str, Any]:
    """``schedule`` needs ``session_at`` (with a time zone), ``decline`` a ``reason``;
    ``approve`` takes an optional ``valid_until`` (default: the resource's validity).
    Managers of the facility decide; the trainee withdraws (404 for anyone else)."""
    req = get_object_or_404(
        TrainingRequest.objects.select_related("resource__facility", "person"), pk=request_id
    )
    if not TRAINING_FLOW.roles(request.user, req):
        raise Http404
    user = request.user
    if action == TrainingAction.SCHEDULE:
        if data.session_at is None:
            raise HttpError(422, "session_at: " + _("Choose a time."))
        req = _call(
            services.schedule_training, user, req, session_at=_aware(data.session_at, "session_at")
        )
    elif action == TrainingAction.APPROVE:
        req = _call(services.approve_training, user, req, valid_until=data.valid_until)
    elif action == TrainingAction.DECLINE:
        req = _call(services.decline_training, user, req, reason=data.reason)
    else:
        req = _call(services.withdraw_training, user, req)
    return _out(user, req)
