"""No double booking under concurrency: many threads, each with its own database
connection, request overlapping slots at the same moment; exactly one wins and every
other gets the clear "already booked" message.

* PostgreSQL (the exclusion constraint decides): runs when the suite runs on PostgreSQL
  (DATABASE_URL=postgres://…), skipped on SQLite. Three rounds of N_THREADS requests
  through the service; then the same race with the application's own overlap checks
  switched off, so that only the database can refuse the losers; then raw inserts
  that bypass the services altogether.
* SQLite (the write lock decides, the triggers back it up): runs in a subprocess against
  a file database configured like the embedded deployment (WAL, IMMEDIATE
  transactions), because pytest-django's in-memory test database is not how SQLite runs
  in production.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from innobridge.facilities import availability, services
from innobridge.facilities.db import is_deadlock, is_overlap_error
from innobridge.facilities.models import Booking
from innobridge.facilities.services import bookings as booking_services

from .conftest import NOW, hk

N_THREADS = 16


class Race:
    """Outcome of one race: winners' booking ids, losers' messages, and how many losers
    the database itself refused (exclusion constraint / trigger)."""

    def __init__(self) -> None:
        self.won: list[int] = []
        self.lost: list[str] = []
        self.db_refusals = 0
        self.lock = threading.Lock()


def _slot(i: int, day: int) -> tuple[dt.datetime, dt.datetime]:
    # Overlapping two-hour slots: 10:00–12:00, 10:30–12:30, 11:00–13:00, 11:30–13:30;
    # every pair overlaps.
    start = hk(2026, 3, day, 10 + (i % 4) // 2, 30 * (i % 2))
    return start, start + dt.timedelta(hours=2)


def _race(resource: Any, bookers: list[Any], day: int = 4) -> tuple[list[int], list[str]]:
    race = _race_counted(resource, bookers, day)
    return race.won, race.lost


def _race_counted(resource: Any, bookers: list[Any], day: int = 4) -> Race:
    barrier = threading.Barrier(len(bookers))
    race = Race()
    counting = threading.local()
    originals = (booking_services.is_overlap_error, booking_services.is_deadlock)

    def counter(check: Any) -> Any:
        def counted(exc: BaseException) -> bool:
            hit = bool(check(exc))
            if hit:
                counting.hit = True
            return hit

        return counted

    booking_services.is_overlap_error = counter(originals[0])  # type: ignore[assignment]
    booking_services.is_deadlock = counter(originals[1])  # type: ignore[assignment]

    def worker(i: int, person: Any) -> None:
        counting.hit = False
        try:
            barrier.wait()
            start, end = _slot(i, day)
            b = services.request_booking(person, resource, start, end, now=NOW)
            with race.lock:
                race.won.append(b.pk)
        except services.BookingConflict as exc:
            with race.lock:
                race.lost.append(" ".join(exc.messages))
                race.db_refusals += int(counting.hit)
        except Exception as exc:  # pragma: no cover - reported by the assertion
            with race.lock:
                race.lost.append(f"UNEXPECTED {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(bookers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        booking_services.is_overlap_error, booking_services.is_deadlock = originals  # type: ignore[assignment]
    return race


def _racers(make_person: Any, orgs: Any, prefix: str = "racer") -> list[Any]:
    from innobridge.people.models import ResearcherProfile

    bookers = []
    for i in range(N_THREADS):
        p = make_person(f"{prefix}{i}", roles=("researcher",))
        ResearcherProfile.objects.create(person=p, organisation=orgs["tsinghua"], region="CN")
        bookers.append(p)
    return bookers


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server (set DATABASE_URL=postgres://…)")


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_postgresql(resource: Any, make_person: Any, orgs: Any) -> None:
    """Three rounds (three days) of N_THREADS simultaneous overlapping requests through
    the booking service: one winner per round, every loser told the slot is taken."""
    _needs_postgresql()
    bookers = _racers(make_person, orgs)
    total_db = 0
    for day in (4, 5, 6):
        race = _race_counted(resource, bookers, day)
        assert len(race.won) == 1, (day, race.won, race.lost)
        assert len(race.lost) == N_THREADS - 1, race.lost
        assert all("already booked" in m for m in race.lost), race.lost
        total_db += race.db_refusals
    assert Booking.objects.filter(resource=resource).count() == 3
    # Requests queue on the resource row, so the application's check refuses the
    # losers; the database's own refusal is tested below (shown with -s).
    print(f"\n{3 * N_THREADS} requests, 3 winners, {total_db} refused by the database")


@pytest.mark.django_db(transaction=True)
def test_database_alone_refuses_concurrent_overlaps_postgresql(
    resource: Any, make_person: Any, orgs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the application's overlap checks and the resource-row lock switched off,
    every request reaches the INSERT at once: the exclusion constraint alone lets
    exactly one through, and each loser still gets the clear message (the constraint
    violation, or the deadlock PostgreSQL reports when two such INSERTs wait on each
    other, is recognised)."""
    _needs_postgresql()
    real = availability.slot_problems

    def without_booking_check(*args: Any, **kwargs: Any) -> list[str]:
        return real(*args, **{**kwargs, "check_bookings": False})

    monkeypatch.setattr(availability, "slot_problems", without_booking_check)
    monkeypatch.setattr(booking_services, "_slot_taken", lambda *a: False)
    monkeypatch.setattr(booking_services, "lock_resource", lambda *a: None)
    bookers = _racers(make_person, orgs, "blind")
    race = _race_counted(resource, bookers, 5)
    assert len(race.won) == 1, (race.won, race.lost)
    assert len(race.lost) == N_THREADS - 1, race.lost
    assert all("already booked" in m for m in race.lost), race.lost
    assert race.db_refusals == N_THREADS - 1
    assert Booking.objects.filter(resource=resource).count() == 1


