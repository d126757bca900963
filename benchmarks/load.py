# ruff: noqa: I001  (locust must be imported first: it patches the standard library)
"""The web tier under load (issue #17): Locust, headless, bounded, loopback only.

Starts the production server (``innobridge serve``: waitress, ``INNOBRIDGE_ENV=production``,
static files by WhiteNoise) on 127.0.0.1 against a PostgreSQL database that holds the demo
data (``innobridge demo --no-serve`` with the same ``DATABASE_URL``), then runs N simulated
users for T seconds with no think time over a mix of what people do:

* anonymous visitors (3 of 9): home, researcher search, a call page, facilities, a resource
  page (its booking calendar);
* signed-in researchers (3 of 9, ``demo-researcher``): their dashboard, partner search
  with a query, their proposal, their bookings;
* programme officers (1 of 9, ``demo-officer``): funding home, a call's management page, a
  proposal, the projects;
* API scripts (2 of 9, a personal token of ``demo-researcher``): researcher search, calls,
  resources, organisations.

The server sits as behind the TLS proxy of a deployment: it trusts ``X-Forwarded-Proto``
from 127.0.0.1 only (``--trusted-proxy``), and every simulated request carries
``X-Forwarded-Proto: https``. Two-factor sign-in is not required during the run
(``INNOBRIDGE_2FA_REQUIRED_ROLES`` empty): it is one step at log-in, not part of serving
pages, and a TOTP code is single-use, so 50 sessions of one demo officer could not all log
in within one 30-second step.

The users are Locust's ``FastHttpUser`` (geventhttpclient, several times cheaper per
request than ``HttpUser``'s requests): Locust runs on the same cores as the server.

Writes ``benchmarks/results/load.json``: requests/s, p50/p95/p99 per endpoint group and in
total, failures, the server's settings, CPU ms per request of the server, of PostgreSQL and
of Locust itself, and the machine's load average before and after and its CPU split (the
machine is shared: figures taken while others run tests are inflated).

    DATABASE_URL=postgres://innobridge:secret@127.0.0.1:54320/innobridge_scale_load \\
      INNOBRIDGE_VAR_DIR=var/load .venv/bin/python benchmarks/load.py \\
      --users 50 --seconds 60 --workers 2 --threads 4 --warmup 5

``--server gunicorn`` compares gunicorn's threaded workers, ``--server granian`` granian's
WSGI server (``uv pip install gunicorn granian`` first: neither is a dependency of the
project). The signed-in users share two accounts and nothing is written: ``--own-pages``
gives each signed-in user addresses of its own, so no two share a page the server keeps per
person (core/personpages.py), and ``--writes-per-s W`` updates a proposal W times a second
during the run, so the kept pages that read proposals are rendered again.
"""

from __future__ import annotations

# Locust patches the standard library for gevent: it is imported before anything else.
import locust
from locust import FastHttpUser, between, constant, task
from locust.env import Environment

import argparse
import json
import os
import platform
import random
import resource
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import gevent

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks import _machine  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
INNOBRIDGE = ROOT / ".venv" / "bin" / "innobridge"
DEMO_PASSWORD = "innobridge-demo"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
TERMS = [
    "catalysis",
    "machine learning",
    "protein folding",
    "深度學習",
    "新能源材料",
    "quantum",
    "urban climate",
    "drug discovery",
]

# What the run found in the database (ids of calls, resources, proposals) and a token.
TARGETS: dict[str, Any] = {}

