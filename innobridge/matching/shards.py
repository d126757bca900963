"""Embedding as a batch job over shards — in this process, or on Ray workers (local or a
cluster) — with vector shards and a manifest on disk, resumable.

The job embeds exactly what the engine would embed for the given stored texts (their
units: sentences and whole texts, see :func:`~.affinity.split_units`, in the ``passage``
role, as :func:`~.text.embedding_text` folds them), each distinct unit once.  The units are
cut into shards of ``shard_size``; a shard is written as ``shard-NNNNN.npz`` (its cache keys
and float32 vectors) by an atomic rename, and ``manifest.json`` lists the shards with a
hash of their content.  Running the job again skips every shard whose file is there with
the same content hash: an interrupted job resumes, a finished one costs nothing.

:func:`import_shards` then puts the vectors into the embedding cache under the same keys
as :func:`~.embed.embed` uses, so building the index from the shards embeds nothing.

Ray is optional (``uv sync --group ray``); without ``address`` a local Ray is started with
``workers`` CPUs, each worker running the model single-threaded.  Nothing here imports
Django.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .affinity import DEFAULT_CONFIG, AffinityConfig, split_units
from .embed import E5Embedder, Embedder, EmbeddingCache, Role, USEEmbedder, cache_key
from .text import embedding_text

ROLE: Role = "passage"
MANIFEST = "manifest.json"


def make_embedder(spec: str, threads: int | None = None, processes: int = 0) -> Embedder:
    """``e5`` / ``use`` / a dotted path to a class (tests); ``threads`` for the model, or
    ``processes`` single-threaded model processes (e5, see :class:`~.embed.E5Embedder`)."""
    if spec == "e5":
        return E5Embedder(num_threads=threads, processes=processes)
    if spec == "use":
        return USEEmbedder(threads=threads or 1)
    module, _, name = spec.rpartition(".")
    import importlib

    cls = getattr(importlib.import_module(module), name)
    return cls()


_LOADED: dict[tuple[str, int | None, int], Embedder] = {}


def _loaded_embedder(spec: str, threads: int | None, processes: int = 0) -> Embedder:
    """One embedder (and so one loaded model) per process, spec and thread count: a Ray
    worker and the in-process loop run many shards, and loading the model for each shard
    cost more than embedding a small one."""
    key = (spec, threads, processes)
    if key not in _LOADED:
        _LOADED[key] = make_embedder(spec, threads, processes)
    return _LOADED[key]


def units_to_embed(texts: Sequence[str], config: AffinityConfig = DEFAULT_CONFIG) -> list[str]:
    """The distinct model inputs of ``texts``' units, in order of first appearance."""
    units, _ = split_units(texts, config.granularity, config.whole_text_unit)
    return list(dict.fromkeys(embedding_text(u) for u in units))


def shard_id(texts: Sequence[str], model: str) -> str:
    h = hashlib.sha256(model.encode())
    for t in texts:
        b = t.encode("utf-8")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()[:24]


@dataclass
class Shard:
    index: int
    id: str
    texts: list[str]

    @property
    def file(self) -> str:
        return f"shard-{self.index:05d}.npz"


@dataclass
class JobReport:
    model: str
    units: int
    shards: int
    skipped: int
    embedded: int
    seconds: float
    workers: int
    mode: str
    out_dir: str
    shard_seconds: list[float] = field(default_factory=list)
    startup_seconds: float = 0.0  # starting the local Ray (or connecting to a cluster)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def plan(units: Sequence[str], model: str, shard_size: int) -> list[Shard]:
    out = []
    for n, a in enumerate(range(0, len(units), shard_size)):
        chunk = list(units[a : a + shard_size])
        out.append(Shard(n, shard_id(chunk, model), chunk))
    return out


def _done(out_dir: Path, shard: Shard) -> bool:
    f = out_dir / shard.file
    if not f.is_file():
        return False
    try:
        with np.load(f) as z:
            return str(z["shard_id"]) == shard.id
    except (OSError, ValueError, KeyError):
        return False


def embed_shard(
    spec: str,
    model_name: str,
    shard: Shard,
    out_dir: str,
    threads: int | None = 1,
    processes: int = 0,
) -> float:
    """Embed one shard and write it (atomically).  Returns the seconds it took."""
    t0 = time.perf_counter()
    emb = _loaded_embedder(spec, threads, processes)
    if emb.name != model_name:
        raise ValueError(f"worker model {emb.name!r} is not the job's {model_name!r}")
    vecs = np.asarray(emb.encode(shard.texts, ROLE), np.float32)
    # (n, 32) bytes as uint8: NumPy's "S" strings would drop a digest's trailing zero bytes
    keys = np.frombuffer(
        b"".join(cache_key(model_name, ROLE, t) for t in shard.texts), dtype=np.uint8
    ).reshape(len(shard.texts), 32)
    d = Path(out_dir)
    tmp = d / f".{shard.file}.{os.getpid()}.tmp.npz"
    np.savez(tmp, keys=keys, vectors=vecs, shard_id=np.array(shard.id))
    os.replace(tmp, d / shard.file)
    return time.perf_counter() - t0


