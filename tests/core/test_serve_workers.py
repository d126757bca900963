"""``innobridge serve --workers N``: N waitress processes share the port; the parent
restarts a worker that dies and stops them all on SIGTERM. Each connection carries one
request and a worker accepts only with a free thread (``--keep-alive``: connections stay
open, shared out by their number)."""

from __future__ import annotations

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


def test_a_worker_takes_connections_only_while_it_is_among_the_least_busy() -> None:
    class FakeServer:
        def __init__(self, connections: int) -> None:
            self.active_channels = dict.fromkeys(range(connections))
            self.open = True

        def readable(self) -> bool:
            return self.open

    counts = [serve_cmd.NOT_ACCEPTING] * 2
    busy, idle = FakeServer(3), FakeServer(1)
    serve_cmd.balance_connections(busy, counts, 0)
    serve_cmd.balance_connections(idle, counts, 1)
    assert busy.readable()  # the other worker has not counted itself yet: no hold-back
    assert idle.readable() and counts == [3, 1]
    assert not busy.readable()  # 3 > 1 + 1
    idle.active_channels.update(dict.fromkeys(range(1, 3)))
    assert idle.readable() and busy.readable()  # 3 and 3
    idle.open = False  # waitress's own reasons (closing, its connection limit) still count
    assert not idle.readable()
    counts[1] = serve_cmd.NOT_ACCEPTING  # a dead worker's slot never holds the others back
    busy.active_channels.update(dict.fromkeys(range(3, 50)))
    assert busy.readable()


class FakeChannel:
    def __init__(self, age: float, requests: int = 0, closing: bool = False) -> None:
        self.creation_time = 1000.0 - age
        self.requests = [object()] * requests
        self.will_close = False
        self.close_when_flushed = closing


def test_occupied_threads_count_requests_and_fresh_connections_only() -> None:
    class Server:
        active_channels = {
            1: FakeChannel(age=5, requests=1),  # a request being served
            2: FakeChannel(age=0.2),  # just accepted: its request is on its way
            3: FakeChannel(age=30),  # idle or slow for 30 s: claims no thread
            4: FakeChannel(age=0.1, requests=1, closing=True),  # response done, flushing
        }

    assert serve_cmd.occupied_threads(Server(), now=1000.0) == 2


def test_one_request_per_connection_accepts_only_with_a_free_thread() -> None:
    class FakeServer:
        channel_class = None

        def __init__(self) -> None:
            self.active_channels: dict[int, FakeChannel] = {}
            self.open = True

        def readable(self) -> bool:
            return self.open

    server = FakeServer()
    serve_cmd.one_request_per_connection(server, threads=2)
    assert server.readable()
    server.active_channels[1] = FakeChannel(age=0, requests=1)
    server.active_channels[1].creation_time = time.time()
    assert server.readable()  # one of two threads taken
    server.active_channels[2] = FakeChannel(age=0, requests=1)
    assert not server.readable()  # both taken: the next request waits in the shared queue
    server.active_channels[2].close_when_flushed = True
    assert server.readable()  # its response is written: the thread is free again
    server.open = False  # waitress's own reasons (closing, its connection limit) still count
    assert not server.readable()
    # every response closes its connection
    from waitress.task import WSGITask

    assert issubclass(server.channel_class.task_class, WSGITask)  # type: ignore[attr-defined]


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
@pytest.mark.parametrize("keep_alive", [False, True], ids=["one-request-each", "keep-alive"])
def test_two_workers_serve_restart_and_stop(tmp_path: Path, keep_alive: bool) -> None:
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
    if keep_alive:
        cmd.append("--keep-alive")
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

        now = _children(proc.pid)
        if keep_alive:
            # Keep-alive clients are shared out between the workers (the new one
            # included): no worker holds more than two above the other.
            clients = []
            try:
                for _ in range(10):
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    c.request("GET", "/healthz")
                    response = c.getresponse()
                    assert response.read() is not None
                    assert response.getheader("Connection") != "close"
                    clients.append(c)
                held = _held_connections(now, port)
                assert sum(held.values()) == 10, held
                assert max(held.values()) - min(held.values()) <= 2, held
            finally:
                for c in clients:
                    c.close()
        else:
            # One request per connection: the response says so and the server closes it,
            # so no client stays with one worker.
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                for _ in range(3):
                    c.request("GET", "/healthz")
                    response = c.getresponse()
                    assert response.status == 200 and response.read() is not None
                    assert response.getheader("Connection") == "close"
                    # http.client reconnects for the next request
            finally:
                c.close()
            _wait_for(lambda: sum(_held_connections(now, port).values()) == 0, 30)

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
