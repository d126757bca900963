"""Private iCalendar subscriptions: a per-user secret address that calendar apps can
read without logging in, showing only that user's bookings; replaceable and revocable.
The resource feed shows busy times only, never whose."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.facilities import selectors, services
from innobridge.facilities.audit import FacilitiesAction
from innobridge.facilities.models import CalendarFeed

from .conftest import HKT, next_open_day


def _at(day: dt.date, h: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h), tzinfo=HKT)


@pytest.fixture
def day() -> dt.date:
    return next_open_day()


@pytest.fixture
def two_bookings(resource: Any, people: dict[str, Any], day: dt.date) -> dict[str, Any]:
    mine = services.request_booking(
        people["hk"], resource, _at(day, 10), _at(day, 12), purpose="Secret sample HK-7"
    )
    theirs = services.request_booking(
        people["mainland"], resource, _at(day, 14), _at(day, 16), purpose="Catalyst batch 42"
    )
    return {"mine": mine, "theirs": theirs}


def test_token_feed_shows_only_the_owners_bookings_without_login(
    client: Client, resource: Any, people: dict[str, Any], two_bookings: dict[str, Any]
) -> None:
    feed = services.enable_calendar_feed(people["hk"])
    assert len(feed.token) >= 40
    r = client.get(reverse("facilities:feed_ics", args=[feed.token]))  # anonymous
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/calendar")
    assert "private" in r["Cache-Control"]
    body = r.content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert "Secret sample HK-7" in body and resource.name in body
    assert "Catalyst batch 42" not in body
    assert f"booking-{two_bookings['theirs'].pk}@" not in body
    assert body.count("BEGIN:VEVENT") == 1


def test_feed_leaves_out_rejected_and_cancelled(
    client: Client,
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    two_bookings: dict[str, Any],
    day: dt.date,
) -> None:
    me = people["hk"]
    other = services.request_booking(me, resource, _at(day, 16), _at(day, 17), purpose="later")
    services.cancel_booking(me, other)
    feed = services.enable_calendar_feed(me)
    body = client.get(reverse("facilities:feed_ics", args=[feed.token])).content.decode()
    assert "later" not in body and body.count("BEGIN:VEVENT") == 1
    services.reject_booking(manager, two_bookings["mine"], "no")
    body = client.get(reverse("facilities:feed_ics", args=[feed.token])).content.decode()
    assert "BEGIN:VEVENT" not in body


def test_feed_is_in_the_owners_language(
    client: Client, people: dict[str, Any], two_bookings: dict[str, Any]
) -> None:
    me = people["hk"]
    me.preferred_language = "zh-hans"
    me.save(update_fields=["preferred_language"])
    feed = services.enable_calendar_feed(me)
    body = client.get(reverse("facilities:feed_ics", args=[feed.token])).content.decode()
    assert "已申请" in body  # the status label "Requested"


def test_regenerating_revokes_the_old_address(
    client: Client, people: dict[str, Any], two_bookings: dict[str, Any]
) -> None:
    me = people["hk"]
    old = services.enable_calendar_feed(me).token
    assert services.enable_calendar_feed(me).token == old  # enabling again keeps it
    new = services.regenerate_calendar_feed(me).token
    assert new != old
    assert client.get(reverse("facilities:feed_ics", args=[old])).status_code == 404
    assert client.get(reverse("facilities:feed_ics", args=[new])).status_code == 200
    assert services.revoke_calendar_feed(me) is True
    assert client.get(reverse("facilities:feed_ics", args=[new])).status_code == 404
    assert services.revoke_calendar_feed(me) is False
    assert not CalendarFeed.objects.filter(person=me).exists()


def test_audit_trail_never_holds_the_token(people: dict[str, Any]) -> None:
    me = people["hk"]
    feed = services.enable_calendar_feed(me)
    services.regenerate_calendar_feed(me)
    feed.refresh_from_db()
    services.revoke_calendar_feed(me)
    events = AuditEvent.objects.filter(action__startswith="facilities.calendar_feed.")
    assert sorted(events.values_list("action", flat=True)) == [
        "facilities.calendar_feed.enabled",
        "facilities.calendar_feed.regenerated",
        "facilities.calendar_feed.revoked",
    ]
    for e in events:
        assert feed.token not in str(e.before) + str(e.after)


def test_unknown_tokens_and_closed_accounts_get_404(client: Client, people: dict[str, Any]) -> None:
    me = people["hk"]
    feed = services.enable_calendar_feed(me)
    for bad in ("nope", "x" * 65, feed.token[:-1]):
        assert client.get(reverse("facilities:feed_ics", args=[bad])).status_code == 404
    me.is_active = False
    me.save(update_fields=["is_active"])
    assert client.get(reverse("facilities:feed_ics", args=[feed.token])).status_code == 404


def test_feed_remembers_when_it_was_read_at_most_hourly(people: dict[str, Any]) -> None:
    feed = services.enable_calendar_feed(people["hk"])
    t0 = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    services.note_feed_read(feed, now=t0)
    services.note_feed_read(feed, now=t0 + dt.timedelta(minutes=10))
    feed.refresh_from_db()
    assert feed.last_used_at == t0
    services.note_feed_read(feed, now=t0 + dt.timedelta(hours=2))
    feed.refresh_from_db()
    assert feed.last_used_at == t0 + dt.timedelta(hours=2)


def test_anonymous_cannot_make_a_feed() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.enable_calendar_feed(AnonymousUser())
    assert selectors.calendar_feed_of(AnonymousUser()) is None


def test_my_bookings_page_makes_shows_and_replaces_the_address(
    client: Client, people: dict[str, Any], two_bookings: dict[str, Any]
) -> None:
    me = people["hk"]
    client.force_login(me)
    page = reverse("facilities:my_bookings")
    html = client.get(page).content.decode()
    assert reverse("facilities:calendar_feed", args=["enable"]) in html
    assert 'data-testid="feed-url"' not in html
    r = client.post(reverse("facilities:calendar_feed", args=["enable"]))
    assert r.status_code == 302 and r["Location"].endswith("#calendar-feed")
    token = CalendarFeed.objects.get(person=me).token
    html = client.get(page).content.decode()
    assert f"http://testserver/facilities/feeds/{token}.ics" in html
    assert f"webcal://testserver/facilities/feeds/{token}.ics" in html
    client.post(reverse("facilities:calendar_feed", args=["regenerate"]))
    new = CalendarFeed.objects.get(person=me).token
    assert new != token and new in client.get(page).content.decode()
    client.post(reverse("facilities:calendar_feed", args=["revoke"]))
    assert not CalendarFeed.objects.filter(person=me).exists()
    # GET does not change anything; unknown actions are 404; anonymous must log in.
    assert client.get(reverse("facilities:calendar_feed", args=["enable"])).status_code == 405
    assert client.post(reverse("facilities:calendar_feed", args=["steal"])).status_code == 404
    anon = Client()
    assert anon.post(reverse("facilities:calendar_feed", args=["enable"])).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_resource_feed_is_public_and_busy_only(
    client: Client, resource: Any, people: dict[str, Any], two_bookings: dict[str, Any]
) -> None:
    r = client.get(reverse("facilities:resource_ics", args=[resource.pk]))  # anonymous
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count("BEGIN:VEVENT") == 2
    assert body.count("SUMMARY:Busy") == 2
    for secret in ("Secret sample HK-7", "Catalyst batch 42", "Hana", "hana@", "li@"):
        assert secret not in body  # not what for, not even a name
    assert "DESCRIPTION" not in body and "ATTENDEE" not in body and "ORGANIZER" not in body


def test_api_makes_replaces_and_revokes_the_address(
    people: dict[str, Any], two_bookings: dict[str, Any]
) -> None:
    api = "/api/facilities/calendar-feed"
    c = Client()
    assert c.get(api).status_code == 401
    c.force_login(people["hk"])
    assert c.get(api).json() == {
        "enabled": False,
        "url": "",
        "webcal_url": "",
        "last_read_at": None,
    }
    made = c.post(api).json()
    assert made["enabled"] and made["url"].startswith("http://testserver/facilities/feeds/")
    assert made["webcal_url"].startswith("webcal://testserver/")
    assert c.get(api).json()["url"] == made["url"]
    feed_path = made["url"].removeprefix("http://testserver")
    assert "Secret sample HK-7" in Client().get(feed_path).content.decode()
    again = c.post(f"{api}?regenerate=true").json()
    assert again["url"] != made["url"]
    assert Client().get(feed_path).status_code == 404
    assert c.delete(api).json()["enabled"] is False
    assert not CalendarFeed.objects.exists()


def test_admin_lists_subscriptions_without_their_secret(
    client: Client, people: dict[str, Any], make_person: Any
) -> None:
    feed = services.enable_calendar_feed(people["hk"])
    admin = make_person("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:facilities_calendarfeed_changelist"))
    assert listing.status_code == 200 and "Hana" in listing.content.decode()
    page = client.get(reverse("admin:facilities_calendarfeed_change", args=[feed.pk]))
    assert page.status_code == 200 and feed.token not in page.content.decode()
    client.post(reverse("admin:facilities_calendarfeed_delete", args=[feed.pk]), {"post": "yes"})
    assert not CalendarFeed.objects.exists()
    # turned off through the service: audited, the administrator named
    (revoked,) = AuditEvent.objects.filter(action=FacilitiesAction.CALENDAR_FEED_REVOKED)
    assert revoked.object_id == str(feed.pk) and revoked.actor_repr.startswith("root")


def test_only_an_administrator_turns_off_another_persons_subscription(
    people: dict[str, Any],
) -> None:
    services.enable_calendar_feed(people["hk"])
    with pytest.raises(PermissionDenied):
        services.revoke_calendar_feed(people["mainland"], people["hk"])
    assert CalendarFeed.objects.filter(person=people["hk"]).exists()


def test_resource_page_offers_a_subscription_to_its_busy_times(
    client: Client, resource: Any
) -> None:
    html = client.get(reverse("facilities:resource", args=[resource.pk])).content.decode()
    path = reverse("facilities:resource_ics", args=[resource.pk])
    assert f'href="webcal://testserver{path}"' in html
