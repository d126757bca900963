"""Funding's notices are the platform's ``core.Notice`` from ``funding``: listed on the
funding notifications page and its API, on the platform's notices page beside the other
apps', and marking funding's read leaves the other apps' unread."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop

from innobridge.core.models import Notice
from innobridge.core.services import notify_in_app
from innobridge.funding.notifications import notify


def test_funding_notices_are_core_notices_on_every_page(client, make_person):
    person = make_person("lead")
    notify(
        person,
        gettext_noop("Report to assess"),
        gettext_noop("A report on “%(milestone)s” of “%(title)s” awaits your assessment."),
        {"milestone": "Prototype", "title": "Graphene"},
        url="/funding/projects/1/",
    )
    other = notify_in_app(person, "people", "Introduction requested")
    note = Notice.objects.get(recipient=person, source="funding")
    assert note.subject == "Report to assess" and "Prototype" in note.body
    client.force_login(person)
    funding_page = client.get(reverse("funding:notifications")).content.decode()
    assert "Report to assess" in funding_page and "Introduction requested" not in funding_page
    platform_page = client.get(reverse("people:notices")).content.decode()
    assert "Report to assess" in platform_page and "Introduction requested" in platform_page
    api = client.get("/api/funding/notifications").json()
    assert [n["id"] for n in api] == [note.pk]
    client.post(reverse("funding:notifications"))
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None and other.read_at is None
