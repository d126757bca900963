"""``innobridge exchange_reminders``: run daily — lapse offers past their reply date
(their seats go to the waiting list) and send reminders (arrival soon, report due, stay
ending)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from innobridge.exchange import services


class Command(BaseCommand):
    help = "Lapse overdue offers and send exchange reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = services.lapse_overdue()
        sent = services.send_reminders()
        self.stdout.write(f"{len(lapsed)} offer(s) lapsed, {len(sent)} reminder(s) sent\n")
