"""``innobridge import_ror [PATH ...]``: load or update organisations from ROR data.

PATH may be the shared normalised JSON Lines file (the default), a ROR data dump
(JSON array, schema v1 or v2), the dump's ``.zip`` as published, or JSON Lines.
Several paths are imported together, in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from innobridge.people.ror import RorFormatError, read_ror_path
from innobridge.people.services import ROR_DEFAULT_COUNTRIES, import_ror_records


def default_path() -> Path:
    return Path(settings.DATA_DIR) / "ror" / "ror_cn_hk_mo.jsonl"


class Command(BaseCommand):
    help = (
        "Import or update organisations from Research Organization Registry (ROR) data: "
        "the shared JSON Lines file, a ROR dump (.json, schema v1 or v2) or its .zip."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help=f"Files to import (default: {default_path()}).",
        )
        parser.add_argument(
            "--countries",
            default=",".join(ROR_DEFAULT_COUNTRIES),
            help="Comma-separated ISO country codes to keep, or 'all' (default: CN,HK,MO).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]] or [default_path()]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
        countries_opt = (options["countries"] or "").strip()
        countries: list[str] | None
        if countries_opt.lower() == "all":
            countries = None
        else:
            countries = [c.strip().upper() for c in countries_opt.split(",") if c.strip()]
            bad = [c for c in countries if len(c) != 2 or not c.isalpha()]
            if bad or not countries:
                raise CommandError(
                    "--countries: expected two-letter country codes or 'all', "
                    f"got {countries_opt!r}."
                )

        def records() -> Iterator[dict[str, Any]]:
            for path in paths:
                yield from read_ror_path(path)

        started = time.monotonic()
        try:
            report = import_ror_records(records(), countries=countries)
        except RorFormatError as exc:
            raise CommandError(f"Nothing imported: {exc}") from exc
        elapsed = time.monotonic() - started
        self.stdout.write(report.summary())
        regions = ", ".join(f"{code} {n}" for code, n in sorted(report.regions.items()))
        if regions:
            self.stdout.write(f"By region: {regions}.")
        self.stdout.write(
            self.style.SUCCESS(f"Read {report.read} records in {elapsed:.1f} s.")
            if report.changed
            else f"Read {report.read} records in {elapsed:.1f} s; the database was up to date."
        )
