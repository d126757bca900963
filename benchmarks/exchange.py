"""Exchange matching benchmark: stable (``matching`` HR) vs optimal (engine min-cost flow).

Instances (fixed seeds):

* ``real`` — 1,000 applicants x 300 placements. Texts are real papers of
  ``$INNOBRIDGE_DATA_DIR/acl-anthology-en`` (title + abstract): 300 papers are the
  placements' topics, 1,000 others the applicants' own work. Affinity is the engine's
  BM25 lexical affinity (``innobridge.matching.affinity.lexical_affinity``, in [0, 1]);
  each applicant ranks their 5 placements of highest affinity. Capacities 1-3, review
  scores uniform in [0, 1] and directions (CN>HK / HK>CN, 70/30) are seeded random —
  the data has no reviews or home regions.
* ``synthetic`` — 10,000 x 3,000: 20-topic Dirichlet(0.1) vectors on both sides, cosine
  affinity, top-5 preference lists, capacities 1-3, same score and direction rules.

Each (instance, method) runs in a fresh subprocess so its peak RSS (``ru_maxrss``) is its
own; time is the solve (plus the metrics) only, not building the instance.

    .venv/bin/python benchmarks/exchange.py             # -> benchmarks/results/exchange.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "innobridge-exchange-bench"
SIZES = {"real": (1000, 300), "synthetic": (10000, 3000)}


def _data_dir() -> Path:
    return Path(os.environ.get("INNOBRIDGE_DATA_DIR", ROOT.parent.parent / "shared" / "data"))


def real_affinity(n: int, m: int) -> np.ndarray:
    """(n applicants x m placements) BM25 affinity between real paper texts."""
    from innobridge.matching.affinity import lexical_affinity
    from innobridge.matching.documents import Document

    path = _data_dir() / "acl-anthology-en" / "acl_main_2016_2021.jsonl"
    if not path.exists():
        path = Path("/work/shared/data/acl-anthology-en/acl_main_2016_2021.jsonl")
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rng = np.random.default_rng(2026)
    order = rng.permutation(len(rows))
    texts = [f"{rows[i]['title']}. {rows[i].get('abstract', '')}" for i in order[: n + m]]
    docs = [Document(id=str(j), texts=[t]) for j, t in enumerate(texts[:m])]
    return np.asarray(lexical_affinity(docs, texts[m:], mode="query"), dtype=np.float64).T


def synthetic_affinity(n: int, m: int) -> np.ndarray:
    rng = np.random.default_rng(n * 7919 + m)
    x = rng.dirichlet([0.1] * 20, size=n)
    y = rng.dirichlet([0.1] * 20, size=m)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    return np.round(x @ y.T, 4)


def build(name: str) -> dict[str, np.ndarray]:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.npz"
    if path.exists():
        return dict(np.load(path))
    n, m = SIZES[name]
    t0 = time.perf_counter()
    aff = real_affinity(n, m) if name == "real" else synthetic_affinity(n, m)
    # top-5 by affinity, ties by lower placement index (stable sort)
    prefs = np.argsort(-aff, axis=1, kind="stable")[:, :5]
    rng = np.random.default_rng(7)
    data = {
        "prefs": prefs,
        "pref_aff": np.take_along_axis(aff, prefs, axis=1),
        "capacity": rng.integers(1, 4, size=m),
        "score": rng.random(n),
        "direction": (rng.random(n) < 0.3).astype(np.int8),
        "build_seconds": np.array(time.perf_counter() - t0),
    }
    np.savez(path, **data)
    return data


def instance(name: str):  # type: ignore[no-untyped-def]
    from innobridge.exchange.matching import Instance

    d = build(name)
    n, m = SIZES[name]
    return Instance(
        [str(i) for i in range(n)],
        [str(j) for j in range(m)],
        [int(c) for c in d["capacity"]],
        d["prefs"].tolist(),
        d["pref_aff"].tolist(),
        d["score"].tolist(),
        direction=["HK>CN" if x else "CN>HK" for x in d["direction"]],
    ), float(d["build_seconds"])


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_one(name: str, method: str) -> dict:
    from innobridge.exchange.matching import run

    inst, build_seconds = instance(name)
    import matching.algorithms  # noqa: F401

    import innobridge.matching.assign  # noqa: F401  (imports are not the solve)

    base = rss_mb()
    t0 = time.perf_counter()
    res = run(inst, method)
    wall = time.perf_counter() - t0
    out = {"instance": name, "applicants": SIZES[name][0], "placements": SIZES[name][1]}
    out.update(res.metrics.as_dict())
    out["seconds"] = round(wall, 3)
    out["solve_seconds"] = round(res.metrics.seconds, 3)
    out["peak_rss_mb"] = round(rss_mb(), 1)
    out["rss_growth_mb"] = round(rss_mb() - base, 1)
    out["instance_build_seconds"] = round(build_seconds, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", nargs=2, metavar=("INSTANCE", "METHOD"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "exchange.json"))
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    results = []
    for name in SIZES:
        build(name)  # once, outside the timed subprocesses
        for method in ("stable", "optimal"):
            proc = subprocess.run(
                [sys.executable, __file__, "--one", name, method],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            print(
                json.dumps(
                    {
                        k: row[k]
                        for k in (
                            "instance",
                            "method",
                            "seconds",
                            "placed",
                            "blocking_pairs",
                            "peak_rss_mb",
                        )
                    }
                )
            )
            results.append(row)
    doc = {
        "benchmark": "exchange matching: stable (matching HR, applicant-optimal) vs optimal "
        "(engine min-cost flow)",
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "note": "2-core machine shared with other engineers' work during the run",
        },
        "targets_seconds": {"real": 5, "synthetic": 60},
        "results": results,
    }
    Path(args.out).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