def run_job(
    texts: Sequence[str],
    out_dir: str | Path,
    *,
    embedder: str = "e5",
    address: str | None = None,
    workers: int = 2,
    shard_size: int = 256,
    use_ray: bool = True,
    threads: int | None = None,
    processes: int = 0,
    config: AffinityConfig = DEFAULT_CONFIG,
    progress: Callable[[int, int], None] | None = None,
) -> JobReport:
    """Embed ``texts``' units into vector shards under ``out_dir`` (see the module doc).

    ``use_ray=False`` runs the shards one after another in this process (the model with
    ``threads`` threads, default all cores; or, with ``processes`` >= 2, that many
    single-threaded model processes): the single-machine reference."""
    t0 = time.perf_counter()
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    model_name = make_embedder(embedder).name
    units = units_to_embed(texts, config)
    shards = plan(units, model_name, shard_size)
    todo = [s for s in shards if not _done(d, s)]
    manifest = {
        "model": model_name,
        "role": ROLE,
        "shard_size": shard_size,
        "units": len(units),
        "shards": [{"file": s.file, "id": s.id, "n": len(s.texts)} for s in shards],
    }
    tmp = d / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, d / MANIFEST)
    done = len(shards) - len(todo)
    if progress is not None:
        progress(done, len(shards))
    seconds: list[float] = []
    startup = 0.0
    if not use_ray:
        for s in todo:
            seconds.append(
                embed_shard(embedder, model_name, s, str(d), threads=threads, processes=processes)
            )
            done += 1
            if progress is not None:
                progress(done, len(shards))
        mode = "local process" + (f", {threads} thread" if threads else "")
        if processes > 1:
            mode = f"local, {processes} model processes"
    else:
        import ray

        started_here = not ray.is_initialized()
        t_start = time.perf_counter()
        if started_here:
            try:
                if address:
                    ray.init(address=address, log_to_driver=False)
                else:
                    ray.init(
                        num_cpus=workers,
                        include_dashboard=False,
                        log_to_driver=False,
                        runtime_env={"env_vars": {"OMP_NUM_THREADS": "1"}},
                    )
            except Exception:
                ray.shutdown()  # stop whatever part of a local Ray had started
                raise
        startup = time.perf_counter() - t_start
        try:
            task: Any = ray.remote(num_cpus=1)(embed_shard)
            pending = [task.remote(embedder, model_name, s, str(d.resolve()), 1) for s in todo]
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                seconds.extend(ray.get(ready))
                done += len(ready)
                if progress is not None:
                    progress(done, len(shards))
        finally:
            if started_here:
                ray.shutdown()
        mode = f"ray ({address or 'local'})"
    return JobReport(
        model=model_name,
        units=len(units),
        shards=len(shards),
        skipped=len(shards) - len(todo),
        embedded=sum(len(s.texts) for s in todo),
        seconds=time.perf_counter() - t0,
        workers=workers if use_ray else 1,
        mode=mode,
        out_dir=str(d),
        shard_seconds=seconds,
        startup_seconds=startup,
    )


def read_shards(out_dir: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """(keys, vectors) of every shard in the manifest (a missing shard is an error)."""
    d = Path(out_dir)
    manifest = json.loads((d / MANIFEST).read_text(encoding="utf-8"))
    keys, vecs = [], []
    for s in manifest["shards"]:
        with np.load(d / s["file"]) as z:
            if str(z["shard_id"]) != s["id"]:
                raise ValueError(f"{d / s['file']} does not hold shard {s['id']}")
            keys.append(z["keys"])
            vecs.append(z["vectors"])
    if not keys:
        return np.zeros((0, 32), np.uint8), np.zeros((0, 0), np.float32)
    return np.concatenate(keys), np.concatenate(vecs)


def import_shards(out_dir: str | Path, cache: EmbeddingCache) -> int:
    """Put the shards' vectors into the embedding cache; returns how many."""
    keys, vecs = read_shards(out_dir)
    for a in range(0, len(keys), 5000):
        cache.put_many(
            [(bytes(k), v) for k, v in zip(keys[a : a + 5000], vecs[a : a + 5000], strict=True)]
        )
    return len(keys)
