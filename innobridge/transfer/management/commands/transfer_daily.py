"""Daily (from cron): expire listings past 12 months, remind owners 30 days before, and
send the digest of new matches to everyone who wants it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from innobridge.transfer.services import expire_and_remind, send_digests


class Command(BaseCommand):
    help = "Expire and remind listings; send the daily digest of new technology matches."

    def handle(self, *args: Any, **options: Any) -> None:
        expired, reminded = expire_and_remind()
        sent = send_digests()
        self.stdout.write(f"expired {expired}, reminded {reminded}, digests sent {sent}")
