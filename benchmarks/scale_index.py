"""Indexing throughput: single machine and a Ray job with 1 and 2 workers; projection.

Texts: real publication texts as the researcher index stores them (title + the first 400
characters of the abstract; CSL Chinese, arXiv and ACL English, mixed), cut into the
engine's units (sentences + the whole text, distinct units once).  Every figure is taken
with an empty embedding cache (the cost of a first build).  Wall-clock and CPU seconds
are both recorded with the machine's load average: on the shared 2-core machine the wall
times depend on what else runs, CPU-seconds per unit much less.

    .venv/bin/python benchmarks/scale_index.py --texts 60 --out benchmarks/results/scale_index.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import _machine  # noqa: E402
from benchmarks._gsdata import data_dir  # noqa: E402


def publication_texts(n: int, abstract_chars: int = 400) -> list[str]:
    files = [
        ("csl/csl_benchmark_2000.jsonl", n // 3),
        ("arxiv-0704/arxiv_0704_2000.jsonl", n // 3),
        ("acl-anthology-en/acl_main_2016_2021.jsonl", n - 2 * (n // 3)),
    ]
    out = []
    for name, k in files:
        with (data_dir() / name).open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= k:
                    break
                o = json.loads(line)
                a = (o.get("abstract") or "")[:abstract_chars]
                out.append(f"{o['title']}. {a}" if a else o["title"])
    return out


def _mode_key(mode: str) -> str:
    if mode.startswith("ray"):
        return "ray"
    return "process1" if "1 thread" in mode else "process"


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(
    texts: list[str], mode: str, workers: int, shard_size: int, threads: int | None = None
) -> dict:
    from innobridge.matching.shards import run_job

    machine_before = _machine.snapshot()
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with tempfile.TemporaryDirectory() as tmp:
        c0, s0, t0 = cpu_children(), cpu_self(), time.perf_counter()
        rep = run_job(
            texts,
            Path(tmp) / "shards",
            embedder="e5",
            workers=workers,
            shard_size=shard_size,
            use_ray=mode == "ray",
            threads=threads,
        )
        wall = time.perf_counter() - t0
        cpu = (cpu_children() - c0) + (cpu_self() - s0)
    machine = _machine.summary(machine_before, _machine.snapshot())
    return {
        "mode": rep.mode,
        "workers": rep.workers,
        "texts": len(texts),
        "units": rep.units,
        "wall_seconds": round(wall, 2),
        "embedding_seconds": round(sum(rep.shard_seconds), 2),
        "startup_seconds": round(getattr(rep, "startup_seconds", 0.0), 2),
        "job_seconds_after_startup": round(wall - getattr(rep, "startup_seconds", 0.0), 2),
        "texts_per_s": round(len(texts) / wall, 3),
        "units_per_s": round(rep.units / wall, 3),
        "cpu_seconds_this_process": round(cpu, 2),
        "when_utc": when,
        **machine,
    }


VARIANT_KEYS = {"whole": "drop", "procs": "0", "threads": "", "use": "1", "engine": "built"}


def parse_variant(spec: str) -> dict[str, str]:
    """``whole=model|drop,procs=N,threads=T,use=0|1,engine=built|shipped`` (missing:
    defaults: no whole-text unit (the engine's default since issue 17; ``model`` embeds it,
    the default before), one process on all cores,
    USE's second-opinion vectors of the whole texts counted, the model's C engine built for
    this CPU where ``innobridge build_engine`` made one)."""
    out = dict(VARIANT_KEYS)
    for part in filter(None, spec.split(",")):
        k, _, v = part.partition("=")
        if k not in out:
            raise SystemExit(f"unknown variant key {k!r} in {spec!r}")
        out[k] = v
    return out


def measure_variant(texts: list[str], spec: str, shard_size: int) -> dict:
    """Indexing as the engine does it for one setting, in this (fresh) process: the e5 shard
    job over the distinct units the setting embeds (:func:`~innobridge.matching.shards.run_job`
    without Ray, the path of the ``process`` mode) and then, with ``use=1``, the second
    opinion's USE vectors of the whole texts (what ``SearchIndex.add`` also embeds)."""
    from dataclasses import replace

    from innobridge.matching.affinity import DEFAULT_CONFIG
    from innobridge.matching.embed import USEEmbedder
    from innobridge.matching.second import text_vectors
    from innobridge.matching.shards import run_job, units_to_embed

    v = parse_variant(spec)
    if v["whole"] not in ("model", "drop"):
        raise SystemExit("whole= model (the engine embeds the whole-text unit) or drop")
    if v["engine"] not in ("built", "shipped"):
        raise SystemExit("engine= built (innobridge build_engine's, where made) or shipped")
    if v["engine"] == "shipped":  # this is a fresh process: read when the model loads
        os.environ["INNOBRIDGE_E5_ENGINE"] = "shipped"
    from innobridge.matching.native import describe

    engine = describe()
    # a whole-text vector derived from the sentences (benchmarks/index_quality.py) embeds
    # exactly what "drop" embeds
    cfg = replace(DEFAULT_CONFIG, whole_text_unit=v["whole"] == "model")
    threads = int(v["threads"]) if v["threads"] else None
    procs = int(v["procs"])
    machine_before = _machine.snapshot()
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with tempfile.TemporaryDirectory() as tmp:
        c0, s0, t0 = cpu_children(), cpu_self(), time.perf_counter()
        run_job(
            texts,
            Path(tmp) / "shards",
            embedder="e5",
            shard_size=shard_size,
            use_ray=False,
            threads=threads,
            processes=procs,
            config=cfg,
        )
        e5_wall = time.perf_counter() - t0
        use_wall = 0.0
        if v["use"] == "1":
            t1 = time.perf_counter()
            text_vectors(texts, USEEmbedder(), None)
            use_wall = time.perf_counter() - t1
        wall = time.perf_counter() - t0
        from innobridge.matching.shards import _LOADED

        for emb in _LOADED.values():  # stop the model processes (their CPU is counted)
            close = getattr(emb, "close", None)
            if close is not None:
                close()
        cpu = (cpu_children() - c0) + (cpu_self() - s0)
    machine = _machine.summary(machine_before, _machine.snapshot())
    units = units_to_embed(texts, cfg)
    return {
        "variant": spec,
        "setting": {k: v[k] for k in VARIANT_KEYS},
        "model_engine": engine,
        "texts": len(texts),
        "units_embedded": len(units),
        "chars_embedded": sum(len(u) for u in units),
        "e5_wall_seconds": round(e5_wall, 2),
        "use_wall_seconds": round(use_wall, 2),
        "wall_seconds": round(wall, 2),
        "texts_per_s": round(len(texts) / wall, 3),
        "texts_per_s_e5_only": round(len(texts) / e5_wall, 3),
        "cpu_seconds_incl_model_processes": round(cpu, 2),
        "when_utc": when,
        **machine,
    }


