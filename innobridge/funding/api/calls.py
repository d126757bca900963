"""Funding API: calls (public), schemes and call set-up (officers), public projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from innobridge.core.caching import public_result
from innobridge.core.permissions import Role, can_act_as
from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth

from .. import selectors, services
from ..models import (
    Call,
    CallSide,
    Criterion,
    Funder,
    Scheme,
)
from .schemas import ERRORS, PUBLIC_ERRORS, CallOut, PublicProjectOut, SchemeOut
from .shapes import call_out

router = Router(tags=["funding"])

# --------------------------------------------------------------------------- calls (public)


def _sees_only_opened_calls(request: HttpRequest) -> bool:
    user = request.user
    return not (getattr(user, "is_superuser", False) or can_act_as(user, Role.PROGRAMME_OFFICER))


@router.get("/calls", response=list[CallOut])
@public_result("funding.calls", shared=_sees_only_opened_calls)
def list_calls(request: HttpRequest) -> list[dict[str, Any]]:
    # Schemes, sides (with funders) and criteria read once for the whole list.
    calls = (
        selectors.visible_calls(request.user)
        .select_related("scheme")
        .prefetch_related(
            Prefetch("sides", queryset=CallSide.objects.select_related("funder")), "criteria"
        )
    )
    return [call_out(c) for c in calls]


@router.get("/calls/{call_id}", response={200: CallOut, **PUBLIC_ERRORS})
def get_call(request: HttpRequest, call_id: int) -> dict[str, Any]:
    return call_out(get_object_or_404(selectors.visible_calls(request.user), pk=call_id))


# ------------------------------------------------------------- schemes and calls (officers)


def scheme_out(sc: Scheme) -> dict[str, Any]:
    return {
        "id": sc.pk,
        "name": sc.name,
        "name_zh": sc.name_zh,
        "description": sc.description,
        "funders": [
            {
                "id": f.pk,
                "name": f.name,
                "side": f.side,
                "currency": f.currency,
                "is_demo": f.is_demo,
            }
            for f in sc.funders.order_by("side")
        ],
        "calls": list(sc.calls.order_by("-opens_at", "id").values_list("pk", flat=True)),
        "is_demo": sc.is_demo,
    }


class SchemeIn(Schema):
    name: Annotated[str, FromModel(Scheme, "name")]
    name_zh: Annotated[str, FromModel(Scheme, "name_zh")] = ""
    description: Annotated[str, FromModel(Scheme, "description")] = ""
    funder_ids: list[int]


class SchemePatch(Schema):
    name: Annotated[str | None, FromModel(Scheme, "name")] = None
    name_zh: Annotated[str | None, FromModel(Scheme, "name_zh")] = None
    description: Annotated[str | None, FromModel(Scheme, "description")] = None
    funder_ids: list[int] | None = None


def _funders(ids: list[int]) -> list[Funder]:
    found = list(Funder.objects.filter(pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise ValidationError({"funder_ids": _("No funder with that id.")})
    return found


@router.get("/schemes", auth=api_auth, response={200: list[SchemeOut], **ERRORS})
def list_schemes(request: HttpRequest) -> list[dict[str, Any]]:
    """The schemes of the caller's funders (programme officers)."""
    return [scheme_out(sc) for sc in selectors.officer_schemes(request.user)]


@router.post("/schemes", auth=api_auth, response={201: SchemeOut, **ERRORS})
def create_scheme(request: HttpRequest, data: SchemeIn) -> Status:
    sc = services.create_scheme(
        request.user,
        name=data.name,
        name_zh=data.name_zh,
        description=data.description,
        funders=_funders(data.funder_ids),
    )
    return Status(201, scheme_out(sc))


@router.patch("/schemes/{pk}", auth=api_auth, response={200: SchemeOut, **ERRORS})
def update_scheme(request: HttpRequest, pk: int, data: SchemePatch) -> dict[str, Any]:
    sc = get_object_or_404(selectors.officer_schemes(request.user), pk=pk)
    sc = services.update_scheme(
        request.user,
        sc,
        name=data.name,
        name_zh=data.name_zh,
        description=data.description,
        funders=_funders(data.funder_ids) if data.funder_ids is not None else None,
    )
    return scheme_out(sc)


class CriterionIn(Schema):
    name: Annotated[str, FromModel(Criterion, "name")]
    name_zh: Annotated[str, FromModel(Criterion, "name_zh")]
    weight: Annotated[Decimal, FromModel(Criterion, "weight")]
    max_score: Annotated[int, FromModel(Criterion, "max_score")] = 5


class SideIn(Schema):
    funder_id: int
    budget: Annotated[Decimal, FromModel(CallSide, "budget")]
    project_cap: Annotated[Decimal, FromModel(CallSide, "project_cap")]
    reviewers_per_proposal: Annotated[int, FromModel(CallSide, "reviewers_per_proposal")] = 2
    max_reviewer_load: Annotated[int, FromModel(CallSide, "max_reviewer_load")] = 6
    criteria: list[CriterionIn] | None = None


