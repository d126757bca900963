"""The transfer app's ONE adapter to the matching engine (``innobridge.matching``).

Offers (research results, patents) and enterprise demands are each one
:class:`~innobridge.matching.Document`; a demand finds offers, an offer finds demands,
in any of the three languages on either side (the engine's multilingual embeddings plus
BM25 over Traditional→Simplified-folded tokens). Experts come from the researcher index
that ``people`` keeps (:func:`innobridge.people.matching.search`).

The two indexes live in memory per process and are rebuilt when the published listings
change (the database stays the source of truth); embeddings are cached on disk by text
hash, so a rebuild only embeds what changed. Each index keeps its listings' hubness
against the other side (:class:`Hubness`), which :func:`rank` subtracts. ``benchmarks/
transfer.py`` measures the same functions (:func:`listing_document`, :func:`new_index`,
:func:`rank`, :func:`hubness_from_hits`) on real patents.
"""

from __future__ import annotations

import heapq
import re
import statistics
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from innobridge.matching import Document, SearchIndex
from innobridge.matching.embed import Embedder
from innobridge.matching.levels import STRONG, level, query_kind, thresholds
from innobridge.matching.lexical import LexicalIndex

_LOCK = threading.RLock()
_STATE: dict[str, dict[str, Any]] = {"offers": {}, "demands": {}, "enterprises": {}}
_EMBEDDER: dict[str, Any] = {"embedder": None, "setting": None}


# ----------------------------------------------------------------- pure engine use
# A claim's own number ("1.", "1)", "1、", Chinese "1．"), at the very start of a text.
_CLAIM_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.)、:：．]\s*(?!\d)")
# A claim's reference to other claims: "of claim 1", "according to any one of claims 1-3".
_CLAIM_REFERENCE = re.compile(
    r"\s*,?\s*\b(?:according\s+to|as\s+claimed\s+in|as\s+recited\s+in|as\s+defined\s+in|"
    r"as\s+set\s+forth\s+in|of|in)\s+(?:any\s+(?:one\s+)?of\s+)?claims?\s+\d+"
    r"(?:\s*(?:-|–|to|or|and|,)\s*\d+)*",
    re.IGNORECASE,
)


def listing_text(text: str) -> str:
    """A listing's or a query's text as the adapter gives it to the engine: claim language
    loses its numbering and its references to other claims ("1. A method of claim 3,
    comprising" → "A method, comprising"); any other text is unchanged.

    Why: the engine cuts a text into sentences, and a claim's leading "1." is a sentence of
    its own; as a query it is half of a two-sentence claim's dense score, and it is closest
    to whichever stored sentence is also only numbers (a paper's "59, 5506–5520 (2020)."):
    on the Pap2Pat first-claim view that one paper was the engine's first hit for 821 of 900
    patents (benchmarks/README.md). A claim's number and its claim references name no
    technology, so dropping them loses nothing."""
    t = _CLAIM_NUMBER.sub("", text, count=1)
    if t is text or t == text:
        return text
    return _CLAIM_REFERENCE.sub("", t).strip()


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
    title, body = listing_text(title.strip()), listing_text(body.strip())
    head = f"{title}. {body}" if title and body else (title or body)
    return Document(
        id=doc_id,
        texts=[head, *[listing_text(e.strip()) for e in extra if e and e.strip()]],
        meta=meta or {},
    )


def new_index(embedder: Embedder | None = None, cache_dir: str | Path | None = None) -> SearchIndex:
    """An empty engine index with the platform's embedder and embedding cache."""
    return SearchIndex(embedder=embedder or get_embedder(), cache_dir=cache_dir)


