"""The people app's adapter to the matching engine: the researcher index.

Every pillar finds researchers by what they work on (partners, reviewers, hosts),
so the index of researcher expertise lives here, beside the profiles it mirrors.
The database stays the source of truth: the index is saved under
``VAR_DIR/index/researchers`` and rebuilt from the database when missing; a profile
or publication that changes is re-indexed by a background task.

A researcher's document is their own words (keywords, position, biography) followed by
their most recent publications (title and the start of the abstract).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

from innobridge.matching import Document, E5Embedder, Hit, SearchIndex, USEEmbedder
from innobridge.matching.embed import Embedder

from .models import ResearcherProfile

MAX_PUBLICATIONS = 20
ABSTRACT_CHARS = 400

_lock = threading.RLock()
_state: dict[str, Any] = {"index": None, "version": None}


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


def profile_text(profile: ResearcherProfile) -> str:
    parts = [", ".join(profile.keywords), profile.position, profile.biography]
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
    return index_dir() / "VERSION"


def _read_version() -> str | None:
    try:
        return _version_file().read_text()
    except FileNotFoundError:
        return None


def _save(index: SearchIndex) -> None:
    import uuid

    index.save(index_dir())
    version = uuid.uuid4().hex
    _version_file().write_text(version)
    _state["version"] = version


def rebuild(progress: bool = False) -> int:
    """Build the researcher index from the database and save it. Returns its size."""
    with _lock:
        index = SearchIndex(embedder=make_embedder(), cache_dir=cache_dir())
        docs = [d for d in (researcher_document(p) for p in _indexable()) if d is not None]
        index.add(docs, progress=progress)
        _save(index)
        _state["index"] = index
        return len(index)


def get_index() -> SearchIndex:
    """The current index: loaded from disk (reloaded when another process saved a newer
    one), or rebuilt from the database when there is none."""
    with _lock:
        on_disk = _read_version()
        index = _state["index"]
        if index is not None and on_disk == _state["version"]:
            return index
        if on_disk is not None:
            try:
                index = SearchIndex.load(
                    index_dir(), embedder=make_embedder(), cache_dir=cache_dir()
                )
            except (OSError, ValueError, KeyError):
                index = None
            if index is not None:
                _state.update(index=index, version=on_disk)
                return index
        rebuild()
        return _state["index"]


def reindex(profile_ids: Iterable[int]) -> None:
    """Bring the given researchers' entries up to date (add, replace or remove)."""
    ids = sorted(set(profile_ids))
    if not ids:
        return
    with _lock:
        index = get_index()
        profiles = {p.pk: p for p in _indexable().filter(pk__in=ids)}
        docs = []
        for pk in ids:
            doc = researcher_document(profiles[pk]) if pk in profiles else None
            if doc is None:
                index.remove([str(pk)])
            else:
                docs.append(doc)
        index.add(docs)
        _save(index)


def search(
    query: str,
    *,
    top_k: int = 20,
    filters: dict[str, Any] | None = None,
    script: str | None = None,
) -> list[Hit]:
    # The index is shared by the server's threads; a search never sees a half-applied update.
    with _lock:
        return get_index().search(query, top_k=top_k, filters=filters, script=script)


def reset_for_tests() -> None:
    with _lock:
        _state.update(index=None, version=None)
