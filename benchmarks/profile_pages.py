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

# Each page's share of the requests of ``load.py``'s mix, per 1,080 requests: without think
# time every user waits about as long as every other, so each class sends about as many
# requests as it has users (anonymous 3/9, researchers 3/9, officers 1/9, API 2/9), split
# by its tasks' weights (e.g. the dashboard: 3/9 × 3/8 = 135 of 1,080).
MIX = {
    "anonymous: home": 120,
    "anonymous: researcher search": 80,
    "anonymous: call page": 80,
    "anonymous: facilities": 40,
    "anonymous: resource page": 40,
    "researcher: dashboard": 135,
    "researcher: partner search": 135,
    "researcher: own proposal": 45,
    "researcher: my bookings": 45,
    "officer: funding home": 40,
    "officer: call management": 40,
    "officer: proposal": 20,
    "officer: projects": 20,
    "api: researchers": 96,
    "api: calls": 48,
    "api: resources": 48,
    "api: organisations": 48,
}


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
    parser.add_argument("--only", action="append", default=[], help="pages named so (substring)")
    parser.add_argument("--skip", action="append", default=[], help="leave these pages out")
    parser.add_argument(
        "--calls",
        action="store_true",
        help="then run one more round of the load mix under cProfile and record the Python "
        "function calls per request: a count that does not move with the machine's speed",
    )
    parser.add_argument(
        "--mix",
        type=int,
        default=0,
        help="then run this many rounds of the load mix (1,080 requests each, pages in "
        "their shares of load.py's requests, shuffled): CPU ms per request of the mix",
    )
    args = parser.parse_args(argv)

    listing, people = pages()
    clients = {"anon": Client(), "researcher": Client(), "officer": Client()}
    clients["researcher"].force_login(people["researcher"])
    clients["officer"].force_login(people["officer"])
    before = _machine.snapshot()
    rows: dict[str, Any] = {}
    for name, who, path, headers in listing:
        if (args.only and not any(p in name for p in args.only)) or any(
            p in name for p in args.skip
        ):
            continue
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
    weighted = None
    if set(MIX) <= set(rows):
        weighted = sum(MIX[n] * rows[n]["cpu_ms_median"] for n in MIX) / sum(MIX.values())
        print(f"pages' medians weighted by the load mix: cpu {weighted:.2f} ms per request")
    mix = run_mix(listing, clients, args.mix) if args.mix else None
    calls = count_calls(listing, clients) if args.calls else None
    if args.out:
        result = {
            "benchmark": "CPU and queries per page, in process (issue #17)",
            "label": args.label,
            "when_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "repeat": args.repeat,
            "machine": _machine.summary(before, _machine.snapshot()),
            "pages": rows,
            "mean_cpu_ms": round(mean_cpu, 1),
            "mix_weighted_median_cpu_ms": None if weighted is None else round(weighted, 2),
            "mix": mix,
            "function_calls_per_request": calls,
        }
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


def count_calls(
    listing: list[tuple[str, str, str, dict[str, str]]], clients: dict[str, Any]
) -> int:
    """Python function calls per request over one round of the load mix (after the pages'
    and the mix's warm-up), counted by cProfile: unlike CPU time, the same for the same code
    whatever else the machine is doing, so two versions compare without a quiet window."""
    prof = cProfile.Profile()
    prof.enable()
    out = run_mix(listing, clients, 1)
    prof.disable()
    total = pstats.Stats(prof).total_calls  # type: ignore[attr-defined]
    per_request = round(total / out["requests"])
    print(f"load mix under cProfile: {per_request} function calls per request")
    return per_request


def run_mix(
    listing: list[tuple[str, str, str, dict[str, str]]], clients: dict[str, Any], rounds: int
) -> dict[str, Any]:
    """``rounds`` × 1,080 requests in the load mix's shares, in a seeded random order, with
    the server's garbage-collector settings: CPU (``time.process_time``, the collector's
    included) per request, and how many queries each request ran on average."""
    import random

    from innobridge.core.management.commands.serve import tune_garbage_collection

    tune_garbage_collection()  # as the server's workers run (after the pages' warm-up)
    order = [entry for entry in listing for _ in range(MIX[entry[0]])]
    rng = random.Random(17)
    cpu = 0.0
    failures = 0
    n = 0
    counted = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1  # cheaper than CaptureQueriesContext's debug cursor
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for _ in range(rounds):
            rng.shuffle(order)
            for _name, who, path, headers in order:
                url = path.format(term=TERMS[n % len(TERMS)])
                c0 = time.process_time()
                response = clients[who].get(url, secure=True, **headers)
                cpu += time.process_time() - c0
                failures += response.status_code != 200
                n += 1
    queries = counted[0]
    out = {
        "rounds": rounds,
        "requests": n,
        "failures": failures,
        "cpu_ms_per_request": round(1000 * cpu / n, 2),
        "queries_per_request": round(queries / n, 2),
    }
    print(
        f"load mix, {n} requests: cpu {out['cpu_ms_per_request']} ms per request, "
        f"{out['queries_per_request']} queries per request, {failures} not 200"
    )
    return out


if __name__ == "__main__":
    raise SystemExit(main())
