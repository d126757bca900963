"""Signed-in people's pages kept in the shared cache until what they show changes (issue #17).

A signed-in page is rendered for one person, so it cannot be shared like a public page
(core/caching.py). But the same person asks for the same page again and again (the
dashboard, a call they manage, a proposal) while nothing it shows has changed. A view
decorated with :func:`person_page` keeps its rendered page per person, language, host and
address and htmx target, with what it was rendered from, and sends it again as long as all of that
is unchanged:

* **every table the page read** — while the page is rendered the SQL it runs is watched and
  the tables named after ``FROM`` and ``JOIN`` are noted. Every INSERT, UPDATE or DELETE
  the platform runs (through any Django connection, ORM or raw SQL, signals or not:
  ``QuerySet.update`` and bulk writes included) gives its table a new *generation* in the
  shared cache, at once and again when the transaction commits, so the server's other
  processes see it too. A kept page whose tables all have the generation they had when it
  was rendered shows what a new rendering would.
* **every cache entry it read instead of the database** — the person facts
  (``caching.person_fact``: roles, the unread count, …) and the generations that key the
  public fragments: a page is kept only with the values they had, and is rendered again
  when one is emptied or replaced.
* **each table's generation as it was before the page read its rows** — read just before
  the first query that names the table, so a write that commits after the rows were read
  changes it (a write's new generation is set when it runs and again when it commits).
  A page whose own request wrote anything is not kept: it may show what its transaction
  has not committed.

Pages are kept :data:`PERSON_PAGE_SECONDS` at most, so what changes with time alone (a call
that closes, a booking that starts) shows within that. Writes outside the platform's
connections (psql, COPY) show within the same time. Not kept: other methods than GET,
anonymous visitors (public pages are shared instead), a page with a message waiting, any
answer but a rendered 200 without cookies, and pages rendered with a write of their own.
Each response carries the reader's own CSRF token, as a public page does.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils import translation

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])

PERSON_PAGE_SECONDS = 60
TABLE_KEY = "tables:generation:{}"

# Written on requests that change nothing a page shows: the sessions (written through to
# the database), the log-in attempts, the log of who viewed whose personal data.
UNWATCHED_TABLES = frozenset(
    {
        "django_session",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
        "core_personaldataview",
    }
)

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.I)

# What the page being rendered in this thread has read (None when no page is watched).
_watch = threading.local()


def _new_value() -> str:
    import secrets

    return secrets.token_hex(6)


# --- Writes -----------------------------------------------------------------------------


def _bump(table: str) -> None:
    cache.set(TABLE_KEY.format(table), _new_value(), None)


def _generation_of(key: str) -> Any:
    """A table's generation (one is given to a table never written)."""
    value = cache.get(key)
    if value is None:
        cache.add(key, _new_value(), None)  # two processes agree on the first one stored
        value = cache.get(key)
    return value


@functools.cache
def _bumper(table: str) -> Callable[[], None]:
    """One function per table, so a transaction registers it on commit once."""

    def bump() -> None:
        _bump(table)

    bump.table_generation = True  # type: ignore[attr-defined]
    return bump


def is_table_generation(callback: Callable[..., Any]) -> bool:
    """Whether an on-commit callback is one of these (for tests that count an app's own)."""
    return bool(getattr(callback, "table_generation", False))


def table_written(connection: Any, table: str) -> None:
    """``table`` was written through ``connection``: the pages that read it are stale, now
    and (in a transaction) again when it commits, when the other processes can read it."""
    if table in UNWATCHED_TABLES:
        return
    _watch.wrote = True
    _bump(table)
    if connection.in_atomic_block:
        bumper = _bumper(table)
        if not any(entry[1] is bumper for entry in connection.run_on_commit):
            transaction.on_commit(bumper, using=connection.alias)


def begin_request() -> None:
    """A new request in this thread: it has written nothing yet (RequestGuardMiddleware,
    through ``caching.begin_request``)."""
    _watch.wrote = False


def watch_sql(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any) -> Any:
    """An execute wrapper (``connection.execute_wrappers``) on every connection."""
    text = sql if isinstance(sql, str) else str(sql)
    reading: dict[str, str] | None = getattr(_watch, "reads", None)
    if reading is not None:
        for table in _READ.findall(text):
            key = TABLE_KEY.format(table)
            if key not in reading:
                reading[key] = _generation_of(key)  # before the rows are read
    result = execute(sql, params, many, context)
    if not text.lstrip()[:6].upper().startswith(("SELECT", "SAVEPO", "RELEAS")):
        match = _WRITE.match(text)
        if match:
            table_written(context["connection"], match.group(1))
    return result


def install(connection: Any, **kwargs: Any) -> None:
    """Watch ``connection``'s SQL (receiver of ``connection_created``; CoreConfig.ready)."""
    if watch_sql not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_sql)


def install_everywhere() -> None:
    from django.db import connections
    from django.db.backends.signals import connection_created

    connection_created.connect(install, dispatch_uid="innobridge.personpages.install")
    for connection in connections.all(initialized_only=True):
        install(connection)


# --- Reads ------------------------------------------------------------------------------


def note_cache_read(key: str, value: Any) -> None:
    """A page being rendered in this thread used ``value``, kept in the shared cache under
    ``key`` (a person fact, a generation): it is kept only while that entry holds it."""
    reading: dict[str, Any] | None = getattr(_watch, "reads", None)
    if reading is not None:
        reading[key] = value


def _keepable(request: HttpRequest) -> bool:
    from innobridge.core.caching import message_waiting

    if request.method != "GET" or not request.user.is_authenticated:
        return False
    return not message_waiting(request)


def person_page_key(name: str, request: HttpRequest) -> str:
    """The person, the language, the host and address, and what htmx asked for."""
    headers = request.headers
    variant = (
        f"hx:{headers.get('HX-Target', '')}:{headers.get('HX-Trigger', '')}"
        if headers.get("HX-Request")
        else "page"
    )
    where = f"{request.get_host()}{request.get_full_path()}"
    address = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    language = translation.get_language() or ""
    return f"personpage:{name}:{variant}:{request.user.pk}:{language}:{address}"


def _keep(key: str, reads: dict[str, Any], headers: list[tuple[str, str]], body: str) -> None:
    cache.set(key, (reads, headers, body), PERSON_PAGE_SECONDS)


def _still_true(reads: dict[str, Any]) -> bool:
    current = cache.get_many(list(reads))
    return all(current.get(key) == value for key, value in reads.items())


def person_page(name: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: a signed-in person's page is sent again from the shared cache while
    nothing it was rendered from has changed (see the module's docstring)."""
    from innobridge.core.caching import _with_token, page_from, page_parts

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _keepable(request) or getattr(_watch, "reads", None) is not None:
                return view(request, *args, **kwargs)
            key = person_page_key(name, request)
            entry = cache.get(key)
            if entry is not None and _still_true(entry[0]):
                return page_from(request, entry[1], entry[2])
            _watch.reads = {}
            request.csrf_placeholder = True  # type: ignore[attr-defined]
            try:
                response = view(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()  # while the reads are watched
            finally:
                reads: dict[str, Any] = _watch.reads
                _watch.reads = None
                request.csrf_placeholder = False  # type: ignore[attr-defined]
            parts = page_parts(response)
            if parts is None or getattr(_watch, "wrote", False):
                return response  # (a write of its own: it may show what is not committed)
            _keep(key, reads, *parts)
            response.content = _with_token(request, parts[1]).encode(response.charset)
            return response

        return wrapped  # type: ignore[return-value]

    return decorator
