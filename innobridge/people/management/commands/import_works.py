"""``innobridge import_works``: bulk import of publications (OpenAlex snapshot JSON Lines,
ORCID works files), all or nothing, with a progress bar and a report."""

from __future__ import annotations

import json
from itertools import chain
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Import publications in bulk: OpenAlex works (JSON Lines, .jsonl or .gz as in the "
        "snapshot) and/or a directory of ORCID works JSON files named <ORCID iD>.json. "
        "De-duplicated by DOI; one transaction; a bad line stops the run (nothing written) "
        "or, with --on-error skip, is reported and left out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--openalex", nargs="*", default=[], metavar="WORKS.jsonl")
        parser.add_argument("--orcid-dir", metavar="DIR")
        parser.add_argument("--on-error", choices=["stop", "skip"], default="stop")
        parser.add_argument("--report", metavar="REPORT.json", help="write the report here")

    def handle(self, *args: Any, **options: Any) -> None:
        from tqdm import tqdm

        from innobridge.people.services.bulk_publications import (
            BulkImportError,
            bulk_import,
            read_openalex_jsonl,
            read_orcid_dir,
        )

        paths = [Path(p) for p in options["openalex"]]
        for p in paths:
            if not p.is_file():
                raise CommandError(f"not a file: {p}")
        sources = [read_openalex_jsonl(p) for p in paths]
        if options["orcid_dir"]:
            d = Path(options["orcid_dir"])
            if not d.is_dir():
                raise CommandError(f"not a directory: {d}")
            sources.append(read_orcid_dir(d))
        if not sources:
            raise CommandError("nothing to import: give --openalex FILE… and/or --orcid-dir DIR")
        bar = tqdm(desc="read works", unit="work", disable=options["verbosity"] < 1)
        try:
            report = bulk_import(
                None,
                chain(*sources),
                on_error=options["on_error"],
                progress=bar.update,
                source=", ".join([*map(str, paths), options["orcid_dir"] or ""]).strip(", "),
            )
        except BulkImportError as exc:
            raise CommandError(
                f"{exc.where}: {exc.reason} — nothing was imported "
                "(fix the line, or --on-error skip to leave bad lines out)"
            ) from exc
        finally:
            bar.close()
        summary = report.as_dict()
        self.stdout.write(
            f"{summary['read']} read: {summary['created']} created, {summary['updated']} "
            f"updated, {summary['unchanged']} unchanged, {summary['skipped']} skipped, "
            f"{summary['linked_to_researchers']} linked to researchers."
        )
        for where, why in report.skipped[:20]:
            self.stdout.write(f"  skipped {where}: {why}")
        if len(report.skipped) > 20:
            self.stdout.write(f"  … and {len(report.skipped) - 20} more (see --report)")
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(
                    {
                        **summary,
                        "skipped_lines": [{"where": w, "why": y} for w, y in report.skipped],
                    },
                    ensure_ascii=False,
                    indent=1,
                ),
                encoding="utf-8",
            )
