"""Expertise affinity of entities (researchers with several texts) to query texts.

A text's dense similarity to a query is, with ``granularity="sentence"`` (the default), the
mean over the query's sentences (a proposal's contentless ones left out:
:func:`split_query_units`) of the best cosine with any unit of the text — its sentences
and, for a stored text of several sentences, the text whole (MaxSim, :func:`unit_similarity`):
a proposal that touches three topics is matched topic by topic, not as one averaged vector;
with ``"text"`` it is the cosine of whole-text vectors.  An entity's
dense affinity to a query is an aggregation over its texts' similarities
(:func:`aggregate`); the lexical part is BM25 of the query against the entity's folded
tokens, normalised per query by the best score among entities in the query's language group
(:func:`lexical_normalise`) — lexical evidence never counts across languages.  The final
affinity is ``dense + lexical_weight * lexical``.  The defaults below were chosen on the
gold-standard reviewer-expertise data and the mixed-language cross-lingual set (see
benchmarks/README.md); :class:`~innobridge.matching.rank.SearchIndex` uses the same
functions, so the platform's search and the batch affinity agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .documents import Document
from .embed import (
    E5Embedder,
    Embedder,
    EmbeddingCache,
    LanguageCentering,
    Role,
    VectorCache,
    embed,
)
from .lexical import LexicalIndex
from .text import (
    detect_language,
    embedding_text,
    fold,
    language_group,
    sentences,
    tokenize_folded,
)

AGGREGATIONS = ("max", "mean", "topk_mean", "softmax", "centroid")
QueryRole = Literal["query", "passage", "auto"]
Granularity = Literal["sentence", "text"]
# ``auto``: a query of more than this many (folded, stop-word-free) tokens is a document — a
# proposal, an offer, a profile — and is embedded like the stored texts (``passage``); a
# short search phrase keeps e5's ``query`` role.
DOCUMENT_TOKENS = 32


@dataclass(frozen=True)
class AffinityConfig:
    """How texts' similarities become an entity's affinity.

    The defaults were chosen by measurement (benchmarks/README.md): granularity, aggregation,
    lexical weight and lexical mode on the tune half of the gold-standard participants
    (sentence MaxSim, each stored text's whole text being one more unit; 0.5 × the mean over
    the entity's texts + 0.5 × the MaxSim against all its units at once; language-gated BM25
    at 0.1, in batch affinity the mean of the query→entity and entity→query directions —
    tune loss 0.2064 against 0.2310 for the best whole-text setting; a proposal's sentences
    of fewer than three content tokens left out of its units — 0.2064 → 0.1988); the query
    role ``auto`` because
    a long text (a proposal) matches papers best as a ``passage`` (gold standard) while a
    short phrase must stay a ``query`` to find the other language in a mixed pool
    (cross-lingual set).  The whole-text unit those figures included is off since issue 17
    (indexing speed; see ``whole_text_unit``)."""

    aggregation: str = "mean"
    top_k: int = 3
    temperature: float = 0.05
    lexical_weight: float = 0.1
    query_role: QueryRole = "auto"
    # batch affinity and `innobridge match` on entity corpora; a single search uses "query"
    lexical_mode: str = "both"
    granularity: Granularity = "sentence"
    profile_weight: float = 0.5  # share of :func:`profile_maxsim` in the dense affinity
    # with sentence granularity, a stored text of several sentences can also offer itself
    # whole as one more unit (queries are only cut into sentences): see :func:`split_units`.
    # Off by default since issue 17: the unit was half of the model's tokens when indexing,
    # and without it the gold-standard loss moves by +0.0013 (0.2066 -> 0.2079 with the
    # engine built for the CPU) with cross-lingual recall@10 unchanged; the relevance levels
    # (``levels.py``) are calibrated without it.  Transfer's catalogue keeps it
    # (``innobridge.transfer.matching.CONFIG``: its fusion was tuned with it).
    whole_text_unit: bool = False
    # a document query's sentences of fewer folded content tokens than this ("Why this
    # gap?", a title such as "Get Your Vitamin C!", "Our main contributions are:") say
    # nothing of its topic; their best match is arbitrary, so they are left out of its units
    # (see :func:`split_query_units`; 0 keeps every sentence)
    query_min_unit_tokens: int = 3

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"aggregation must be one of {AGGREGATIONS}")
        if self.query_role not in ("query", "passage", "auto"):
            raise ValueError("query_role must be query, passage or auto")
        if self.granularity not in ("sentence", "text"):
            raise ValueError("granularity must be sentence or text")
        if not 0.0 <= self.profile_weight <= 1.0:
            raise ValueError("profile_weight must be between 0 and 1")
        if self.query_min_unit_tokens < 0:
            raise ValueError("query_min_unit_tokens must be 0 or more")


def query_roles(queries: Sequence[str], role: QueryRole) -> list[Role]:
    """The embedding role of each query text (see :data:`DOCUMENT_TOKENS` for ``auto``)."""
    if role != "auto":
        return [role] * len(queries)
    return [
        "passage" if len(tokenize_folded(fold(q))) > DOCUMENT_TOKENS else "query" for q in queries
    ]


DEFAULT_CONFIG = AffinityConfig()


@dataclass
class Units:
    """The embedded units of a list of texts: each text's sentences (or the text itself),
    their vectors (language-centred as the engine compares them) and language groups."""

    vecs: np.ndarray  # (n_units, dim)
    groups: list[str]  # language group of each unit
    counts: np.ndarray  # units per text (each >= 1)

    @property
    def offsets(self) -> np.ndarray:
        """Index of each text's first unit."""
        return np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)

    def __len__(self) -> int:
        return len(self.counts)

    def __getitem__(self, i: int) -> Units:
        """The units of text ``i`` alone."""
        return self.slice(i, i + 1)

    def __iter__(self) -> Iterator[Units]:
        return (self[i] for i in range(len(self)))

    def slice(self, start: int, stop: int) -> Units:
        """The units of texts ``start:stop``."""
        a = int(self.counts[:start].sum())
        b = a + int(self.counts[start:stop].sum())
        return Units(self.vecs[a:b], self.groups[a:b], self.counts[start:stop])

    def text_vectors(self) -> np.ndarray:
        """One normalised vector per text (the mean of its units)."""
        m = np.add.reduceat(self.vecs, self.offsets, axis=0)
        return (m / (np.linalg.norm(m, axis=1, keepdims=True) + 1e-12)).astype(np.float32)