class CallIn(Schema):
    scheme_id: int
    title: Annotated[str, FromModel(Call, "title")]
    title_zh: Annotated[str, FromModel(Call, "title_zh")] = ""
    description: Annotated[str, FromModel(Call, "description")] = ""
    opens_at: Annotated[dt.datetime, FromModel(Call, "opens_at")]
    closes_at: Annotated[dt.datetime, FromModel(Call, "closes_at")]
    sides: list[SideIn]
    min_duration_months: Annotated[int, FromModel(Call, "min_duration_months")] = 12
    max_duration_months: Annotated[int, FromModel(Call, "max_duration_months")] = 36
    eligible_regions: list[str] | None = None
    eligible_org_types: list[str] = []
    required_sides: list[str] | None = None
    min_industry_share: Annotated[Decimal, FromModel(Call, "min_industry_share")] = Decimal(0)
    one_application_per_person: bool = True
    accepted_languages: list[str] = ["en", "zh"]
    review_deadline: Annotated[dt.datetime | None, FromModel(Call, "review_deadline")] = None
    coi_years: int = 3
    max_attachment_mb: int = 10


class CallPatch(Schema):
    title: Annotated[str | None, FromModel(Call, "title")] = None
    title_zh: Annotated[str | None, FromModel(Call, "title_zh")] = None
    description: Annotated[str | None, FromModel(Call, "description")] = None
    opens_at: Annotated[dt.datetime | None, FromModel(Call, "opens_at")] = None
    closes_at: Annotated[dt.datetime | None, FromModel(Call, "closes_at")] = None
    min_duration_months: Annotated[int | None, FromModel(Call, "min_duration_months")] = None
    max_duration_months: Annotated[int | None, FromModel(Call, "max_duration_months")] = None
    eligible_regions: list[str] | None = None
    eligible_org_types: list[str] | None = None
    required_sides: list[str] | None = None
    min_industry_share: Annotated[Decimal | None, FromModel(Call, "min_industry_share")] = None
    one_application_per_person: bool | None = None
    accepted_languages: list[str] | None = None
    review_deadline: Annotated[dt.datetime | None, FromModel(Call, "review_deadline")] = None
    coi_years: int | None = None
    max_attachment_mb: int | None = None


class SidePatch(Schema):
    budget: Annotated[Decimal | None, FromModel(CallSide, "budget")] = None
    project_cap: Annotated[Decimal | None, FromModel(CallSide, "project_cap")] = None
    reviewers_per_proposal: Annotated[int | None, FromModel(CallSide, "reviewers_per_proposal")] = (
        None
    )
    max_reviewer_load: Annotated[int | None, FromModel(CallSide, "max_reviewer_load")] = None


@router.post("/calls", auth=api_auth, response={201: CallOut, **ERRORS})
def create_call(request: HttpRequest, data: CallIn) -> Status:
    """A call with one side per funder (budget and cap in the funder's currency; a side
    without ``criteria`` gets the default rubric)."""
    scheme = get_object_or_404(Scheme, pk=data.scheme_id)
    fields = data.dict(exclude={"scheme_id", "sides"})
    sides = []
    for side in data.sides:
        entry: dict[str, Any] = side.dict(exclude={"funder_id", "criteria"})
        entry["funder"] = get_object_or_404(Funder, pk=side.funder_id)
        if side.criteria is not None:
            entry["criteria"] = [c.dict() for c in side.criteria]
        sides.append(entry)
    call = services.create_call(request.user, scheme, sides=sides, **fields)
    return Status(201, call_out(call))


@router.patch("/calls/{call_id}", auth=api_auth, response={200: CallOut, **ERRORS})
def update_call(request: HttpRequest, call_id: int, data: CallPatch) -> dict[str, Any]:
    """Before the call opens, anything; after, only the description and review deadline."""
    call = get_object_or_404(selectors.visible_calls(request.user), pk=call_id)
    fields = {
        k: v
        for k, v in data.dict(exclude_unset=True).items()
        if v is not None or k == "review_deadline"  # null clears the review deadline
    }
    return call_out(services.update_call(request.user, call, **fields))


@router.patch(
    "/calls/{call_id}/sides/{funder_id}", auth=api_auth, response={200: CallOut, **ERRORS}
)
def update_call_side(
    request: HttpRequest, call_id: int, funder_id: int, data: SidePatch
) -> dict[str, Any]:
    """A funder's officers change its own side (before the call opens)."""
    call = get_object_or_404(selectors.visible_calls(request.user), pk=call_id)
    services.update_call_side(
        request.user, call, get_object_or_404(Funder, pk=funder_id), **data.dict()
    )
    return call_out(call)


@router.put("/calls/{call_id}/rubric/{funder_id}", auth=api_auth, response={200: CallOut, **ERRORS})
def set_rubric(
    request: HttpRequest, call_id: int, funder_id: int, data: list[CriterionIn]
) -> dict[str, Any]:
    """Replace one funder's rubric (weights summing to 100, bilingual labels)."""
    call = get_object_or_404(selectors.visible_calls(request.user), pk=call_id)
    services.set_rubric(
        request.user, call, get_object_or_404(Funder, pk=funder_id), [c.dict() for c in data]
    )
    return call_out(call)


@router.get("/projects", response=list[PublicProjectOut])
def list_public_projects(request: HttpRequest) -> list[dict[str, Any]]:
    """Awarded projects: titles, partners and amounts only."""
    return selectors.public_projects()
