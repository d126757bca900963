"""Calendars: iCalendar exports, the private subscription, my calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..exports import bookings_ics
from ..models import (
    BookingStatus,
    Resource,
)
from .catalogue import week_start


@login_required
def my_calendar_ics(request: HttpRequest) -> HttpResponse:
    data = bookings_ics(
        selectors.my_bookings(request.user).filter(
            status__in=(BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.USED)
        ),
        name=_("My facility bookings"),
        with_details=True,
        host=request.get_host(),
    )
    resp = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="my-bookings.ics"'
    return resp


def resource_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """A resource's public feed (calendar apps can subscribe): busy blocks only, never
    whose or why."""
    resource = get_object_or_404(Resource, pk=pk, is_active=True, facility__is_active=True)
    bookings = selectors.resource_busy_bookings(resource)
    data = bookings_ics(bookings, name=resource.name, with_details=False, host=request.get_host())
    resp = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'inline; filename="resource-{resource.pk}.ics"'
    return resp


def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A person's private subscription: no login (calendar apps cannot log in); the
    unguessable token in the address is the key. Only that person's own bookings, in
    their preferred language."""
    feed = selectors.feed_by_token(token)
    if feed is None:
        raise Http404
    services.note_feed_read(feed)
    person = feed.person
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        data = bookings_ics(
            selectors.feed_bookings(person),
            name=_("My facility bookings"),
            with_details=True,
            host=request.get_host(),
        )
    resp = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = 'inline; filename="my-bookings.ics"'
    resp["Cache-Control"] = "private, max-age=300"
    resp["X-Robots-Tag"] = "noindex, nofollow"
    resp["Referrer-Policy"] = "no-referrer"
    return resp


@login_required
@require_POST
def calendar_feed(request: HttpRequest, action: str) -> HttpResponse:
    """Turn the private subscription on, give it a new address, or turn it off."""
    if action == "enable":
        services.enable_calendar_feed(request.user)
        messages.success(request, _("Your private calendar address is ready."))
    elif action == "regenerate":
        services.regenerate_calendar_feed(request.user)
        messages.success(
            request,
            _("Your calendar has a new private address; the old one no longer works."),
        )
    elif action == "revoke":
        services.revoke_calendar_feed(request.user)
        messages.success(request, _("Calendar subscription turned off."))
    else:
        raise Http404
    return redirect(f"{reverse('facilities:my_bookings')}#calendar-feed")


def feed_urls(request: HttpRequest, feed: Any) -> dict[str, str]:
    if feed is None:
        return {}
    https = request.build_absolute_uri(feed.get_absolute_url())
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    week = week_start(request)
    return render(
        request,
        "facilities/my_calendar.html",
        {
            "week": week,
            "prev_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7),
            "days": selectors.my_week_calendar(request.user, week),
            "hours": list(range(0, 24, 2)),
            "managed": selectors.managed_facilities(request.user).exists(),
        },
    )
