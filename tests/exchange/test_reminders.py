"""Reminders: arrival soon, report due, stay ending — each once, to the right person."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from innobridge.exchange import services

from .conftest import accepted_stay

pytestmark = pytest.mark.django_db(transaction=False)


def test_arrival_soon_then_reports_and_ending(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stay = accepted_stay(world)
    services.move_stay(world.supervisor, stay, "host_accept")
    soon = stay.planned_arrival - dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_reminders(soon)
    assert sent == [("arrival", stay.pk)]
    assert mail.outbox[-1].to == [world.applicant.email]
    services.move_stay(world.applicant, stay, "start_permits")
    services.move_stay(world.supervisor, stay, "arrive", on=stay.planned_arrival)
    stay.refresh_from_db()
    ending = stay.planned_departure - dt.timedelta(days=10)
    kinds = {k for k, _pk in services.send_reminders(ending)}
    assert (
        "ending" in kinds and "report:final:fellow" in kinds and "report:final:supervisor" in kinds
    )
    services.submit_report(world.applicant, stay, kind="final", text="Done")
    kinds = {k for k, _pk in services.send_reminders(ending)}
    assert "report:final:fellow" not in kinds


def test_command_runs(world: Any) -> None:
    out = io.StringIO()
    call_command("exchange_reminders", stdout=out)
    assert "lapsed" in out.getvalue()