DISCOVER = """
import json
from innobridge.people.models import ApiToken, Person
from innobridge.people import services
from innobridge.funding.models import Call, Proposal
from innobridge.funding import selectors as funding_selectors
from innobridge.facilities.models import Resource
researcher = Person.objects.get(username="demo-researcher")
officer = Person.objects.get(username="demo-officer")
for old in ApiToken.objects.filter(person=researcher, name="load test", revoked_at__isnull=True):
    services.revoke_api_token(researcher, old)
_token, key = services.create_api_token(researcher, "load test")
calls = list(Call.objects.order_by("pk").values_list("pk", flat=True)[:20])
own = list(Proposal.objects.filter(lead=researcher).values_list("pk", flat=True)[:10])
# proposals the officer may open (their calls', submitted): a 404 is not the server's
any_proposals = list(
    funding_selectors.visible_proposals(officer).order_by("pk").values_list("pk", flat=True)[:20]
)
print(json.dumps({
    "token": key,
    "calls": calls,
    "resources": list(Resource.objects.order_by("pk").values_list("pk", flat=True)[:30]),
    "own_proposals": own,
    "proposals": any_proposals,
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "INNOBRIDGE_ENV": "production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "load-test-" + "x" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "INNOBRIDGE_VAR_DIR": var_dir,
            "INNOBRIDGE_2FA_REQUIRED_ROLES": "",
            "MATCHING_AUTO_INDEX": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


def discover(env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [str(INNOBRIDGE), "shell", "-c", DISCOVER],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def collect_static(env: dict[str, str], var_dir: str) -> None:
    """``serve`` collects (and compresses) the static files on every production start,
    which takes minutes on a loaded 2-core machine: do it once here, then serve with
    ``--no-collectstatic``."""
    if not (Path(var_dir) / "static" / "staticfiles.json").exists():
        subprocess.run(
            [str(INNOBRIDGE), "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )


# What each ``--server`` starts, as the JSON names it (a server not listed here has no
# command in ``server_command`` either).
SERVER_SOFTWARE = {
    "waitress": "waitress (innobridge serve)",
    "gunicorn": "gunicorn gthread",
    "granian": "granian wsgi",
}


def server_command(server: str, port: int, threads: int, workers: int) -> list[str]:
    if server == "gunicorn":
        # for comparison: gunicorn's threaded workers, X-Forwarded-Proto trusted from
        # the loopback (its default secure_scheme_headers)
        return [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "innobridge.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--log-level",
            "error",
        ]
    if server == "granian":
        # for comparison: granian's Rust HTTP server in front of the WSGI application, its
        # worker processes accepting on one socket and keeping connections open (the
        # eleventh round: benchmarks/README.md); X-Forwarded-Proto is trusted by Django's
        # SECURE_PROXY_SSL_HEADER in production
        return [
            str(ROOT / ".venv" / "bin" / "granian"),
            "--interface",
            "wsgi",
            "innobridge.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--runtime-mode",
            "st",
            "--log-level",
            "error",
            "--no-ws",
        ]
    cmd = [
        str(INNOBRIDGE),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--threads",
        str(threads),
        "--trusted-proxy",
        "127.0.0.1",
        "--no-collectstatic",
    ]
    return cmd + (["--workers", str(workers)] if workers > 1 else [])


def start_server(
    env: dict[str, str], port: int, threads: int, server: str = "waitress", workers: int = 1
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        server_command(server, port, threads, workers),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            probe = urllib.request.Request(
                f"http://127.0.0.1:{port}/healthz", headers=PROXY_HEADERS
            )
            with urllib.request.urlopen(probe, timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(1)
    proc.terminate()
    raise SystemExit("the server did not answer /healthz within 600 s")


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its descendants (the server's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(d.name))
        stats[int(d.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += stats.get(p, 0.0)
        todo.extend(children.get(p, []))
    return total


def command_cpu(name: str) -> float:
    """CPU seconds of every process whose command is ``name`` (the PostgreSQL server's
    processes: shared with other databases on this machine, so an upper bound)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            head, tail = (d / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.split("(", 1)[1] == name:
            fields = tail.split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --- The simulated users -------------------------------------------------------------


class _Base(FastHttpUser):
    """Locust's cheaper HTTP client (geventhttpclient): the load generator shares the two
    cores with the server, so its own CPU per request counts (``locust.cpu_ms_per_request``
    in the JSON)."""

    abstract = True
    wait_time = constant(0)

    def get(self, path: str, name: str, own: bool = False, **kwargs: Any) -> None:
        headers = {**PROXY_HEADERS, **kwargs.pop("headers", {})}
        if own and OPTIONS.get("own_pages"):
            # An address of this user's own (the views ignore the parameter): no two users
            # share a signed-in page kept for its person (core/personpages.py), as if each
            # were a different person.
            number = OWN_NUMBERS.setdefault(id(self), len(OWN_NUMBERS) + 1)
            path += ("&" if "?" in path else "?") + f"load_user={number}"
        started = time.perf_counter()
        # Redirects are not followed: a page that sends the user to the log-in page (or
        # anywhere else) is a failure, not the log-in page's 200.
        with self.client.get(
            path, name=name, headers=headers, catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code != 200:
                where = (r.headers or {}).get("Location", "")
                r.failure(f"HTTP {r.status_code}" + (f" to {where}" if where else ""))
        seen = PER_USER.setdefault(id(self), [type(self).__name__, 0, 0.0])
        seen[1] += 1
        seen[2] += time.perf_counter() - started

    def login(self, username: str) -> None:
        page = self.client.get("/accounts/login/", name="log in", headers=PROXY_HEADERS)
        self._plain_cookies()
        token = self._cookie("csrftoken")
        body = urllib.parse.urlencode(
            {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
        )
        response = self.client.post(
            "/accounts/login/",
            data=body,
            headers={
                **PROXY_HEADERS,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{self._host()}/accounts/login/",
            },
            name="log in",
            allow_redirects=False,
        )
        self._plain_cookies()
        if response.status_code != 302 or page.status_code != 200:
            raise locust.exception.StopUser(f"log-in as {username}: {response.status_code}")

    def _host(self) -> str:
        return str(self.host).split("://", 1)[1].rstrip("/")

    def _cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.client.cookiejar if c.name == name), "")

    def _plain_cookies(self) -> None:
        # The production cookies are Secure (the proxy speaks HTTPS to browsers); this
        # client talks plain HTTP to the loopback, so it sends them anyway.
        for cookie in self.client.cookiejar:
            cookie.secure = False


class AnonymousVisitor(_Base):
    weight = 3

    @task(3)
    def home(self) -> None:
        self.get("/", "anonymous: home")

    @task(2)
    def researcher_search(self) -> None:
        q = random.choice(TERMS)
        self.get(f"/people/researchers/?q={q}", "anonymous: researcher search")

    @task(2)
    def call_page(self) -> None:
        self.get(f"/funding/calls/{random.choice(TARGETS['calls'])}/", "anonymous: call page")

    @task(1)
    def facilities(self) -> None:
        self.get("/facilities/", "anonymous: facilities")

    @task(1)
    def resource(self) -> None:
        pk = random.choice(TARGETS["resources"])
        self.get(f"/facilities/r/{pk}/", "anonymous: resource page")


class Researcher(_Base):
    weight = 3

    def on_start(self) -> None:
        self.login("demo-researcher")

    @task(3)
    def dashboard(self) -> None:
        self.get("/", "researcher: dashboard", own=True)

    @task(3)
    def partner_search(self) -> None:
        q = random.choice(TERMS)
        self.get(f"/people/partners/?q={q}", "researcher: partner search")

    @task(1)
    def proposal(self) -> None:
        if TARGETS["own_proposals"]:
            pk = random.choice(TARGETS["own_proposals"])
            self.get(f"/funding/proposals/{pk}/", "researcher: own proposal", own=True)

    @task(1)
    def bookings(self) -> None:
        self.get("/facilities/my/", "researcher: my bookings", own=True)


class Officer(_Base):
    weight = 1

    def on_start(self) -> None:
        self.login("demo-officer")

    @task(2)
    def funding(self) -> None:
        self.get("/funding/", "officer: funding home", own=True)

    @task(2)
    def call_manage(self) -> None:
        pk = random.choice(TARGETS["calls"])
        self.get(f"/funding/calls/{pk}/manage/", "officer: call management", own=True)

    @task(1)
    def proposal(self) -> None:
        pk = random.choice(TARGETS["proposals"])
        self.get(f"/funding/proposals/{pk}/", "officer: proposal", own=True)

    @task(1)
    def projects(self) -> None:
        self.get("/funding/projects/", "officer: projects", own=True)


class ApiScript(_Base):
    weight = 2

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TARGETS['token']}"}

    @task(2)
    def researchers(self) -> None:
        q = random.choice(TERMS)
        self.get(f"/api/researchers?q={q}", "api: researchers", headers=self.auth())

    @task(1)
    def calls(self) -> None:
        self.get("/api/funding/calls", "api: calls", headers=self.auth())

    @task(1)
    def resources(self) -> None:
        self.get("/api/facilities/resources", "api: resources", headers=self.auth())

    @task(1)
    def organisations(self) -> None:
        self.get("/api/organisations?q=university", "api: organisations", headers=self.auth())


