"""The database's own guarantee that a resource is never double-booked.

* PostgreSQL: an exclusion constraint over ``tstzrange(starts_at, ends_at)`` per resource
  for the statuses that hold a slot (``btree_gist`` supplies ``=`` on the resource id).
  Two concurrent transactions inserting overlapping bookings: one commits, the other
  gets an ``IntegrityError`` (exclusion violation).
* SQLite: writers are serialised (``transaction_mode=IMMEDIATE``: a transaction takes
  the write lock at BEGIN), so the service's overlap check and insert in one transaction
  cannot interleave; in addition BEFORE INSERT/UPDATE triggers refuse an overlapping
  row, so no path (admin, shell, a bug) can write one either.

The constraint is not part of the model state (SQLite cannot hold it), so it is created
by a migration operation that only acts on PostgreSQL; the SQLite triggers are created
by the same migration and re-created after every ``migrate`` (SQLite drops triggers when
Django rebuilds a table).
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.migrations.operations.base import Operation

from .statuses import BookingStatus

# Statuses that occupy the resource's time. Rejected and cancelled bookings free it.
HOLDING_STATUSES = (
    BookingStatus.REQUESTED,
    BookingStatus.APPROVED,
    BookingStatus.USED,
    BookingStatus.NO_SHOW,
)
OVERLAP_CONSTRAINT = "facilities_booking_no_overlap"
OVERLAP_MESSAGE = "facilities_booking_overlap"

_STATUS_LIST = ", ".join(f"'{s.value}'" for s in HOLDING_STATUSES)

PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE facilities_booking ADD CONSTRAINT {OVERLAP_CONSTRAINT}
        EXCLUDE USING gist (
            resource_id WITH =,
            tstzrange(starts_at, ends_at, '[)') WITH &&
        ) WHERE (status IN ({_STATUS_LIST}))""",
]
PG_DROP = [f"ALTER TABLE facilities_booking DROP CONSTRAINT IF EXISTS {OVERLAP_CONSTRAINT}"]


def _sqlite_trigger(event: str) -> str:
    # Timestamps are stored by Django as ISO text in UTC, so text comparison orders them.
    own = "AND b.id <> NEW.id" if event == "UPDATE" else ""
    return f"""
CREATE TRIGGER IF NOT EXISTS facilities_booking_no_overlap_{event.lower()}
BEFORE {event} ON facilities_booking
FOR EACH ROW WHEN NEW.status IN ({_STATUS_LIST})
BEGIN
    SELECT RAISE(ABORT, '{OVERLAP_MESSAGE}')
    WHERE EXISTS (
        SELECT 1 FROM facilities_booking b
        WHERE b.resource_id = NEW.resource_id {own}
          AND b.status IN ({_STATUS_LIST})
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
    );
END"""


SQLITE_CREATE = [_sqlite_trigger("INSERT"), _sqlite_trigger("UPDATE")]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS facilities_booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS facilities_booking_no_overlap_update",
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql)


class CreateOverlapGuard(Operation):
    """Migration operation: the exclusion constraint (PostgreSQL) or triggers (SQLite)."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            _run(schema_editor, PG_CREATE)
        elif vendor == "sqlite":
            _run(schema_editor, SQLITE_CREATE)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            _run(schema_editor, PG_DROP)
        elif vendor == "sqlite":
            _run(schema_editor, SQLITE_DROP)

    def describe(self) -> str:
        return "Guard facilities_booking against overlapping bookings in the database"


def ensure_overlap_guard(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: make sure the SQLite triggers exist (idempotent)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = connection.introspection.table_names()
    if "facilities_booking" not in tables:
        return
    with connection.cursor() as cursor:
        for sql in SQLITE_CREATE:
            cursor.execute(sql)


def is_overlap_error(exc: BaseException) -> bool:
    """Whether a database error is the overlap guard refusing a booking."""
    text = str(exc)
    cause = getattr(exc, "__cause__", None)
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return OVERLAP_CONSTRAINT in text or OVERLAP_MESSAGE in text or name == OVERLAP_CONSTRAINT


DEADLOCK_SQLSTATE = "40P01"


def is_deadlock(exc: BaseException) -> bool:
    """Whether a database error is PostgreSQL's deadlock detector aborting this
    transaction. Concurrent INSERTs of overlapping bookings can each wait for the other
    while the exclusion constraint is checked; PostgreSQL then aborts one of them —
    which lost the slot to the other just as if it had seen the violation."""
    cause = getattr(exc, "__cause__", None)
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return code == DEADLOCK_SQLSTATE
