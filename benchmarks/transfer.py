"""Patent ↔ paper retrieval through the transfer app's matching adapter, against BM25.

Data: ``$INNOBRIDGE_DATA_DIR/patents`` (see its README): ``pap2pat_pairs_dev.jsonl``
(900 real patent ↔ paper pairs describing the same invention) and ``patents.jsonl``
(3,099 patents: 1,813 Pap2Pat applications and 1,286 NASA licensing-catalogue patents).

* patent → paper: each pair's patent is the query; the pool is all 900 pairs' papers
  (title and abstract); the pair's paper is the one correct answer.
* paper → patent: each pair's paper (title and abstract) is the query; the pool is all
  3,099 patents; the pair's patent is the one correct answer.

The patent side is given three ways: ``title+abstract``, ``title`` only, and ``first
claim`` only (claim language). NASA records have no claims in the data: in the first-claim
view they stay in the pool as their title and abstract (they are distractors only; no pair
points at them). Recall@1, recall@10 and MRR (over the top 100) for

* ``engine``: the platform's engine through ``innobridge.transfer.matching`` — the
  adapter's ``listing_document`` / ``new_index`` / ``rank_many``, the engine's default
  configuration with multilingual-e5-small (what the app uses);
* ``bm25``: plain BM25 (``bm25s``, Lucene variant, k1 = 1.5, b = 0.75, English stop words,
  its default tokenizer) on the same texts.

Nothing was tuned on these pairs: the engine runs with its defaults. Embeddings are cached
in ``$INNOBRIDGE_BENCH_CACHE`` (default /tmp/innobridge-bench-cache), so a rerun only
ranks.

    .venv/bin/python benchmarks/transfer.py [--limit N] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")

from benchmarks._gsdata import REPO, cache_dir, data_dir

# cheapest first, so that a bounded run on a busy machine reports the most views
VIEWS = ("title", "first claim", "title+abstract")
TOP = 100


def load(data: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    with (data / "patents" / "pap2pat_pairs_dev.jsonl").open(encoding="utf-8") as fh:
        pairs = [json.loads(line) for line in fh if line.strip()]
    with (data / "patents" / "patents.jsonl").open(encoding="utf-8") as fh:
        patents = {p["id"]: p for p in (json.loads(line) for line in fh if line.strip())}
    return pairs, patents


def patent_view(p: dict[str, Any], view: str) -> tuple[str, str]:
    """(title, body) of a patent in one view, as the adapter's listing_document takes it."""
    if view == "title":
        return p["title"], ""
    if view == "first claim" and p.get("claims_first"):
        return "", p["claims_first"]
    return p["title"], p.get("abstract") or ""


def joined(title: str, body: str) -> str:
    return f"{title.strip()}. {body.strip()}" if title.strip() and body.strip() else (title or body)


def metrics(ranked: list[list[str]], gold: list[str]) -> dict[str, float]:
    r1 = r10 = mrr = 0.0
    for ids, g in zip(ranked, gold, strict=True):
        if g in ids:
            pos = ids.index(g) + 1
            r1 += pos == 1
            r10 += pos <= 10
            mrr += 1.0 / pos
    n = len(gold)
    return {"recall@1": round(r1 / n, 4), "recall@10": round(r10 / n, 4), "mrr": round(mrr / n, 4)}


