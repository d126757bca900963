"""Private calendar subscriptions (iCalendar feeds) of a person's bookings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as
from innobridge.core.services import record_event
from innobridge.people.models import Person

from ..audit import FacilitiesAction
from ..models import (
    CalendarFeed,
    new_feed_token,
)

# --- Calendar subscriptions ---------------------------------------------------
# The audit trail names the feed and its owner, never the token (the token is the key).


def _require_account(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to manage your calendar subscription."))


def enable_calendar_feed(actor: Any) -> CalendarFeed:
    """``actor``'s private calendar subscription (made now if they have none)."""
    _require_account(actor)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=actor.pk).first()
        feed = CalendarFeed.objects.filter(person=actor).first()
        if feed is None:
            feed = CalendarFeed.objects.create(person=actor)
            record_event(
                actor, FacilitiesAction.CALENDAR_FEED_ENABLED, feed, after={"person": actor.pk}
            )
    return feed


def regenerate_calendar_feed(actor: Any) -> CalendarFeed:
    """A new secret address for ``actor``'s subscription; the old one stops working."""
    _require_account(actor)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=actor.pk).first()
        feed = CalendarFeed.objects.filter(person=actor).first()
        if feed is None:
            feed = CalendarFeed(person=actor)
        else:
            feed.token = new_feed_token()
            feed.created_at = timezone.now()
            feed.last_used_at = None
        feed.save()
        record_event(
            actor, FacilitiesAction.CALENDAR_FEED_REGENERATED, feed, after={"person": actor.pk}
        )
    return feed


def revoke_calendar_feed(actor: Any, person: Any = None) -> bool:
    """Turn the subscription of ``person`` (default: ``actor``'s own; another person's:
    an administrator only) off (its address stops working); False if there was none."""
    _require_account(actor)
    person = actor if person is None else person
    if person.pk != actor.pk and not can_act_as(actor, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only an administrator turns off another person's calendar."))
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
        if feed is None:
            return False
        record_event(
            actor, FacilitiesAction.CALENDAR_FEED_REVOKED, feed, before={"person": person.pk}
        )
        feed.delete()
    return True


FEED_TOUCH_EVERY = dt.timedelta(hours=1)


def note_feed_read(feed: CalendarFeed, *, now: dt.datetime | None = None) -> None:
    """Remember when a calendar app last read the feed (at most once an hour: calendar
    apps poll often). Not an audited change."""
    now = now or timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at >= FEED_TOUCH_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now


def total_hours(bookings: Any) -> Decimal:
    total = Decimal(0)
    for s, e in bookings.values_list("starts_at", "ends_at"):
        total += Decimal((e - s).total_seconds()) / 3600
    return total