@pytest.mark.django_db(transaction=True)
def test_raw_concurrent_inserts_postgresql(resource: Any, make_person: Any, orgs: Any) -> None:
    """No service at all (as from the admin, a shell or a bug): simultaneous INSERTs of
    overlapping bookings; the database keeps one."""
    _needs_postgresql()
    bookers = _racers(make_person, orgs, "raw")
    barrier = threading.Barrier(N_THREADS)
    ok: list[int] = []
    refused: list[bool] = []
    lock = threading.Lock()

    def worker(i: int, person: Any) -> None:
        start, end = _slot(i, 6)
        try:
            barrier.wait()
            with transaction.atomic():
                b = Booking.objects.create(
                    resource=resource,
                    booker=person,
                    category="mainland_academic",
                    starts_at=start,
                    ends_at=end,
                    status="approved" if i % 2 else "requested",
                    unit="hour",
                    unit_price=Decimal("750"),
                    quantity=Decimal(2),
                    price=Decimal("1500"),
                    currency="CNY",
                )
            with lock:
                ok.append(b.pk)
        except (IntegrityError, OperationalError) as exc:
            with lock:
                refused.append(is_overlap_error(exc) or is_deadlock(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(bookers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(ok) == 1, (ok, refused)
    assert refused == [True] * (N_THREADS - 1)
    assert Booking.objects.filter(resource=resource).count() == 1


SQLITE_SCRIPT = r"""
import json, os, sys, threading
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from decimal import Decimal
from django.db import connections
from innobridge.facilities import services
from innobridge.facilities.models import Booking, Facility, Resource, Tariff
from innobridge.people.models import Organisation, Person, ResearcherProfile
from tests.facilities.conftest import NOW, hk
from tests.facilities.test_concurrency import N_THREADS, _race_counted

host = Organisation.objects.create(name="Host U", region="HK", primary_type="education")
guest = Organisation.objects.create(name="Guest U", region="CN", primary_type="education")
fac = Facility.objects.create(name="F", organisation=host, region="HK")
res = Resource.objects.create(facility=fac, kind="instrument", name="TEM",
    min_duration_minutes=60, max_duration_minutes=240, lead_time_hours=24, max_advance_days=120)
Tariff.objects.create(resource=res, category="mainland_academic", unit="hour",
    price=Decimal("750"), currency="CNY")
bookers = []
for i in range(N_THREADS):
    p = Person.objects.create(username=f"racer{i}")
    ResearcherProfile.objects.create(person=p, organisation=guest, region="CN")
    bookers.append(p)
connections.close_all()
if os.environ.get("RACE_BLIND"):
    # The application's overlap checks off: only the lock and the triggers decide.
    from innobridge.facilities import availability
    real = availability.slot_problems
    availability.slot_problems = lambda *a, **k: real(*a, **{**k, "check_bookings": False})
    from innobridge.facilities.services import bookings as booking_services
    booking_services._slot_taken = lambda *a: False
    booking_services.lock_resource = lambda *a: None
race = _race_counted(res, bookers)
print(json.dumps({"won": race.won, "lost": race.lost, "db": race.db_refusals,
                  "rows": Booking.objects.count()}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("blind", [False, True], ids=["service", "database-alone"])
def test_concurrent_requests_sqlite_file_database(tmp_path: Path, blind: bool) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "RACE_BLIND": "1" if blind else "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "INNOBRIDGE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "innobridge.settings",
        "PYTHONPATH": str(root),
    }
    proc = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(result["won"]) == 1, result
    assert len(result["lost"]) == N_THREADS - 1, result
    assert all("already booked" in m for m in result["lost"]), result
    assert result["rows"] == 1
    if blind:
        assert result["db"] == N_THREADS - 1, result


QUOTA_HOURS = 3


def _quota_race(resource: Any, person: Any, n: int) -> tuple[list[int], list[str]]:
    """One person sends ``n`` requests for separate one-hour slots at the same moment."""
    barrier = threading.Barrier(n)
    won: list[int] = []
    lost: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait()
            start = hk(2026, 3, 4, 9 + i)
            b = services.request_booking(
                person, resource, start, start.replace(hour=10 + i), now=NOW
            )
            with lock:
                won.append(b.pk)
        except ValidationError as exc:
            with lock:
                lost.append(" ".join(exc.messages))
        except Exception as exc:  # pragma: no cover - reported by the assertion
            with lock:
                lost.append(f"UNEXPECTED {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return won, lost


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_by_one_user_respect_quota_postgresql(
    resource: Any, make_person: Any, orgs: Any
) -> None:
    """The quota is read and the booking written while the booker's row is locked, so a
    user's simultaneous requests are serialised: exactly the quota is booked."""
    _needs_postgresql()
    from innobridge.people.models import ResearcherProfile

    resource.monthly_quota_hours = QUOTA_HOURS
    resource.min_duration_minutes = 60
    resource.save()
    person = make_person("greedy", roles=("researcher",))
    ResearcherProfile.objects.create(person=person, organisation=orgs["tsinghua"], region="CN")
    n = 8
    won, lost = _quota_race(resource, person, n)
    assert len(won) == QUOTA_HOURS, (won, lost)
    assert len(lost) == n - QUOTA_HOURS
    assert all("quota" in m for m in lost), lost
    assert Booking.objects.filter(resource=resource, booker=person).count() == QUOTA_HOURS