USERS = [AnonymousVisitor, Researcher, Officer, ApiScript]


def _own_cpu() -> float:
    """CPU seconds (user + system) of this process: Locust itself."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentiles(entry: Any) -> dict[str, Any]:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "requests_per_s": round(entry.total_rps, 2),
        "p50_ms": entry.get_response_time_percentile(0.50),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "mean_ms": round(entry.avg_response_time, 1),
        "max_ms": round(entry.max_response_time, 1),
    }


WARMUP: dict[str, Any] = {}

# Per simulated user (one keep-alive connection each, held by the server process that
# accepted it): [class, requests, seconds waited] over the steady state. The spread of
# the users' mean latencies shows how evenly the server's processes share the load.
PER_USER: dict[int, list[Any]] = {}
# --own-pages and --writes-per-s (set by main()); each user's number for --own-pages.
OPTIONS: dict[str, Any] = {}
OWN_NUMBERS: dict[int, int] = {}


def per_user_spread() -> dict[str, Any]:
    """Each user class's users' mean latencies (ms): min, median, max, and how many
    users; what makes one user wait longer than another of the same class is the queue
    of the process holding their connection."""
    by_class: dict[str, list[float]] = {}
    for cls, n, waited in PER_USER.values():
        if n:
            by_class.setdefault(cls, []).append(1000 * waited / n)
    out: dict[str, Any] = {}
    for cls, means in sorted(by_class.items()):
        means.sort()
        out[cls] = {
            "users": len(means),
            "min_ms": round(means[0], 1),
            "median_ms": round(means[len(means) // 2], 1),
            "max_ms": round(means[-1], 1),
        }
    return out


def run_load(
    host: str,
    users: int,
    seconds: float,
    spawn_rate: float,
    think: float,
    warmup: float = 0,
    on_reset: Any = None,
) -> Any:
    """Run the users against ``host``; returns Locust's stats.

    ``warmup`` > 0: the stats are reset that many seconds after the last user started (the
    log-ins, Argon2 password checks, happen while users start), so the figures are the
    steady state's over the following ``seconds``; what the warm-up measured is kept in
    ``WARMUP``, and ``on_reset()`` is called then (to take the CPU counters again)."""
    for cls in USERS:
        cls.host = host
        cls.wait_time = between(0, think) if think > 0 else constant(0)
    env = Environment(user_classes=USERS, events=locust.events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    if warmup > 0:
        gevent.sleep(users / spawn_rate + warmup)
        WARMUP.update(
            seconds=round(users / spawn_rate + warmup, 1),
            total=_percentiles(env.stats.total),
            log_in=_percentiles(env.stats.get("log in", "POST")),
        )
        env.stats.reset_all()
        PER_USER.clear()
        if on_reset is not None:
            on_reset()
    gevent.spawn_later(seconds, runner.quit)
    assert runner.greenlet is not None
    runner.greenlet.join()
    return env.stats


# --writes-per-s: a proposal's row updated through the ORM (as a service's save would be),
# in a process of its own with the server's settings, so the kept pages that read the
# proposals table are stale that often.
WRITER = """
import sys, time
from django.utils import timezone
from innobridge.funding.models import Proposal
pks = list(Proposal.objects.order_by("pk").values_list("pk", flat=True)[:20])
interval = 1.0 / float(sys.argv[1])
n = 0
while True:
    Proposal.objects.filter(pk=pks[n % len(pks)]).update(updated_at=timezone.now())
    n += 1
    print(n, flush=True)
    time.sleep(interval)