@dataclass(frozen=True)
class Fusion:
    """How the adapter orders the engine's hits (the engine itself is unchanged).

    The engine's score is its dense similarity plus 0.1 × its language-gated BM25 (weights
    chosen on researcher profiles). Listings are different: a patent or an offer is often a
    one-line title or a claim, and the exact technical terms it shares with a paper or a
    demand are what tell the right one from its neighbours, which the dense part dilutes.
    So the adapter re-orders the engine's best ``depth`` hits with more lexical evidence:
    the adapter's own BM25 (``k1``, ``b``; the engine's folded tokens and language groups)
    of the query against each hit, divided by the best such score among the listings in
    the query's language group (as the engine normalises its own), and gated the same way:
    only the hits in the query's language group are re-ordered, among the places they
    hold, so a listing in another language keeps the engine's place.

    * ``method="scores"``: by engine score + ``lexical_weight`` × that normalised BM25;
    * ``method="rrf"``: reciprocal rank fusion, ``1 / (k + engine rank) + lexical_share ×
      1 / (k + BM25 rank)`` (a hit without a BM25 score gets no lexical term);
    * ``method="engine"``: the engine's order.

    Scores and levels stay the engine's (its calibrated strong / possible / weak): fusion
    only decides the order. The defaults were chosen on the tune split of the Pap2Pat
    development pairs (``benchmarks/transfer.py``: the grid, every view, both directions;
    the criterion is the smallest margin over plain BM25 on any view and measure, then the
    mean MRR, a tie going to the shallower re-ordering): the score fusion at weight 0.2 with
    BM25 k1 = 1.5, b = 0.9 on the engine's best 100, less 1.25 × the hubness (k = 3). The
    figures to quote are the held-out split's (benchmarks/README.md).

    ``stop_words``: tokens the adapter's BM25 leaves out of listings and queries alike.
    The app's are :data:`CLAIM_WORDS`, claim boilerplate ("wherein", "comprising",
    "said", "plurality", …) that every claim repeats and that names no technology; chosen
    on the same tune split under this fusion (benchmarks/README.md).

    ``hub_weight``, ``hub_k``, ``hub_depth``, ``hub_min_reference``: the listing-side
    hubness correction (:class:`Hubness`): under ``method="scores"`` each hit's fused score
    loses ``hub_weight`` × its mean engine score for the ``hub_k`` texts of the *other*
    side it is nearest (each reference text searched ``hub_depth`` deep when the index or
    the other side changes); off below ``hub_min_reference`` reference texts. A listing
    written like the queries (an abstract, for a paper's query) is near every query and
    crowds out one written otherwise (a claim); chosen on the same tune split
    (benchmarks/README.md, "Hubness correction").
    """

    method: str = "scores"
    lexical_weight: float = 0.2
    k1: float = 1.5
    b: float = 0.9
    k: float = 30.0
    lexical_share: float = 3.0
    depth: int = 100
    stop_words: tuple[str, ...] = ()
    hub_weight: float = 0.0
    hub_k: int = 3
    hub_depth: int = 100
    hub_min_reference: int = 10


# Claim boilerplate (folded tokens, as the engine's tokenizer gives them; its own stop
# words such as "the", "of", "at" are gone already): the words of the phrases ("at least
# one", "a first … a second", "the method of claim 1, wherein") that a patent claim
# repeats whatever its technology. The adapter's BM25 ignores them (``Fusion.stop_words``);
# the engine's dense and lexical scores are unchanged.
CLAIM_WORDS: tuple[str, ...] = (
    "claim", "claimed", "claims", "comprise", "comprises", "comprising", "configured",
    "first", "least", "method", "one", "plurality", "said", "second", "therein", "thereof",
    "whereby", "wherein",
)  # fmt: skip

FUSION = Fusion(stop_words=CLAIM_WORDS, hub_weight=1.25, hub_k=3, hub_depth=100)


@dataclass
class Hubness:
    """Each listing's mean engine score for the ``k`` texts of the other side (demands for
    offers, offers for demands; papers for patents) that score it highest, each reference
    text searched ``depth`` deep; a listing missing from a search counts the median of the
    searches' last scores (``floor``). Computed at index time from the other side's
    listings (:func:`reference_hubness`), so a live query needs nothing more."""

    mean: dict[str, float]
    floor: float
    n_reference: int

    def of(self, doc_id: str) -> float:
        return self.mean.get(doc_id, self.floor)


_HUBNESS: weakref.WeakKeyDictionary[SearchIndex, Hubness] = weakref.WeakKeyDictionary()