def bm25_rank(pool_ids: list[str], pool: list[str], queries: list[str]) -> list[list[str]]:
    import bm25s

    model = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    model.index(bm25s.tokenize(pool, stopwords="en", show_progress=False), show_progress=False)
    toks = bm25s.tokenize(queries, stopwords="en", show_progress=False)
    docs, _scores = model.retrieve(toks, k=min(TOP, len(pool)), show_progress=False)
    return [[pool_ids[i] for i in row] for row in docs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pairs (smoke)")
    ap.add_argument("--threads", type=int, default=1, help="embedding threads")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "transfer.json"))
    args = ap.parse_args()

    import django

    django.setup()
    from innobridge.matching import E5Embedder
    from innobridge.transfer import matching as adapter

    pairs, patents = load(data_dir(args.data_dir))
    if args.limit:
        pairs = pairs[: args.limit]
    embedder = E5Embedder(num_threads=args.threads)
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    paper_ids = [p["paper_openalex_id"] for p in pairs]
    paper_text = {p["paper_openalex_id"]: (p["paper_title"], p["paper_abstract"]) for p in pairs}
    patent_ids = sorted(patents)
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}

    t0 = time.time()
    paper_index = adapter.new_index(embedder, cache)
    paper_index.add([adapter.listing_document(k, *paper_text[k]) for k in paper_ids])
    timings["index papers"] = round(time.time() - t0, 1)
    paper_queries = [joined(*paper_text[k]) for k in paper_ids]

    for view in VIEWS:
        # patent -> paper
        queries = [joined(*patent_view(patents[p["patent_id"]], view)) for p in pairs]
        t0 = time.time()
        eng = adapter.rank_many(paper_index, queries, top_k=TOP)
        timings[f"patent->paper {view}"] = round(time.time() - t0, 1)
        results[f"patent->paper | {view}"] = {
            "engine": metrics([[i for i, _ in r] for r in eng], paper_ids),
            "bm25": metrics(
                bm25_rank(paper_ids, [joined(*paper_text[k]) for k in paper_ids], queries),
                paper_ids,
            ),
            "n_queries": len(queries),
            "pool": len(paper_ids),
        }
        write(args, embedder, results, timings, complete=False)
        # paper -> patent
        t0 = time.time()
        idx = adapter.new_index(embedder, cache)
        idx.add([adapter.listing_document(k, *patent_view(patents[k], view)) for k in patent_ids])
        eng = adapter.rank_many(idx, paper_queries, top_k=TOP)
        timings[f"paper->patent {view}"] = round(time.time() - t0, 1)
        gold = [p["patent_id"] for p in pairs]
        pool = [joined(*patent_view(patents[k], view)) for k in patent_ids]
        results[f"paper->patent | {view}"] = {
            "engine": metrics([[i for i, _ in r] for r in eng], gold),
            "bm25": metrics(bm25_rank(patent_ids, pool, paper_queries), gold),
            "n_queries": len(paper_queries),
            "pool": len(patent_ids),
        }
        write(args, embedder, results, timings, complete=False)
        print(view, json.dumps({k: v for k, v in results.items() if view in k}), flush=True)
    write(args, embedder, results, timings, complete=True)


def write(
    args: Any, embedder: Any, results: dict[str, Any], timings: dict[str, float], *, complete: bool
) -> None:
    """Write the JSON (also after each finished direction, marked incomplete)."""
    out = {
        "benchmark": "transfer: patent <-> paper retrieval (pap2pat_pairs_dev.jsonl)",
        "split": "all 900 development pairs" if not args.limit else f"first {args.limit} pairs",
        "engine": f"innobridge.transfer.matching (SearchIndex defaults, {embedder.name})",
        "bm25": "bm25s lucene k1=1.5 b=0.75, English stop words, bm25s default tokenizer",
        "note": "NASA patents have no claims in the data: in the first-claim view they stay "
        "in the paper->patent pool as title+abstract (distractors only).",
        "results": results,
        "seconds": timings,
        "targets": {
            "engine beats bm25 on every view (recall@10)": all(
                v["engine"]["recall@10"] > v["bm25"]["recall@10"] for v in results.values()
            ),
            "first claim recall@10 >= 0.90 (both directions)": all(
                v["engine"]["recall@10"] >= 0.90 for k, v in results.items() if "first claim" in k
            ),
        },
    }
    out["complete"] = complete
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    if complete:
        print(json.dumps(out["targets"]))


if __name__ == "__main__":
    main()
