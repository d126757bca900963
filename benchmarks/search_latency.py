"""Latency of a short cross-language search through the whole engine, second opinion included.

``scale.py`` times the vector index alone (1M profiles: p95 30.3 ms).  A search the platform
runs (``SearchIndex.search``: the query embedded by e5, candidates from each language group's
vector index, BM25, scoring, explanations) also pays, for a short query, the second opinion
(:mod:`innobridge.matching.second`): USE embeds the query and the candidates' USE vectors are
read from the embedding cache.  This script measures that path at a size the shared machine
can build:

* ``--build DIR --docs N``: N researcher-like documents, half English and half Chinese, each
  with ``--texts`` short real texts (titles, terms and names of the cross-lingual sets, with
  a number so every text is distinct).  Their e5 unit vectors are synthetic (``scale.gauss``:
  the real vectors' mean and covariance), their USE vectors synthetic too and written to the
  index's own embedding cache, as indexing writes them; the index is saved (HNSW per
  language group, the engine's defaults).
* ``--time DIR``: loads it and times, one query at a time, real short queries (held-out
  terms, names and titles of the development set, both languages, never embedded in that
  cache, so e5 and USE embed each query as a new search would) with the platform's partner
  search call (top 20, a region filter); half the queries with the second opinion, half
  without (each query is timed once: a repeated query would hit the cache).  The second
  opinion's own time is recorded too.  Load average and CPU split go into the JSON.

    .venv/bin/python benchmarks/search_latency.py --build /tmp/lat100k --docs 100000
    .venv/bin/python benchmarks/search_latency.py --time /tmp/lat100k
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _machine
from benchmarks._gsdata import REPO
from benchmarks.crosslingual_dev import load_pairs
from benchmarks.scale import gauss, real_vectors
from innobridge.matching.affinity import Units
from innobridge.matching.documents import Document
from innobridge.matching.embed import E5Embedder, USEEmbedder, cache_key
from innobridge.matching.rank import SearchIndex
from innobridge.matching.second import SecondOpinion
from innobridge.matching.text import embedding_text, fold, tokenize_folded


def build(directory: Path, n_docs: int, n_texts: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    rows = [r for r in load_pairs() if r["split"] == "tune"]  # queries come from held-out
    en = sorted({r["en"] for r in rows})
    zh = sorted({r["zh"] for r in rows})
    docs, texts_all, langs = [], [], []
    for i in range(n_docs):
        lang = "en" if i % 2 == 0 else "zh"
        src = en if lang == "en" else zh
        texts = [
            f"{src[int(rng.integers(len(src)))]} {i}-{j}" for j in range(n_texts)
        ]  # distinct texts
        region = ("HK", "CN", "MO")[i % 3]
        docs.append(Document(f"d{i}", texts, {"region": region, "lang": lang}))
        texts_all.extend(texts)
        langs.extend([lang] * n_texts)
    e5 = E5Embedder()
    idx = SearchIndex(e5, cache_dir=directory / "cache")
    centres = real_vectors(6000)
    vecs = gauss(centres, len(texts_all), rng)
    pos = 0
    for d in docs:  # the units as indexing would store them (one per short text)
        n = len(d.texts)
        idx._units[d.id] = Units(vecs[pos : pos + n], [langs[pos]] * n, np.ones(n, np.int64))
        pos += n
    t0 = time.perf_counter()
    idx._index_units(docs)
    for d in docs:
        idx.docs[d.id] = d
        g = {d.meta["lang"]}
        idx._groups[d.id] = g
        toks: list[str] = []
        for t in d.texts:
            toks.extend(tokenize_folded(fold(t)))
        idx.lexical.set(d.id, toks, ",".join(sorted(g)))
    build_s = time.perf_counter() - t0
    use = USEEmbedder()
    assert idx.cache is not None
    for s in range(0, len(texts_all), 50_000):  # the USE vectors indexing puts in the cache
        chunk = texts_all[s : s + 50_000]
        uv = rng.standard_normal((len(chunk), use.dim)).astype(np.float32)
        uv /= np.linalg.norm(uv, axis=1, keepdims=True)
        idx.cache.put_many(
            [
                (cache_key(use.name, "passage", embedding_text(t)), v)
                for t, v in zip(chunk, uv, strict=True)
            ]
        )
    idx.save(directory / "index")
    return {"docs": n_docs, "texts_per_doc": n_texts, "units": len(texts_all),
            "index_build_s": round(build_s, 1)}  # fmt: skip


def pct(xs: list[float]) -> dict[str, float]:
    return {
        "n": len(xs),
        "p50_ms": round(float(np.percentile(xs, 50)), 2),
        "p95_ms": round(float(np.percentile(xs, 95)), 2),
        "mean_ms": round(float(np.mean(xs)), 2),
    }


def time_searches(
    directory: Path,
    n_queries: int,
    seed: int,
    second: Path | None = None,
    threads_as_before: bool = False,
) -> dict[str, Any]:
    t0 = time.perf_counter()
    idx = SearchIndex.load(directory / "index", cache_dir=directory / "cache")
    load_s = time.perf_counter() - t0
    if second is not None:  # a calibration to try before shipping it
        idx.second = SecondOpinion.from_json(json.loads(second.read_text(encoding="utf-8")))
    rows = [r for r in load_pairs() if r["split"] == "held-out" and r["unit"] != "paragraph"]
    rows = [r for r in rows if r["unit"] != "sentence"]
    # one fixed order of distinct texts, English and Chinese alternating; run ``seed`` takes
    # its own slice, so no query of one run is in the cache of the next
    order = np.random.default_rng(0).permutation(len(rows))
    seen: set[str] = set()
    pool = []
    for k, i in enumerate(order):
        q = rows[i]["en"] if k % 2 == 0 else rows[i]["zh"]
        if q not in seen:
            seen.add(q)
            pool.append(q)
    # beyond the held-out texts: the tune split's (the documents hold them only with a
    # number appended, so they are new queries too)
    tune = [
        r for r in load_pairs() if r["split"] == "tune" and r["unit"] in ("term", "name", "title")
    ]
    for k, i in enumerate(np.random.default_rng(0).permutation(len(tune))):
        q = tune[i]["en"] if k % 2 == 0 else tune[i]["zh"]
        if q not in seen:
            seen.add(q)
            pool.append(q)
    queries = pool[(seed - 1) * 2 * n_queries : seed * 2 * n_queries]
    filters = {"region": ["HK", "CN"]}
    if threads_as_before:  # the code before the fix of .threads, for a same-window comparison
        import innobridge.matching.rank as rank_before

        rank_before.one_blas_thread = lambda: None  # type: ignore[assignment]
        emb2 = idx.second_embedder()
        if emb2 is not None:
            emb2._threads = 2  # type: ignore[attr-defined]
    # warm up the models (loaded once per process) on texts not in the query set, and what
    # the first search would load on demand (word lists, dictionaries)
    if not threads_as_before:
        idx.warm_up()
    idx.search("warm up the engine", 20, filters)
    idx.search("暖機查詢", 20, filters)
    second_ms: list[float] = []
    orig = idx._second_opinion

    def timed(*args: Any) -> Any:
        t = time.perf_counter()
        out = orig(*args)
        second_ms.append((time.perf_counter() - t) * 1000)
        return out

    idx._second_opinion = timed  # type: ignore[method-assign]
    # the second opinion's parts: USE on the query; the candidates' USE vectors (kept in
    # memory beside the index since the fourth round; read from the cache before)
    import innobridge.matching.rank as rank_mod

    parts: dict[str, list[float]] = {"use_query": [], "candidate_vectors": []}
    orig_tv = rank_mod.text_vectors
    orig_sv = idx.second_vectors

    def tv(texts: Any, emb: Any, cache: Any) -> np.ndarray:
        t = time.perf_counter()
        out = orig_tv(texts, emb, cache)
        parts["use_query"].append((time.perf_counter() - t) * 1000)
        return out

    def sv(doc_ids: Any) -> list[np.ndarray]:
        t = time.perf_counter()
        out = orig_sv(doc_ids)
        parts["candidate_vectors"].append((time.perf_counter() - t) * 1000)
        return out

    rank_mod.text_vectors = tv  # type: ignore[assignment]
    idx.second_vectors = sv  # type: ignore[method-assign]
    missing = [c for c in idx.docs if c not in idx._second_vecs]
    shipped = idx.second
    before = _machine.snapshot()
    with_so: list[float] = []
    without: list[float] = []
    for k, q in enumerate(queries):
        idx.second = shipped if k % 2 == 0 else None
        t = time.perf_counter()
        idx.search(q, 20, filters)
        (with_so if k % 2 == 0 else without).append((time.perf_counter() - t) * 1000)
    after = _machine.snapshot()
    return {
        "index_load_s": round(load_s, 1),
        "docs": len(idx),
        "units": idx._n_units(),
        "hnsw": idx.uses_hnsw(),
        "queries": "held-out terms, names and titles of the development set, en and zh",
        "search_with_second_opinion": pct(with_so),
        "search_without_second_opinion": pct(without),
        "second_opinion_step": pct(second_ms),
        "second_opinion_use_query_embedding": pct(parts["use_query"])
        if parts["use_query"]
        else None,
        "second_opinion_candidate_vectors": (
            pct(parts["candidate_vectors"]) if parts["candidate_vectors"] else None
        ),
        "second_opinion": None if shipped is None else shipped.__dict__,
        "threads": "as before: BLAS at its default threads (2), USE on 2"
        if threads_as_before
        else "BLAS on one thread from the first search on, USE on 1 (matching/threads.py)",
        "documents_without_second_vectors_in_memory": len(missing),
        "machine": _machine.summary(before, after),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", type=Path)
    ap.add_argument("--time", type=Path)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--texts", type=int, default=2, help="short texts per document")
    ap.add_argument("--queries", type=int, default=200, help="per setting")
    ap.add_argument(
        "--seed",
        type=int,
        default=1,
        help="which slice of the queries (1, 2, …: a new slice, new queries)",
    )
    ap.add_argument("--label", default=None)
    ap.add_argument(
        "--threads-as-before",
        action="store_true",
        help="BLAS threads as before the fix (default threads, USE on 2), for a comparison",
    )
    ap.add_argument("--second", type=Path, default=None, help="a second-opinion JSON to try")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "search_latency.json"))
    args = ap.parse_args(argv)
    if args.build:
        args.build.mkdir(parents=True, exist_ok=True)
        info = build(args.build, args.docs, args.texts)
        (args.build / "build.json").write_text(json.dumps(info), encoding="utf-8")
        print(info, flush=True)
    if args.time:
        res = time_searches(args.time, args.queries, args.seed, args.second, args.threads_as_before)
        info_f = args.time / "build.json"
        res["build"] = json.loads(info_f.read_text()) if info_f.is_file() else None
        out = Path(args.out)
        prev = json.loads(out.read_text()) if out.is_file() else {}
        prev[args.label or f"{res['docs']} docs"] = res
        out.write_text(json.dumps(prev, indent=1, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(res, indent=1), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
