"""The people app's adapter to the matching engine: the researcher index.

Every pillar finds researchers by what they work on (partners, reviewers, hosts),
so the index of researcher expertise lives here, beside the profiles it mirrors.
The database stays the source of truth: the index is saved under
``VAR_DIR/index/researchers`` and rebuilt from the database when missing; a profile
or publication that changes is re-indexed by a background task.

A researcher's document is their own words about their work (keywords, biography) followed
by their most recent publications (title and the start of the abstract).  The position
("Associate Professor") and placeholder keywords ("demo") describe no expertise, so they are
no evidence of a match and stay out of the document.  Hits carry the engine's calibrated
level (:mod:`innobridge.matching.levels`), re-exported here for the app.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

from innobridge.matching import Document, E5Embedder, Hit, SearchIndex, USEEmbedder
from innobridge.matching.embed import Embedder
from innobridge.matching.levels import WEAK as WEAK
from innobridge.matching.levels import grade as grade
from innobridge.matching.levels import level as level
from innobridge.matching.levels import query_kind as query_kind

from .models import ResearcherProfile

logger = logging.getLogger(__name__)

MAX_PUBLICATIONS = 20
ABSTRACT_CHARS = 400

_lock = threading.RLock()
_state: dict[str, Any] = {"index": None, "version": None, "progress": None, "rebuilding": None}

# The latest searches' results, per process: a repeated search (the same words, filters and
# script — people page back, share links, retry a popular topic) is answered without the
# engine. A search's result depends on the index and its arguments only, never on who asks
# (the views filter what each viewer may see afterwards). Emptied whenever the index in
# use changes (a re-index, a rebuild, a newer index saved by another process).
RESULT_CACHE_SIZE = 256
_results: OrderedDict[tuple[Any, ...], list[Hit]] = OrderedDict()


def _forget_results() -> None:
    """Call with ``_lock`` held, whenever the index in use changes or is changed."""
    _results.clear()


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [_frozen(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, set | frozenset) else items)
    return value


def index_dir() -> Path:
    return Path(settings.VAR_DIR) / "index" / "researchers"


def cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "embeddings"


def make_embedder() -> Embedder:
    name = getattr(settings, "MATCHING_EMBEDDER", "e5")
    if name == "use":
        return USEEmbedder()
    if name == "e5":
        return E5Embedder()
    # Tests may point the setting at a dotted path of a small, fast embedder.
    from django.utils.module_loading import import_string

    return import_string(name)()


# Keywords that name no field of work: a placeholder is no evidence of expertise.
PLACEHOLDER_KEYWORDS = frozenset({"demo", "test", "none", "n/a", "na", "todo", "tbd", "-"})


def expertise_keywords(keywords: Iterable[str]) -> list[str]:
    """A profile's keywords without placeholders ("demo", "test", "n/a" …)."""
    return [k for k in keywords if k and k.strip().lower() not in PLACEHOLDER_KEYWORDS]


def profile_text(profile: ResearcherProfile) -> str:
    """The researcher's own words about their work: keywords and biography (not the
    position, which says what they are, not what they work on)."""
    parts = [", ".join(expertise_keywords(profile.keywords or [])), profile.biography]
    return "\n".join(p for p in parts if p)


def researcher_document(profile: ResearcherProfile) -> Document | None:
    """The engine's view of one researcher, or None if there is nothing to match on."""
    texts = [profile_text(profile)]
    pubs = profile.publications.order_by("-year", "-id")[:MAX_PUBLICATIONS]
    for pub in pubs:
        abstract = pub.abstract[:ABSTRACT_CHARS]
        texts.append(f"{pub.title}. {abstract}" if abstract else pub.title)
    texts = [t for t in texts if t.strip()]
    if not texts:
        return None
    return Document(
        id=str(profile.pk),
        texts=texts,
        meta={
            "region": profile.region,
            "organisation": profile.organisation_id,
            "organisation_type": profile.organisation.primary_type if profile.organisation else "",
            "career_stage": profile.career_stage,
            "type": "researcher",
        },
    )


def _indexable() -> Any:
    return (
        ResearcherProfile.objects.filter(is_public=True)
        .select_related("organisation")
        .prefetch_related("publications")
        .order_by("pk")
    )


def _version_file() -> Path:
    """Names the complete index in use: a sub-directory of :func:`index_dir`, written (by
    an atomic rename) only after that directory is complete."""
    return index_dir() / "VERSION"


