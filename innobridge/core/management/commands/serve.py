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

``--workers N`` (or ``INNOBRIDGE_WORKERS``) runs N waitress processes that share the
listening socket, each with ``--threads`` threads: Python runs one thread at a time per
process, so one process uses one core; on an N-core server run N workers (measured in
benchmarks/README.md, "Web tier under load"). The parent process only watches them: a
worker that dies is started again, and SIGTERM or Ctrl-C stops them all. It needs
``fork`` (Linux, macOS); with one worker (the default) nothing is forked.

With several workers each connection carries one request (the response closes it, as
behind a reverse proxy that does not keep its upstream connections open) and a worker
accepts a connection only while one of its threads is free: requests wait in the
listening socket's queue, which the workers share, so each goes to the first worker that
can run it and no client waits behind another worker's heavier clients.
``--keep-alive`` (``INNOBRIDGE_KEEP_ALIVE=1``) keeps connections open instead, shared out
by their number (measured in benchmarks/README.md, "Web tier under load", sixth round).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import time
import traceback
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

TRUSTED_PROXY_HEADERS = ("x-forwarded-proto", "x-forwarded-for", "x-forwarded-host")


# Python's garbage collector with its default thresholds (700, 10, 10) runs every few hundred
# allocations and walks everything the process holds every ~70,000: a page allocates tens of
# thousands of objects (ORM rows, template nodes), so that was 1-2 ms of CPU per request
# (benchmarks/profile_pages.py, issue #17). What the server loaded before serving (Django,
# the apps, their modules) is moved out of the collector's sight — ``gc.freeze()``, before
# the workers are forked, so they share it — and the youngest objects are collected every
# 20,000 allocations (cycles are still found; memory grows by that much garbage at most).
GC_THRESHOLDS = (20_000, 50, 100)


def tune_garbage_collection() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


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


# Each worker's open connections, in memory the workers share (multiprocessing.RawArray,
# made before the fork): a worker takes a new connection only while it holds no more than
# BALANCE_SLACK above the least busy worker. Without it the first worker to wake takes it,
# and keep-alive clients stay with the worker that accepted them: one worker could hold 30
# of 50 clients and keep them waiting 1.5x as long as the other's (issue #17, measured in
# benchmarks/README.md). A dead worker's slot reads NOT_ACCEPTING until its replacement
# counts itself, so it never holds the others back.
BALANCE_SLACK = 1
NOT_ACCEPTING = 2**30


def balance_connections(server: Any, counts: Any, slot: int, slack: int = BALANCE_SLACK) -> None:
    """Make ``server`` (a waitress server of one worker) accept only while its open
    connections are at most ``slack`` above the fewest any worker holds (``counts``:
    one shared integer per worker, this worker's at ``slot``). waitress asks ``readable()``
    on every turn of its loop (at least once a second), so the counts stay current."""
    readable = server.readable

    def balanced_readable() -> bool:
        mine = len(server.active_channels)
        counts[slot] = mine
        if not readable():  # closed, or over waitress's own connection limit
            return False
        return bool(mine <= min(counts) + slack)

    server.readable = balanced_readable


# A connection just accepted counts as a thread's work for this long before its request
# has arrived (on the loopback or a LAN it arrives within milliseconds); after that only a
# complete request counts, so slow or idle clients cannot keep a worker from accepting.
FRESH_CONNECTION_S = 1.0


def occupied_threads(server: Any, now: float) -> int:
    """How many of ``server``'s threads its connections claim: a request waiting or being
    served, or a connection accepted within FRESH_CONNECTION_S whose request is on its
    way. A connection whose response is done and being flushed claims none."""
    return sum(
        1
        for channel in list(server.active_channels.values())
        if not (channel.will_close or channel.close_when_flushed)
        and (channel.requests or now - channel.creation_time < FRESH_CONNECTION_S)
    )


