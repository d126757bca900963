"""Paper → patent, first-claim view: a register (text-kind) calibration and deeper candidates
for the adapter's fusion, measured over every listing's engine score (not adopted; see
benchmarks/README.md, "Tried: a register calibration and deeper candidates").

In the first-claim view the pool is 1,720 claims (claim language: the adapter's
``listing_text`` recognises a claim by its leading number) and 1,379 prose records (the NASA
records' and the claimless Pap2Pat records' title + abstract). A paper's abstract is nearer
prose than a claim as a class, so each listing's engine score is corrected by an offset of
its kind before the adapter's fusion (``FUSION``: its BM25, hubness and unit-count terms,
unchanged), computed from the reference side the app already keeps for the hubness (here
the 900 paper queries, as in ``benchmarks/transfer.py``):

* ``kind mean``: the mean engine score of the kind's listings over every reference query
  (one offset per kind, like the engine's cross-language offsets), weight w;
* ``per-query kind mean``: the query's own mean score over the kind's listings, weight w;
* ``per-query kind top-50 mean``: the mean of the query's 50 best of the kind, weight w;
* ``per-query kind z-score``: the score standardised within its kind for the query.

The corrected order is cut at ``depth`` (300, 1000 or all 3,099) before the fusion, so the
correction acts inside candidate generation as well. The engine's score of every listing for
every query is the index's batch affinity (the same dense MaxSim as ``search``) plus the
search's query → listing BM25 term (0.1 × BM25 over the query's language group, divided by
its best); stored under ``$INNOBRIDGE_BENCH_CACHE/transfer-runs-deep`` (a subdirectory of
its own: the stored 300-deep runs of ``transfer.py`` are untouched). Its best 300 are checked
against the stored 300-deep run when that is there. Chosen on tune with ``transfer.py``'s
criterion (smallest margin over BM25, then the mean MRR over the six direction-views, a
mean within 0.001 of the best a tie that goes to the cheaper setting): at depth 300 the
other five direction-views are unchanged by a kind offset (their pools hold one kind), so
their tune MRRs are taken from ``results/transfer.json``.

    nice -n 19 .venv/bin/python benchmarks/transfer_register.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")

from benchmarks import transfer as T
from benchmarks._gsdata import REPO, cache_dir, data_dir

VIEW = "first claim"
KEY = f"paper->patent | {VIEW}"
DEPTHS = (300, 1000, None)  # None: every listing


def full_run(idx: Any, docs: list[Any], queries: list[str]) -> T.Run:
    """Every listing's engine score for every query, best first (ties by id), as
    ``SearchIndex.search`` scores its candidates: dense affinity + lexical_weight × the
    query's BM25 over its language group divided by the best."""
    import numpy as np

    from innobridge.matching.text import detect_language, fold, language_group, tokenize_folded

    fp = hashlib.sha256(
        json.dumps(
            [idx.embedder.name, repr(idx.config), [[d.id, d.texts] for d in docs], queries],
            ensure_ascii=False,
        ).encode()
    ).hexdigest()[:24]
    store = cache_dir() / "transfer-runs-deep" / f"{fp}.pkl"
    if store.exists():
        with store.open("rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    ids: list[str] = []
    parts = []
    for a in range(0, len(queries), 100):
        ids, dense, _lex = idx.affinity(queries[a : a + 100])
        parts.append(dense)
    dense = np.concatenate(parts, axis=1)  # (listings, queries)
    lw = idx.config.lexical_weight
    run: T.Run = []
    for j, q in enumerate(queries):
        group = language_group(detect_language(q))
        all_ids, all_raw = idx.lexical.scores(tokenize_folded(fold(q)))
        same = [
            (d, float(s))
            for d, s in zip(all_ids, all_raw.tolist(), strict=True)
            if s > 0 and group in idx._groups[d]
        ]
        top = max((s for _d, s in same), default=0.0)
        lex = {d: s / top for d, s in same} if top > 0 else {}
        score = [float(dense[i, j]) + lw * lex.get(d, 0.0) for i, d in enumerate(ids)]
        order = sorted(range(len(ids)), key=lambda i: (-score[i], ids[i]))
        run.append(([ids[i] for i in order], [score[i] for i in order]))
    store.parent.mkdir(parents=True, exist_ok=True)
    with store.open("wb") as fh:
        pickle.dump(run, fh)
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir")
    ap.add_argument(
        "--out", default=str(REPO / "benchmarks" / "results" / "transfer_register.json")
    )
    args = ap.parse_args()

    import django

    django.setup()
    import numpy as np

    from innobridge.matching import E5Embedder
    from innobridge.transfer import matching as A
    from innobridge.transfer.matching.fusion import _CLAIM_NUMBER

    t0 = time.time()
    pairs, patents = T.load(data_dir(args.data_dir))
    splits = [T.split_of(p) for p in pairs]
    patent_ids = sorted(patents)
    raw_queries = [T.joined(p["paper_title"], p["paper_abstract"]) for p in pairs]
    queries = [A.listing_text(q.strip()) for q in raw_queries]
    gold = [p["patent_id"] for p in pairs]
    view = {k: T.patent_view(patents[k], VIEW) for k in patent_ids}
    docs = [A.listing_document(k, *view[k]) for k in patent_ids]
    # a listing's kind: claim language (what listing_text recognises) or prose
    kind = {
        k: "claim" if not t and _CLAIM_NUMBER.match(b) else "prose" for k, (t, b) in view.items()
    }
    embedder = E5Embedder(num_threads=1)
    idx = A.new_index(embedder, cache_dir())
    idx.add(docs)
    run = full_run(idx, docs, queries)

    check: dict[str, Any] = {}

    def stored_index(given: Any) -> Any:
        if given is None:
            return [[d.id, d.texts] for d in docs], embedder
        raise LookupError

    try:
        stored, _ = T.engine_run(stored_index, raw_queries, KEY, argparse.Namespace(reuse_runs=1))
        check = {
            "queries whose best 300 equal the stored 300-deep run": sum(
                r[0][:300] == s[0][:300] for r, s in zip(run, stored, strict=True)
            ),
            "largest score difference in the best 300": max(
                abs(a - b)
                for r, s in zip(run, stored, strict=True)
                for a, b in zip(r[1][:300], s[1][:300], strict=True)
            ),
        }
    except LookupError:
        check = {"stored 300-deep run": "absent"}

    f0 = A.FUSION
    lex = A.listing_lexical(docs, f0)
    evidence = [A.lexical_evidence(lex, q, f0) for q in queries]
    units = {d.id: A.listing_units(d) for d in docs}
    hub = A.fusion_hubness([list(zip(i, s, strict=True)) for i, s in run], f0)
    assert hub is not None

    # the reference statistics of each kind
    by_kind: dict[str, list[float]] = {}
    for ids, sc in run:
        for d, s in zip(ids, sc, strict=True):
            by_kind.setdefault(kind[d], []).append(s)
    kind_mean = {k: float(np.mean(v)) for k, v in by_kind.items()}
    per_query: list[dict[str, np.ndarray]] = []
    for ids, sc in run:
        q: dict[str, list[float]] = {}
        for d, s in zip(ids, sc, strict=True):
            q.setdefault(kind[d], []).append(s)
        per_query.append({k: np.array(v) for k, v in q.items()})
    spread = float(np.std([s for v in by_kind.values() for s in v]))

    Adjust = Callable[[int, str, float], float]

    def ranked(adjust: Adjust | None, depth: int | None) -> list[list[str]]:
        f = replace(f0, depth=depth or len(docs))
        out = []
        for j, ((ids, sc), ev) in enumerate(zip(run, evidence, strict=True)):
            adj = [adjust(j, kind[d], s) if adjust else s for d, s in zip(ids, sc, strict=True)]
            keep = sorted(range(len(ids)), key=lambda i: (-adj[i], ids[i]))[: f.depth]
            cid, csc = [ids[i] for i in keep], [adj[i] for i in keep]
            out.append([cid[i] for i in A.fuse(cid, csc, ev, f, hub, units)][: T.TOP])
        return out

    def stat(fn: Callable[[np.ndarray], float]) -> list[dict[str, float]]:
        return [{k: fn(v) for k, v in pq.items()} for pq in per_query]

    means, sds = stat(np.mean), stat(np.std)
    top50 = stat(lambda a: float(np.mean(np.sort(a)[-50:])))
    variants: dict[str, Adjust | None] = {"none (the adapter's fusion)": None}
    for w in (0.5, 1.0, 1.5, 2.0):
        variants[f"kind mean, w {w}"] = lambda j, k, s, w=w: s - w * kind_mean[k]
    for w in (0.5, 1.0):
        variants[f"per-query kind mean, w {w}"] = lambda j, k, s, w=w: s - w * means[j][k]
        variants[f"per-query kind top-50 mean, w {w}"] = lambda j, k, s, w=w: s - w * top50[j][k]
    variants["per-query kind z-score"] = lambda j, k, s: (s - means[j][k]) / sds[j][k] * spread

    base = json.loads((REPO / "benchmarks" / "results" / "transfer.json").read_text())
    bm25_tune = base["tuning"]["chosen fusion's figures (both splits; same engine pass)"]
    others = {k: v["tune"]["mrr"] for k, v in bm25_tune.items() if k != KEY}
    bm25 = base["results"][KEY]["tune"]["bm25"]
    rows = []
    for name, adjust in variants.items():
        for depth in DEPTHS:
            pos = T.positions(ranked(adjust, depth), gold)
            fig = T.by_split(pos, splits)
            rows.append(
                {
                    "correction": name,
                    "depth": depth or "all",
                    **fig,
                    # the six direction-views' tune mean MRR (the other five from
                    # transfer.json; unchanged by a kind offset at depth 300)
                    "tune margin over BM25 (this view)": round(
                        min(fig["tune"][m] - bm25[m] for m in T.MEASURES), 4
                    ),
                    "tune mean MRR (six views)": (sum(others.values()) + fig["tune"]["mrr"])
                    / (len(others) + 1),
                }
            )
            print(name, depth, json.dumps(fig), flush=True)

    def candidates(order: list[list[str]]) -> dict[str, dict[str, float]]:
        return {
            str(d): {
                s: round(
                    float(
                        np.mean(
                            [
                                g in o[:d]
                                for o, g, sp in zip(order, gold, splits, strict=True)
                                if sp == s
                            ]
                        )
                    ),
                    4,
                )
                for s in T.SPLITS
            }
            for d in (100, 300, 500, 1000)
        }

    engine_order = [ids for ids, _s in run]
    corrected = [
        [
            ids[i]
            for i in sorted(
                range(len(ids)), key=lambda i: (-(sc[i] - kind_mean[kind[ids[i]]]), ids[i])
            )
        ]
        for ids, sc in run
    ]
    # the criterion on unrounded means (transfer.py's chosen(): per-view figures rounded to
    # four decimals, their mean not); only depth 300 leaves the other five views as measured
    exact = [r["tune mean MRR (six views)"] for r in rows]
    for r in rows:
        r["tune mean MRR (six views)"] = round(r["tune mean MRR (six views)"], 4)
    baseline = exact[0]
    at300 = [i for i, r in enumerate(rows) if r["depth"] == 300]
    best_i = max(at300, key=lambda i: exact[i])
    out = {
        "benchmark": "transfer: paper -> patent, first-claim view, register calibration and "
        "deeper candidates (benchmarks/transfer_register.py)",
        "pool": {k: sum(v == k for v in kind.values()) for k in ("claim", "prose")},
        "answers by kind": {k: sum(kind[g] == k for g in gold) for k in ("claim", "prose")},
        "reference statistics": {
            "mean engine score over every reference query": kind_mean,
            "mean hubness (transfer.py's, k 3, 100 deep)": {
                k: round(float(np.mean([hub.of(d) for d in patent_ids if kind[d] == k])), 4)
                for k in ("claim", "prose")
            },
        },
        "full-depth run check": check,
        "candidate recall": {
            "engine": candidates(engine_order),
            "engine score less 1.0 x kind mean": candidates(corrected),
        },
        "rows": rows,
        "bm25 tune": bm25,
        "criterion": "transfer.py's: tune mean MRR over the six direction-views; within 0.001 "
        "of the best is a tie that goes to the cheaper setting (no correction, depth 300)",
        "tune mean MRR without a correction": round(baseline, 5),
        "best tune mean MRR at depth 300": {
            "correction": rows[best_i]["correction"],
            "mean": round(exact[best_i], 5),
            "over no correction": round(exact[best_i] - baseline, 5),
        },
        "adopted": exact[best_i] - baseline > 0.001,
        "seconds": round(time.time() - t0, 1),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(
        json.dumps(
            {k: out[k] for k in ("candidate recall", "best tune mean MRR at depth 300", "adopted")}
        )
    )


if __name__ == "__main__":
    main()
