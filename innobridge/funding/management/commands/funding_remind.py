"""Send review reminders (e-mail + in-app) for reviews due within N days or overdue, and
bring funded projects' status up to date (late when a milestone is overdue; the teams
are told). Run daily, e.g. from cron: ``innobridge funding_remind``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from innobridge.funding.services import refresh_project_statuses, send_reminders


class Command(BaseCommand):
    help = "Remind reviewers whose reviews are due soon or overdue (at most once a day each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--within-days", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        n = send_reminders(within=dt.timedelta(days=options["within_days"]))
        self.stdout.write(f"{n} reminders sent")
        changed = refresh_project_statuses()
        self.stdout.write(f"{changed} project statuses changed")
