"""Booking e-mail: the booker hears of approval, rejection (with the reason) and a
cancellation by the facility; managers hear of a request that needs approval. Each
message is in its recipient's language and leaves only when the change commits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from innobridge.core import personpages
from innobridge.facilities import notifications, services

from .conftest import NOW, hk


def _book(person: Any, resource: Any, day: int = 4, start: int = 10, end: int = 12) -> Any:
    return services.request_booking(
        person,
        resource,
        hk(2026, 3, day, start),
        hk(2026, 3, day, end),
        purpose="TEM of MoS2 flakes",
        now=NOW,
    )


def test_managers_hear_of_a_new_request_on_commit(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _book(people["mainland"], resource)
        assert mailoutbox == []  # nothing before the commit
    # one of the app's own (the cache's table generations are given on commit too)
    assert len([c for c in callbacks if not personpages.is_table_generation(c)]) == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [manager.email]
    assert mail.subject.startswith("New booking request: Transmission electron microscope")
    assert "2026-03-04 10:00–12:00 (Asia/Hong_Kong)" in mail.subject
    assert "Li (Tsinghua University; Mainland academic)" in mail.body
    assert "TEM of MoS2 flakes" in mail.body
    assert "CNY 1500.00" in mail.body
    assert reverse("facilities:manage") in mail.body


def test_instant_booking_needs_no_approval_mail(
    resource: Any,
    people: dict[str, Any],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    resource.approval_required = False
    resource.save()
    with django_capture_on_commit_callbacks(execute=True):
        b = _book(people["hk"], resource)
    assert b.status == "approved"
    assert mailoutbox == []


def test_approval_reaches_the_booker_in_their_language(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    booker = people["mainland"]
    booker.preferred_language = "zh-hans"
    booker.save(update_fields=["preferred_language"])
    b = _book(booker, resource)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.approve_booking(manager, b)  # the manager works in English
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [booker.email]
    # The resource's Chinese name in the booker's script, the status label translated.
    assert "透射电子显微镜" in mail.subject
    assert "Transmission electron microscope" not in mail.body
    assert "已批准" in mail.body
    assert "CNY 1500.00" in mail.body
    assert b.get_absolute_url() in mail.body
    # The manager's own language is untouched.
    assert translation.get_language() == "en"


def test_english_booker_gets_english(
    settings: Any,
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SITE_URL = "https://ib.example.org/"
    b = _book(people["hk"], resource)
    with translation.override("zh-hant"), django_capture_on_commit_callbacks(execute=True):
        services.approve_booking(manager, b)
    (mail,) = mailoutbox
    assert mail.subject.startswith("Booking approved: Transmission electron microscope")
    assert "Status: Approved" in mail.body
    assert "48 hours" in mail.body
    assert f"https://ib.example.org{b.get_absolute_url()}" in mail.body  # a link that works


def test_rejection_carries_the_reason(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    b = _book(people["hk"], resource)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_booking(manager, b, "  The cryo holder is away for repair.  ")
    (mail,) = mailoutbox
    assert mail.to == [people["hk"].email]
    assert mail.subject.startswith("Booking request rejected:")
    assert "Reason: The cryo holder is away for repair." in mail.body


def test_cancellation_by_a_manager_tells_the_booker_and_the_bookers_own_tells_managers(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    mine = _book(people["hk"], resource, day=4)
    theirs = _book(people["hk"], resource, day=5)
    mailoutbox.clear()  # the two requests' mail to the manager
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(people["hk"], mine, now=NOW)
    (mail,) = mailoutbox
    assert mail.to == [manager.email]
    assert mail.subject.startswith("Booking cancelled by its booker:")
    assert "the time is free again" in mail.body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(manager, theirs, now=NOW)
    (mail,) = mailoutbox
    assert mail.to == [people["hk"].email]
    assert mail.subject.startswith("Booking cancelled by the facility:")
    assert "2026-03-05 10:00–12:00" in mail.subject
    assert "No fee" in mail.body


def test_a_rolled_back_change_sends_nothing(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    b = _book(people["hk"], resource)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.approve_booking(manager, b)
        raise RuntimeError("something later in the same transaction failed")
    assert callbacks == []
    assert mailoutbox == []
    b.refresh_from_db()
    assert b.status == "requested"


def test_a_refused_change_sends_nothing(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    b = _book(people["hk"], resource)
    services.approve_booking(manager, b)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            services.reject_booking(manager, b, "too late")  # already approved
        with pytest.raises(ValidationError):
            _book(people["mainland"], resource)  # the slot is taken
    assert callbacks == []
    assert mailoutbox == []


def test_each_manager_in_their_own_language_and_not_without_email(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    make_person: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    zh = make_person("mgr_zh", roles=("facility_manager",), preferred_language="zh-hant")
    silent = make_person("mgr_silent", roles=("facility_manager",), email="")
    resource.facility.managers.add(zh, silent)
    with django_capture_on_commit_callbacks(execute=True):
        _book(people["mainland"], resource)
    by_to = {m.to[0]: m for m in mailoutbox}
    assert set(by_to) == {manager.email, zh.email}
    assert "透射電子顯微鏡" in by_to[zh.email].subject
    assert "材料表徵及製備設施" in by_to[zh.email].body
    assert "Transmission electron microscope" in by_to[manager.email].subject


def test_booker_without_email_gets_none_and_nothing_breaks(
    resource: Any, people: dict[str, Any], manager: Any, mailoutbox: list[Any]
) -> None:
    booker = people["hk"]
    booker.email = ""
    booker.save(update_fields=["email"])
    b = _book(booker, resource)
    assert notifications.booking_decided(services.approve_booking(manager, b)) is False


def test_web_approval_sends_the_mail(
    client: Any,
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    b = _book(people["hk"], resource)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("facilities:booking_action", args=[b.pk, "reject"]), {"reason": "Full"}
        )
    assert r.status_code == 302
    (mail,) = mailoutbox
    assert "Reason: Full" in mail.body


def test_when_names_the_end_date_of_a_multi_day_booking(resource: Any) -> None:
    from innobridge.facilities.models import Booking

    b = Booking(resource=resource, starts_at=hk(2026, 3, 4, 22), ends_at=hk(2026, 3, 6, 10))
    assert notifications.when(b) == "2026-03-04 22:00–2026-03-06 10:00 (Asia/Hong_Kong)"
    b.ends_at = hk(2026, 3, 5, 0)
    assert notifications.when(b) == "2026-03-04 22:00–24:00 (Asia/Hong_Kong)"


def test_site_url_makes_links_absolute(settings: Any) -> None:
    settings.SITE_URL = "https://innobridge.example.org/"
    assert notifications.site_url("/facilities/") == "https://innobridge.example.org/facilities/"


def test_my_bookings_grouped_by_where_they_stand(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    from innobridge.facilities import selectors

    me = people["hk"]
    pending = _book(me, resource, day=4)
    approved = _book(me, resource, day=5)
    services.approve_booking(manager, approved)
    rejected = _book(me, resource, day=6)
    services.reject_booking(manager, rejected, "Holder broken")
    cancelled = _book(me, resource, day=9)
    services.cancel_booking(manager, cancelled, now=NOW)
    _book(people["mainland"], resource, day=10)  # someone else's
    groups = selectors.my_bookings_by_state(me, now=NOW)
    assert groups.pending == [pending]
    assert groups.upcoming == [approved]
    assert {b.pk for b in groups.declined} == {rejected.pk, cancelled.pk}
    assert groups.past == []
    later = selectors.my_bookings_by_state(me, now=hk(2026, 3, 5, 13))
    assert later.upcoming == [] and later.past == [approved]


def test_my_open_bookings_puts_requests_first_each_soonest_first(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    from innobridge.facilities import selectors
    from innobridge.facilities.statuses import BookingStatus

    me = people["hk"]
    approved_late = _book(me, resource, day=5)
    services.approve_booking(manager, approved_late)
    approved_soon = _book(me, resource, day=4, start=14, end=15)
    services.approve_booking(manager, approved_soon)
    requested_late = _book(me, resource, day=9)
    requested_soon = _book(me, resource, day=6)
    rejected = _book(me, resource, day=10)
    services.reject_booking(manager, rejected, "Holder broken")
    _book(people["mainland"], resource, day=11)  # someone else's
    assert selectors.my_open_bookings(me, now=NOW) == [
        requested_soon,
        requested_late,
        approved_soon,
        approved_late,
    ]
    assert selectors.my_open_bookings(me, now=NOW, limit=3) == [
        requested_soon,
        requested_late,
        approved_soon,
    ]
    # an approved booking that is over has left the panel
    assert selectors.my_open_bookings(me, now=hk(2026, 3, 5, 13)) == [
        requested_soon,
        requested_late,
    ]
    # the ordering by status (descending) puts requests first only because "requested"
    # sorts after "approved"
    assert BookingStatus.REQUESTED > BookingStatus.APPROVED


def test_my_bookings_page_shows_pending_and_the_rejection_reason(
    client: Any, resource: Any, people: dict[str, Any], manager: Any
) -> None:
    from .conftest import next_open_day

    day = next_open_day()
    me = people["hk"]

    def at(h: int) -> Any:
        import datetime as dt

        from .conftest import HKT

        return dt.datetime.combine(day, dt.time(h), tzinfo=HKT)

    services.request_booking(me, resource, at(10), at(11), purpose="pending one")
    no = services.request_booking(me, resource, at(14), at(15))
    services.reject_booking(manager, no, "Engineer on leave that afternoon")
    client.force_login(me)
    html = client.get(reverse("facilities:my_bookings")).content.decode()
    pending = html[html.index('data-testid="my-bookings-pending"') :]
    pending = pending[: pending.index("</table>")]
    assert f"{day:%Y-%m-%d} 10:00–11:00" in pending
    declined = html[html.index('data-testid="my-bookings-declined"') :]
    declined = declined[: declined.index("</table>")]
    assert "Rejected" in declined and "Engineer on leave that afternoon" in declined
    assert f"{day:%Y-%m-%d} 14:00–15:00" in declined
    assert 'data-testid="my-bookings-upcoming"' not in html


def test_a_mail_that_cannot_be_queued_does_not_undo_the_decision(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from innobridge.facilities import tasks

    class Broken:
        def enqueue(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("task queue down")

    monkeypatch.setattr(tasks, "send_booking_mail", Broken())
    b = _book(people["hk"], resource)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_booking(manager, b)
    b.refresh_from_db()
    assert b.status == "approved" and mailoutbox == []


def test_a_dispute_tells_the_managers_and_its_decision_the_payer(
    resource: Any,
    people: dict[str, Any],
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from decimal import Decimal

    from innobridge.facilities.models import Charge

    b = _book(people["mainland"], resource)
    services.approve_booking(manager, b)
    services.record_usage(
        manager,
        b,
        started_at=b.starts_at,
        ended_at=b.ends_at,
        now=b.ends_at + dt.timedelta(hours=1),
    )
    charge = Charge.objects.get(booking=b, kind="usage")
    people["mainland"].preferred_language = "zh-hans"
    people["mainland"].save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dispute = services.raise_dispute(people["mainland"], charge, "Only one hour was used.")
    (mail,) = mailoutbox
    assert mail.to == [manager.email]
    assert mail.subject.startswith("Charge disputed:")
    assert "Only one hour was used." in mail.body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_dispute(
            manager, dispute, upheld=True, resolution="Corrected to one hour.", new_amount="750"
        )
    (mail,) = mailoutbox
    assert mail.to == [people["mainland"].email]
    with translation.override("zh-hans"):
        assert mail.subject.startswith(
            translation.gettext("Your dispute was decided: %(resource)s").split("%")[0]
        )
    assert "Corrected to one hour." in mail.body
    assert f"{charge.currency} {Decimal('750.00')}" in mail.body
