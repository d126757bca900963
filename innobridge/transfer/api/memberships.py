"""Requests to act for an organisation, in the API (under /api/transfer/): a person asks
to join an organisation of the directory (``organisation_id``) or to register a company
(``company_name`` and the rest); an administrator approves or declines; the requester may
withdraw. Errors as in the rest of the transfer API: 401, 403, 404, 422 naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema, Status

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth as _auth
from innobridge.people.models import Organisation

from .. import selectors, services
from ..models import MembershipRequest
from ..workflow import MEMBERSHIP_REQUEST_FLOW
from .common import ERRORS, router

R = MembershipRequest


class MembershipRequestIn(Schema):
    kind: Literal["enterprise", "tto"] = "enterprise"
    organisation_id: int | None = None
    company_name: Annotated[str, FromModel(R, "company_name")] = ""
    company_name_zh: Annotated[str, FromModel(R, "company_name_zh")] = ""
    region: Annotated[str, FromModel(R, "region")] = ""
    city: Annotated[str, FromModel(R, "city")] = ""
    website: Annotated[str, FromModel(R, "website")] = ""
    registration_number: Annotated[str, FromModel(R, "registration_number")] = ""
    job_title: Annotated[str, FromModel(R, "job_title")]
    message: Annotated[str, FromModel(R, "message")] = ""


class MembershipRequestOut(Schema):
    id: int
    requester: str
    kind: str
    state: str
    organisation_id: int | None
    organisation: str
    is_new_company: bool
    company_name: str
    company_name_zh: str
    region: str
    city: str
    website: str
    registration_number: str
    job_title: str
    message: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    actions: list[str]


class MembershipDecisionIn(Schema):
    note: Annotated[str, FromModel(R, "decision_note")] = ""


def _out(user: Any, r: MembershipRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "requester": str(r.requester),
        "kind": r.kind,
        "state": r.state,
        "organisation_id": r.organisation_id,
        "organisation": r.organisation_name,
        "is_new_company": r.is_new_company,
        # what the requester wrote, and the decision
        **{f: getattr(r, f) for f in (*services.REQUEST_TEXT_FIELDS, "message")},
        **{f: getattr(r, f) for f in ("created_at", "decided_at", "decision_note")},
        "actions": MEMBERSHIP_REQUEST_FLOW.allowed_actions(user, r),
    }


class ScopeIn(Schema):
    scope: Literal["mine", "waiting"] = "mine"


@router.get(
    "/membership-requests", response={200: list[MembershipRequestOut], **ERRORS}, auth=_auth
)
def list_membership_requests(request: HttpRequest, filters: Query[ScopeIn]) -> list[dict[str, Any]]:
    """``mine``: the caller's own requests, newest first; ``waiting``: the requests an
    administrator decides, oldest first (empty for anyone else)."""
    if filters.scope == "waiting":
        rows = list(selectors.waiting_membership_requests(request.user)[:500])
    else:
        rows = list(selectors.membership_requests_of(request.user)[:500])
    return [_out(request.user, r) for r in rows]


@router.post("/membership-requests", response={201: MembershipRequestOut, **ERRORS}, auth=_auth)
def create_membership_request(request: HttpRequest, data: MembershipRequestIn) -> Status:
    """Ask to act for an organisation (administrators are told)."""
    fields = data.dict(exclude={"organisation_id"})
    if data.organisation_id is not None:
        fields["organisation"] = get_object_or_404(Organisation, pk=data.organisation_id)
    req = services.request_membership(request.user, fields)
    return Status(201, _out(request.user, req))


@router.post(
    "/membership-requests/{request_id}/actions/{action}",
    response={200: MembershipRequestOut, **ERRORS},
    auth=_auth,
)
def membership_request_action(
    request: HttpRequest,
    request_id: int,
    action: Literal["approve", "decline", "withdraw"],
    data: MembershipDecisionIn,
) -> dict[str, Any]:
    """Approve (registers a new company, links the requester) or decline (``note``
    required) as an administrator; withdraw as the requester."""
    req = get_object_or_404(MembershipRequest, pk=request_id)
    if action == "approve":
        moved = services.approve_membership_request(request.user, req, note=data.note)
    elif action == "decline":
        moved = services.decline_membership_request(request.user, req, note=data.note)
    else:
        moved = services.withdraw_membership_request(request.user, req)
    return _out(request.user, moved)