def one_request_per_connection(server: Any, threads: int) -> None:
    """Make ``server`` (a waitress server of one worker) close every connection after its
    response and accept a new one only while fewer than ``threads`` are occupied
    (:func:`occupied_threads`), so requests queue in the socket the workers share."""
    from waitress.channel import HTTPChannel
    from waitress.task import WSGITask

    class OneRequestTask(WSGITask):
        def build_response_header(self) -> Any:
            self.set_close_on_finish()  # adds "Connection: close" to the response
            return super().build_response_header()

    class OneRequestChannel(HTTPChannel):
        task_class = OneRequestTask

    server.channel_class = OneRequestChannel
    readable = server.readable

    def readable_with_a_free_thread() -> bool:
        if not readable():  # closed, or over waitress's own connection limit
            return False
        return occupied_threads(server, time.time()) < threads

    server.readable = readable_with_a_free_thread


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
            "--workers",
            type=int,
            default=int(os.environ.get("INNOBRIDGE_WORKERS", "1")),
            help="server processes sharing the port, each with --threads threads "
            "(default INNOBRIDGE_WORKERS, else 1; use the number of cores)",
        )
        parser.add_argument(
            "--keep-alive",
            action="store_true",
            default=os.environ.get("INNOBRIDGE_KEEP_ALIVE", "0") == "1",
            help="with --workers above 1, keep connections open (shared out between the "
            "workers by their number) instead of one request per connection "
            "(default INNOBRIDGE_KEEP_ALIVE=1, else off)",
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

        if min(options["threads"], options["trusted_proxy_count"], options["workers"]) < 1:
            raise CommandError("--threads, --workers and --trusted-proxy-count must be at least 1")
        if options["workers"] > 1 and not hasattr(os, "fork"):
            raise CommandError("--workers above 1 needs fork (Linux, macOS): use 1 here")
        application = self.application(
            settings.STATIC_COLLECTED and not options["no_collectstatic"]
        )
        tune_garbage_collection()
        host, port = options["host"], options["port"]
        shown = f"[{host}]" if ":" in host else host
        proxy = options["trusted_proxy"]
        one_each = options["workers"] > 1 and not options["keep_alive"]
        per_request = ", one request per connection" if one_each else ""
        self.stdout.write(
            f"InnoBridge at http://{shown}:{port}/ "
            f"({'production' if settings.PRODUCTION else 'embedded'}, "
            f"DEBUG={'on' if settings.DEBUG else 'off'}, "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
            f"trusted proxy {proxy or 'none'}, {options['workers']} x {options['threads']} "
            f"threads{per_request}). Ctrl-C stops it."
        )
        self.stdout.flush()
        opts = waitress_options(options["threads"], proxy, options["trusted_proxy_count"])
        if options["workers"] == 1:
            serve(application, host=host, port=port, **opts)
        else:
            self.serve_workers(
                application, host, port, options["workers"], opts, options["keep_alive"]
            )

    def serve_workers(
        self,
        application: Any,
        host: str,
        port: int,
        workers: int,
        opts: dict[str, Any],
        keep_alive: bool = False,
    ) -> None:
        """``workers`` forked waitress processes accepting on one socket; this process
        restarts a worker that dies and stops them all on SIGTERM/SIGINT. Each connection
        carries one request unless ``keep_alive``."""
        from multiprocessing.sharedctypes import RawArray

        from django.db import connections
        from waitress import create_server

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family, backlog=1024)
        connections.close_all()  # each worker opens its own database connections
        children: dict[int, tuple[float, int]] = {}  # pid: (started, slot)
        stopping = False
        balanced = os.environ.get("INNOBRIDGE_BALANCE_CONNECTIONS", "1") != "0"
        counts = RawArray("l", [NOT_ACCEPTING] * workers)

        def spawn(slot: int) -> None:
            counts[slot] = NOT_ACCEPTING  # until the new worker counts its connections
            pid = os.fork()
            if pid == 0:  # the worker
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                code = 0
                try:
                    logging.basicConfig()  # as waitress.serve() does: its warnings show
                    server = create_server(application, sockets=[sock], **opts)
                    if not keep_alive:
                        one_request_per_connection(server, opts["threads"])
                    elif balanced:
                        balance_connections(server, counts, slot)
                    server.print_listen("Serving on http://{}:{}")
                    server.run()
                except BaseException:
                    traceback.print_exc()
                    code = 1
                os._exit(code)  # never return into the parent's code
            children[pid] = (time.monotonic(), slot)

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True
            for pid in list(children):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            for slot in range(workers):
                spawn(slot)
            while children:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                ended = children.pop(pid, None)
                if ended is None:
                    continue
                started, slot = ended
                counts[slot] = NOT_ACCEPTING  # its connections are gone with it
                if stopping:
                    continue
                self.stderr.write(f"server worker {pid} ended (status {status}); starting another")
                if time.monotonic() - started < 1:
                    time.sleep(1)  # a worker that fails at once is not restarted in a loop
                spawn(slot)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            sock.close()
