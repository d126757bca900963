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
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _machine
from benchmarks._gsdata import REPO, cache_dir
from benchmarks.crosslingual_dev import load_pairs
from benchmarks.scale import gauss, real_vectors
from innobridge.matching.affinity import Units
from innobridge.matching.documents import Document
from innobridge.matching.embed import E5Embedder, USEEmbedder
from innobridge.matching.index import VectorIndex
from innobridge.matching.rank import SearchIndex
from innobridge.matching.second import SecondOpinion
from innobridge.matching.text import embedding_text


def centres(limit: int = 6000) -> np.ndarray:
    """Real e5 vectors whose mean and covariance shape the synthetic ones: those of the
    benchmark cache (``scale.real_vectors``) or, when it holds fewer than 1,000 (a fresh
    machine), the e5 passage vectors of the tune split's texts (the texts the documents are
    made of), embedded once into the benchmark cache."""
    have = real_vectors(limit)
    if len(have) >= 1000:
        return have
    from innobridge.matching.embed import EmbeddingCache, embed

    rows = [r for r in load_pairs() if r["split"] == "tune"]
    texts = sorted({r["en"] for r in rows} | {r["zh"] for r in rows})
    cache = EmbeddingCache(cache_dir())
    vecs = embed([embedding_text(t) for t in texts], "passage", E5Embedder(), cache)
    cache.close()
    return vecs