def hubness_from_hits(
    searches: Iterable[Sequence[tuple[str, float]]], fusion: Fusion = FUSION
) -> Hubness | None:
    """:class:`Hubness` from the reference texts' searches (each its hits as (id, engine
    score), best first); ``None`` when the fusion has no hubness correction or there are
    fewer than ``fusion.hub_min_reference`` searches."""
    runs = [list(s)[: fusion.hub_depth] for s in searches]
    if fusion.method != "scores" or fusion.hub_weight <= 0:
        return None
    if len(runs) < max(1, fusion.hub_min_reference):
        return None
    lasts = [r[-1][1] for r in runs if r]
    floor = float(statistics.median(lasts)) if lasts else 0.0
    got: dict[str, list[float]] = {}
    for r in runs:
        for doc_id, score in r:
            got.setdefault(doc_id, []).append(float(score))
    k = max(1, fusion.hub_k)
    mean = {}
    for doc_id, scores in got.items():
        top = heapq.nlargest(k, scores)
        mean[doc_id] = (sum(top) + floor * (k - len(top))) / k
    return Hubness(mean, floor, len(runs))


def reference_hubness(
    index: SearchIndex, texts: Iterable[str], fusion: Fusion = FUSION
) -> Hubness | None:
    """The index's :class:`Hubness` against ``texts`` of the other side (each searched as a
    query, ``fusion.hub_depth`` deep, through :func:`listing_text`)."""
    queries = [listing_text(t.strip()) for t in texts if t and t.strip()]
    if fusion.hub_weight <= 0 or len(queries) < fusion.hub_min_reference or not len(index):
        return None
    hits = index.search_many(queries, top_k=fusion.hub_depth)
    return hubness_from_hits([[(h.id, h.score) for h in hs] for hs in hits], fusion)


def set_reference(index: SearchIndex, texts: Iterable[str], fusion: Fusion = FUSION) -> None:
    """Compute and keep the index's :class:`Hubness` against the other side's ``texts``
    (what :func:`rank` applies); fewer than ``fusion.hub_min_reference`` texts: none."""
    hub = reference_hubness(index, texts, fusion)
    with _LOCK:
        if hub is None:
            _HUBNESS.pop(index, None)
        else:
            _HUBNESS[index] = hub


def index_hubness(index: SearchIndex) -> Hubness | None:
    with _LOCK:  # what set_reference keeps for the index
        return _HUBNESS.get(index)


@dataclass
class Lexical:
    """The adapter's BM25 evidence for one query: each listing's rank (1 = best) and its
    score divided by the best one, among the listings in the query's language group with a
    positive score, and the ids of all listings in that group."""

    ranks: dict[str, int]
    scores: dict[str, float]
    same: set[str]


_LEXICAL: weakref.WeakKeyDictionary[SearchIndex, tuple[Any, Any, LexicalIndex]] = (
    weakref.WeakKeyDictionary()
)


def listing_lexical(docs: Iterable[Document], fusion: Fusion = FUSION) -> LexicalIndex:
    """The adapter's BM25 over listings (``fusion.k1``, ``fusion.b``), with the engine's
    tokens and language groups (as :meth:`SearchIndex.add` makes them)."""
    from innobridge.matching.affinity import entity_groups
    from innobridge.matching.text import fold, tokenize_folded

    stop = set(fusion.stop_words)
    lex = LexicalIndex(k1=fusion.k1, b=fusion.b)
    for d in docs:
        toks = [t for text in d.texts for t in tokenize_folded(fold(text)) if t not in stop]
        lex.set(d.id, toks, ",".join(sorted(entity_groups(d.texts))))
    return lex


def index_lexical(index: SearchIndex, fusion: Fusion = FUSION) -> LexicalIndex:
    """:func:`listing_lexical` of an engine index's documents, from the engine's own
    tokens; kept per index until its documents change."""
    engine = index.lexical
    state = engine.state()
    key = (fusion.k1, fusion.b, fusion.stop_words)
    mark = (len(engine), id(state["tokens"]), key)
    with _LOCK:
        cached = _LEXICAL.get(index)
        if cached is not None and cached[0] == mark and cached[1] is engine._model:
            return cached[2]
        engine.scores([])  # builds the engine's BM25 if its documents changed
        stop = set(fusion.stop_words)
        engine_tokens = cast(dict[str, list[str]], state["tokens"])
        tokens = {d: [t for t in ts if t not in stop] for d, ts in engine_tokens.items()}
        lex = LexicalIndex.from_state({**state, "tokens": tokens, "k1": fusion.k1, "b": fusion.b})
        _LEXICAL[index] = (mark, engine._model, lex)
        return lex


