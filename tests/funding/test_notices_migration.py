"""Funding's own notification model is gone: migration 0007 carried every notification
over to the platform's notices (``core.Notice`` from ``funding``) with its recipient,
words, link, time and read mark; 0008 dropped the old table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("funding", "0006_awards_information_requests"), ("core", "0004_notice")]


@pytest.mark.django_db(transaction=True)
def test_migration_carries_funding_notifications_over_to_core_notices(make_person):
    lead = make_person("lead")
    other = make_person("other")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE[0]])
    apps = executor.loader.project_state(BEFORE).apps
    Notification = apps.get_model("funding", "Notification")
    Notice = apps.get_model("core", "Notice")
    Notice.objects.create(recipient_id=other.pk, source="people", subject="Introduction")
    sent = dt.datetime(2026, 3, 4, 5, 6, tzinfo=dt.UTC)
    read = dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC)
    old = Notification.objects.create(
        recipient_id=lead.pk, subject="Decision", body="Funded.", url="/funding/proposals/1/"
    )
    Notification.objects.filter(pk=old.pk).update(created_at=sent, read_at=read)
    Notification.objects.create(recipient_id=lead.pk, subject="Invitation to review", body="x")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from innobridge.core.models import Notice as Live

    mine = Live.objects.filter(recipient=lead).order_by("created_at")
    assert [(n.source, n.subject) for n in mine] == [
        ("funding", "Decision"),
        ("funding", "Invitation to review"),
    ]
    first = mine[0]
    assert (first.body, first.url, first.created_at, first.read_at) == (
        "Funded.",
        "/funding/proposals/1/",
        sent,
        read,
    )
    assert mine[1].read_at is None  # unread stays unread
    assert Live.objects.get(recipient=other).source == "people"  # others' notices untouched
    assert "funding_notification" not in connection.introspection.table_names()
