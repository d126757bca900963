"""Catalogue reads: search, free slots, filters, the tariffs a viewer sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from innobridge.core.language import fold
from innobridge.core.permissions import Role, can_act_as

from .. import availability
from ..models import (
    OPEN_TRAINING,
    Facility,
    Resource,
    Tariff,
    TrainingCertificate,
    TrainingRequest,
    TrainingRequestStatus,
)
from ..services import booker_info
from ..workflow import TRAINING_FLOW


def catalogue(
    *,
    kind: str = "",
    organisation: int | str | None = None,
    city: str = "",
    region: str = "",
    text: str = "",
) -> QuerySet[Resource]:
    """Published resources, filtered (text: every folded word must appear)."""
    qs = Resource.objects.filter(is_active=True, facility__is_active=True).select_related(
        "facility", "facility__organisation"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if organisation:
        qs = qs.filter(facility__organisation_id=organisation)
    if city:
        qs = qs.filter(
            Q(facility__city__iexact=city) | Q(facility__organisation__city__iexact=city)
        )
    if region:
        qs = qs.filter(facility__region=region)
    for term in fold(text).split():
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("facility__name", "name", "id")


def free_in_range(
    resources: QuerySet[Resource] | list[Resource], start: dt.datetime, end: dt.datetime
) -> list[Resource]:
    """Those of ``resources`` with at least one bookable free slot in [start, end)."""
    return [r for r in resources if availability.free_intervals(r, start, end)]


@dataclass
class FreeRow:
    """One resource's free, bookable intervals in a period (local to the resource)."""

    resource: Resource
    slots: list[tuple[dt.datetime, dt.datetime]]

    @property
    def hours(self) -> float:
        return round(sum((e - s).total_seconds() for s, e in self.slots) / 3600, 2)

    @property
    def offers(self) -> list[dict[str, Any]]:
        """Each free interval with the booking it suggests: from its start, as long as
        the resource allows — within that day (ending at midnight at the latest) unless
        the resource takes bookings longer than a day (then with an end date)."""
        out = []
        longest = dt.timedelta(minutes=self.resource.max_duration_minutes)
        multi_day = self.resource.max_duration_minutes > 24 * 60
        for s, e in self.slots:
            midnight = dt.datetime.combine(s.date() + dt.timedelta(days=1), dt.time(0), s.tzinfo)
            until = min(e, s + longest) if multi_day else min(e, s + longest, midnight)
            end_date = until.date().isoformat() if multi_day and until > midnight else ""
            out.append(
                {
                    "start": s,
                    "end": e,
                    "date": s.date().isoformat(),
                    "from": s.strftime("%H:%M"),
                    "until": until.strftime("%H:%M"),
                    "end_date": end_date,
                    "same_day": e.date() == s.date(),
                }
            )
        return out


def free_slots(
    resources: QuerySet[Resource] | list[Resource],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
) -> list[FreeRow]:
    """What is free between ``start`` and ``end`` across several resources (each one's
    opening hours, holidays, maintenance, bookings, lead time, grid and minimum
    duration). Who holds the busy time is never part of the answer."""
    resources = list(resources)
    free = availability.free_slots_many(resources, start, end, now=now)
    out = []
    for r in resources:
        tz = ZoneInfo(r.timezone)
        out.append(
            FreeRow(r, [(s.astimezone(tz), e.astimezone(tz)) for s, e in free.get(r.pk, [])])
        )
    return out


def catalogue_filters() -> dict[str, Any]:
    facilities = Facility.objects.filter(is_active=True).select_related("organisation")
    orgs = {f.organisation_id: f.organisation for f in facilities}
    cities = sorted({f.city for f in facilities if f.city})
    return {
        "organisations": sorted(orgs.values(), key=lambda o: o.name),
        "cities": cities,
    }


def tariffs_for_viewer(resource: Resource, viewer: Any) -> dict[str, Any]:
    """The viewer's category and tariff, and all tariffs (shown to everyone: prices are
    public, the viewer's own is highlighted)."""
    info = booker_info(viewer, resource.facility)
    tariffs = list(Tariff.objects.filter(resource=resource).order_by("category"))
    mine = next((t for t in tariffs if t.category == info.category), None)
    return {"info": info, "tariffs": tariffs, "mine": mine}


def training_status(resource: Resource, viewer: Any) -> dict[str, Any] | None:
    """For a resource that needs training: the viewer's certificate and whether it is
    valid today, their open request (pending or with a session) and the last decline —
    shown before they pick a slot. None when no training is needed."""
    if not resource.training_required:
        return None
    if not getattr(viewer, "is_authenticated", False):
        return {"certificate": None, "valid": False, "request": None, "declined": None}
    cert = TrainingCertificate.objects.filter(person=viewer, resource=resource).first()
    today = timezone.localdate()
    mine = TrainingRequest.objects.filter(person=viewer, resource=resource)
    open_request = mine.filter(status__in=OPEN_TRAINING).first()
    last = mine.exclude(status__in=OPEN_TRAINING).first()
    valid = cert is not None and cert.valid_on(today)
    return {
        "certificate": cert,
        "valid": valid,
        "request": open_request,
        "declined": last
        if last is not None and last.status == TrainingRequestStatus.DECLINED and not valid
        else None,
        "can_request": not valid and open_request is None,
        "actions": TRAINING_FLOW.allowed_actions(viewer, open_request) if open_request else [],
    }


def training_queue(viewer: Any) -> QuerySet[TrainingRequest]:
    """Open training requests for the resources of the facilities ``viewer`` manages
    (every facility for an administrator), oldest first."""
    qs = TrainingRequest.objects.filter(status__in=OPEN_TRAINING).select_related(
        "person", "resource__facility"
    )
    if not can_act_as(viewer, Role.ADMINISTRATOR):
        qs = qs.filter(resource__facility__managers=viewer)
    return qs.order_by("created_at", "id")


def recent_training_decisions(viewer: Any, limit: int = 20) -> list[TrainingRequest]:
    qs = TrainingRequest.objects.exclude(status__in=OPEN_TRAINING).select_related(
        "person", "resource", "certificate"
    )
    if not can_act_as(viewer, Role.ADMINISTRATOR):
        qs = qs.filter(resource__facility__managers=viewer)
    return list(qs.order_by("-updated_at", "-id")[:limit])