def bulk_import(n_works: int, database_url: str, label: str) -> dict:
    """``innobridge import_works`` of ``n_works`` generated OpenAlex works (the snapshot's
    JSON Lines format) into a freshly migrated database; the import alone is timed."""
    import subprocess

    sys.path.insert(0, str(ROOT))
    from tests.people.openalex_gen import write_works

    env = {**os.environ, "DATABASE_URL": database_url, "INNOBRIDGE_ENV": "embedded"}
    with tempfile.TemporaryDirectory() as tmp:
        env["INNOBRIDGE_VAR_DIR"] = tmp
        works = write_works(Path(tmp) / "works.jsonl", n_works)
        exe = str(ROOT / ".venv" / "bin" / "innobridge")
        subprocess.run([exe, "migrate", "-v", "0"], env=env, check=True)
        machine_before = _machine.snapshot()
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        t0 = time.perf_counter()
        proc = subprocess.run(
            [exe, "import_works", "--openalex", str(works), "-v", "0"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - t0
        machine = _machine.summary(machine_before, _machine.snapshot())
        size_mb = works.stat().st_size / 2**20
    return {
        "database": label,
        "works": n_works,
        "file_mb": round(size_mb, 1),
        "seconds": round(seconds, 1),
        "works_per_s": round(n_works / seconds),
        "summary": proc.stdout.strip().splitlines()[0],
        "when_utc": when,
        **machine,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--texts", type=int, default=60)
    ap.add_argument("--shard-size", type=int, default=32)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "scale_index.json"))
    ap.add_argument(
        "--modes",
        default="process,process1,ray",
        help="process (model threads: all cores), process1 (one thread), ray (1 and 2 workers)",
    )
    ap.add_argument(
        "--variants",
        help="compare indexing settings instead (each in a fresh process), ';'-separated "
        "specs of whole=model|drop,procs=N,threads=T,use=0|1,engine=built|shipped; the first is "
        "the baseline of the ratios; results under 'variants' in --out",
    )
    ap.add_argument(
        "--abstract-chars", type=int, default=400, help="the indexer's abstract cut (--variants)"
    )
    ap.add_argument("--repeat", type=int, default=1, help="rounds over --variants")
    ap.add_argument("--import-works", type=int, help="measure bulk import of N works instead")
    ap.add_argument(
        "--postgres-url",
        help="also on PostgreSQL (a database this role may drop and create, e.g. "
        "postgres://innobridge:secret@127.0.0.1:54320/innobridge_scale_bench)",
    )
    args = ap.parse_args(argv)
    if args.import_works:
        out_path = Path(args.out)
        result = json.loads(out_path.read_text()) if out_path.is_file() else {}
        with tempfile.TemporaryDirectory() as tmp:
            rows = [bulk_import(args.import_works, f"sqlite:///{tmp}/bench.sqlite3", "sqlite")]
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        if args.postgres_url:
            import psycopg

            base, _, name = args.postgres_url.rpartition("/")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}"')
                con.execute(f'CREATE DATABASE "{name}"')
            rows.append(bulk_import(args.import_works, args.postgres_url, "postgresql"))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        result["bulk_import"] = rows
        result["bulk_import_note"] = (
            "innobridge import_works of generated works in the OpenAlex snapshot format "
            "(tests/people/openalex_gen.py), into a freshly migrated database; read, check, "
            "de-duplicate and write in one transaction; the shared machine's load is recorded"
        )
        out_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        return 0
    if args.variants:
        return run_variants(args)
    from innobridge.matching.shards import units_to_embed

    texts = publication_texts(args.texts)
    units = units_to_embed(texts)
    out_path = Path(args.out)
    old_runs = json.loads(out_path.read_text()).get("runs", []) if out_path.is_file() else []
    wanted = [("process", 1), ("process1", 1), ("ray", 1), ("ray", 2)]
    wanted = [m for m in wanted if m[0] in args.modes.split(",")]
    runs = [
        r
        for r in old_runs
        if r.get("texts") == len(texts) and (_mode_key(r["mode"]), r["workers"]) not in wanted
    ]
    for mode, w in wanted:
        for attempt in range(2):  # a local Ray may time out starting on a busy machine
            try:
                kind = "ray" if mode == "ray" else "process"
                threads = 1 if mode == "process1" else None
                if kind == "process":
                    # a fresh process: the model's OpenMP thread count is fixed when the
                    # runtime first starts, so a second in-process mode would inherit it
                    import multiprocessing
                    from concurrent.futures import ProcessPoolExecutor

                    ctx = multiprocessing.get_context("spawn")
                    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
                        run = pool.submit(measure, texts, kind, w, args.shard_size, threads)
                        runs.append(run.result())
                else:
                    runs.append(measure(texts, kind, w, args.shard_size, threads))
                break
            except Exception as exc:
                print(f"{mode} x{w} attempt {attempt + 1} failed: {exc}", file=sys.stderr)
                if attempt:
                    runs.append({"mode": mode, "workers": w, "error": str(exc)[:300]})
        print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    runs.sort(key=lambda r: (r["mode"].startswith("ray"), r["mode"], r["workers"]))
    ray1 = next((r for r in runs if r["mode"] == "ray (local)" and r["workers"] == 1), None)
    ray2 = next((r for r in runs if r["mode"] == "ray (local)" and r["workers"] == 2), None)
    single = next((r for r in runs if r["mode"] == "local process"), None)
    one = next((r for r in runs if r["mode"] == "local process, 1 thread"), None)
    units_per_text = len(units) / len(texts)
    # 10,000 researchers with 60,000 publications: 70,000 stored texts (a profile text each)
    proj_units = 70_000 * units_per_text
    result = {
        "benchmark": "indexing throughput (first build, empty cache)",
        "texts": len(texts),
        "units": len(units),
        "units_per_text": round(units_per_text, 2),
        "runs": runs,
        "ray_2_vs_1_workers": round(ray1["wall_seconds"] / ray2["wall_seconds"], 2)
        if ray1 and ray2
        else None,
        "ray_2_vs_1_workers_after_startup": round(
            ray1["job_seconds_after_startup"] / ray2["job_seconds_after_startup"], 2
        )
        if ray1
        and ray2
        and "job_seconds_after_startup" in ray1
        and "job_seconds_after_startup" in ray2
        else None,
        "projection_10k_researchers_60k_publications": {
            "note": "projection from the measured units/s, not a measurement: 70,000 texts x "
            "units_per_text distinct units (fewer in practice: repeated sentences are "
            "embedded once)",
            "units": round(proj_units),
            "this_machine_hours": round(proj_units / single["units_per_s"] / 3600, 1)
            if single
            else None,
            "cpu_core_hours_single_threaded": round(
                proj_units / (one["units"] / one["cpu_seconds_this_process"]) / 3600, 1
            )
            if one
            else None,
            "per_node_hours_on_n_nodes": "this_machine_hours / (N x the 2-vs-1 worker ratio / 2)"
            " for N nodes of 2 cores, shards spread evenly; a quiet 2-core node runs "
            "faster than this shared one",
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
    }
    out_path = Path(args.out)
    if out_path.is_file():  # keep the bulk-import figures of an earlier --import-works run
        old = json.loads(out_path.read_text())
        result = {**{k: v for k, v in old.items() if k.startswith("bulk_import")}, **result}
    out_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def run_variants(args: argparse.Namespace) -> int:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    texts = publication_texts(args.texts, args.abstract_chars)
    specs = [x.strip() for x in args.variants.split(";") if x.strip()]
    out_path = Path(args.out)
    result = json.loads(out_path.read_text()) if out_path.is_file() else {}
    rows = []
    ctx = multiprocessing.get_context("spawn")
    for r in range(args.repeat):
        for spec in specs:
            # a fresh process each: OpenMP's thread count is fixed when the runtime starts
            with ProcessPoolExecutor(1, mp_context=ctx) as pool:
                row = pool.submit(measure_variant, texts, spec, args.shard_size).result()
            row["round"] = r
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    base = [x["wall_seconds"] for x in rows if x["variant"] == specs[0]]
    summary = {}
    for spec in specs:
        walls = [x["wall_seconds"] for x in rows if x["variant"] == spec]
        summary[spec] = {
            "wall_seconds_best": min(walls),
            "texts_per_s_best": round(len(texts) / min(walls), 3),
            "vs_first_variant_best": round(min(base) / min(walls), 2),
        }
    result["variants"] = {
        "texts": len(texts),
        "shard_size": args.shard_size,
        "baseline": specs[0],
        "abstract_chars": args.abstract_chars,
        "summary": summary,
        "runs": rows,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
    }
    out_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
