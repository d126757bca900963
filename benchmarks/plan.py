"""The Action Plan dashboard at volume: full recomputation of every indicator and the
overview page's response time from snapshots, in a throw-away PostgreSQL database.

Generated volume (``--scale 1`` = the issue's figures): 100,000 joint proposals (two
accepted team members each, HK and Mainland; a third decided and awarded with two funder
decisions and a project, a third not funded), 1,000,000 facility bookings (sequential,
non-overlapping slots on 200 resources; most used, half by users from the other side),
25,000 technology offers + 25,000 enterprise demands (and 10,000 deals through the
funnel), 20,000 exchange stays (with their applications and offers), over 2024-01 to
2026-11, on 400 organisations and 6,000 people. Everything is created with bulk_create
(batches of 10,000) in a database created for the run and dropped at the end.

Measured:

* ``recompute_s``: ``take_snapshot`` for today — every indicator's total and every
  breakdown, computed through the pillar apps' selectors and stored (what the daily job
  does); and each indicator's own time (total + breakdowns) to find a slow one;
* ``overview``: the officers' overview page (``/plan/``, every area's cards from the
  snapshots: latest value, previous quarter, 8-quarter sparkline), requested through
  Django's test client, after history was stored (two years of daily totals and
  quarter-end snapshots with breakdowns); p50 / p95 / max over ``--requests``;
  likewise an area page and the public page.

The machine is shared: the load average before and after is recorded; timings are
pessimistic when it is high.

    .venv/bin/python benchmarks/plan.py [--scale 1] [--requests 60] [--keep]
    (PLAN_BENCH_PG=postgres://user:pw@host:port/ — the server; default the local one)

Generating the full volume takes long on a shared machine, so it can be done beforehand
(niced) and measured later, in a quiet window, on the same database:

    nice -n 19 .venv/bin/python benchmarks/plan.py --db innobridge_bench_plan --generate-only
    .venv/bin/python benchmarks/plan.py --db innobridge_bench_plan   # measures, keeps it
    .venv/bin/python benchmarks/plan.py --db innobridge_bench_plan --drop   # measures, drops

(``--db``: a named database, created and filled when it does not exist, reused — migrated,
its snapshots cleared — when it does; the volume generated is recorded in the database's
``plan_bench_volume`` table so that a later run reports it.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SERVER = os.environ.get("PLAN_BENCH_PG", "postgres://innobridge:secret@127.0.0.1:54320/")
DEFAULT_DB = f"innobridge_bench_plan_{os.getpid()}"
BATCH = 10_000
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
SPAN = (END - START).total_seconds()


def server_url(db: str) -> str:
    parts = urlsplit(SERVER)
    return urlunsplit((parts.scheme, parts.netloc, "/" + db, "", ""))


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def when(rng: random.Random, lo: float = 0.0, hi: float = 1.0) -> dt.datetime:
    return START + dt.timedelta(seconds=SPAN * rng.uniform(lo, hi))


def bulk(model: Any, objs: list[Any]) -> list[Any]:
    out = []
    for i in range(0, len(objs), BATCH):
        out.extend(model.objects.bulk_create(objs[i : i + BATCH], batch_size=BATCH))
    return out


def generate(scale: float, rng: random.Random) -> dict[str, int]:
    from innobridge.exchange import models as xm
    from innobridge.facilities import models as fm
    from innobridge.funding import models as fu
    from innobridge.people.models import Organisation, Person
    from innobridge.transfer import models as tm

    n = lambda x: max(1, int(x * scale))  # noqa: E731
    counts: dict[str, int] = {}
    cities = {"HK": ["Hong Kong"], "CN": ["Shenzhen", "Guangzhou", "Beijing", "Shanghai"]}
    orgs = bulk(
        Organisation,
        [
            Organisation(
                name=f"Bench University {i}",
                name_zh=f"基準大學{i}",
                region=("HK", "CN")[i % 2],
                country_code=("HK", "CN")[i % 2],
                city=rng.choice(cities[("HK", "CN")[i % 2]]),
            )
            for i in range(400)
        ],
    )
    hk_orgs = [o for o in orgs if o.region == "HK"]
    cn_orgs = [o for o in orgs if o.region == "CN"]
    people = bulk(
        Person,
        [
            Person(
                username=f"bench{i}",
                email=f"bench{i}@example.org",
                password="!",
                display_name=f"Bench {i}",
            )
            for i in range(6000)
        ],
    )
    officer = Person.objects.create_user(
        username="bench-officer", email="officer@example.org", password="bench-Passw0rd!"
    )
    from django.contrib.auth.models import Group

    officer.groups.add(Group.objects.get_or_create(name="programme_officer")[0])
    log("organisations and people")

    # ---- funding
    scheme = fu.Scheme.objects.create(name="Bench scheme")
    calls = bulk(
        fu.Call,
        [
            fu.Call(
                scheme=scheme,
                title=f"Bench call {y}",
                opens_at=dt.datetime(y, 1, 1, tzinfo=dt.UTC),
                closes_at=dt.datetime(y, 12, 31, tzinfo=dt.UTC),
            )
            for y in (2024, 2025, 2026)
        ],
    )
    funders = [
        fu.Funder.objects.create(name="Bench HK funder", side="HK", currency="HKD"),
        fu.Funder.objects.create(name="Bench CN funder", side="CN", currency="CNY"),
    ]
    proposals = []
    for i in range(n(100_000)):
        submitted = when(rng, 0, 0.97)
        r = rng.random()
        state = "awarded" if r < 0.33 else ("declined" if r < 0.66 else "in_review")
        decided = (
            submitted + dt.timedelta(days=rng.randint(60, 200)) if state != "in_review" else None
        )
        if decided is not None and decided > END:
            decided, state = None, "in_review"
        proposals.append(
            fu.Proposal(
                call=calls[min(2, submitted.year - 2024)],
                lead=people[i % len(people)],
                title_en=f"Joint proposal {i}",
                state=state,
                submitted_at=submitted,
                decided_at=decided,
            )
        )
    proposals = bulk(fu.Proposal, proposals)
    members = []
    for i, p in enumerate(proposals):
        hk, cn = hk_orgs[i % len(hk_orgs)], cn_orgs[(i * 7) % len(cn_orgs)]
        members.append(
            fu.TeamMember(
                proposal=p,
                person=p.lead,
                organisation=hk,
                side="HK",
                role="lead",
                status="accepted",
            )
        )
        members.append(
            fu.TeamMember(
                proposal=p,
                person=people[(i + 1) % len(people)],
                organisation=cn,
                side="CN",
                role="partner_lead",
                status="accepted",
            )
        )
    bulk(fu.TeamMember, members)
    awarded = [p for p in proposals if p.state == "awarded"]
    decisions, projects = [], []
    for i, p in enumerate(awarded):
        for f in funders:
            decisions.append(
                fu.FunderDecision(
                    proposal=p,
                    funder=f,
                    side=f.side,
                    decision="fund",
                    amount=Decimal(rng.randrange(200_000, 3_000_000, 1000)),
                    currency=f.currency,
                    decided_by=officer,
                    decided_at=p.decided_at,
                )
            )
        start = p.decided_at.date()
        projects.append(
            fu.Project(
                proposal=p,
                title=p.title_en,
                start_date=start,
                end_date=start + dt.timedelta(days=730),
                status=("on_track", "late", "completed")[i % 3],
            )
        )
    bulk(fu.FunderDecision, decisions)
    bulk(fu.Project, projects)
    counts.update(proposals=len(proposals), team_members=len(members), decisions=len(decisions))
    log(f"funding: {len(proposals)} proposals")

    # ---- facilities: sequential non-overlapping slots per resource
    facilities = bulk(
        fm.Facility,
        [
            fm.Facility(
                name=f"Bench facility {i}",
                organisation=orgs[i],
                city=orgs[i].city,
                region=orgs[i].region,
            )
            for i in range(20)
        ],
    )
    resources = bulk(
        fm.Resource,
        [
            fm.Resource(facility=facilities[i % 20], kind="instrument", name=f"Instrument {i}")
            for i in range(200)
        ],
    )
    total_bookings = n(1_000_000)
    per_resource = total_bookings // len(resources)
    step = dt.timedelta(seconds=SPAN / per_resource)
    made = 0
    for r_i, res in enumerate(resources):
        batch = []
        for k in range(per_resource):
            starts = START + step * k
            booker_i = rng.randrange(len(people))
            side = ("HK", "CN")[booker_i % 2]
            batch.append(
                fm.Booking(
                    resource=res,
                    booker=people[booker_i],
                    organisation=(hk_orgs if side == "HK" else cn_orgs)[booker_i % 200],
                    booker_region=side,
                    category="hk_academic" if side == "HK" else "mainland_academic",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2),
                    status="used" if rng.random() < 0.85 else "cancelled",
                    unit="hour",
                    unit_price=Decimal("500"),
                    quantity=Decimal("2"),
                    price=Decimal("1000"),
                    currency="HKD",
                )
            )
        fm.Booking.objects.bulk_create(batch, batch_size=BATCH)
        made += len(batch)
        if r_i % 40 == 39:
            log(f"bookings: {made}")
    counts["bookings"] = made

    # ---- transfer
    offers = bulk(
        tm.Offer,
        [
            tm.Offer(
                state="published",
                title=f"Bench offer {i}",
                ip_type=("granted_patent", "software", "know_how")[i % 3],
                stage="prototype",
                owner=orgs[i % len(orgs)],
                published_at=when(rng),
            )
            for i in range(n(25_000))
        ],
    )
    demands = bulk(
        tm.Demand,
        [
            tm.Demand(
                state="published",
                organisation=orgs[(i * 3) % len(orgs)],
                title=f"Bench demand {i}",
                target_value=Decimal(1),
                budget_min=Decimal(1000),
                budget_max=Decimal(100000),
                currency="HKD",
                deadline=dt.date(2027, 6, 30),
                region=("HK", "CN")[i % 2],
                sector=("ict", "energy", "biomedicine")[i % 3],
                preferred_mode="licence",
                published_at=when(rng),
            )
            for i in range(n(25_000))
        ],
    )
    deals = []
    for i in range(n(10_000)):
        created = when(rng, 0, 0.8)
        r = rng.random()
        nda = created + dt.timedelta(days=20) if r < 0.6 else None
        signed = created + dt.timedelta(days=rng.randint(60, 300)) if r < 0.25 else None
        deals.append(
            tm.Deal(
                offer=offers[i % len(offers)],
                party=people[i % len(people)],
                party_organisation=orgs[(i * 5) % len(orgs)],
                demand=demands[i % len(demands)],
                state="signed" if signed else ("nda_accepted" if nda else "interest"),
                created_at=created,
                nda_at=nda,
                signed_at=signed,
                signed_date=signed.date() if signed else None,
            )
        )
    # created_at is auto_now_add (bulk_create stamps "now"): put the dates back after.
    created_at = [d.created_at for d in deals]
    deals = bulk(tm.Deal, deals)
    for d, c in zip(deals, created_at, strict=True):
        d.created_at = c
    tm.Deal.objects.bulk_update(deals, ["created_at"], batch_size=2000)
    counts.update(offers=len(offers), demands=len(demands), deals=len(deals))
    log("transfer")

    # ---- exchange
    programmes = bulk(
        xm.Programme,
        [
            xm.Programme(
                title=f"Bench programme {i}",
                kind=("postdoc", "visiting", "internship", "young", "short")[i % 5],
                direction=("CN>HK", "HK>CN")[i % 2],
                places=100,
                placements_open=dt.date(2024, 1, 1),
                applications_open=dt.date(2024, 2, 1),
                applications_close=dt.date(2024, 3, 1),
                review_until=dt.date(2024, 4, 1),
                results_on=dt.date(2024, 5, 1),
                earliest_start=dt.date(2024, 6, 1),
            )
            for i in range(20)
        ],
    )
    placements = bulk(
        xm.Placement,
        [
            xm.Placement(
                programme=programmes[i % 20],
                title=f"Bench placement {i}",
                supervisor=people[i],
                organisation=orgs[i % len(orgs)],
                state="approved",
            )
            for i in range(1000)
        ],
    )
    n_stays = n(20_000)
    applications = bulk(
        xm.Application,
        [
            xm.Application(
                programme=programmes[i % 20],
                applicant=people[(i // 20) % len(people)],  # one application per programme
                state="accepted",
                home_region=("CN", "HK")[i % 2],
                home_organisation=orgs[i % len(orgs)],
                submitted_at=when(rng),
            )
            for i in range(n_stays)
        ],
    )
    x_offers = bulk(
        xm.Offer,
        [
            xm.Offer(
                application=a,
                placement=placements[i % len(placements)],
                state="accepted",
                reply_by=dt.date(2024, 6, 1),
            )
            for i, a in enumerate(applications)
        ],
    )
    stays = bulk(
        xm.Stay,
        [
            xm.Stay(
                offer=o,
                application=o.application,
                placement=o.placement,
                state=("accepted", "on_site", "completed", "cancelled")[i % 4],
                planned_arrival=dt.date(2025, 1, 1),
                planned_departure=dt.date(2025, 12, 31),
            )
            for i, o in enumerate(x_offers)
        ],
    )
    counts.update(applications=len(applications), stays=len(stays))
    log("exchange")
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--keep", action="store_true", help="do not drop the database")
    ap.add_argument("--db", default="", help="a named database: generated once, then reused")
    ap.add_argument("--generate-only", action="store_true", help="fill --db and stop")
    ap.add_argument("--drop", action="store_true", help="drop --db at the end")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "plan.json")
    args = ap.parse_args()
    db_name = args.db or DEFAULT_DB
    keep = (bool(args.db) and not args.drop) or args.keep

    result: dict[str, Any] = {
        "benchmark": "plan",
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "loadavg_before": loadavg()},
        "scale": args.scale,
    }
    reuse = bool(args.db) and database_exists(db_name)
    if not reuse:
        admin(f'CREATE DATABASE "{db_name}"')
    try:
        os.environ["DATABASE_URL"] = server_url(db_name)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
        os.environ.setdefault("INNOBRIDGE_VAR_DIR", "/tmp/innobridge-bench-plan-var")
        # The page is measured, not the sign-in: the officer has no second factor.
        os.environ["INNOBRIDGE_2FA_REQUIRED_ROLES"] = ""
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        result["migrate_s"] = round(time.perf_counter() - t, 1)
        log("migrated")
        with connection.cursor() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS plan_bench_volume (k text PRIMARY KEY, v text)")
            cur.execute("SELECT k, v FROM plan_bench_volume")
            stored = dict(cur.fetchall())
        if stored:
            result["scale"] = float(stored.pop("scale"))
            result["generated"] = stored.pop("generated", "")
            result["generate_s"] = float(stored.pop("generate_s", "0"))
            result["volume"] = {k: int(v) for k, v in stored.items()}
            log(f"reusing {db_name}: {result['volume']}")
        else:
            rng = random.Random(2026)
            t = time.perf_counter()
            result["volume"] = generate(args.scale, rng)
            result["generate_s"] = round(time.perf_counter() - t, 1)
            result["generated"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            with connection.cursor() as cur:
                rows = {
                    **{k: str(v) for k, v in result["volume"].items()},
                    "scale": str(args.scale),
                    "generated": result["generated"],
                    "generate_s": str(result["generate_s"]),
                }
                cur.executemany(
                    "INSERT INTO plan_bench_volume (k, v) VALUES (%s, %s)", list(rows.items())
                )
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
            cur.execute("SELECT version()")
            result["postgresql"] = cur.fetchone()[0].split(",")[0]
        if args.generate_only:
            log(f"generated {db_name}")
            return
        try:
            measure(result, args.requests)
        except Exception as exc:  # keep what was measured before the failure
            result["error"] = repr(exc)
            raise
    finally:
        if not keep:
            from django.db import connections

            connections.close_all()
            admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        result["machine"]["loadavg_after"] = loadavg()
        if not args.generate_only:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
            log(f"wrote {args.out}")
    if not args.generate_only:
        print(json.dumps({k: result.get(k) for k in ("recompute_s", "overview")}, indent=1))


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))], 1)


def _timed_gets(client: Any, url: str, count: int) -> dict[str, Any]:
    client.get(url)  # warm
    times = []
    for _ in range(count):
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return {
        "url": url,
        "requests": count,
        "p50_ms": _pct(times, 50),
        "p95_ms": _pct(times, 95),
        "max_ms": round(max(times), 1),
        "mean_ms": round(statistics.mean(times), 1),
    }


def measure(result: dict[str, Any], requests: int) -> None:
    from django.test import Client

    from innobridge.people.models import Person
    from innobridge.plan.indicators import registry
    from innobridge.plan.models import IndicatorSnapshot
    from innobridge.plan.services import end_of_day, take_snapshot, today_hk

    # A reused database: start from no snapshots, as a freshly generated one does.
    IndicatorSnapshot.objects.all().delete()
    as_of = end_of_day(today_hk())
    per: dict[str, float] = {}
    for ind in registry.all_indicators():
        t = time.perf_counter()
        ind.total(as_of)
        for d in ind.breakdowns:
            ind.breakdown(as_of, d)
        per[ind.key] = round(time.perf_counter() - t, 2)
    result["per_indicator_s"] = dict(sorted(per.items(), key=lambda kv: -kv[1]))
    log(f"per indicator: slowest {next(iter(result['per_indicator_s'].items()))}")

    t = time.perf_counter()
    rows = take_snapshot("benchmark")
    result["recompute_s"] = round(time.perf_counter() - t, 1)
    result["recompute_rows"] = rows
    result["recompute_loadavg"] = loadavg()
    log(f"full recomputation: {result['recompute_s']} s, {rows} rows")

    # History: two years of daily totals (copies of today's values, flagged demo) and
    # quarter-end snapshots with breakdowns (computed as of those days).
    today = today_hk()
    totals = {
        s.indicator_key: s.value
        for s in IndicatorSnapshot.objects.filter(taken_on=today, dimension="")
    }
    daily = []
    for back in range(1, 731):
        day = today - dt.timedelta(days=back)
        for key, value in totals.items():
            v = (
                None
                if value is None
                else (value * Decimal(730 - back) / 730).quantize(Decimal("0.0001"))
            )
            daily.append(IndicatorSnapshot(indicator_key=key, taken_on=day, value=v, is_demo=True))
    IndicatorSnapshot.objects.bulk_create(daily, batch_size=BATCH)
    ends = []
    q_end = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1) - dt.timedelta(days=1)
    for _ in range(4):
        ends.append(q_end)
        q_end = dt.date(q_end.year, ((q_end.month - 1) // 3) * 3 + 1, 1) - dt.timedelta(days=1)
    t = time.perf_counter()
    for day in ends:
        take_snapshot("benchmark", day=day)
    result["past_quarter_snapshots_s"] = round(time.perf_counter() - t, 1)
    result["snapshot_rows_total"] = IndicatorSnapshot.objects.count()
    log(f"history: {result['snapshot_rows_total']} snapshot rows")

    client = Client()
    client.force_login(Person.objects.get(username="bench-officer"))
    result["overview"] = _timed_gets(client, "/plan/", requests)
    result["area_page"] = _timed_gets(client, "/plan/area/research/", max(10, requests // 3))
    result["public_page"] = _timed_gets(Client(), "/plan/public/", max(10, requests // 3))
    result["targets"] = {
        "overview_p95_ms": 300,
        "recompute_s": 60,
        "overview_p95_met": result["overview"]["p95_ms"] < 300,
        "recompute_met": result["recompute_s"] < 60,
    }


if __name__ == "__main__":
    main()
