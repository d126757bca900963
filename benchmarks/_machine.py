"""What else the shared machine was doing during a timed run: the load average and the
split of CPU time between normal-priority and niced processes (``/proc/stat``).

On this machine the kernel groups processes by session (``sched_autogroup_enabled``), so
``nice`` ranks processes only within one session; the timing windows therefore also lower
the other sessions' share through the benchmark session's autogroup. The JSON records what
the CPUs actually did, so a reader can tell a quiet run from a contended one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def cpu_ticks() -> dict[str, int]:
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return {}
    return dict(zip(_FIELDS, map(int, first[1 : 1 + len(_FIELDS)]), strict=False))


def snapshot() -> dict[str, Any]:
    return {"load": os.getloadavg(), "ticks": cpu_ticks()}


def summary(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Load averages before/after and the CPU-time shares between the two snapshots."""
    delta = {k: after["ticks"].get(k, 0) - before["ticks"].get(k, 0) for k in before["ticks"]}
    total = sum(delta.values()) or 1
    return {
        "load_average_before": [round(x, 2) for x in before["load"]],
        "load_average_after": [round(x, 2) for x in after["load"]],
        "cpu_share": {
            "normal_priority_user": round(delta.get("user", 0) / total, 3),
            "niced": round(delta.get("nice", 0) / total, 3),
            "system": round(
                (delta.get("system", 0) + delta.get("irq", 0) + delta.get("softirq", 0)) / total, 3
            ),
            "idle": round((delta.get("idle", 0) + delta.get("iowait", 0)) / total, 3),
            "steal": round(delta.get("steal", 0) / total, 3),
        },
    }
