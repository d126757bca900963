"""CPU and queries per page, in process (issue #17): the pages of ``benchmarks/load.py``
rendered through Django's test client with the production settings against the load
database, so a page's own cost is seen without the server, the network or Locust.

For each page: server CPU ms per request in this process (``time.process_time``, median
over ``--repeat`` requests after one warm-up request), wall ms, and the number of SQL
queries (``CaptureQueriesContext``). ``--profile NAME`` prints cProfile's top functions
of that page. CPU figures do not need a quiet machine (they are CPU time, not wall time),
but a loaded machine inflates them somewhat (caches, frequency).

    DATABASE_URL=postgres://innobridge:secret@127.0.0.1:54320/innobridge_web_load \\
      INNOBRIDGE_VAR_DIR=var/load .venv/bin/python benchmarks/profile_pages.py --repeat 20
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("INNOBRIDGE_ENV", "production")
os.environ.setdefault("SECRET_KEY", "profile-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("INNOBRIDGE_2FA_REQUIRED_ROLES", "")
os.environ.setdefault("MATCHING_AUTO_INDEX", "0")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import _machine  # noqa: E402

TERMS = ["catalysis", "machine learning", "深度學習"]


def pages() -> tuple[list[tuple[str, str, str, dict[str, str]]], dict[str, Any]]:
    """(name, who, path, headers) of the load mix's pages."""
    from innobridge.facilities.models import Resource
    from innobridge.funding import selectors as funding_selectors
    from innobridge.funding.models import Call, Proposal
    from innobridge.people import services
    from innobridge.people.models import ApiToken, Person

    researcher = Person.objects.get(username="demo-researcher")
    officer = Person.objects.get(username="demo-officer")
    for old in ApiToken.objects.filter(person=researcher, name="profile", revoked_at__isnull=True):
        services.revoke_api_token(researcher, old)
    _token, key = services.create_api_token(researcher, "profile")
    call = Call.objects.order_by("pk").first()
    resource = Resource.objects.order_by("pk").first()
    own = Proposal.objects.filter(lead=researcher).order_by("pk").first()
    theirs = funding_selectors.visible_proposals(officer).order_by("pk").first()
    assert call and resource and own and theirs
    api = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listing = [
        ("anonymous: home", "anon", "/", {}),
        ("anonymous: researcher search", "anon", "/people/researchers/?q=catalysis", {}),
        ("anonymous: call page", "anon", f"/funding/calls/{call.pk}/", {}),
        ("anonymous: facilities", "anon", "/facilities/", {}),
        ("anonymous: resource page", "anon", f"/facilities/r/{resource.pk}/", {}),
        ("researcher: dashboard", "researcher", "/", {}),
        ("researcher: partner search", "researcher", "/people/partners/?q={term}", {}),
        ("researcher: own proposal", "researcher", f"/funding/proposals/{own.pk}/", {}),
        ("researcher: my bookings", "researcher", "/facilities/my/", {}),
        ("officer: funding home", "officer", "/funding/", {}),
        ("officer: call management", "officer", f"/funding/calls/{call.pk}/manage/", {}),
        ("officer: proposal", "officer", f"/funding/proposals/{theirs.pk}/", {}),
        ("officer: projects", "officer", "/funding/projects/", {}),
        ("api: researchers", "anon", "/api/researchers?q=catalysis", api),
        ("api: calls", "anon", "/api/funding/calls", api),
        ("api: resources", "anon", "/api/facilities/resources", api),
        ("api: organisations", "anon", "/api/organisations?q=university", api),
    ]
    return listing, {"researcher": researcher, "officer": officer}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--profile", action="append", default=[], help="page name (substring)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sql", action="append", default=[], help="print a page's queries")
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)

    listing, people = pages()
    clients = {"anon": Client(), "researcher": Client(), "officer": Client()}
    clients["researcher"].force_login(people["researcher"])
    clients["officer"].force_login(people["officer"])
    before = _machine.snapshot()
    rows: dict[str, Any] = {}
    for name, who, path, headers in listing:
        client = clients[who]
        cpu: list[float] = []
        wall: list[float] = []
        queries = 0
        status = 0
        for i in range(args.repeat + 1):
            url = path.format(term=TERMS[i % len(TERMS)])
            with CaptureQueriesContext(connection) as ctx:
                c0, w0 = time.process_time(), time.perf_counter()
                response = client.get(url, secure=True, **headers)
                c1, w1 = time.process_time(), time.perf_counter()
            status = response.status_code
            if i == 0:
                continue  # the first request warms templates and caches
            cpu.append(1000 * (c1 - c0))
            wall.append(1000 * (w1 - w0))
            queries = len(ctx.captured_queries)
        if any(p in name for p in args.sql):
            print(f"\n=== {name}: {queries} queries ===")
            for q in ctx.captured_queries:
                print("  ", q["sql"][:300])
        if any(p in name for p in args.profile):
            prof = cProfile.Profile(time.process_time)  # CPU, not wall: others run here
            prof.enable()
            for i in range(args.repeat):
                client.get(path.format(term=TERMS[i % len(TERMS)]), secure=True, **headers)
            prof.disable()
            print(f"\n=== {name} ({args.repeat} requests) ===")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
        rows[name] = {
            "status": status,
            "queries": queries,
            "cpu_ms_median": round(statistics.median(cpu), 1),
            "wall_ms_median": round(statistics.median(wall), 1),
        }
        print(
            f"{name:32s} {status} queries {queries:3d}  cpu {rows[name]['cpu_ms_median']:6.1f} ms"
            f"  wall {rows[name]['wall_ms_median']:6.1f} ms"
        )
    mean_cpu = statistics.mean(r["cpu_ms_median"] for r in rows.values())
    print(f"mean over pages: cpu {mean_cpu:.1f} ms")
    if args.out:
        result = {
            "benchmark": "CPU and queries per page, in process (issue #17)",
            "label": args.label,
            "when_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "repeat": args.repeat,
            "machine": _machine.summary(before, _machine.snapshot()),
            "pages": rows,
            "mean_cpu_ms": round(mean_cpu, 1),
        }
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
