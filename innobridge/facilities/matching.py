"""The facilities app's ONE adapter to the matching engine (``innobridge.matching``).

"Describe your need" in any of the three languages → resources, by the engine's hybrid
search (dense multilingual embeddings + BM25 over Traditional→Simplified-folded tokens).
Each resource is one :class:`~innobridge.matching.Document`: its names, description in
each language, techniques and specifications, and its facility and host. The index
lives in memory per process and is rebuilt when the published resources change (the
database stays the source of truth); embeddings are cached on disk by text hash, so a
rebuild only embeds what changed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from innobridge.core.language import script_for_language
from innobridge.matching import Document, SearchIndex
from innobridge.matching.levels import Graded, grade, level, query_kind

from .models import Resource

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {"signature": None, "index": None}
_EMBEDDER: Any = None


def set_embedder(embedder: Any) -> None:
    """Use another embedder (tests inject a small deterministic one)."""
    global _EMBEDDER
    with _LOCK:
        _EMBEDDER = embedder
        _STATE.update(signature=None, index=None)


def get_embedder() -> Any:
    global _EMBEDDER
    if _EMBEDDER is None:
        from innobridge.matching import E5Embedder

        _EMBEDDER = E5Embedder()
    return _EMBEDDER


def _cache_dir() -> Any:
    path = settings.VAR_DIR / "embeddings"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only var/ only costs speed
        return None
    return path


def resource_document(r: Resource) -> Document:
    fac = r.facility
    org = fac.organisation
    head = " · ".join(x for x in [r.name, r.manufacturer, ", ".join(r.techniques or [])] if x)
    texts = [f"{head}. {r.description}".strip()]
    if r.name_zh or r.description_zh:
        texts.append(f"{r.name_zh}。{r.description_zh}".strip("。 "))
    specs = "; ".join(f"{k}: {v}" for k, v in (r.specifications or {}).items())
    if specs:
        texts.append(specs)
    texts.append(" ".join(x for x in [fac.name, fac.name_zh, org.name, org.name_zh, fac.city] if x))
    return Document(
        id=str(r.pk),
        texts=texts,
        meta={
            "kind": r.kind,
            "region": fac.region,
            "organisation": str(org.pk),
            "city": fac.city,
        },
    )


def _signature() -> tuple[Any, ...]:
    agg = Resource.objects.filter(is_active=True, facility__is_active=True).aggregate(
        n=Count("id"), last=Max("updated_at"), top=Max("id")
    )
    return (agg["n"], agg["last"], agg["top"], id(get_embedder()))


def _index() -> SearchIndex:
    sig = _signature()
    with _LOCK:
        if _STATE["signature"] == sig and _STATE["index"] is not None:
            return _STATE["index"]
        index = SearchIndex(embedder=get_embedder(), cache_dir=_cache_dir())
        docs = [
            resource_document(r)
            for r in Resource.objects.filter(is_active=True, facility__is_active=True)
            .select_related("facility", "facility__organisation")
            .order_by("id")
        ]
        index.add(docs)
        _STATE.update(signature=sig, index=index)
        return index


@dataclass
class Match:
    resource_id: int
    score: float
    shared_terms: list[str] = field(default_factory=list)
    closest_text: str = ""
    # strong / possible / weak, the engine's calibrated level (innobridge.matching.levels)
    level: str = ""


def grade_matches(need: str, matches: list[Match]) -> Graded[Match]:
    """The matches split by level: a result count counts ``.matches`` only; without a
    strong match a page lists ``.shown()`` under "closest results"."""
    return grade(matches, lambda m: m.score, query_kind(need.strip()))


def search_need(
    need: str,
    *,
    top_k: int = 20,
    kind: str = "",
    region: str = "",
    organisation: str = "",
    language: str | None = None,
) -> list[Match]:
    """Resources best matching a need described in English, 繁體 or 简体 (best first).
    Explanations are given in the UI's script."""
    need = need.strip()
    if not need:
        return []
    index = _index()
    filters = {
        "kind": kind or None,
        "region": region or None,
        "organisation": str(organisation) if organisation else None,
    }
    hits = index.search(need, top_k=top_k, filters=filters, script=script_for_language(language))
    kind = query_kind(need)
    return [
        Match(
            int(h.id), h.score, list(h.why.shared_terms), h.why.closest_text, level(h.score, kind)
        )
        for h in hits
    ]
