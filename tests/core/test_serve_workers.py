"""``innobridge serve --workers N``: N waitress processes share the port; the parent
restarts a worker that dies and stops them all on SIGTERM."""

from __future__ import annotations

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
