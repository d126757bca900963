"""The transfer app's ONE adapter to the matching engine (``innobridge.matching``).

Offers (research results, patents) and enterprise demands are each one
:class:`~innobridge.matching.Document`; a demand finds offers, an offer finds demands,
in any of the three languages on either side (the engine's multilingual embeddings plus
BM25 over Traditional→Simplified-folded tokens). Experts come from the researcher index
that ``people`` keeps (:func:`innobridge.people.matching.search`).

The two indexes live in memory per process and are rebuilt when the published listings
change (the database stays the source of truth); embeddings are cached on disk by text
hash, so a rebuild only embeds what changed. Each index keeps its listings' hubness
against the other side (the engine's :mod:`innobridge.matching.hubness`), which
:func:`rank` subtracts in the adapter's fusion.

A package, as the house splits a module that outgrew one concern: this ``__init__`` is the
platform half (documents from models, each index's lifecycle, :func:`rank` and the
``*_for_*`` functions the services and views call) and re-exports :mod:`.fusion`, the
retrieval half without Django (listing texts, claim words, :class:`Fusion`, :func:`fuse`).
``benchmarks/transfer.py`` measures the same functions (:func:`listing_document`,
:func:`new_index`, :func:`rank_many`, :func:`fusion_hubness`) on real patents.
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

from .fusion import (
    CLAIM_WORDS,
    CONFIG,
    FUSION,
    Fusion,
    Lexical,
    fuse,
    fusion_hubness,
    index_hubness,
    index_lexical,
    index_units,
    keep_hubness,
    lexical_evidence,
    listing_document,
    listing_hubness,
    listing_lexical,
    listing_text,
    listing_units,
    set_reference,
)

__all__ = [
    "CLAIM_WORDS",
    "CONFIG",
    "FUSION",
    "ExpertMatch",
    "Fusion",
    "Lexical",
    "Match",
    "demand_document",
    "demand_query",
    "demands_for_offer",
    "enterprise_document",
    "enterprises_for_offer",
    "experts_for_demand",
    "fuse",
    "fusion_hubness",
    "get_embedder",
    "index_hubness",
    "index_lexical",
    "index_units",
    "lexical_evidence",
    "listing_document",
    "listing_hubness",
    "listing_lexical",
    "listing_text",
    "listing_units",
    "new_index",
    "offer_document",
    "offer_filters",
    "offer_query",
    "offers_for_demand",
    "offers_for_enterprise",
    "offers_for_text",
    "rank",
    "rank_many",
    "reset_for_tests",
    "set_reference",
    "strong_threshold",
    "warm",
]

_LOCK = threading.RLock()
_STATE: dict[str, dict[str, Any]] = {"offers": {}, "demands": {}, "enterprises": {}}
_EMBEDDER: dict[str, Any] = {"embedder": None, "setting": None}


def new_index(embedder: Embedder | None = None, cache_dir: str | Path | None = None) -> SearchIndex:
    """An empty engine index with the platform's embedder and embedding cache, scoring as
    :data:`CONFIG`."""
    return SearchIndex(embedder=embedder or get_embedder(), cache_dir=cache_dir, config=CONFIG)


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

    query = listing_text(query.strip())
    if not query or not len(index):
        return []
    fusion = FUSION
    depth = max(top_k, fusion.depth) if fusion.method != "engine" else top_k
    hits = index.search(query, top_k=depth, filters=filters, script=script_for_language(language))
    evidence = lexical_evidence(index_lexical(index, fusion), query, fusion)
    hub = index_hubness(index)
    ids = [h.id for h in hits]
    units = index_units(index, ids) if fusion.unit_weight else None
    order = fuse(ids, [h.score for h in hits], evidence, fusion, hub, units)
    kind = query_kind(query)
    return [
        Match(
            int(h.id), h.score, list(h.why.shared_terms), h.why.closest_text, level(h.score, kind)
        )
        for h in (hits[i] for i in order[:top_k])
    ]


def rank_many(
    index: SearchIndex,
    queries: Sequence[str],
    *,
    top_k: int = 20,
    fusions: Sequence[Fusion] = (FUSION,),
) -> list[list[list[tuple[str, float]]]]:
    """Batch ranking for measurements (queries embedded in batches): for each of
    ``fusions``, each query's ids and engine scores in that fusion's order — the same
    engine hits, BM25 ranks, hubness and :func:`fuse` as :func:`rank`, from one engine
    pass."""
    depth = max([top_k, *(f.depth for f in fusions if f.method != "engine")])
    hub = index_hubness(index)
    out: list[list[list[tuple[str, float]]]] = [[] for _ in fusions]
    queries = [listing_text(q.strip()) for q in queries]
    for q, hits in zip(queries, index.search_many(queries, top_k=depth), strict=True):
        for row, fusion in zip(out, fusions, strict=True):
            mine = hits[: max(top_k, fusion.depth)]
            evidence = lexical_evidence(index_lexical(index, fusion), q, fusion)
            ids = [h.id for h in mine]
            units = index_units(index, ids) if fusion.unit_weight else None
            order = fuse(ids, [h.score for h in mine], evidence, fusion, hub, units)
            row.append([(mine[i].id, mine[i].score) for i in order[:top_k]])
    return out


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

    from ..selectors import matchable_demands, matchable_offers

    qs: Any = matchable_offers() if kind == "offers" else matchable_demands()
    if kind == "enterprises":
        qs = matchable_demands().filter(is_anonymous=False)
    agg = qs.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (agg["n"], agg["last"], agg["top"], id(get_embedder()))


# the other side of each index: its listings are the reference of the index's hubness
_OTHER_SIDE = {"offers": "demands", "demands": "offers", "enterprises": "offers"}


def _reference_texts(kind: str) -> list[str]:
    """The other side's listings as the queries they send to this index (a demand's
    :func:`demand_query` for the offers; an offer's :func:`offer_query` for the demands
    and the enterprises)."""
    from ..selectors import matchable_demands, matchable_offers

    if _OTHER_SIDE[kind] == "demands":
        return [demand_query(d) for d in matchable_demands()]
    return [offer_query(o) for o in matchable_offers()]


def _stale(then: tuple[int, int] | None, now: tuple[int, int], known: bool) -> bool:
    """Whether an index's hubness computed when the (index, other side) had ``then``
    listings is due at ``now``: a refresh searches every listing of the other side, so
    with a statistic ``known`` it waits until a count moves by over a tenth (a listing
    added meanwhile counts the floor); without one, any change is due."""
    if then is None or (then != now and not known):
        return True
    return any(abs(b - a) > max(1, a // 10) for a, b in zip(then, now, strict=True))


def _index(kind: str) -> SearchIndex:
    """The index of ``kind``, rebuilt when its listings change; its hubness against the
    other side's listings (:func:`set_reference`) is kept across rebuilds and refreshed
    when either side's number of listings has moved (:func:`_stale`)."""
    from ..selectors import matchable_demands, matchable_offers

    sig = _signature(kind)
    counts = (sig[0], _signature(_OTHER_SIDE[kind])[0])
    with _LOCK:
        state = _STATE[kind]
        index = state.get("index")
        if state.get("signature") != sig or index is None:
            old = index_hubness(index) if index is not None else None
            index = new_index(cache_dir=_cache_dir())
            if kind == "offers":
                docs = [offer_document(o) for o in matchable_offers().select_related("owner")]
            elif kind == "enterprises":
                docs = _enterprise_documents()
            else:
                docs = [demand_document(d) for d in matchable_demands()]
            index.add(docs)
            if old is not None:
                keep_hubness(index, old)
            state.update(signature=sig, index=index)
        if _stale(state.get("reference"), counts, index_hubness(index) is not None):
            set_reference(index, _reference_texts(kind))
            state["reference"] = counts
        return index


def warm() -> None:
    """Build every index and its hubness now (the demo's background preparation): the
    first refresh embeds each listing of the other side as a query (then cached), which
    the first page that matches should not pay for."""
    for kind in _STATE:
        _index(kind)


def _enterprise_documents() -> list[Document]:
    """One document per enterprise from its published demands posted under its own name;
    a demand posted anonymously never points at its company."""
    from ..selectors import matchable_demands

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
