"""Load the Plan's published material: the seeded measures (each citing its source) and
the context figures the platform cannot compute (CSV files with source and licence).

``innobridge plan_seed`` creates the measures that do not exist yet (officers' edits are
kept) and refreshes the context series from the files; ``--context-dir DIR`` loads other
context CSV files of the same columns (see innobridge/plan/data/context/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from innobridge.plan.services.seed import (
    CONTEXT_DIR,
    MEASURES_FILE,
    SeedError,
    load_context,
    seed_measures,
)


class Command(BaseCommand):
    help = "Load the Plan's seeded measures and context figures (with their sources)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--measures", type=Path, default=MEASURES_FILE)
        parser.add_argument("--context-dir", type=Path, default=CONTEXT_DIR)
        parser.add_argument("--no-measures", action="store_true")
        parser.add_argument("--no-context", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if not options["no_measures"]:
                report = seed_measures(path=options["measures"])
                self.stdout.write(
                    f"measures: {len(report.created)} created, "
                    f"{len(report.unchanged)} already there"
                )
                for code, keys in report.unknown_indicators.items():
                    self.stderr.write(f"{code}: indicators not in the registry: {', '.join(keys)}")
            if not options["no_context"]:
                ctx = load_context(directory=options["context_dir"])
                self.stdout.write(f"context: {ctx.series} series, {ctx.values} values")
        except (SeedError, OSError) as exc:
            raise CommandError(str(exc)) from exc
