"""Write the quarterly report of the Joint Action Plan dashboard as a PDF:
``innobridge plan_report --quarter 2026Q3 --lang zh-hant [--output FILE]``.

Figures are the last snapshot of each indicator in the quarter (``plan_snapshot`` takes
them daily); without ``--output`` the file is written to the current directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from innobridge.plan.report import LANGUAGES, Quarter, filename, quarterly_report


class Command(BaseCommand):
    help = "Write the quarterly report (PDF) of the Joint Action Plan dashboard."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("--lang", default="en", choices=LANGUAGES)
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            quarter = Quarter.parse(options["quarter"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        data = quarterly_report(quarter, options["lang"])
        out: Path = options["output"] or Path(filename(quarter, options["lang"]))
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{out} ({len(data):,} bytes)")