def split_units(
    texts: Sequence[str], granularity: Granularity, whole: bool = False
) -> tuple[list[str], list[int]]:
    """(units, units per text): each text's sentences (:func:`~.text.sentences`) or, with
    ``"text"`` granularity, the text itself.  Every text has at least one unit.  With
    ``whole``, a text of several sentences has the text itself as one more unit, after its
    sentences: a query sentence then matches the best of the text's sentences and of the
    text's overall gist (the model's passage embedding)."""
    if granularity == "text":
        return list(texts), [1] * len(texts)
    units: list[str] = []
    counts: list[int] = []
    for t in texts:
        parts = sentences(t) or [t]
        if whole and len(parts) > 1:
            parts = [*parts, t]
        units.extend(parts)
        counts.append(len(parts))
    return units, counts


def split_query_units(
    queries: Sequence[str], config: AffinityConfig = DEFAULT_CONFIG
) -> tuple[list[str], list[int]]:
    """(units, units per query) of query texts: :func:`split_units` without the whole text,
    and a *document* query (more than :data:`DOCUMENT_TOKENS` tokens: a proposal, an offer)
    loses its sentences of fewer than ``config.query_min_unit_tokens`` folded content tokens
    — unless it has no other.  A search phrase is never cut short: every unit is kept."""
    units, counts = split_units(queries, config.granularity)
    least = config.query_min_unit_tokens
    if not least or config.granularity != "sentence":
        return units, counts
    kept: list[str] = []
    kept_counts: list[int] = []
    pos = 0
    for q, c in zip(queries, counts, strict=True):
        parts = units[pos : pos + c]
        pos += c
        if c > 1 and len(tokenize_folded(fold(q))) > DOCUMENT_TOKENS:
            parts = [u for u in parts if len(tokenize_folded(fold(u))) >= least] or parts
        kept.extend(parts)
        kept_counts.append(len(parts))
    return kept, kept_counts