def lexical_evidence(lex: LexicalIndex, query: str, fusion: Fusion = FUSION) -> Lexical:
    """The BM25 of ``query`` (without ``fusion.stop_words``) against every listing of
    ``lex`` in the query's language group (as the engine gates it)."""
    from innobridge.matching.text import detect_language, fold, language_group, tokenize_folded

    if not len(lex):
        return Lexical({}, {}, set())
    group = language_group(detect_language(query))
    stop = set(fusion.stop_words)
    order, raw = lex.scores([t for t in tokenize_folded(fold(query)) if t not in stop])
    same = {d for d in order if group in lex.group(d).split(",")}
    keep = sorted(
        ((float(s), d) for d, s in zip(order, raw.tolist(), strict=True) if s > 0 and d in same),
        key=lambda x: (-x[0], x[1]),
    )
    best = keep[0][0] if keep else 1.0
    return Lexical(
        {d: i + 1 for i, (_s, d) in enumerate(keep)}, {d: s / best for s, d in keep}, same
    )


def fuse(
    ids: Sequence[str],
    scores: Sequence[float],
    lexical: Lexical,
    fusion: Fusion = FUSION,
    hubness: Hubness | None = None,
) -> list[int]:
    """Positions into ``ids`` (the engine's hits, best first, with their engine
    ``scores``) in the fused order. Only the hits in the query's language group
    (``lexical.same``) are re-ordered, among the places they hold: a listing in another
    language keeps the engine's place. With ``hubness`` (and ``method="scores"``) each
    hit's fused score loses ``fusion.hub_weight`` × its :meth:`Hubness.of`."""
    if fusion.method == "engine":
        return list(range(len(ids)))
    k, share, w = fusion.k, fusion.lexical_share, fusion.lexical_weight

    def by_rrf(i: int) -> float:
        r = lexical.ranks.get(ids[i])
        return 1.0 / (k + i + 1) + (share / (k + r) if r else 0.0)

    hub_w = fusion.hub_weight if hubness is not None else 0.0

    def by_scores(i: int) -> float:
        fused = float(scores[i]) + w * lexical.scores.get(ids[i], 0.0)
        return fused - hub_w * hubness.of(ids[i]) if hubness is not None and hub_w else fused

    if fusion.method == "rrf":
        fused = by_rrf
    elif fusion.method == "scores":
        fused = by_scores
    else:
        raise ValueError(f"unknown fusion method {fusion.method!r}")
    slots = [i for i, d in enumerate(ids) if d in lexical.same]
    order = list(range(len(ids)))
    for slot, i in zip(slots, sorted(slots, key=lambda i: (-fused(i), i)), strict=True):
        order[slot] = i
    return order


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
    order = fuse([h.id for h in hits], [h.score for h in hits], evidence, fusion, hub)
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
            order = fuse([h.id for h in mine], [h.score for h in mine], evidence, fusion, hub)
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

    from .selectors import matchable_demands, matchable_offers

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
    from .selectors import matchable_demands, matchable_offers

    if _OTHER_SIDE[kind] == "demands":
        return [demand_query(d) for d in matchable_demands()]
    return [offer_query(o) for o in matchable_offers()]


def _stale(then: tuple[int, int] | None, now: tuple[int, int], known: bool) -> bool:
    """Whether an index's :class:`Hubness` computed when the (index, other side) had
    ``then`` listings is due at ``now``: a refresh searches every listing of the other
    side, so with a statistic ``known`` it waits until a count moves by over a tenth (a
    listing added meanwhile counts the floor); without one, any change is due."""
    if then is None or (then != now and not known):
        return True
    return any(abs(b - a) > max(1, a // 10) for a, b in zip(then, now, strict=True))


def _index(kind: str) -> SearchIndex:
    """The index of ``kind``, rebuilt when its listings change; its :class:`Hubness`
    against the other side's listings (:func:`set_reference`) is kept across rebuilds and
    refreshed when either side's number of listings has moved (:func:`_stale`)."""
    from .selectors import matchable_demands, matchable_offers

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
                _HUBNESS[index] = old
            state.update(signature=sig, index=index)
        if _stale(state.get("reference"), counts, index_hubness(index) is not None):
            set_reference(index, _reference_texts(kind))
            state["reference"] = counts
        return index


def warm() -> None:
    """Build every index and its :class:`Hubness` now (the demo's background preparation):
    the first refresh embeds each listing of the other side as a query (then cached), which
    the first page that matches should not pay for."""
    for kind in _STATE:
        _index(kind)


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
