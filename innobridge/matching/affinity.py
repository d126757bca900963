"""Expertise affinity of entities (researchers with several texts) to query texts.

An entity's dense affinity to a query is an aggregation over its texts' cosine similarities
(:func:`aggregate`); the lexical part is BM25 of the query against the entity's folded
tokens, normalised per query by the best score among entities in the query's language group
(:func:`lexical_normalise`) — lexical evidence never counts across languages.  The final
affinity is ``dense + lexical_weight * lexical``.  The defaults below were chosen on the
gold-standard reviewer-expertise data and the mixed-language cross-lingual set (see
benchmarks/README.md); :class:`~innobridge.matching.rank.SearchIndex` uses the same
functions, so the platform's search and the batch affinity agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .documents import Document
from .embed import E5Embedder, Embedder, EmbeddingCache, LanguageCentering, Role, embed
from .lexical import LexicalIndex
from .text import detect_language, embedding_text, fold, language_group, tokenize_folded

AGGREGATIONS = ("max", "mean", "topk_mean", "softmax", "centroid")
QueryRole = Literal["query", "passage", "auto"]
# ``auto``: a query of more than this many (folded, stop-word-free) tokens is a document — a
# proposal, an offer, a profile — and is embedded like the stored texts (``passage``); a
# short search phrase keeps e5's ``query`` role.
DOCUMENT_TOKENS = 32


@dataclass(frozen=True)
class AffinityConfig:
    """How texts' similarities become an entity's affinity.

    The defaults were chosen by measurement (benchmarks/README.md): aggregation, lexical
    weight and lexical mode on the tune half of the gold-standard participants (mean of an
    entity's 2 closest texts; language-gated BM25 at 0.1, in batch affinity the mean of the
    query→entity and entity→query directions); the query role ``auto`` because a long text
    (a proposal) matches papers best as a ``passage`` (gold standard) while a short phrase
    must stay a ``query`` to find the other language in a mixed pool (cross-lingual set)."""

    aggregation: str = "topk_mean"
    top_k: int = 2
    temperature: float = 0.05
    lexical_weight: float = 0.1
    query_role: QueryRole = "auto"
    lexical_mode: str = "both"  # batch affinity only; search always uses "query"

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"aggregation must be one of {AGGREGATIONS}")
        if self.query_role not in ("query", "passage", "auto"):
            raise ValueError("query_role must be query, passage or auto")


def query_roles(queries: Sequence[str], role: QueryRole) -> list[Role]:
    """The embedding role of each query text (see :data:`DOCUMENT_TOKENS` for ``auto``)."""
    if role != "auto":
        return [role] * len(queries)
    return [
        "passage" if len(tokenize_folded(fold(q))) > DOCUMENT_TOKENS else "query" for q in queries
    ]


def embed_queries(
    queries: Sequence[str],
    role: QueryRole,
    embedder: Embedder,
    cache: EmbeddingCache | None = None,
    centering: LanguageCentering | None = None,
    progress: bool = False,
) -> np.ndarray:
    """Query vectors as the engine compares them with stored texts: each text embedded with
    its role (:func:`query_roles`), then language-centred when the model is calibrated."""
    roles = query_roles(queries, role)
    out = np.zeros((len(queries), embedder.dim), np.float32)
    for r in ("query", "passage"):
        idx = [i for i, x in enumerate(roles) if x == r]
        if not idx:
            continue
        texts = [queries[i] for i in idx]
        v = embed([embedding_text(t) for t in texts], r, embedder, cache, progress=progress)
        if centering is not None:
            v = centering.apply(v, r, [language_group(detect_language(t)) for t in texts])
        out[idx] = v
    return out


DEFAULT_CONFIG = AffinityConfig()


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
    return np.array(
        [[centering.offset(q, t) for q in query_groups] for t in text_groups], np.float32
    ).reshape(len(text_groups), len(query_groups))


def dense_affinity(
    entity_vecs: Sequence[np.ndarray],
    query_vecs: np.ndarray,
    cfg: AffinityConfig = DEFAULT_CONFIG,
    text_groups: Sequence[Sequence[str]] | None = None,
    query_groups: Sequence[str] | None = None,
    centering: LanguageCentering | None = None,
) -> np.ndarray:
    """(n_entities, n_queries) aggregated cosine similarity; with the language groups of each
    entity's texts and of the queries, the calibration's cross-language offsets apply."""
    out = np.zeros((len(entity_vecs), len(query_vecs)), np.float32)
    for i, v in enumerate(entity_vecs):
        sims = v @ query_vecs.T
        if text_groups is not None and query_groups is not None:
            bonus = cross_language_bonus(text_groups[i], query_groups, centering)
            if bonus is not None:
                sims = sims + bonus
        out[i] = aggregate(sims, cfg, v, query_vecs)
    return out


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
    vecs = embed([embedding_text(t) for t in raw], "passage", emb, cache, progress=progress)
    groups = [language_group(detect_language(t)) for t in raw]
    centering = LanguageCentering.for_model(emb.name)
    if centering is not None:  # exactly as the search index does
        vecs = centering.apply(vecs, "passage", groups)
    qv = embed_queries(queries, config.query_role, emb, cache, centering, progress)
    ev, eg, pos = [], [], 0
    for e in entities:
        ev.append(vecs[pos : pos + len(e.texts)])
        eg.append(groups[pos : pos + len(e.texts)])
        pos += len(e.texts)
    qg = [language_group(detect_language(q)) for q in queries]
    out = dense_affinity(ev, qv, config, eg, qg, centering)
    if config.lexical_weight:
        out += config.lexical_weight * lexical_affinity(entities, queries, config.lexical_mode)
    return out