def embed_units(
    texts: Sequence[str],
    roles: Sequence[Role],
    embedder: Embedder,
    cache: VectorCache | None = None,
    centering: LanguageCentering | None = None,
    granularity: Granularity = DEFAULT_CONFIG.granularity,
    progress: bool = False,
    whole: bool = False,
    split: tuple[list[str], list[int]] | None = None,
) -> Units:
    """Split ``texts`` into units (:func:`split_units`, or the given ``split``), embed each
    unit with its text's role (batched, cached by text hash) and centre it by its own
    language group."""
    units, counts = split if split is not None else split_units(texts, granularity, whole)
    unit_roles = [r for r, c in zip(roles, counts, strict=True) for _ in range(c)]
    groups = [language_group(detect_language(u)) for u in units]
    vecs = np.zeros((len(units), embedder.dim), np.float32)
    for r in ("query", "passage"):
        idx = [i for i, x in enumerate(unit_roles) if x == r]
        if not idx:
            continue
        v = embed([embedding_text(units[i]) for i in idx], r, embedder, cache, progress=progress)
        if centering is not None:
            v = centering.apply(v, r, [groups[i] for i in idx])
        vecs[idx] = v
    return Units(vecs, groups, np.asarray(counts, np.int64))


def embed_text_units(
    texts: Sequence[str],
    config: AffinityConfig,
    embedder: Embedder,
    cache: EmbeddingCache | None = None,
    centering: LanguageCentering | None = None,
    progress: bool = False,
) -> Units:
    """Stored texts' units (an entity's publications, an indexed document) as the engine
    compares them: passages, with the whole text as a unit if ``config.whole_text_unit``."""
    return embed_units(
        texts,
        ["passage"] * len(texts),
        embedder,
        cache,
        centering,
        config.granularity,
        progress,
        config.whole_text_unit,
    )


def embed_query_units(
    queries: Sequence[str],
    config: AffinityConfig,
    embedder: Embedder,
    cache: VectorCache | None = None,
    centering: LanguageCentering | None = None,
    progress: bool = False,
) -> Units:
    """The query texts' units as the engine compares them (:func:`split_query_units`; role
    per query, see :func:`query_roles`, decided on the whole query)."""
    roles = query_roles(queries, config.query_role)
    return embed_units(
        queries,
        roles,
        embedder,
        cache,
        centering,
        config.granularity,
        progress=progress,
        split=split_query_units(queries, config),
    )


def unit_pair_similarity(
    queries: Units, texts: Units, centering: LanguageCentering | None = None
) -> np.ndarray:
    """(query units, text units) cosine plus the calibration's cross-language offsets."""
    s = queries.vecs @ texts.vecs.T
    bonus = cross_language_bonus(texts.groups, queries.groups, centering)
    return s + bonus.T if bonus is not None else s


def maxsim(pair_sims: np.ndarray, queries: Units, texts: Units) -> np.ndarray:
    """(n_texts, n_queries) from :func:`unit_pair_similarity`: for each query, the mean over
    its units of the best unit of each text."""
    best = np.maximum.reduceat(pair_sims, texts.offsets, axis=1)  # (query units, texts)
    per_query = np.add.reduceat(best, queries.offsets, axis=0) / queries.counts[:, None]
    return np.asarray(per_query.T, np.float32)


def unit_similarity(
    queries: Units, texts: Units, centering: LanguageCentering | None = None
) -> np.ndarray:
    """(n_texts, n_queries): for each query, the mean over its units of the best similarity
    with any unit of the text (MaxSim) — plain cosine when each has one unit — with the
    calibration's cross-language offsets added per pair of units."""
    return maxsim(unit_pair_similarity(queries, texts, centering), queries, texts)