"""


def start_writer(env: dict[str, str], per_s: float) -> subprocess.Popen[bytes]:
    script = Path(env["INNOBRIDGE_VAR_DIR"]) / "load_writer.py"
    script.write_text(WRITER)
    return subprocess.Popen(
        [
            str(INNOBRIDGE),
            "shell",
            "-c",
            f"import sys; sys.argv=['w', '{per_s}']; exec(open({str(script)!r}).read())",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument(
        "--warmup",
        type=float,
        default=0,
        help="seconds after the last user started before the stats are reset (0: none; "
        "the log-ins then count in the figures)",
    )
    parser.add_argument("--think", type=float, default=0, help="max think time (s); 0: none")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--server",
        choices=sorted(SERVER_SOFTWARE),
        default="waitress",
        help="waitress: innobridge serve; gunicorn (gthread workers) and granian, for "
        "comparison (each installed by hand: uv pip install gunicorn granian)",
    )
    parser.add_argument("--host", help="an already running server (skips starting one)")
    parser.add_argument("--out", default=str(RESULTS / "load.json"))
    parser.add_argument("--label", default="", help="a name for this run in the JSON")
    parser.add_argument(
        "--without-partner-search",
        action="store_true",
        help="leave partner search out (when the matching index is not built yet: the "
        "first search would build it inside a request)",
    )
    parser.add_argument(
        "--own-pages",
        action="store_true",
        help="each signed-in user asks for its own addresses (a parameter the views ignore): "
        "no two users share a page kept for their person, as if each were another person",
    )
    parser.add_argument(
        "--writes-per-s",
        type=float,
        default=0,
        help="update a proposal's row this many times a second during the run (through the "
        "ORM, in another process): kept pages that read proposals are rendered again",
    )
    args = parser.parse_args(argv)
    OPTIONS.update(own_pages=args.own_pages)

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("DATABASE_URL must name the PostgreSQL database with the demo data", file=sys.stderr)
        return 2
    var_dir = os.environ.get("INNOBRIDGE_VAR_DIR", str(ROOT / "var" / "load"))
    env = server_env(database_url, var_dir)
    TARGETS.update(discover(env))
    if args.without_partner_search:
        Researcher.tasks = [t for t in Researcher.tasks if t.__name__ != "partner_search"]

    proc = None
    host = args.host
    if host is None:
        collect_static(env, var_dir)
        port = _free_port()
        proc = start_server(env, port, args.threads, args.server, args.workers)
        host = f"http://127.0.0.1:{port}"
    # CPU counters from here, or from the end of the warm-up when it is excluded.
    mark: dict[str, Any] = {}

    def take_mark() -> None:
        mark.update(
            machine=_machine.snapshot(),
            server=process_tree_cpu(proc.pid) if proc is not None else 0.0,
            locust=_own_cpu(),
            postgres=command_cpu("postgres"),
        )

    writer = start_writer(env, args.writes_per_s) if args.writes_per_s > 0 else None
    take_mark()
    started = time.time()
    try:
        stats = run_load(
            host, args.users, args.seconds, args.spawn_rate, args.think, args.warmup, take_mark
        )
    finally:
        machine = _machine.summary(mark["machine"], _machine.snapshot())
        server_cpu = process_tree_cpu(proc.pid) - mark["server"] if proc is not None else 0.0
        locust_cpu = _own_cpu() - mark["locust"]
        postgres_cpu = command_cpu("postgres") - mark["postgres"]
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        writes = 0
        if writer is not None:
            writer.terminate()
            out_lines = (writer.communicate(timeout=30)[0] or b"").split()
            writes = int(out_lines[-1]) if out_lines else 0

    groups = {
        entry.name: _percentiles(entry)
        for entry in sorted(stats.entries.values(), key=lambda e: e.name)
    }
    result = {
        "benchmark": "web tier under load (issue #17)",
        "label": args.label,
        "when_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "server": {
            "software": (
                SERVER_SOFTWARE[args.server] if proc is not None else f"already running: {host}"
            ),
            "threads": args.threads,
            "processes": args.workers,
            "mode": "INNOBRIDGE_ENV=production, X-Forwarded-Proto https from 127.0.0.1",
            "database": "PostgreSQL (demo data)",
            "cpu_seconds_during_run": round(server_cpu, 1),
            "cpu_ms_per_request": round(1000 * server_cpu / max(1, stats.total.num_requests), 1),
        },
        "postgres": {
            "cpu_seconds_during_run": round(postgres_cpu, 1),
            "cpu_ms_per_request": round(1000 * postgres_cpu / max(1, stats.total.num_requests), 2),
            "note": "every process named postgres on the machine (other databases too)",
        },
        "locust": {
            "user_class": "FastHttpUser (geventhttpclient)",
            "cpu_seconds_during_run": round(locust_cpu, 1),
            "cpu_ms_per_request": round(1000 * locust_cpu / max(1, stats.total.num_requests), 2),
            "note": "Locust's own process; like the server's figure and the machine's CPU "
            "split, counted over the steady state when --warmup is given",
        },
        "load": {
            "users": args.users,
            "seconds": args.seconds,
            "spawn_rate": args.spawn_rate,
            "think_time_max_s": args.think,
            "mix": {cls.__name__: cls.weight for cls in USERS},
            "partner_search": not args.without_partner_search,
            "own_pages": args.own_pages,
            "writes_per_s": args.writes_per_s,
            "writes_done": writes,
            "warmup_excluded": WARMUP or None,
            "per_user_mean_latency": per_user_spread(),
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            **machine,
            "note": (
                "shared machine: cpu_share says how much of the CPUs went to niced work "
                "(other engineers) during the run"
            ),
        },
        "total": _percentiles(stats.total),
        "groups": groups,
        "errors": [
            {"name": e.name, "error": str(e.error), "count": e.occurrences}
            for e in stats.errors.values()
        ],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    total = result["total"]
    print(
        f"{total['requests']} requests, {total['requests_per_s']} req/s, "
        f"p50 {total['p50_ms']} ms, p95 {total['p95_ms']} ms, p99 {total['p99_ms']} ms, "
        f"{total['failures']} failures; load average {machine['load_average_before'][0]:.1f} → "
        f"{machine['load_average_after'][0]:.1f}, niced share {machine['cpu_share']['niced']}; "
        f"CPU ms/request: server {result['server']['cpu_ms_per_request']}, "
        f"PostgreSQL {result['postgres']['cpu_ms_per_request']}, "
        f"Locust {result['locust']['cpu_ms_per_request']}"
    )
    print(f"→ {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
