"""Reads of calls: an officer's funders, calls and schemes, the open calls, a call's sides."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from innobridge.core.permissions import Role, can_act_as

from ..models import (
    Call,
    CallSide,
    Funder,
    Scheme,
)
from ..models import ProjectStatus as ProjectStatus  # for the plan dashboard
from ..permissions import officer_funder_ids, prefetched


def _authed(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def officer_funders(user: Any) -> QuerySet[Funder]:
    if getattr(user, "is_superuser", False):
        return Funder.objects.all()
    if not can_act_as(user, Role.PROGRAMME_OFFICER):
        return Funder.objects.none()
    return Funder.objects.filter(officers=user)


def officer_calls(user: Any) -> QuerySet[Call]:
    if getattr(user, "is_superuser", False):
        funders: Any = officer_funders(user)
    elif can_act_as(user, Role.PROGRAMME_OFFICER):
        # the officer's funders as kept per person (permissions.officer_funder_ids): a
        # list of ids instead of a subquery, for every page that asks (issue #17)
        funders = sorted(officer_funder_ids(user))
    else:
        return Call.objects.none()  # (building the query with its subquery costs 0.5 ms)
    return Call.objects.filter(sides__funder__in=funders).distinct().order_by("-opens_at", "id")


def officer_schemes(user: Any) -> QuerySet[Scheme]:
    return Scheme.objects.filter(funders__in=officer_funders(user)).distinct().order_by("name")


def open_calls(now: Any = None) -> QuerySet[Call]:
    now = now or timezone.now()
    return Call.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "id")


def visible_calls(user: Any) -> QuerySet[Call]:
    """Calls that have opened are public; officers also see their calls before opening."""
    now = timezone.now()
    q = Q(opens_at__lte=now)
    if _authed(user):
        q |= Q(pk__in=officer_calls(user).values("pk"))
    return Call.objects.filter(q).distinct().order_by("-opens_at", "id")


def call_sides(call: Call) -> list[CallSide]:
    """The call's sides with their funders, in side order: from memory when the page
    prefetched them (:func:`prefetch_call_sides`), else read now."""
    if prefetched(call, "sides"):
        return list(call.sides.all())
    return list(call.sides.select_related("funder"))


def prefetch_call_sides(call: Call) -> Call:
    """Read the call's sides (with funders) once for a page that asks about them several
    times: ``call.sides.all()`` and :func:`call_sides` are then answered from memory (for
    this call object, i.e. this request)."""
    if not prefetched(call, "sides"):
        prefetch_related_objects(
            [call], Prefetch("sides", queryset=CallSide.objects.select_related("funder"))
        )
    return call
