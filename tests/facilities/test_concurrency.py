"""No double booking under concurrency: many threads, each with its own database
connection, request overlapping slots at the same moment; exactly one wins and every
other gets the clear "already booked" message.

* PostgreSQL (the exclusion constraint decides): runs when the suite runs on PostgreSQL
  (DATABASE_URL=postgres://…), skipped on SQLite.
* SQLite (the write lock decides, the triggers back it up): runs in a subprocess against
  a file database configured like the embedded deployment (WAL, IMMEDIATE
  transactions), because pytest-django's in-memory test database is not how SQLite runs
  in production.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from innobridge.facilities import services
from innobridge.facilities.models import Booking

from .conftest import NOW, hk

N_THREADS = 12


def _race(resource: Any, bookers: list[Any]) -> tuple[list[int], list[str]]:
    barrier = threading.Barrier(len(bookers))
    won: list[int] = []
    lost: list[str] = []
    lock = threading.Lock()

    def worker(i: int, person: Any) -> None:
        try:
            barrier.wait()
            # Overlapping slots: 10:00–12:00, 10:30–12:30, 11:00–13:00 ...
            start = hk(2026, 3, 4, 10 + (i % 3) // 2, 30 * (i % 2))
            end = start.replace(hour=start.hour + 2)
            b = services.request_booking(person, resource, start, end, now=NOW)
            with lock:
                won.append(b.pk)
        except services.BookingConflict as exc:
            with lock:
                lost.append(" ".join(exc.messages))
        except Exception as exc:  # pragma: no cover - reported by the assertion
            with lock:
                lost.append(f"UNEXPECTED {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(bookers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return won, lost


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_postgresql(resource: Any, make_person: Any, orgs: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server (set DATABASE_URL=postgres://…)")
    from innobridge.people.models import ResearcherProfile

    bookers = []
    for i in range(N_THREADS):
        p = make_person(f"racer{i}", roles=("researcher",))
        ResearcherProfile.objects.create(person=p, organisation=orgs["tsinghua"], region="CN")
        bookers.append(p)
    won, lost = _race(resource, bookers)
    assert len(won) == 1, (won, lost)
    assert len(lost) == N_THREADS - 1
    assert all("already booked" in m for m in lost), lost
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
from tests.facilities.test_concurrency import N_THREADS, _race

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
won, lost = _race(res, bookers)
print(json.dumps({"won": won, "lost": lost, "rows": Booking.objects.count()}))
"""


@pytest.mark.slow
def test_concurrent_requests_sqlite_file_database(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
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
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server (set DATABASE_URL=postgres://…)")
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