def _read_version() -> str | None:
    try:
        return _version_file().read_text().strip() or None
    except FileNotFoundError:
        return None


def _version_dir(version: str) -> Path:
    d = index_dir() / version
    # An index saved before versioned directories sits in index_dir() itself.
    return d if d.is_dir() else index_dir()


def _save(index: SearchIndex) -> None:
    """Save ``index`` beside the one in use, then switch to it atomically: a reader (this
    process or another) always loads a complete index, never a half-written one."""
    import os
    import shutil
    import uuid

    previous = _read_version()
    version = f"v-{uuid.uuid4().hex}"
    index_dir().mkdir(parents=True, exist_ok=True)
    index.save(index_dir() / version)
    tmp = index_dir() / f"VERSION.{version}.tmp"
    tmp.write_text(version)
    os.replace(tmp, _version_file())
    _state["version"] = version
    # Keep the previous version (a reader may be loading it); drop older ones.
    for old in index_dir().glob("v-*"):
        if old.is_dir() and old.name not in (version, previous):
            shutil.rmtree(old, ignore_errors=True)


_local = threading.local()


def _thread_embedder() -> Embedder:
    """One embedding model per thread (loaded once): models are not shared by threads."""
    emb = getattr(_local, "embedder", None)
    name = getattr(settings, "MATCHING_EMBEDDER", "e5")
    if emb is None or getattr(_local, "embedder_setting", None) != name:
        emb = _local.embedder = make_embedder()
        _local.embedder_setting = name
    return emb


def _warm(docs: list[Document], embedder: Embedder) -> None:
    """Embed the documents' texts into the shared cache, outside the index lock, so that
    adding them to the live index afterwards is fast and never blocks searches long."""
    from innobridge.matching import DEFAULT_CONFIG, EmbeddingCache
    from innobridge.matching.affinity import embed_text_units

    cache = EmbeddingCache(cache_dir())
    texts = [t for d in docs for t in d.texts]
    try:  # exactly the units (sentences, whole texts) the index embeds
        embed_text_units(texts, DEFAULT_CONFIG, embedder, cache)
    finally:
        cache.close()


def _build(docs: list[Document], batch: int, on_batch: Any = None) -> SearchIndex:
    """A new index over ``docs``.  When no index exists yet it is made live (searchable)
    from its first batch on; otherwise the index in use keeps serving until the new one
    is complete and saved, then the new one replaces it.

    Every batch's embeddings go to the on-disk cache as soon as they are computed, so an
    interrupted build (Ctrl-C, a crash, a restart) resumes where it stopped: the texts
    already embedded are read back from the cache, not embedded again."""
    index = SearchIndex(embedder=make_embedder(), cache_dir=cache_dir())
    warm_embedder = _thread_embedder()
    with _lock:
        live = _state["index"] is None and _read_version() is None
        if live:
            _state.update(index=index, version=None, progress=(0, len(docs)))
            _forget_results()
        _state["rebuilding"] = (0, len(docs))
    try:
        for start in range(0, len(docs), batch):
            chunk = docs[start : start + batch]
            _warm(chunk, warm_embedder)
            with _lock if live else contextlib.nullcontext():
                index.add(chunk)
            with _lock:
                if live:
                    _state["progress"] = (start + len(chunk), len(docs))
                _state["rebuilding"] = (start + len(chunk), len(docs))
            if on_batch is not None:
                on_batch(start + len(chunk), len(docs))
        with _lock:
            _save(index)
            _state["index"] = index
            _forget_results()
    finally:
        with _lock:
            _state["progress"] = None
            _state["rebuilding"] = None
    return index


def rebuild(progress: bool | float = False, batch: int = 32) -> int:
    """Build the researcher index from the database and save it. Returns its size.

    With no index yet, the one being built is searchable from its first batch on (a search
    during the build sees the researchers indexed so far; :func:`build_progress` says how
    far); a rebuild leaves the current index serving until the new one is complete.
    ``progress`` shows a progress bar (rate and time left) on standard error (a number:
    refreshed at most every that many seconds)."""
    docs = [d for d in (researcher_document(p) for p in _indexable()) if d is not None]
    bar: Any = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(
            total=len(docs),
            desc="index researchers",
            unit="researcher",
            mininterval=1.0 if progress is True else float(progress),
            smoothing=0.1,
        )

    def advance(done: int, total: int) -> None:
        if bar is not None:
            bar.update(done - bar.n)

    try:
        index = _build(docs, batch, advance)
    finally:
        if bar is not None:
            bar.close()
    return len(index)


