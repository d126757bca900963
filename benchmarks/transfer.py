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

Where the time goes (profiled 2026-12-05): 99 % in the model. The run needs 34,186
distinct e5 inputs (every sentence of every listing in three views, plus each
multi-sentence text whole); single-threaded the model does about 11 units a second on
this loaded machine, and a second OpenMP thread in the same process mostly waits
(benchmarks/README.md, "Where indexing time goes"). So before ranking, the units the
engine will ask for and the cache does not hold are embedded **once each** by
``--workers`` single-threaded processes (the engine's own shard job,
:func:`innobridge.matching.shards.embed_shard`, the same keys and vectors as
:func:`~innobridge.matching.embed.embed`), put into the cache
(:func:`~innobridge.matching.shards.import_shards`), and the measured run then embeds
nothing it has seen. The measurement is unchanged: same model, same units, same scoring.

    .venv/bin/python benchmarks/transfer.py [--limit N] [--workers 2] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
RUN: dict[str, Any] = {}  # load average, prewarm and CPU figures of this run


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


def paper_texts(pairs: list[dict[str, Any]]) -> list[str]:
    """The papers' stored texts, as the adapter's :func:`listing_document` makes them."""
    from innobridge.transfer.matching import listing_document

    return [
        listing_document(p["paper_openalex_id"], p["paper_title"], p["paper_abstract"]).texts[0]
        for p in pairs
    ]


def patent_texts(patents: dict[str, dict[str, Any]], view: str) -> list[str]:
    """Every patent's stored text in one view."""
    from innobridge.transfer.matching import listing_document

    return [listing_document(k, *patent_view(patents[k], view)).texts[0] for k in sorted(patents)]


def _put_shard(cache: Any, f: Path) -> int:
    """Put one finished shard file's vectors into the cache, then remove the file."""
    import numpy as np

    with np.load(f) as z:
        keys, vecs = z["keys"], z["vectors"]
    cache.put_many([(bytes(k), v) for k, v in zip(keys, vecs, strict=True)])
    f.unlink()
    return len(keys)


def prewarm(texts: list[str], cache_path: Path, workers: int, label: str) -> dict[str, Any]:
    """Embed the passage units of ``texts`` missing from the cache with ``workers``
    single-threaded processes (the engine's shard job); each finished shard goes into the
    cache at once, so an interrupted run loses at most the shards in flight."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from innobridge.matching.embed import E5Embedder, EmbeddingCache, cache_key
    from innobridge.matching.shards import ROLE, embed_shard, plan, units_to_embed

    t0 = time.time()
    name = E5Embedder().name
    cache = EmbeddingCache(cache_path)
    shard_dir = cache_path / "transfer-shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    for f in sorted(shard_dir.glob("shard-*.npz")):  # finished by an interrupted run
        _put_shard(cache, f)
    units = units_to_embed(texts)
    have = cache.get_many([cache_key(name, ROLE, u) for u in units])
    todo = [u for u in units if cache_key(name, ROLE, u) not in have]
    shards = plan(todo, name, 64)
    done = 0
    if shards:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(embed_shard, "e5", name, s, str(shard_dir), 1): s for s in shards
            }
            for f in as_completed(futures):
                f.result()
                _put_shard(cache, shard_dir / futures[f].file)
                done += 1
                if done % 10 == 0 or done == len(shards):
                    print(
                        f"prewarm {label}: {done}/{len(shards)} shards, {time.time() - t0:.0f} s",
                        flush=True,
                    )
    cache.close()
    return {
        "distinct passage units": len(units),
        "already cached": len(units) - len(todo),
        "embedded": len(todo),
        "workers": workers,
        "seconds": round(time.time() - t0, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pairs (smoke)")
    ap.add_argument("--threads", type=int, default=1, help="model threads in the main process")
    ap.add_argument(
        "--workers", type=int, default=2, help="single-threaded processes embedding the units"
    )
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
    started = time.time()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    RUN.update(load_start=[round(x, 2) for x in os.getloadavg()], cpus=os.cpu_count())
    RUN["prewarm"] = {}
    first = ("papers + " + VIEWS[0], paper_texts(pairs) + patent_texts(patents, VIEWS[0]))
    RUN["prewarm"][first[0]] = prewarm(first[1], cache, args.workers, first[0])
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
        if view != VIEWS[0]:
            RUN["prewarm"][view] = prewarm(patent_texts(patents, view), cache, args.workers, view)
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
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    RUN.update(
        load_end=[round(x, 2) for x in os.getloadavg()],
        wall_seconds=round(time.time() - started, 1),
        main_process_cpu_seconds=round(
            cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 1
        ),
    )
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
        "run": RUN,
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