def aggregate(
    sims: np.ndarray,
    cfg: AffinityConfig = DEFAULT_CONFIG,
    vecs: np.ndarray | None = None,
    query_vecs: np.ndarray | None = None,
) -> np.ndarray:
    """Aggregate one entity's text-vs-query similarities ``sims`` (n_texts, n_queries) into
    (n_queries,).  ``centroid`` needs the entity's text vectors and the query vectors."""
    sims = np.atleast_2d(np.asarray(sims, np.float32))
    a = cfg.aggregation
    if a == "max":
        return sims.max(axis=0)
    if a == "mean":
        return sims.mean(axis=0)
    if a == "topk_mean":
        k = min(cfg.top_k, sims.shape[0])
        return np.sort(sims, axis=0)[-k:].mean(axis=0)
    if a == "softmax":
        w = np.exp((sims - sims.max(axis=0, keepdims=True)) / cfg.temperature)
        return (w * sims).sum(axis=0) / w.sum(axis=0)
    if vecs is None or query_vecs is None:
        raise ValueError("centroid aggregation needs vectors")
    c = vecs.mean(axis=0)
    c /= np.linalg.norm(c) + 1e-12
    return np.asarray(np.atleast_2d(query_vecs) @ c, np.float32)


def lexical_normalise(raw: np.ndarray, same_group: np.ndarray) -> np.ndarray:
    """BM25 scores of one query over entities → [0, 1], divided by the best score among
    entities in the query's language group; entities outside the group get 0."""
    out = np.where(same_group, raw, 0.0).astype(np.float32)
    m = float(out.max()) if out.size else 0.0
    return out / m if m > 0 else np.zeros_like(out)


def entity_groups(texts: Sequence[str]) -> set[str]:
    """Lexical language groups present among an entity's texts ({"en"}, {"zh"}, ...)."""
    return {language_group(detect_language(t)) for t in texts}


def cross_language_bonus(
    text_groups: Sequence[str],
    query_groups: Sequence[str],
    centering: LanguageCentering | None,
) -> np.ndarray | None:
    """(n_texts, n_queries): the model's calibrated offset for a text in another language
    group than the query's (:meth:`LanguageCentering.offset`), else 0; ``None`` when the
    model has no offsets."""
    if centering is None or not centering.offsets:
        return None
    names = sorted(set(text_groups) | set(query_groups))
    table = np.array([[centering.offset(q, t) for q in names] for t in names], np.float32)
    if not table.any():
        return None
    pos = {g: i for i, g in enumerate(names)}
    ti = np.array([pos[g] for g in text_groups], np.int64)
    qi = np.array([pos[g] for g in query_groups], np.int64)
    return table[np.ix_(ti, qi)]


def dense_affinity(
    entity_units: Sequence[Units],
    queries: Units,
    cfg: AffinityConfig = DEFAULT_CONFIG,
    centering: LanguageCentering | None = None,
) -> np.ndarray:
    """(n_entities, n_queries): each entity's text similarities (:func:`unit_similarity`)
    aggregated over its texts (:func:`aggregate`)."""
    out = np.zeros((len(entity_units), len(queries)), np.float32)
    qvecs = queries.text_vectors() if cfg.aggregation == "centroid" else None
    for i, units in enumerate(entity_units):
        pair = unit_pair_similarity(queries, units, centering)
        tvecs = units.text_vectors() if qvecs is not None else None
        out[i] = combine(
            aggregate(maxsim(pair, queries, units), cfg, tvecs, qvecs), pair, queries, cfg
        )
    return out


def profile_maxsim(pair_sims: np.ndarray, queries: Units) -> np.ndarray:
    """(n_queries,): for each query, the mean over its units of the best unit among ALL the
    entity's texts — the entity's expertise taken as one body of work."""
    return np.asarray(
        np.add.reduceat(pair_sims.max(axis=1), queries.offsets) / queries.counts, np.float32
    )


def combine(
    per_text: np.ndarray, pair_sims: np.ndarray, queries: Units, cfg: AffinityConfig
) -> np.ndarray:
    """The dense affinity: ``(1 - profile_weight)`` × the aggregation over texts +
    ``profile_weight`` × :func:`profile_maxsim`."""
    if not cfg.profile_weight:
        return per_text
    w = cfg.profile_weight
    return np.asarray((1 - w) * per_text + w * profile_maxsim(pair_sims, queries), np.float32)


