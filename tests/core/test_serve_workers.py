"""``innobridge serve --workers N``: N waitress processes share the port; the parent
restarts a worker that dies and stops them all on SIGTERM."""

from __future__ import annotations

import gc
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from innobridge.core.management.commands import serve as serve_cmd

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="--workers needs fork")


def _children(pid: int) -> set[int]:
    found = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.add(int(d.name))
    return found


def _held_connections(pids: set[int], port: int) -> dict[int, int]:
    """How many established TCP connections to ``port`` each process holds (Linux)."""
    established = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":
            established.add(fields[9])  # the socket's inode
    held = {}
    for pid in pids:
        links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        held[pid] = sum(1 for link in links if link[8:-1] in established)
    return held


class _Channel:
    """Stands in for a waitress channel (one client connection)."""

    def check_client_disconnected(self) -> bool:
        return False


class _FakeServer:
    def __init__(self, *channels: _Channel) -> None:
        self.active_channels = {id(ch): ch for ch in channels}
        self.open = True

    def readable(self) -> bool:
        return self.open


def test_the_meter_keeps_each_connections_cost_per_request() -> None:
    spent = {"seconds": 0.0}

    def app(environ: dict[str, object], start_response: object) -> list[bytes]:
        deadline = time.thread_time() + spent["seconds"]
        while time.thread_time() < deadline:
            pass
        return [b"ok"]

    meter = serve_cmd.WorkMeter(app)
    heavy, light = _Channel(), _Channel()
    spent["seconds"] = 0.02
    assert meter({"waitress.client_disconnected": heavy.check_client_disconnected}, None) == [b"ok"]
    spent["seconds"] = 0.0
    meter({"waitress.client_disconnected": light.check_client_disconnected}, None)
    meter({}, None)  # not from waitress: measured for no connection
    assert meter.costs[heavy] >= 0.02 > meter.costs[light]
    meter.record(heavy, 0.0)  # a moving average: one cheap request does not erase it
    assert 0.0 < meter.costs[heavy] < 0.02
    before = meter.costs[heavy]
    meter.record(heavy, 1.0)  # a one-off (a log-in's hash): counts as 3x the average at most
    assert meter.costs[heavy] == pytest.approx(before + serve_cmd.COST_WEIGHT * 2 * before)
    overhead = serve_cmd.PER_REQUEST_OVERHEAD
    load, typical = meter.load([heavy, light])
    assert load == pytest.approx(meter.costs[heavy] + meter.costs[light] + 2 * overhead)
    assert typical == pytest.approx(load / 2)
    new = _Channel()  # not measured yet: counts as a typical connection
    assert meter.load([heavy, light, new])[0] == pytest.approx(load + typical)
    assert meter.load([new]) == (overhead, overhead)
    del heavy  # a closed connection is forgotten
    gc.collect()
    assert list(meter.costs.keys()) == [light]


def test_a_worker_takes_connections_only_while_it_is_among_the_least_loaded() -> None:
    loads = [serve_cmd.NOT_ACCEPTING] * 2
    meters = [serve_cmd.WorkMeter(lambda e, s: []), serve_cmd.WorkMeter(lambda e, s: [])]
    officers = [_Channel(), _Channel()]
    visitors = [_Channel() for _ in range(6)]
    for ch in officers:
        meters[0].record(ch, 0.025)
    for ch in visitors:
        meters[1].record(ch, 0.0005)
    busy, light = _FakeServer(*officers), _FakeServer(*visitors)
    serve_cmd.balance_connections(busy, loads, 0, meters[0])
    assert busy.readable()  # the other worker has not counted itself yet: no hold-back
    serve_cmd.balance_connections(light, loads, 1, meters[1])
    assert light.readable()
    # two officers' pages are more work than six visitors' cached pages: the worker with
    # fewer connections but more work waits, the other takes the next connection
    assert not busy.readable()
    assert loads[0] > loads[1]
    for _ in range(40):  # the light worker takes connections until it is as loaded
        if not light.readable():
            break
        ch = _Channel()
        meters[1].record(ch, 0.0005)
        light.active_channels[id(ch)] = ch
        visitors.append(ch)
    assert busy.readable()  # level again: within one officer's connection
    assert abs(loads[0] - loads[1]) < 0.03
    busy.open = False  # waitress's own reasons (closing, its connection limit) still count
    assert not busy.readable()
    loads[1] = serve_cmd.NOT_ACCEPTING  # a dead worker's slot never holds the others back
    busy.open = True
    assert busy.readable()


def _get(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
        return int(r.status)


def _wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("timed out")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_two_workers_serve_restart_and_stop(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "INNOBRIDGE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MATCHING_AUTO_INDEX": "0",
    }
    env.pop("INNOBRIDGE_ENV", None)
    exe = [sys.executable, "-m", "django"]
    env["DJANGO_SETTINGS_MODULE"] = "innobridge.settings"
    # static files are not what this test is about (tests/core/test_static_files.py): their
    # first collection compresses everything, a minute of CPU on a loaded machine
    cmd = [*exe, "serve", "--port", str(port), "--workers", "2", "--threads", "2"]
    cmd.append("--no-collectstatic")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: _get(port) == 200)
        workers = _children(proc.pid)
        assert len(workers) == 2
        assert all(_get(port) == 200 for _ in range(6))

        victim = sorted(workers)[0]
        os.kill(victim, signal.SIGKILL)  # a worker dies: the parent starts another
        _wait_for(lambda: len(_children(proc.pid) - {victim}) == 2)
        assert _get(port) == 200

        # Keep-alive clients are shared out between the workers (the new one included):
        # both take some (how many each takes follows what their requests cost: the test
        # above).
        now = _children(proc.pid)
        clients = []
        try:
            for _ in range(10):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", "/healthz")
                assert c.getresponse().read() is not None
                clients.append(c)
            held = _held_connections(now, port)
            assert sum(held.values()) == 10, held
            assert min(held.values()) >= 1, held
        finally:
            for c in clients:
                c.close()

        proc.send_signal(signal.SIGTERM)  # stops the workers, then itself
        assert proc.wait(timeout=60) == 0
        remaining = _children(proc.pid) if proc.poll() is None else set()
        assert not remaining
        for pid in workers - {victim}:
            assert (
                not Path(f"/proc/{pid}").exists()
                or "Z" in (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0])
            )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def test_workers_below_one_are_refused() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", "--workers", "0", "--no-collectstatic")
    assert serve_cmd.Command  # the module is importable without forking
