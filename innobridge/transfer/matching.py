"""The transfer app's ONE adapter to the matching engine (``innobridge.matching``).

Offers (research results, patents) and enterprise demands are each one
:class:`~innobridge.matching.Document`; a demand finds offers, an offer finds demands,
in any of the three languages on either side (the engine's multilingual embeddings plus
BM25 over Traditional→Simplified-folded tokens). Experts come from the researcher index
that ``people`` keeps (:func:`innobridge.people.matching.search`).

The two indexes live in memory per process and are rebuilt when the published listings
change (the database stays the source of truth); embeddings are cached on disk by text
hash, so a rebuild only embeds what changed. ``benchmarks/transfer.py`` measures the same
functions (:func:`listing_document`, :func:`new_index`, :func:`rank`) on real patents.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innobridge.matching import Document, SearchIndex
from innobridge.matching.embed import Embedder
from innobridge.matching.levels import STRONG, level, query_kind, thresholds

_LOCK = threading.RLock()
_STATE: dict[str, dict[str, Any]] = {"offers": {}, "demands": {}, "enterprises": {}}
_EMBEDDER: dict[str, Any] = {"embedder": None, "setting": None}


# ----------------------------------------------------------------- pure engine use
def listing_document(
    doc_id: str,
    title: str,
    body: str = "",
    *,
    extra: Sequence[str] = (),
    meta: dict[str, Any] | None = None,
) -> Document:
    """A listing as the engine sees it: its title with its main text as the first text,
    then any further texts (problem, benefit, target specification …)."""
    head = f"{title.strip()}. {body.strip()}" if body.strip() else title.strip()
    return Document(
        id=doc_id, texts=[head, *[e for e in extra if e and e.strip()]], meta=meta or {}
    )


def new_index(embedder: Embedder | None = None, cache_dir: str | Path | None = None) -> SearchIndex:
    """An empty engine index with the platform's embedder and embedding cache."""
    return SearchIndex(embedder=embedder or get_embedder(), cache_dir=cache_dir)


@dataclass
class Match:
    id: int
    score: float
    shared_terms: list[str] = field(default_factory=list)
    closest_text: str = ""
    # strong / possible / weak: the engine's calibrated level (innobridge.matching.levels)
    level: str = ""

    @property
    def is_strong(self) -> bool:
        return self.level == STRONG


def strong_threshold(query: str) -> float:
    """The calibrated score from which a hit for ``query`` is a strong match (a demand or an
    offer is a whole text: the engine's ``passage`` kind)."""
    return thresholds(query_kind(query)).strong


def rank(
    index: SearchIndex,
    query: str,
    *,
    top_k: int = 20,
    filters: dict[str, Any] | None = None,
    language: str | None = None,
) -> list[Match]:
    """The index's best documents for ``query`` (best first), explained in the script of
    ``language`` (the reader's UI language)."""
    from innobridge.core.language import script_for_language

    query = query.strip()
    if not query or not len(index):
        return []
    hits = index.search(query, top_k=top_k, filters=filters, script=script_for_language(language))
    kind = query_kind(query)
    return [
        Match(
            int(h.id), h.score, list(h.why.shared_terms), h.why.closest_text, level(h.score, kind)
        )
        for h in hits
    ]


def rank_many(
    index: SearchIndex, queries: Sequence[str], *, top_k: int = 20
) -> list[list[tuple[str, float]]]:
    """Batch ranking (ids and scores) for measurements: queries embedded in batches."""
    return [[(h.id, h.score) for h in hits] for hits in index.search_many(queries, top_k=top_k)]


# ------------------------------------------------------------------ the platform's
def get_embedder() -> Embedder:
    """The configured embedder (``settings.MATCHING_EMBEDDER``), one per process."""
    from django.conf import settings

    from innobridge.people.matching import make_embedder

    name = getattr(settings, "MATCHING_EMBEDDER", "e5")
    with _LOCK:
        if _EMBEDDER["embedder"] is None or _EMBEDDER["setting"] != name:
            _EMBEDDER.update(embedder=make_embedder(), setting=name)
        return _EMBEDDER["embedder"]


def _cache_dir() -> Path | None:
    from innobridge.people.matching import cache_dir

    path = cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only var/ only costs speed
        return None
    return path


def offer_document(offer: Any) -> Document:
    benefit = ""
    if offer.benefit_value is not None:
        benefit = f"{offer.benefit_value} {offer.benefit_unit} {offer.benefit_compared_with}"
    return listing_document(
        str(offer.pk),
        offer.title,
        offer.summary,
        extra=[offer.problem, benefit, offer.commercial_route, " ".join(offer.keywords or [])],
        meta={
            "region": offer.owner.region,
            "ip_type": offer.ip_type,
            "trl": offer.trl,
            "modes": list(offer.modes or []),
            "sectors": list(offer.sectors or []),
            "organisation": str(offer.owner_id),
        },
    )


def demand_document(demand: Any) -> Document:
    return listing_document(
        str(demand.pk),
        demand.title,
        demand.problem,
        extra=[demand.current_solution, demand.target_spec, demand.constraints],
        meta={
            "region": demand.region,
            "sectors": [demand.sector] if demand.sector else [],
            "mode": demand.preferred_mode,
        },
    )


def demand_text(demand: Any) -> str:
    """One demand as one text of its enterprise."""
    return "\n".join(p for p in [demand.title, demand.problem, demand.target_spec] if p)