def lexical_affinity(
    entities: Sequence[Document], queries: Sequence[str], mode: str = "query"
) -> np.ndarray:
    """(n_entities, n_queries) language-gated BM25 in [0, 1].

    ``mode="query"``: each query text searches the entities (as the search index does),
    normalised per query by the best entity (:func:`lexical_normalise`);
    ``mode="entity"``: each entity's folded tokens search the query texts, normalised per
    entity (TPMS-like: the scores of one entity are then directly comparable);
    ``mode="both"``: the mean of the two."""
    if mode not in ("query", "entity", "both"):
        raise ValueError("mode must be query, entity or both")
    ent_toks, groups = [], []
    for e in entities:
        toks: list[str] = []
        for t in e.texts:
            toks.extend(tokenize_folded(fold(t)))
        ent_toks.append(toks)
        groups.append(entity_groups(e.texts))
    q_toks = [tokenize_folded(fold(q)) for q in queries]
    q_groups = [language_group(detect_language(q)) for q in queries]
    out = np.zeros((len(entities), len(queries)), np.float32)
    if mode in ("query", "both"):
        lex = LexicalIndex()
        for e, toks, g in zip(entities, ent_toks, groups, strict=True):
            lex.set(e.id, toks, ",".join(sorted(g)))
        ids = [e.id for e in entities]
        for j, (qt, qg) in enumerate(zip(q_toks, q_groups, strict=True)):
            same = np.array([qg in g for g in groups])
            out[:, j] = lexical_normalise(lex.scores_for(qt, ids), same)
    if mode in ("entity", "both"):
        rev = LexicalIndex()
        qids = [f"q{j}" for j in range(len(queries))]
        for qid, qt, qg in zip(qids, q_toks, q_groups, strict=True):
            rev.set(qid, qt, qg)
        part = np.zeros_like(out)
        for i, (toks, g) in enumerate(zip(ent_toks, groups, strict=True)):
            same = np.array([qg in g for qg in q_groups])
            part[i] = lexical_normalise(rev.scores_for(toks, qids), same)
        out = part if mode == "entity" else ((out + part) / 2).astype(np.float32)
    return out


def affinity_matrix(
    entities: Sequence[Document],
    queries: Sequence[str],
    embedder: Embedder | None = None,
    cache: EmbeddingCache | None = None,
    config: AffinityConfig = DEFAULT_CONFIG,
    progress: bool = False,
) -> np.ndarray:
    """Affinity of every entity to every query text, shape (n_entities, n_queries).

    Higher is better; the values are comparable across entities for one query and across
    queries for one entity (both parts are bounded: cosine and [0, 1] lexical)."""
    emb = embedder or E5Embedder()
    raw = [t for e in entities for t in e.texts]
    centering = LanguageCentering.for_model(emb.name)
    units = embed_text_units(raw, config, emb, cache, centering, progress)
    qunits = embed_query_units(queries, config, emb, cache, centering, progress)
    per_entity, pos = [], 0
    for e in entities:
        per_entity.append(units.slice(pos, pos + len(e.texts)))
        pos += len(e.texts)
    dense, lexical = affinity_parts(entities, per_entity, queries, qunits, config, centering)
    return hybrid(dense, lexical, config)


def affinity_parts(
    entities: Sequence[Document],
    entity_units: Sequence[Units],
    queries: Sequence[str],
    query_units: Units,
    config: AffinityConfig = DEFAULT_CONFIG,
    centering: LanguageCentering | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The two parts of the batch affinity from embedded units, each (n_entities,
    n_queries): the dense affinity (:func:`dense_affinity`) and the lexical one
    (:func:`lexical_affinity` in ``config.lexical_mode``; ``None`` at weight 0).  The one
    code path of :func:`affinity_matrix` and of ``innobridge match`` on entity corpora
    (:meth:`~.rank.SearchIndex.affinity`), which passes the units it has indexed."""
    dense = dense_affinity(entity_units, query_units, config, centering)
    if not config.lexical_weight:
        return dense, None
    return dense, lexical_affinity(entities, queries, config.lexical_mode)


def hybrid(dense: np.ndarray, lexical: np.ndarray | None, config: AffinityConfig) -> np.ndarray:
    """The affinity: ``dense + lexical_weight × lexical``."""
    if lexical is None:
        return dense
    return np.asarray(dense + config.lexical_weight * lexical, np.float32)
