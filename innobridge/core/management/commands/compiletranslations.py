"""``innobridge compiletranslations``: compile every gettext catalogue of the
project (innobridge/locale/<lang>/LC_MESSAGES/django.po) into its .mo file with
Babel, so the set-up needs no GNU gettext (``msgfmt``) on the machine.

Developers still use GNU gettext for ``makemessages`` (``make messages``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def locale_dirs() -> list[Path]:
    return [Path(p) for p in settings.LOCALE_PATHS]


def compile_catalogue(po_path: Path, *, use_fuzzy: bool = False) -> tuple[Path, int]:
    """Compile one .po file beside itself; return the .mo path and the number of
    translated messages written."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=None, domain=po_path.stem, abort_invalid=True)
    mo_path = po_path.with_suffix(".mo")
    tmp_path = mo_path.with_suffix(".mo.tmp")
    with tmp_path.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=use_fuzzy)
    tmp_path.replace(mo_path)
    translated = sum(
        1
        for message in catalog
        if message.id and message.string and (use_fuzzy or not message.fuzzy)
    )
    return mo_path, translated


class Command(BaseCommand):
    help = "Compile the gettext catalogues (.po → .mo) with Babel; no msgfmt needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--use-fuzzy", action="store_true", help="Also compile fuzzy translations."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        po_files = sorted(
            po for directory in locale_dirs() for po in directory.glob("*/LC_MESSAGES/*.po")
        )
        if not po_files:
            raise CommandError(f"No .po catalogue under {', '.join(map(str, locale_dirs()))}")
        for po_path in po_files:
            try:
                mo_path, count = compile_catalogue(po_path, use_fuzzy=options["use_fuzzy"])
            except Exception as exc:  # a broken catalogue must stop the set-up
                raise CommandError(f"{po_path}: {exc}") from exc
            if options["verbosity"] >= 1:
                language = po_path.parent.parent.name
                self.stdout.write(f"{language}: {count} messages → {mo_path.name}")
