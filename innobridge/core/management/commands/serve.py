"""``innobridge serve``: serve the platform with waitress, a production-grade WSGI
server in pure Python (static files through WhiteNoise).

In the embedded mode DEBUG is on unless ``DEBUG=0``; in production, static files
are collected into ``STATIC_ROOT`` first (``--no-collectstatic`` to skip).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve InnoBridge over HTTP with waitress (static files included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("INNOBRIDGE_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("INNOBRIDGE_PORT", "8000"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("INNOBRIDGE_THREADS", "8"))
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Do not collect static files first (production only does it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from innobridge.wsgi import application

        if settings.PRODUCTION and not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        host, port = options["host"], options["port"]
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(
            f"InnoBridge at http://{shown}:{port}/ "
            f"({'production' if settings.PRODUCTION else 'embedded'}, "
            f"DEBUG={'on' if settings.DEBUG else 'off'}, "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}). "
            "Ctrl-C stops it."
        )
        self.stdout.flush()
        serve(
            application,
            host=host,
            port=port,
            threads=options["threads"],
            ident="InnoBridge",
            clear_untrusted_proxy_headers=True,
        )
