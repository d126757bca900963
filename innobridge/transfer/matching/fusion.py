"""The transfer adapter's retrieval half, without Django: listing texts as the engine sees
them, and the :class:`Fusion` that re-orders the engine's hits for listings (the adapter's
own BM25 without claim boilerplate, less each listing's hubness against the other side).

The hubness statistic itself is the engine's (:mod:`innobridge.matching.hubness`); what is
transfer's here is the claim language (:func:`listing_text`, :data:`CLAIM_WORDS`), the
fusion weights chosen on Pap2Pat (:data:`FUSION`) and the per-index state (each index's
BM25 and its hubness, kept until it changes). :mod:`innobridge.transfer.matching` re-exports
every public name; ``benchmarks/transfer.py`` measures these functions on real patents.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from innobridge.matching import DEFAULT_CONFIG, AffinityConfig, Document, SearchIndex
from innobridge.matching.hubness import Hubness, hubness_from_hits, reference_hubness
from innobridge.matching.lexical import LexicalIndex

_LOCK = threading.RLock()  # the per-index BM25 and hubness below

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
    BM25 k1 = 1.5, b = 0.9 on the engine's best 300, less 1.0 × the hubness (k = 3, each
    reference text searched 100 deep) and less 0.04 × ln(the hit's units). The figures to
    quote are the held-out split's (benchmarks/README.md).

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

    ``unit_weight``: the unit-count correction. The engine scores a query against a
    listing as the mean over the query's sentences of the best of the listing's units
    (MaxSim): the best of many units is higher by chance, so a listing of many sentences
    (an abstract) wins ties against one of a single sentence (a patent claim). Under
    ``method="scores"`` each hit's fused score loses ``unit_weight`` × ln(its number of
    units) (:func:`listing_units`; a one-unit listing loses nothing); chosen on the same
    tune split (benchmarks/README.md, "Unit-count correction").
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
    unit_weight: float = 0.0


# Claim boilerplate (folded tokens, as the engine's tokenizer gives them; its own stop
# words such as "the", "of", "at" are gone already): the words of the phrases ("at least
# one", "a first … a second", "the method of claim 1, wherein") that a patent claim
# repeats whatever its technology. The adapter's BM25 ignores them (``Fusion.stop_words``);
# the engine's dense and lexical scores are unchanged.
CLAIM_WORDS: tuple[str, ...] = (
    "claim",
    "claimed",
    "claims",
    "comprise",
    "comprises",
    "comprising",
    "configured",
    "first",
    "least",
    "method",
    "one",
    "plurality",
    "said",
    "second",
    "therein",
    "thereof",
    "whereby",
    "wherein",
)

# The engine's configuration for the catalogue's listings and the texts searched against
# them: the engine's default with each listing text of several sentences also embedded whole
# (one more unit).  The engine dropped that unit by default in issue 17 (indexing speed);
# transfer keeps it, because its fusion (``unit_weight`` × ln(units), the hubness weights)
# and its figures (benchmarks/README.md, "Technology transfer") were tuned and measured
# with it, and a catalogue of a few thousand listings is cheap to embed.
CONFIG: AffinityConfig = replace(DEFAULT_CONFIG, whole_text_unit=True)

FUSION = Fusion(
    depth=300, stop_words=CLAIM_WORDS, hub_weight=1.0, hub_k=3, hub_depth=100, unit_weight=0.04
)


def listing_units(doc: Document) -> int:
    """How many units the engine embeds for ``doc`` under :data:`CONFIG` (each text's
    sentences, plus the text whole when it has several): what its MaxSim takes the best
    of."""
    from innobridge.matching.affinity import split_units

    return max(1, sum(split_units(doc.texts, CONFIG.granularity, CONFIG.whole_text_unit)[1]))


_UNITS: weakref.WeakKeyDictionary[SearchIndex, dict[str, tuple[Document, int]]] = (
    weakref.WeakKeyDictionary()
)


def index_units(index: SearchIndex, ids: Iterable[str]) -> dict[str, int]:
    """:func:`listing_units` of the index's documents ``ids``, kept per index and document
    (counted again when a document is replaced)."""
    out: dict[str, int] = {}
    with _LOCK:
        known = _UNITS.setdefault(index, {})
        for d in ids:
            doc = index.docs.get(d)
            if doc is None:
                continue
            seen = known.get(d)
            if seen is None or seen[0] is not doc:
                seen = known[d] = (doc, listing_units(doc))
            out[d] = seen[1]
    return out


def fusion_hubness(
    searches: Iterable[Sequence[tuple[str, float]]], fusion: Fusion = FUSION
) -> Hubness | None:
    """The engine's :func:`~innobridge.matching.hubness.hubness_from_hits` of the reference
    texts' searches (each its hits as (id, engine score), best first) under ``fusion``'s
    ``hub_k``, ``hub_depth`` and ``hub_min_reference``; ``None`` when the fusion makes no
    hubness correction (not ``method="scores"``, or ``hub_weight`` 0)."""
    if fusion.method != "scores" or fusion.hub_weight <= 0:
        return None
    return hubness_from_hits(
        searches, k=fusion.hub_k, depth=fusion.hub_depth, min_reference=fusion.hub_min_reference
    )


def listing_hubness(
    index: SearchIndex, texts: Iterable[str], fusion: Fusion = FUSION
) -> Hubness | None:
    """The index's :class:`Hubness` against ``texts`` of the other side (each searched as a
    query, ``fusion.hub_depth`` deep, through :func:`listing_text`): the engine's
    :func:`~innobridge.matching.hubness.reference_hubness` under ``fusion``'s settings."""
    queries = [listing_text(t.strip()) for t in texts if t and t.strip()]
    if fusion.method != "scores" or fusion.hub_weight <= 0:
        return None
    return reference_hubness(
        index,
        queries,
        k=fusion.hub_k,
        depth=fusion.hub_depth,
        min_reference=fusion.hub_min_reference,
    )


