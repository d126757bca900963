"""``innobridge serve``: serve the platform with waitress, a production-grade WSGI
server in pure Python (static files through WhiteNoise).

DEBUG is off unless ``DEBUG=1``; with DEBUG off (embedded mode and production alike)
static files are collected into ``STATIC_ROOT`` first — hashed names, gzip and brotli
copies (``core/staticstorage.py``; ``--no-collectstatic`` to skip) — before the WSGI
application is built, because WhiteNoise lists ``STATIC_ROOT`` once, when its middleware
starts.

Behind a TLS-terminating reverse proxy, name the proxy's address with
``--trusted-proxy`` (or ``INNOBRIDGE_TRUSTED_PROXY``; ``*`` trusts any peer — only when
the server is reachable from the proxy alone): waitress then passes the proxy's
``X-Forwarded-Proto`` (and ``X-Forwarded-For``/``-Host``/``-Port``) to Django, which
knows the request came over HTTPS. From any other peer those headers are removed.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

TRUSTED_PROXY_HEADERS = ("x-forwarded-proto", "x-forwarded-for", "x-forwarded-host")


def waitress_options(
    threads: int, trusted_proxy: str | None, trusted_proxy_count: int = 1
) -> dict[str, Any]:
    """waitress ``serve``/``create_server`` keyword arguments for the given options."""
    opts: dict[str, Any] = {
        "threads": threads,
        "ident": "InnoBridge",
        "clear_untrusted_proxy_headers": True,
    }
    if trusted_proxy:
        opts.update(
            trusted_proxy=trusted_proxy.strip(),
            trusted_proxy_count=trusted_proxy_count,
            trusted_proxy_headers=" ".join(TRUSTED_PROXY_HEADERS),
        )
    return opts


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
            "--trusted-proxy",
            default=os.environ.get("INNOBRIDGE_TRUSTED_PROXY") or None,
            metavar="ADDRESS",
            help="address of the reverse proxy whose X-Forwarded-* headers are trusted "
            "('*' for any peer); default INNOBRIDGE_TRUSTED_PROXY, else none",
        )
        parser.add_argument(
            "--trusted-proxy-count",
            type=int,
            default=int(os.environ.get("INNOBRIDGE_TRUSTED_PROXY_COUNT", "1")),
            help="how many proxies in a chain are trusted (default 1)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Do not collect static files first (done whenever DEBUG is off).",
        )

    def application(self, collect: bool) -> Any:
        """Collect static files (when asked), then build the WSGI application, so that
        WhiteNoise sees the collected files on the first start."""
        from django.core.wsgi import get_wsgi_application

        if collect:
            call_command("collectstatic", interactive=False, verbosity=0)
        return get_wsgi_application()

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        if options["threads"] < 1 or options["trusted_proxy_count"] < 1:
            raise CommandError("--threads and --trusted-proxy-count must be at least 1")
        application = self.application(
            settings.STATIC_COLLECTED and not options["no_collectstatic"]
        )
        host, port = options["host"], options["port"]
        shown = f"[{host}]" if ":" in host else host
        proxy = options["trusted_proxy"]
        self.stdout.write(
            f"InnoBridge at http://{shown}:{port}/ "
            f"({'production' if settings.PRODUCTION else 'embedded'}, "
            f"DEBUG={'on' if settings.DEBUG else 'off'}, "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
            f"trusted proxy {proxy or 'none'}). "
            "Ctrl-C stops it."
        )
        self.stdout.flush()
        serve(
            application,
            host=host,
            port=port,
            **waitress_options(options["threads"], proxy, options["trusted_proxy_count"]),
        )