def build(
    directory: Path,
    n_docs: int,
    n_texts: int,
    seed: int = 0,
    twin: bool = False,
    expansion_add: int | None = None,
) -> dict[str, Any]:
    """The index (see the module's docstring).  ``twin``: each Chinese document's e5 vectors
    are those of the English document before it, and the Chinese group's HNSW graph is a copy
    of the English group's (same keys, the Chinese units' ids): one graph built instead of
    two, with the engine's settings and the same size per group — what a search costs is the
    same, the build half (at 1M documents one 500k graph takes ~25 min of a quiet machine's
    two cores, ~2 h niced beside other work).  ``expansion_add``: the graphs' construction
    width instead of the engine's (128); a narrower one builds faster, and a search through
    it still walks ``expansion_search`` candidates (the README compares both at 100k)."""
    if twin and n_docs % 2:
        raise ValueError("--twin needs an even number of documents")
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
    cen = centres(6000)
    if expansion_add is not None:
        for g in ("en", "zh"):
            idx.vectors[g] = VectorIndex(e5.dim, expansion_add=expansion_add)
    if twin:  # one vector per English text; its Chinese twin document gets the same
        half = gauss(cen, len(texts_all) // 2, rng).reshape(n_docs // 2, n_texts, -1)
        vecs = np.repeat(half, 2, axis=0).reshape(len(texts_all), -1)
        del half
        # the Chinese group stays exact (a cheap matrix) until its graph is copied below
        idx.vectors["zh"] = VectorIndex(e5.dim, hnsw_threshold=2 * n_docs * n_texts)
    else:
        vecs = gauss(cen, len(texts_all), rng)  # the units as indexing would store them
    units = Units(vecs, langs, np.ones(len(texts_all), np.int64))  # one per short text
    del vecs
    # the USE vectors indexing keeps beside the index (saved as ``second.npy``, memory-mapped
    # at load); indexing also writes them to the embedding cache, which a search no longer
    # reads (fourth round), so they are not written there (2M SQLite rows at 1M documents)
    use = USEEmbedder()
    uv = np.empty((len(texts_all), use.dim), np.float32)
    for s in range(0, len(uv), 100_000):
        x = rng.standard_normal((min(len(uv), s + 100_000) - s, use.dim)).astype(np.float32)
        uv[s : s + len(x)] = x / np.linalg.norm(x, axis=1, keepdims=True)
    t0 = time.perf_counter()
    idx.add_embedded(docs, units, uv)  # the engine's bulk path (one add per group's index)
    build_s = time.perf_counter() - t0
    print(f"indexed in {build_s:.0f} s", flush=True)
    t1 = time.perf_counter()
    idx.save(directory / "index")
    if twin:
        vd = directory / "index" / "vectors"
        meta = json.loads((vd / "zh" / "meta.json").read_text(encoding="utf-8"))
        en_meta = json.loads((vd / "en" / "meta.json").read_text(encoding="utf-8"))
        assert en_meta["mode"] == "hnsw" and en_meta["keys"] == meta["keys"]
        shutil.copyfile(vd / "en" / "hnsw.usearch", vd / "zh" / "hnsw.usearch")
        for f in ("vectors.npy", "row_keys.npy"):
            (vd / "zh" / f).unlink()
        for k in ("hnsw_threshold", "connectivity", "expansion_add", "expansion_search", "dtype"):
            meta[k] = en_meta[k]
        meta["mode"] = "hnsw"
        (vd / "zh" / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return {
        "docs": n_docs,
        "texts_per_doc": n_texts,
        "units": len(texts_all),
        "index_build_s": round(build_s, 1),
        "save_s": round(time.perf_counter() - t1, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "twin_groups": twin,
        "expansion_add": idx.vectors["en"].expansion_add,
    }


def pct(xs: list[float]) -> dict[str, float]:
    return {
        "n": len(xs),
        "p50_ms": round(float(np.percentile(xs, 50)), 2),
        "p95_ms": round(float(np.percentile(xs, 95)), 2),
        "mean_ms": round(float(np.mean(xs)), 2),
    }


def query_pool() -> list[str]:
    """Distinct short queries in one fixed order (English and Chinese alternating): the
    held-out terms, names and titles, then the tune split's (the documents hold those only
    with a number appended, so they are new queries too).  Run ``seed`` of ``n`` queries
    per setting takes ``pool[(seed - 1) * 2n : seed * 2n]``."""
    rows = [r for r in load_pairs() if r["split"] == "held-out" and r["unit"] != "paragraph"]
    rows = [r for r in rows if r["unit"] != "sentence"]
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
    return pool


def parse_runs(spec: str) -> list[tuple[int, bool, int | None]]:
    """``"1,2:seq,3:ef512"``: each run's query slice (seed), the groups' graphs searched at
    once (default) or one after the other (``seq``), an expansion_search (``efN``)."""
    runs = []
    for item in spec.split(","):
        seed, *opts = item.split(":")
        ef = next((int(o[2:]) for o in opts if o.startswith("ef")), None)
        runs.append((int(seed), "seq" not in opts, ef))
    return runs


def time_searches(
    directory: Path,
    n_queries: int,
    runs: list[tuple[int, bool, int | None]],
    second: Path | None = None,
    threads_as_before: bool = False,
) -> list[dict[str, Any]]:
    """Load the index once, warm it up, then time each run (its own slice of new queries,
    its settings); one result per run."""
    t0 = time.perf_counter()
    idx = SearchIndex.load(directory / "index", cache_dir=directory / "cache")
    load_s = time.perf_counter() - t0
    if second is not None:  # a calibration to try before shipping it
        idx.second = SecondOpinion.from_json(json.loads(second.read_text(encoding="utf-8")))
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
    # where a search's time goes: each part's time summed per search (the rest of the search,
    # ``other``, is the lexical gate, the filters and the bookkeeping between the parts)
    spent: dict[str, float] = {}

    def clock(name: str, fn: Any) -> Any:
        def wrapped(*args: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                spent[name] = spent.get(name, 0.0) + (time.perf_counter() - t) * 1000

        return wrapped

    rank_mod.embed_query_units = clock("e5_query", rank_mod.embed_query_units)  # type: ignore[assignment]
    idx.lexical.scores = clock("bm25", idx.lexical.scores)  # type: ignore[method-assign]
    idx._candidates = clock("vector_candidates", idx._candidates)  # type: ignore[method-assign]
    idx._score_candidates = clock("scoring", idx._score_candidates)  # type: ignore[method-assign]
    idx._hit = clock("explanations", idx._hit)  # type: ignore[method-assign]
    parts_of: dict[str, list[float]] = {}
    missing = [c for c in idx.docs if c not in idx._second_vecs]
    shipped = idx.second
    default_ef = {g: vi._hnsw.expansion_search for g, vi in idx.vectors.items() if vi.is_hnsw}
    results = []
    for seed, parallel, ef in runs:
        queries = query_pool()[(seed - 1) * 2 * n_queries : seed * 2 * n_queries]
        idx.parallel_groups = parallel
        for g, d_ef in default_ef.items():
            idx.vectors[g]._hnsw.expansion_search = ef or d_ef
        second_ms.clear()
        parts_of.clear()
        for v in parts.values():
            v.clear()
        before = _machine.snapshot()
        with_so: list[float] = []
        without: list[float] = []
        for k, q in enumerate(queries):
            idx.second = shipped if k % 2 == 0 else None
            spent.clear()
            n_so = len(second_ms)
            t = time.perf_counter()
            idx.search(q, 20, filters)
            total = (time.perf_counter() - t) * 1000
            (with_so if k % 2 == 0 else without).append(total)
            spent["second_opinion"] = sum(second_ms[n_so:])
            spent["other"] = total - sum(spent.values())
            key = "with" if k % 2 == 0 else "without"
            for name, ms in spent.items():
                parts_of.setdefault(f"{key}:{name}", []).append(ms)
        after = _machine.snapshot()
        results.append(
            {
                "index_load_s": round(load_s, 1),
                "docs": len(idx),
                "units": idx._n_units(),
                "hnsw": idx.uses_hnsw(),
                "queries": "held-out terms, names and titles of the development set, en and zh",
                "seed": seed,
                "groups_searched": "at once (threads)" if parallel else "one after the other",
                "expansion_search": {g: idx.vectors[g]._hnsw.expansion_search for g in default_ef},
                "search_with_second_opinion": pct(with_so),
                "search_without_second_opinion": pct(without),
                "second_opinion_step": pct(second_ms),
                "second_opinion_use_query_embedding": pct(parts["use_query"])
                if parts["use_query"]
                else None,
                "second_opinion_candidate_vectors": (
                    pct(parts["candidate_vectors"]) if parts["candidate_vectors"] else None
                ),
                "parts": {name: pct(ms) for name, ms in sorted(parts_of.items())},
                "second_opinion": None if shipped is None else shipped.__dict__,
                "threads": "as before: BLAS at its default threads (2), USE on 2"
                if threads_as_before
                else "BLAS on one thread from the first search on, USE on 1 (matching/threads.py)",
                "documents_without_second_vectors_in_memory": len(missing),
                "machine": _machine.summary(before, after),
                "utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
            }
        )
        print(json.dumps(results[-1]["search_with_second_opinion"]),
              json.dumps(results[-1]["search_without_second_opinion"]), flush=True)  # fmt: skip
    return results


def quality(
    directory: Path, n_queries: int, seed: int, efs: list[int], dump: Path | None = None
) -> dict[str, Any]:
    """What the HNSW candidates miss, untimed: for ``n_queries`` queries (slice ``seed``,
    none of the timed runs'), each language group's neighbours at each expansion_search in
    ``efs`` against exact search (recall of the exact top 500 and top 50), and the whole
    search's top 20 (second opinion on) with candidates from HNSW at each expansion against
    candidates from exact search.  Queries are embedded without the cache (nothing is
    written).  ``dump``: the default search's top 20 per query (ids, scores) to a JSON file,
    to compare two versions of the code."""
    from innobridge.matching import rank as rank_mod

    idx = SearchIndex.load(directory / "index", cache_dir=directory / "cache")
    queries = query_pool()[(seed - 1) * n_queries : seed * n_queries]
    qv = rank_mod.embed_query_units(queries, idx.config, idx.embedder, None, idx.centering)
    filters = {"region": ["HK", "CN"]}
    n = max(idx.second.top_k if idx.second else 0, 400)
    recall: dict[str, dict[str, list[float]]] = {}
    for g, vi in idx.vectors.items():
        default_ef = vi._hnsw.expansion_search if vi.is_hnsw else None
        for u in qv:
            exact = [i for i, _ in vi.search(u.vecs[0], n, exact=True)]
            for ef in efs:
                if vi.is_hnsw:
                    vi._hnsw.expansion_search = ef
                got = {i for i, _ in vi.search(u.vecs[0], n)}
                r = recall.setdefault(f"{g} ef={ef}", {"at_500": [], "at_50": []})
                r["at_500"].append(len(got.intersection(exact)) / len(exact))
                r["at_50"].append(len(got.intersection(exact[:50])) / min(50, len(exact)))
        if default_ef is not None:
            vi._hnsw.expansion_search = default_ef

    def top20(mode: str | int) -> list[list[tuple[str, float]]]:
        orig = VectorIndex.search
        saved = {g: vi._hnsw.expansion_search for g, vi in idx.vectors.items() if vi.is_hnsw}
        if mode == "exact":
            VectorIndex.search = lambda self, q, k=10, exact=False: orig(self, q, k, True)  # type: ignore[method-assign]
        else:
            for vi in idx.vectors.values():
                if vi.is_hnsw:
                    vi._hnsw.expansion_search = mode
        try:
            return [
                [(h.id, round(h.score, 6)) for h in idx.search_vector(q, u, 20, filters)]
                for q, u in zip(queries, qv, strict=True)
            ]
        finally:
            VectorIndex.search = orig  # type: ignore[method-assign]
            for g, ef in saved.items():
                idx.vectors[g]._hnsw.expansion_search = ef

    ref = top20("exact")
    agree = {}
    for ef in efs:
        got = top20(ef)
        agree[f"ef={ef}"] = {
            "top20_overlap_mean": round(
                float(
                    np.mean(
                        [
                            len({a for a, _ in x} & {b for b, _ in y}) / max(1, len(y))
                            for x, y in zip(got, ref, strict=True)
                        ]
                    )
                ),
                4,
            ),
            "top20_identical_share": round(
                float(
                    np.mean(
                        [
                            [a for a, _ in x] == [b for b, _ in y]
                            for x, y in zip(got, ref, strict=True)
                        ]
                    )
                ),
                4,
            ),
            "top1_same_share": round(
                float(np.mean([x[:1] == y[:1] for x, y in zip(got, ref, strict=True)])), 4
            ),
        }
    if dump is not None:
        dump.write_text(json.dumps(dict(zip(queries, top20(efs[0]), strict=True)),
                                   ensure_ascii=False), encoding="utf-8")  # fmt: skip
    return {
        "docs": len(idx),
        "queries": len(queries),
        "neighbours": n,
        "candidate_recall_vs_exact": {
            k: {m: round(float(np.mean(v)), 4) for m, v in r.items()} for k, r in recall.items()
        },
        "top20_vs_exact_candidates": agree,
    }


def compare_dumps(a: Path, b: Path) -> dict[str, Any]:
    """Two ``--quality --dump`` files (the same queries and index, two versions of the
    code): how many queries have the same top 20 (ids and order), the same ids, and the
    largest score difference."""
    x = json.loads(a.read_text(encoding="utf-8"))
    y = json.loads(b.read_text(encoding="utf-8"))
    assert x.keys() == y.keys()
    same_order = sum([i for i, _ in x[q]] == [i for i, _ in y[q]] for q in x)
    same_ids = sum({i for i, _ in x[q]} == {i for i, _ in y[q]} for q in x)
    diff = max(
        (abs(s - t) for q in x for (i, s), (j, t) in zip(x[q], y[q], strict=False) if i == j),
        default=0.0,
    )
    return {
        "a": a.name,
        "b": b.name,
        "queries": len(x),
        "same_top20_in_order": same_order,
        "same_top20_ids": same_ids,
        "max_score_difference_same_id_same_place": round(diff, 6),
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
    ap.add_argument("--expansion-add", type=int, default=None, help="--build: see build()")
    ap.add_argument("--runs", default=None, help="several timed runs in one load, see parse_runs")
    ap.add_argument("--quality", type=Path, help="candidate recall and top-20 vs exact search")
    ap.add_argument("--efs", default="1024,512", help="expansion_search values for --quality")
    ap.add_argument("--dump", type=Path, default=None, help="--quality: top 20 per query")
    ap.add_argument("--compare", nargs=2, type=Path, help="two --dump files (see compare_dumps)")
    ap.add_argument(
        "--twin",
        action="store_true",
        help="build one HNSW graph and copy it for the other language group (see build())",
    )
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
        info = build(args.build, args.docs, args.texts, twin=args.twin,
                     expansion_add=args.expansion_add)  # fmt: skip
        (args.build / "build.json").write_text(json.dumps(info), encoding="utf-8")
        print(info, flush=True)
    if args.compare:
        res = compare_dumps(*args.compare)
        out = Path(args.out)
        prev = json.loads(out.read_text()) if out.is_file() else {}
        prev[args.label or "compare"] = res
        out.write_text(json.dumps(prev, indent=1, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(res, indent=1), flush=True)
    if args.quality:
        res = quality(
            args.quality, args.queries, args.seed, [int(x) for x in args.efs.split(",")], args.dump
        )
        out = Path(args.out)
        prev = json.loads(out.read_text()) if out.is_file() else {}
        prev[args.label or f"quality {res['docs']} docs"] = res
        out.write_text(json.dumps(prev, indent=1, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(res, indent=1), flush=True)
    if args.time:
        runs = parse_runs(args.runs or str(args.seed))
        results = time_searches(args.time, args.queries, runs, args.second, args.threads_as_before)
        info_f = args.time / "build.json"
        build_info = json.loads(info_f.read_text()) if info_f.is_file() else None
        out = Path(args.out)
        prev = json.loads(out.read_text()) if out.is_file() else {}
        for (seed, parallel, ef), res in zip(runs, results, strict=True):
            res["build"] = build_info
            label = args.label or f"{res['docs']} docs"
            if len(runs) > 1:
                label += f", run {seed}" + ("" if parallel else ", groups one after the other")
                label += f", expansion_search {ef}" if ef else ""
            prev[label] = res
        out.write_text(json.dumps(prev, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
