"""Scale: VectorIndex (HNSW via usearch) latency, memory, build throughput and recall@10.

Vectors: real multilingual-e5 embeddings of real paper texts are taken from the embedding
cache (filled by goldstandard.py / crosslingual.py: title+abstract of CS papers, research
topic names, ~4,700 vectors); beyond those, synthetic profiles are drawn from them (see
:func:`synth`: ``mix``, the default, is a random convex mix of two real vectors plus
isotropic Gaussian noise, renormalised; ``copies`` is one real vector plus noise, which at
1M degenerates into ~200 near-equidistant copies of each real vector).  Queries are fresh
draws from the same process.  Ground truth is exact brute-force cosine top-10.  The usearch
index stores f16 (i8 lost recall: 0.89 against 0.98 at 30k), is built by batched adds of
100k with 2 threads, connectivity 16, expansion_add 64.

Also measured: the engine end to end (SearchIndex.search incl. BM25, filters, explanation)
on 10k profiles made of real paper titles (csl + arxiv + acl: 7,947 titles, repeated with
new ids to reach 10k) with the fast USE embedder, and the e5 query-embedding latency.

    .venv/bin/python benchmarks/scale.py --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import gc
import json
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._gsdata import REPO, cache_dir, data_dir
from innobridge.matching.index import VectorIndex

DIM = 384


def rss_mb() -> dict[str, float]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            out[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
    return out


def real_vectors(limit: int | None = None) -> np.ndarray:
    """The 384-d vectors in the benchmark embedding cache, oldest first (``limit``: only the
    first ones, so runs made as the cache grows can share one set)."""
    db = cache_dir() / "embeddings.sqlite"
    if not db.is_file():
        return np.zeros((0, DIM), np.float32)
    con = sqlite3.connect(db)
    rows = [
        np.frombuffer(v, np.float32) for (v,) in con.execute("SELECT v FROM emb ORDER BY rowid")
    ]
    con.close()
    vs = [r for r in rows if r.shape[0] == DIM][:limit]
    return np.stack(vs) if vs else np.zeros((0, DIM), np.float32)


def gauss(centres: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``gauss``: independent draws from the Gaussian with the real vectors' mean and
    covariance (their anisotropy and spectrum), renormalised.  No two draws share a centre,
    so unlike ``mix``/``copies`` the cloud does not degenerate as it grows; it has no cluster
    structure either, which makes it harder for a graph index than real embeddings."""
    mu = centres.mean(axis=0)
    chol = np.linalg.cholesky(np.cov(centres, rowvar=False) + 1e-6 * np.eye(DIM)).astype(np.float32)
    out = np.empty((n, DIM), np.float32)
    for s in range(0, n, 100_000):
        m = min(n, s + 100_000) - s
        x = mu + rng.standard_normal((m, DIM)).astype(np.float32) @ chol.T
        out[s : s + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def synth(
    centres: np.ndarray,
    n: int,
    rng: np.random.Generator,
    sigma: float = 0.5,
    kind: str = "mix",
) -> np.ndarray:
    """``gauss``: see :func:`gauss`.  ``copies``: a real vector plus noise (at 1M that is
    ~200 near-equidistant copies of each of the ~4,700 real vectors — a degenerate cloud);
    ``mix``: a random convex mix of
    two real vectors plus the same noise (profiles between two real topics), so no two
    synthetic points share a centre."""
    if len(centres) == 0:
        centres = rng.normal(size=(1000, DIM)).astype(np.float32)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    if kind == "gauss":
        return gauss(centres, n, rng)
    c = centres[rng.integers(0, len(centres), n)]
    if kind == "mix":
        t = rng.uniform(0, 1, size=(n, 1)).astype(np.float32)
        c = t * c + (1 - t) * centres[rng.integers(0, len(centres), n)]
        c /= np.linalg.norm(c, axis=1, keepdims=True)
    x = c + rng.normal(scale=sigma / np.sqrt(DIM), size=(n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def exact_top10(data: np.ndarray, q: np.ndarray) -> np.ndarray:
    best_s = np.full((len(q), 10), -np.inf, np.float32)
    best_i = np.zeros((len(q), 10), np.int64)
    for s in range(0, len(data), 200_000):
        sc = q @ data[s : s + 200_000].T
        idx = np.argpartition(-sc, 9, axis=1)[:, :10]
        cs = np.take_along_axis(sc, idx, 1)
        all_s = np.concatenate([best_s, cs], 1)
        all_i = np.concatenate([best_i, idx + s], 1)
        o = np.argsort(-all_s, 1)[:, :10]
        best_s, best_i = np.take_along_axis(all_s, o, 1), np.take_along_axis(all_i, o, 1)
    return best_i


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def bench_size(
    n: int,
    centres: np.ndarray,
    n_queries: int,
    ef_list: list[int],
    conn: int,
    dtype: str = "f16",
    expansion_add: int = 64,
    threads: int = 2,
    kind: str = "mix",
) -> dict:
    rng = np.random.default_rng(n)
    gc.collect()
    before = rss_mb()
    data = np.concatenate([centres[:n], synth(centres, max(0, n - len(centres)), rng, kind=kind)])
    data = data[:n]
    q = synth(centres, n_queries, np.random.default_rng(7), kind=kind)
    ids = [f"p{i}" for i in range(n)]
    after_data = rss_mb()
    idx = VectorIndex(
        DIM,
        hnsw_threshold=min(20_000, n - 1),
        connectivity=conn,
        expansion_add=expansion_add,
        dtype=dtype,
    )
    load_before = loadavg()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    for s in range(0, n, 100_000):  # batched add, usearch inserts with `threads` threads
        idx.add(ids[s : s + 100_000], data[s : s + 100_000], threads=threads)
        print(f"  built {min(n, s + 100_000)}/{n} in {time.perf_counter() - t0:.0f} s", flush=True)
    build = time.perf_counter() - t0
    build_cpu = time.process_time() - cpu0
    after_index = rss_mb()
    truth = exact_top10(data, q)
    res: dict = {
        "n": n,
        "real_vectors": int(min(n, len(centres))),
        "synthetic": kind,
        "mode": "hnsw" if idx.is_hnsw else "exact",
        "dtype": dtype,
        "connectivity": conn,
        "expansion_add": expansion_add,
        "build_threads": threads,
        "build_s": round(build, 1),
        "build_cpu_s": round(build_cpu, 1),
        "build_per_s": round(n / build),
        "load_average_at_build_start": load_before,
        "index_memory_mb": round(idx.memory_bytes() / 2**20, 1),
        "rss_mb": {"before": before, "after_vectors": after_data, "after_index": after_index},
        "by_expansion_search": {},
    }
    for ef in ef_list:
        if idx.is_hnsw:
            idx._hnsw.expansion_search = ef
        lat = []
        hits = 0
        for i in range(n_queries):
            t = time.perf_counter()
            r = idx.search(q[i], 10)
            lat.append((time.perf_counter() - t) * 1000)
            got = {int(x[0][1:]) for x in r}
            hits += len(got & set(truth[i].tolist()))
        res["by_expansion_search"][str(ef)] = {
            "p50_ms": round(float(np.percentile(lat, 50)), 3),
            "p95_ms": round(float(np.percentile(lat, 95)), 3),
            "recall@10": round(hits / (10 * n_queries), 4),
        }
        print(n, ef, res["by_expansion_search"][str(ef)], flush=True)
    del idx, data
    gc.collect()
    return res


def engine_end_to_end(n: int, n_queries: int) -> dict:
    from innobridge.matching import Document, SearchIndex, USEEmbedder
    from innobridge.matching.embed import E5Embedder

    texts = []
    base = data_dir()
    for rel in (
        "csl/csl_benchmark_2000.jsonl",
        "arxiv-0704/arxiv_0704_2000.jsonl",
        "acl-anthology-en/acl_main_2016_2021.jsonl",
    ):
        with (base / rel).open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                texts.append(r.get("title") or r.get("abstract", "")[:200])
    docs = [
        Document(f"d{i}", [texts[i % len(texts)]], {"region": "HK" if i % 3 else "CN"})
        for i in range(n)
    ]
    idx = SearchIndex(USEEmbedder(), cache_dir=cache_dir())
    t0 = time.perf_counter()
    idx.add(docs, progress=True)
    build = time.perf_counter() - t0
    queries = [t for t in texts[:: max(1, len(texts) // n_queries)]][:n_queries]
    idx.search(queries[0], 10)
    lat, lat_f = [], []
    for qtext in queries:
        t = time.perf_counter()
        idx.search(qtext, 10)
        lat.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        idx.search(qtext, 10, filters={"region": "CN"})
        lat_f.append((time.perf_counter() - t) * 1000)
    e5 = E5Embedder()
    e5.encode(["warm up"], "query")
    lat_e5 = []
    for qtext in queries[:50]:
        t = time.perf_counter()
        e5.encode([qtext], "query")
        lat_e5.append((time.perf_counter() - t) * 1000)
    return {
        "n_docs": n,
        "distinct_real_texts": len(set(texts)),
        "embedder": idx.embedder.name,
        "build_s_incl_embedding_uncached": round(build, 1),
        "search_p50_ms": round(float(np.percentile(lat, 50)), 2),
        "search_p95_ms": round(float(np.percentile(lat, 95)), 2),
        "search_region_filter_p95_ms": round(float(np.percentile(lat_f, 95)), 2),
        "e5_query_embedding_p50_ms": round(float(np.percentile(lat_e5, 50)), 2),
        "e5_query_embedding_p95_ms": round(float(np.percentile(lat_e5, 95)), 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--ef", default="64,128")
    ap.add_argument("--connectivity", type=int, default=16)
    ap.add_argument("--dtype", default="f16", help="usearch storage: f32, f16 or i8")
    ap.add_argument("--expansion-add", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--synthetic", default="mix", choices=["mix", "copies", "gauss"])
    ap.add_argument("--engine-docs", type=int, default=10_000, help="0 to skip")
    ap.add_argument("--real-limit", type=int, default=None, help="use the first N real vectors")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "scale.json"))
    args = ap.parse_args(argv)
    out_path = Path(args.out)
    prev = json.loads(out_path.read_text()) if out_path.is_file() else {}
    centres = real_vectors(args.real_limit)
    print(f"{len(centres)} real e5 vectors from the cache", flush=True)
    results = prev.get("index", {})
    for n in [int(x) for x in args.sizes.split(",") if x]:
        key = str(n) if args.synthetic == "mix" else f"{n} {args.synthetic}"
        if args.connectivity != 16:
            key += f" connectivity{args.connectivity}"
        results[key] = bench_size(
            n,
            centres,
            args.queries,
            [int(e) for e in args.ef.split(",")],
            args.connectivity,
            args.dtype,
            args.expansion_add,
            args.threads,
            args.synthetic,
        )
        prev["index"] = results
        out_path.write_text(json.dumps(prev, indent=1))
    if args.engine_docs:
        prev["engine_end_to_end"] = engine_end_to_end(args.engine_docs, 200)
        print(prev["engine_end_to_end"], flush=True)
    prev["machine"] = {"cores": __import__("os").cpu_count()}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(prev, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
