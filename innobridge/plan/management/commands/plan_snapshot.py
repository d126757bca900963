"""Store today's snapshot of every indicator and breakdown of the Joint Action Plan
dashboard. Run daily, e.g. from cron: ``innobridge plan_snapshot``.

``--day YYYY-MM-DD`` takes the snapshot of a past day, computed as of the end of that day
(only the indicators whose past values can be computed from dated events; the others
exist only in the snapshots of the days they were taken)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from innobridge.plan.services import take_snapshot


class Command(BaseCommand):
    help = "Store today's (or a past day's) snapshot of every Action Plan indicator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=dt.date.fromisoformat, default=None)
        parser.add_argument(
            "--indicator", action="append", dest="keys", help="only this indicator (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = take_snapshot("plan_snapshot", day=options["day"], keys=options["keys"])
        except (ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{rows} snapshot values stored")
