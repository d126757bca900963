"""``innobridge demo``: everything a new user needs, in one command.

1. migrate the database (SQLite in ``var/`` by default);
2. compile the translations;
3. import the real ROR organisations from ``settings.DATA_DIR/ror`` (``import_ror``);
4. run every installed app's demo seeder, in INSTALLED_APPS order;
5. print the demo accounts;
6. serve at http://127.0.0.1:8000 (``--no-serve`` stops after step 5), with DEBUG off
   (unless DEBUG=1) and ``SITE_URL`` following ``--host``/``--port`` so e-mail links work.

Seeders are found by convention, so core imports no other app: an installed app
may have a module ``<app>/demo.py`` with ``def seed(stdout, *, seed: int = 2026)
-> None`` (it must be idempotent: a re-run adds nothing twice) and, optionally,
``DEMO_ACCOUNTS``: a list of ``(role label, username, password)`` to print (read after
seeding, so a seeder may fill it), ``DEMO_LINKS``: ``(label, address)`` to print with them
(such as a demo referee's upload link, which needs no account), and
``def prepare(stdout, *, background: bool) -> None`` for slow derived data (such as the
search index): with ``--no-serve`` it runs to the end before the command returns;
when serving, it may start a background thread so the site is up at once.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


def demo_modules() -> Iterator[ModuleType]:
    """Each installed app's ``demo`` module, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        if callable(getattr(module, "seed", None)):
            yield module


def site_url(host: str, port: int) -> str:
    """The address a browser on this machine uses for ``host:port``."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def demo_accounts() -> list[tuple[str, str, str]]:
    accounts: list[tuple[str, str, str]] = []
    for module in demo_modules():
        accounts.extend(getattr(module, "DEMO_ACCOUNTS", []))
    return accounts


def demo_links() -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for module in demo_modules():
        links.extend(getattr(module, "DEMO_LINKS", []))
    return links


class Command(BaseCommand):
    help = "Set up the demo (database, translations, ROR, demo people) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not serve.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the embedded SQLite database in var/ first and start afresh.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed of the demo data.")
        parser.add_argument(
            "--skip-ror", action="store_true", help="Do not (re-)import the ROR organisations."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        # The demo banner, here and in anything this process starts.
        os.environ["INNOBRIDGE_DEMO"] = "1"
        settings.INNOBRIDGE_DEMO = True
        # Links in e-mails point at the address being served (make demo PORT=8080).
        if not os.environ.get("SITE_URL") and not settings.PRODUCTION:
            settings.SITE_URL = site_url(options["host"], options["port"])
        if options["reset"]:
            self.reset_database()

        self.step("Migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        self.step("Compiling translations")
        call_command("compiletranslations", verbosity=0)

        if not options["skip_ror"]:
            if "import_ror" in get_commands():
                self.step(f"Importing ROR organisations from {settings.DATA_DIR / 'ror'}")
                call_command("import_ror", verbosity=1, stdout=self.stdout)
            else:
                self.stderr.write("import_ror is not available: organisations not imported.")

        for module in demo_modules():
            self.step(f"Seeding {module.__name__}")
            module.seed(self.stdout, seed=options["seed"])

        background = not options["no_serve"]
        for module in demo_modules():
            prepare = getattr(module, "prepare", None)
            if callable(prepare):
                self.step(f"Preparing {module.__name__}")
                prepare(self.stdout, background=background)

        self.stdout.write(self.style.SUCCESS(f"Demo ready in {time.monotonic() - started:.1f} s."))
        self.print_accounts(options["host"], options["port"])
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])

    def step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"• {text}"))

    def reset_database(self) -> None:
        db = settings.DATABASES["default"]
        if connections["default"].vendor != "sqlite":
            raise CommandError("--reset only deletes the embedded SQLite database in var/.")
        path = Path(str(db["NAME"])).resolve()
        var_dir = Path(settings.VAR_DIR).resolve()
        if var_dir not in path.parents:
            raise CommandError(f"--reset: {path} is not inside {var_dir}; not deleting it.")
        connections.close_all()
        for suffix in ("", "-wal", "-shm", "-journal"):
            candidate = path.with_name(path.name + suffix)
            if candidate.exists():
                candidate.unlink()
        self.step(f"Deleted {path}")

    def print_accounts(self, host: str, port: int) -> None:
        accounts = demo_accounts()
        if not accounts:
            return
        base = f"http://{host}:{port}"
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                f"Demo accounts (demo only; log in at {base}/accounts/login/):"
            )
        )
        width = max(len(label) for label, _, _ in accounts)
        uwidth = max(len(username) for _, username, _ in accounts)
        for label, username, password in accounts:
            self.stdout.write(f"  {label:<{width}}  {username:<{uwidth}}  {password}")
        for label, url in demo_links():
            self.stdout.write(f"  {label}: {url}")
        self.stdout.write(f"  Administration: {base}/admin/")
        self.stdout.write("")
