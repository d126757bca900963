"""The signed-in person's private calendar subscription."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from innobridge.people.auth import api_auth as _auth

from .. import selectors, services
from .common import _call, router

# --- Calendar subscription ---------------------------------------------------


class CalendarFeedOut(Schema):
    enabled: bool
    url: str = ""
    webcal_url: str = ""
    last_read_at: dt.datetime | None = None


def _feed_out(request: HttpRequest, feed: Any) -> dict[str, Any]:
    if feed is None:
        return {"enabled": False}
    url = request.build_absolute_uri(feed.get_absolute_url())
    return {
        "enabled": True,
        "url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1],
        "last_read_at": feed.last_used_at,
    }


@router.get("/calendar-feed", response=CalendarFeedOut, auth=_auth)
def get_calendar_feed(request: HttpRequest) -> dict[str, Any]:
    """The caller's private iCalendar subscription address (``enabled`` false: none)."""
    return _feed_out(request, selectors.calendar_feed_of(request.user))


@router.post("/calendar-feed", response=CalendarFeedOut, auth=_auth)
def enable_calendar_feed(request: HttpRequest, regenerate: bool = False) -> dict[str, Any]:
    """Make the caller's private subscription address; ``regenerate=true`` replaces it
    (the old address stops working)."""
    fn = services.regenerate_calendar_feed if regenerate else services.enable_calendar_feed
    return _feed_out(request, _call(fn, request.user))


@router.delete("/calendar-feed", response=CalendarFeedOut, auth=_auth)
def revoke_calendar_feed(request: HttpRequest) -> dict[str, Any]:
    """Turn the caller's subscription off (its address stops working)."""
    _call(services.revoke_calendar_feed, request.user)
    return {"enabled": False}