def rebuild_in_background(progress: bool = True) -> threading.Thread:
    """Start :func:`rebuild` in a daemon thread (the embedded demo serves meanwhile), with
    a progress bar on standard error updated every few seconds."""
    from django.db import connection

    def run() -> None:
        try:
            rebuild(progress=5.0 if progress else False)
        except Exception:
            logger.exception("Building the researcher index failed")
            with _lock:
                _state["progress"] = None
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="researcher-index", daemon=True)
    thread.start()
    return thread


def index_is_current() -> bool:
    """Whether the saved index holds exactly today's researcher documents, built with the
    configured model and the engine's current affinity settings (so a rebuild would
    change nothing)."""
    from innobridge.matching import DEFAULT_CONFIG

    if _read_version() is None:
        return False
    version = _read_version()
    try:
        index = SearchIndex.load(
            _version_dir(version or ""), embedder=make_embedder(), cache_dir=cache_dir()
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if index.config != DEFAULT_CONFIG:
        return False
    docs = {d.id: d for d in (researcher_document(p) for p in _indexable()) if d is not None}
    if set(docs) != set(index.docs):
        return False
    return all(
        index.docs[k].texts == d.texts and index.docs[k].meta == d.meta for k, d in docs.items()
    )


def build_progress() -> tuple[int, int] | None:
    """(indexed, total) while this process is building the first index (searches then see
    only the researchers indexed so far), else None."""
    return _state.get("progress")


def rebuild_progress() -> tuple[int, int] | None:
    """(indexed, total) while this process builds any index (first or rebuild)."""
    return _state.get("rebuilding")


def get_index() -> SearchIndex:
    """The current index: the live one, reloaded from disk when another process saved a
    newer one, or — when there is none — built from the database (searchable while it
    grows, see :func:`rebuild`)."""
    with _lock:
        on_disk = _read_version()
        index = _state["index"]
        if index is not None and (on_disk == _state["version"] or _state.get("progress")):
            return index
        if on_disk is not None:
            try:
                index = SearchIndex.load(
                    _version_dir(on_disk), embedder=make_embedder(), cache_dir=cache_dir()
                )
            except (OSError, ValueError, KeyError):
                index = None
            if index is not None:
                _state.update(index=index, version=on_disk)
                _forget_results()
    if index is not None and on_disk is not None:
        index.warm_up()  # the models and word lists, so the searches after this one don't pay
        return index
    rebuild()
    return _state["index"]


def reindex(profile_ids: Iterable[int]) -> None:
    """Bring the given researchers' entries up to date (add, replace or remove)."""
    ids = sorted(set(profile_ids))
    if not ids:
        return
    index = get_index()
    profiles = {p.pk: p for p in _indexable().filter(pk__in=ids)}
    docs = [d for d in (researcher_document(profiles[pk]) for pk in ids if pk in profiles) if d]
    _warm(docs, _thread_embedder())
    with _lock:
        gone = [str(pk) for pk in ids if str(pk) not in {d.id for d in docs}]
        index.remove(gone)
        index.add(docs)
        _forget_results()
        if not _state.get("progress"):
            _save(index)


def search(
    query: str,
    *,
    top_k: int = 20,
    filters: dict[str, Any] | None = None,
    script: str | None = None,
) -> list[Hit]:
    """The index's best ``top_k`` researchers for ``query`` (see :data:`RESULT_CACHE_SIZE`:
    a repeated search is answered from the latest results while the index is unchanged).
    Callers get their own copies of the hits (their explanations are shared: read them
    only)."""
    key = (query, top_k, _frozen(filters or {}), script)
    # The index is shared by the server's threads; a search never sees a half-applied update.
    with _lock:
        index = get_index()
        building = _state.get("progress") is not None  # the live index is still growing
        hits = None if building else _results.get(key)
        if hits is None:
            hits = index.search(query, top_k=top_k, filters=filters, script=script)
            if not building:
                _results[key] = hits
                while len(_results) > RESULT_CACHE_SIZE:
                    _results.popitem(last=False)
        else:
            _results.move_to_end(key)
        return [copy.copy(h) for h in hits]


def reset_for_tests() -> None:
    with _lock:
        _state.update(index=None, version=None, progress=None, rebuilding=None)
        _forget_results()