def enterprise_document(organisation: Any, demands: Sequence[Any]) -> Document:
    """An enterprise as the engine sees it: its name, then each of its demands as one
    text (its score for a query aggregates over them)."""
    return listing_document(
        str(organisation.pk),
        organisation.name,
        extra=[demand_text(d) for d in demands],
        meta={"region": organisation.region},
    )


def demand_query(demand: Any) -> str:
    return "\n".join(
        p for p in [demand.title, demand.problem, demand.target_spec, demand.current_solution] if p
    )


def offer_query(offer: Any) -> str:
    return "\n".join(p for p in [offer.title, offer.summary, offer.problem] if p)


def _signature(kind: str) -> tuple[Any, ...]:
    from django.db.models import Count, Max

    from .selectors import matchable_demands, matchable_offers

    qs: Any = matchable_offers() if kind == "offers" else matchable_demands()
    if kind == "enterprises":
        qs = matchable_demands().filter(is_anonymous=False)
    agg = qs.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (agg["n"], agg["last"], agg["top"], id(get_embedder()))


def _index(kind: str) -> SearchIndex:
    from .selectors import matchable_demands, matchable_offers

    sig = _signature(kind)
    with _LOCK:
        state = _STATE[kind]
        if state.get("signature") == sig and state.get("index") is not None:
            return state["index"]
        index = new_index(cache_dir=_cache_dir())
        if kind == "offers":
            docs = [offer_document(o) for o in matchable_offers().select_related("owner")]
        elif kind == "enterprises":
            docs = _enterprise_documents()
        else:
            docs = [demand_document(d) for d in matchable_demands()]
        index.add(docs)
        state.update(signature=sig, index=index)
        return index


def _enterprise_documents() -> list[Document]:
    """One document per enterprise from its published demands posted under its own name;
    a demand posted anonymously never points at its company."""
    from .selectors import matchable_demands

    by_org: dict[int, tuple[Any, list[Any]]] = {}
    qs = matchable_demands().filter(is_anonymous=False).select_related("organisation")
    for d in qs.order_by("organisation_id", "pk"):
        by_org.setdefault(d.organisation_id, (d.organisation, []))[1].append(d)
    return [enterprise_document(org, ds) for org, ds in by_org.values()]


def reset_for_tests() -> None:
    with _LOCK:
        for state in _STATE.values():
            state.clear()
        _EMBEDDER.update(embedder=None, setting=None)


def offer_filters(
    *,
    region: str = "",
    ip_type: str = "",
    trl_min: int | None = None,
    trl_max: int | None = None,
    mode: str = "",
    sector: str = "",
    exclude: Iterable[int] = (),
) -> dict[str, Any]:
    lo, hi = trl_min or 1, trl_max or 9
    return {
        "region": region or None,
        "ip_type": ip_type or None,
        "trl": list(range(lo, hi + 1)) if (trl_min or trl_max) else None,
        "modes": mode or None,
        "sectors": sector or None,
        "exclude_ids": [str(x) for x in exclude] or None,
    }


def offers_for_text(
    text: str, *, top_k: int = 20, language: str | None = None, **filters: Any
) -> list[Match]:
    """Published offers best matching a free text in any of the three languages."""
    return rank(
        _index("offers"), text, top_k=top_k, filters=offer_filters(**filters), language=language
    )


def offers_for_demand(
    demand: Any, *, top_k: int = 20, language: str | None = None, **filters: Any
) -> list[Match]:
    return offers_for_text(demand_query(demand), top_k=top_k, language=language, **filters)


def demands_for_offer(
    offer: Any,
    *,
    top_k: int = 20,
    language: str | None = None,
    region: str = "",
    sector: str = "",
    mode: str = "",
) -> list[Match]:
    filters = {"region": region or None, "sectors": sector or None, "mode": mode or None}
    return rank(
        _index("demands"), offer_query(offer), top_k=top_k, filters=filters, language=language
    )


def enterprises_for_offer(
    offer: Any, *, top_k: int = 10, language: str | None = None, region: str = ""
) -> list[Match]:
    """Enterprises (``Match.id`` is the organisation) whose named demands fit the offer."""
    filters = {"region": region or None}
    return rank(
        _index("enterprises"), offer_query(offer), top_k=top_k, filters=filters, language=language
    )


def offers_for_enterprise(
    organisation: Any, demands: Sequence[Any], *, top_k: int = 20, language: str | None = None
) -> list[Match]:
    """Published offers that fit an enterprise as a whole (all its demands together), other
    than its own organisation's."""
    text = "\n".join(demand_text(d) for d in demands)
    return offers_for_text(text, top_k=top_k, language=language)


@dataclass
class ExpertMatch:
    profile_id: int
    score: float
    shared_terms: list[str] = field(default_factory=list)
    closest_text: str = ""
    level: str = ""


def experts_for_demand(
    demand: Any, *, top_k: int = 10, language: str | None = None, region: str = ""
) -> list[ExpertMatch]:
    """Researchers (either side of the boundary) whose work fits the demand, through the
    researcher index of ``people``."""
    from innobridge.core.language import script_for_language
    from innobridge.people import matching as people_matching

    hits = people_matching.search(
        demand_query(demand),
        top_k=top_k,
        filters={"region": region or None},
        script=script_for_language(language),
    )
    kind = query_kind(demand_query(demand))
    return [
        ExpertMatch(
            int(h.id), h.score, list(h.why.shared_terms), h.why.closest_text, level(h.score, kind)
        )
        for h in hits
    ]
