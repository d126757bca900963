"""The demo's first index build: ``innobridge rebuild_index`` over the demo database
(152 researchers) with an empty embedding cache, timed end to end in a child process.

The demo database is set up once (``--setup``: ``innobridge demo --no-serve`` in its own
``INNOBRIDGE_VAR_DIR``, with the tests' fake embedder so that setting up embeds nothing);
each timed run copies it to a fresh directory without index or cache and runs
``rebuild_index`` with the e5 model, so every run is a first build.  ``--env K=V`` passes
settings (e.g. ``MATCHING_INDEX_PROCESSES=0`` for the model on OpenMP threads in the
indexing process).  Writes benchmarks/results/rebuild_demo.json (``runs`` appended).

    .venv/bin/python benchmarks/rebuild_demo.py --setup
    .venv/bin/python benchmarks/rebuild_demo.py --env MATCHING_INDEX_PROCESSES=0
    .venv/bin/python benchmarks/rebuild_demo.py --config whole_text_unit=false
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import _machine  # noqa: E402

BASE = Path(os.environ.get("INNOBRIDGE_BENCH_CACHE", "/tmp/innobridge-bench-cache")) / "demo-var"
EXE = str(ROOT / ".venv" / "bin" / "innobridge")


def env_for(var_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"INNOBRIDGE_VAR_DIR": str(var_dir), "INNOBRIDGE_ENV": "embedded"})
    env.update(extra)
    return env


def setup() -> None:
    shutil.rmtree(BASE, ignore_errors=True)
    BASE.mkdir(parents=True)
    env = env_for(BASE, {"MATCHING_EMBEDDER": "tests.matching._fakes.FakeEmbedder"})
    env["PYTHONPATH"] = str(ROOT)
    subprocess.run([EXE, "demo", "--no-serve"], env=env, check=True, cwd=ROOT)


def timed(extra: dict[str, str], config: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp) / "var"
        shutil.copytree(BASE, var, ignore=shutil.ignore_patterns("index", "embeddings"))
        env = env_for(var, {"MATCHING_EMBEDDER": "e5", **extra})
        before = _machine.snapshot()
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        t0 = time.perf_counter()
        cmd = [EXE, "rebuild_index", "-v", "0"]
        if config:  # the engine's default configuration changed (benchmarks/with_config.py)
            py = str(ROOT / ".venv" / "bin" / "python")
            cmd = [py, str(ROOT / "benchmarks" / "with_config.py"), *config, "--", *cmd]
        proc = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        machine = _machine.summary(before, _machine.snapshot())
        n = int(proc.stdout.split()[1])
    return {
        "researchers": n,
        "seconds": round(seconds, 1),
        "researchers_per_s": round(n / seconds, 2),
        "settings": extra,
        "config": config,
        "when_utc": when,
        **machine,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--setup", action="store_true")
    ap.add_argument("--env", action="append", default=[], help="K=V for the rebuild")
    ap.add_argument(
        "--config", action="append", default=[], help="FIELD=VALUE of the engine's default"
    )
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "rebuild_demo.json"))
    args = ap.parse_args(argv)
    if args.setup:
        setup()
        return 0
    row = timed(dict(e.split("=", 1) for e in args.env), args.config)
    out = Path(args.out)
    res = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    res.setdefault("runs", []).append(row)
    out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
