"""Catalogue pages: the catalogue, free slots, a facility, a resource and its week."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from innobridge.core.caching import public_page
from innobridge.core.schemas import DATE_MAX, DATE_MIN

from .. import matching, permissions, selectors
from ..forms import (
    BookingForm,
    CatalogueForm,
    FreeSlotsForm,
)
from ..models import (
    Facility,
    Resource,
)
from .common import HKT


@public_page("facilities.catalogue")
def home(request: HttpRequest) -> HttpResponse:
    """The catalogue: filters and "describe your need"."""
    opts = selectors.catalogue_filters()
    form = CatalogueForm(
        request.GET or None, organisations=opts["organisations"], cities=opts["cities"]
    )
    data: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    qs = selectors.catalogue(
        kind=data.get("kind") or "",
        organisation=data.get("organisation"),
        city=data.get("city") or "",
        region=data.get("region") or "",
    )
    need = (data.get("need") or "").strip()
    explanations: dict[int, matching.Match] = {}
    match_count = strong_count = 0
    if need:
        hits = matching.search_need(
            need,
            top_k=30,
            kind=data.get("kind") or "",
            region=data.get("region") or "",
            organisation=str(data.get("organisation") or ""),
            language=get_language(),
        )
        by_id = {r.pk: r for r in qs}
        graded = matching.grade_matches(need, [h for h in hits if h.resource_id in by_id])
        # every match, and without a strong one the closest weak results (not counted)
        resources = [by_id[h.resource_id] for h in graded.shown()]
        explanations = {h.resource_id: h for h in hits}
        match_count, strong_count = graded.count, len(graded.strong)
    else:
        resources = list(qs)
    free_from, free_to = data.get("free_from"), data.get("free_to")
    if free_from or free_to:
        a = dt.datetime.combine(free_from or timezone.localdate(), dt.time(0), tzinfo=HKT)
        b = dt.datetime.combine(
            free_to or (a.date() + dt.timedelta(days=7)), dt.time(0), tzinfo=HKT
        )
        resources = selectors.free_in_range(resources, a, b + dt.timedelta(days=1))
    rows = [{"resource": r, "match": explanations.get(r.pk)} for r in resources]
    if need:  # a free-slot filter may have removed some
        shown = {r.pk for r in resources}
        match_count = sum(1 for k, m in explanations.items() if k in shown and m.level != "weak")
        strong_count = sum(1 for k, m in explanations.items() if k in shown and m.level == "strong")
    return render(
        request,
        "facilities/home.html",
        {
            "form": form,
            "rows": rows,
            "need": need,
            "match_count": match_count,
            "strong_count": strong_count,
            "managed": selectors.managed_facilities(request.user).exists(),
        },
    )


FREE_SLOTS_MAX_RESOURCES = 40


def free_slots(request: HttpRequest) -> HttpResponse:
    """ "What is free between A and B" across several resources at once: the ticked
    resources (e.g. the catalogue's results), or every resource of a type and region."""
    candidates = list(selectors.catalogue())
    default_start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time(9), tzinfo=HKT
    )
    bound = "start" in request.GET or "end" in request.GET
    form = FreeSlotsForm(
        request.GET if bound else None,
        resources=candidates,
        initial={
            "start": default_start.strftime("%Y-%m-%dT%H:%M"),
            "end": (default_start + dt.timedelta(days=5, hours=9)).strftime("%Y-%m-%dT%H:%M"),
            "resource": [int(x) for x in request.GET.getlist("resource") if x.isdigit()],
        },
    )
    rows: list[selectors.FreeRow] = []
    truncated = False
    if bound and form.is_valid():
        d = form.cleaned_data
        chosen = set(d.get("resource") or [])
        if chosen:
            picked = [r for r in candidates if r.pk in chosen]
        else:
            picked = [
                r
                for r in candidates
                if (not d.get("kind") or r.kind == d["kind"])
                and (not d.get("region") or r.facility.region == d["region"])
            ]
        truncated = len(picked) > FREE_SLOTS_MAX_RESOURCES
        rows = selectors.free_slots(picked[:FREE_SLOTS_MAX_RESOURCES], d["start"], d["end"])
    return render(
        request,
        "facilities/free.html",
        {"form": form, "rows": rows, "searched": bound and form.is_valid(), "truncated": truncated},
    )


def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(
        Facility.objects.select_related("organisation"), pk=pk, is_active=True
    )
    return render(
        request,
        "facilities/facility.html",
        {
            "facility": facility,
            "resources": facility.resources.filter(is_active=True).order_by("name", "id"),
            "can_manage": permissions.can_manage_facility(request.user, facility),
        },
    )


def week_start(request: HttpRequest) -> dt.date:
    """The Monday of the week asked for (``?week=YYYY-MM-DD``; unreadable: this week).
    A date outside the calendar the platform works with is a 400, not an overflow."""
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not DATE_MIN <= day <= DATE_MAX:
        raise BadRequest(
            _("week: give a date between %(first)s and %(last)s.")
            % {"first": DATE_MIN.isoformat(), "last": DATE_MAX.isoformat()}
        )
    return day - dt.timedelta(days=day.weekday())


def booking_initial(request: HttpRequest) -> dict[str, Any]:
    """The booking form's first values: a slot picked elsewhere (``?date=&start=&end=``,
    e.g. from the free-slots page) or the day after tomorrow."""
    initial: dict[str, Any] = {"date": timezone.localdate() + dt.timedelta(days=2)}
    try:
        initial["date"] = dt.date.fromisoformat(request.GET["date"])
        initial["start"] = dt.time.fromisoformat(request.GET["start"])
        initial["end"] = dt.time.fromisoformat(request.GET["end"])
        if request.GET.get("end_date"):
            initial["end_date"] = dt.date.fromisoformat(request.GET["end_date"])
    except (KeyError, ValueError):
        pass
    # A refused request comes back with what the user typed, not only the slot.
    if request.GET.get("purpose"):
        initial["purpose"] = request.GET["purpose"][:2000]
    # ASCII digits only, and not so many that int() refuses them (or "²", a digit to
    # isdigit() but not to int()): anything else leaves the field empty, not a 500.
    samples = request.GET.get("samples", "")
    if samples.isascii() and samples.isdigit() and len(samples) <= 9:
        initial["samples"] = int(samples)
    return initial


@public_page("facilities.resource")
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.select_related("facility__organisation"), pk=pk, is_active=True
    )
    week = week_start(request)
    ctx = {
        "resource": resource,
        "facility": resource.facility,
        "week": week,
        "prev_week": week - dt.timedelta(days=7),
        "next_week": week + dt.timedelta(days=7),
        "days": selectors.week_calendar(resource, week, request.user),
        "hours": list(range(0, 24, 2)),
        "tariffs": selectors.tariffs_for_viewer(resource, request.user),
        "training": selectors.training_status(resource, request.user),
        "form": BookingForm(initial=booking_initial(request)),
        "can_manage": permissions.can_manage_facility(request.user, resource.facility),
    }
    return render(request, "facilities/resource.html", ctx)