_HUBNESS: weakref.WeakKeyDictionary[SearchIndex, Hubness] = weakref.WeakKeyDictionary()


def set_reference(index: SearchIndex, texts: Iterable[str], fusion: Fusion = FUSION) -> None:
    """Compute and keep the index's :class:`Hubness` against the other side's ``texts``
    (what ``rank`` applies); fewer than ``fusion.hub_min_reference`` texts: none."""
    keep_hubness(index, listing_hubness(index, texts, fusion))


def keep_hubness(index: SearchIndex, hub: Hubness | None) -> None:
    """Keep ``hub`` as the index's :class:`Hubness` (``None``: forget it); a rebuilt index
    keeps its predecessor's until the next refresh."""
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
    units: Mapping[str, int] | None = None,
) -> list[int]:
    """Positions into ``ids`` (the engine's hits, best first, with their engine
    ``scores``) in the fused order. Only the hits in the query's language group
    (``lexical.same``) are re-ordered, among the places they hold: a listing in another
    language keeps the engine's place. With ``hubness`` (and ``method="scores"``) each
    hit's fused score loses ``fusion.hub_weight`` × its hubness
    (:meth:`~innobridge.matching.hubness.Hubness.corrected`), and with ``units`` (each
    hit's number of units, :func:`index_units`) ``fusion.unit_weight`` × ln(that number)."""
    if fusion.method == "engine":
        return list(range(len(ids)))
    k, share, w = fusion.k, fusion.lexical_share, fusion.lexical_weight
    if fusion.method == "rrf":
        fused = [
            1.0 / (k + i + 1) + (share / (k + r) if (r := lexical.ranks.get(d)) else 0.0)
            for i, d in enumerate(ids)
        ]
    elif fusion.method == "scores":
        fused = [
            float(s) + w * lexical.scores.get(d, 0.0) for d, s in zip(ids, scores, strict=True)
        ]
        if hubness is not None and fusion.hub_weight:
            fused = hubness.corrected(ids, fused, fusion.hub_weight)
        if units is not None and fusion.unit_weight:
            c = fusion.unit_weight
            fused = [
                f - c * math.log(max(1, units.get(d, 1))) for d, f in zip(ids, fused, strict=True)
            ]
    else:
        raise ValueError(f"unknown fusion method {fusion.method!r}")
    slots = [i for i, d in enumerate(ids) if d in lexical.same]
    order = list(range(len(ids)))
    for slot, i in zip(slots, sorted(slots, key=lambda i: (-fused[i], i)), strict=True):
        order[slot] = i
    return order
