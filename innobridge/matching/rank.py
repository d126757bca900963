"""Hybrid search over documents: dense (multilingual embeddings) + language-gated BM25.

>>> idx = SearchIndex(embedder=E5Embedder(), cache_dir="var/emb-cache")
>>> idx.add([Document("r1", ["Profile text", "Paper 1 title. abstract"], {"region": "HK"})])
>>> idx.search("deep learning for proteins", top_k=5, filters={"region": "HK"})
[Hit(id='r1', score=0.83, why=Explanation(shared_terms=[...], closest_text=..., ...))]
>>> idx.save("var/match-index"); idx = SearchIndex.load("var/match-index")

Scoring is exactly :mod:`.affinity`: the dense affinity aggregated over the entity's texts
(with the model's calibrated cross-language offset added to texts in another language group
than the query's, :meth:`LanguageCentering.offset`)
plus ``lexical_weight`` × BM25 normalised among entities in the query's language group.

With the default sentence granularity every sentence of every text is a unit with its own
vector, and a text of several sentences has its whole-text vector as one more unit: a text's
similarity to a query is the mean over the query's sentences of the best unit of the text
(:func:`~.affinity.unit_similarity`), and the explanation quotes the text's closest sentence
by meaning.  Units are kept in one vector index per language group
("en", "zh", ...) and each group is searched for candidates separately: in a pool where most
texts share the query's language, the texts in the other language are still among the
candidates, so the offset can act.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .affinity import (
    DEFAULT_CONFIG,
    AffinityConfig,
    Units,
    affinity_parts,
    aggregate,
    combine,
    embed_query_units,
    embed_text_units,
    entity_groups,
    hybrid,
    maxsim,
    query_roles,
    split_units,
    unit_pair_similarity,
)
from .bilingual import Lexicon
from .documents import Document
from .embed import E5Embedder, Embedder, EmbeddingCache, LanguageCentering, cache_key
from .explain import Explanation, Hit, closest_sentence, shared_terms
from .index import VectorIndex
from .levels import Kind, query_kind
from .levels import level as kind_level
from .lexical import LexicalIndex
from .second import SecondOpinion, text_vectors
from .text import (
    detect_language,
    embedding_text,
    fold,
    language_group,
    to_script,
    tokenize_folded,
)
from .threads import one_blas_thread

_SEP = "\x1f"
_PROBES = 8
# 2: one vector index per language group; 3: one vector per unit (sentence); 4: a text of
# several sentences also has its whole-text unit
FORMAT = 4


@dataclass
class _Scored:
    """A search's candidates scored at once (:meth:`SearchIndex._score_candidates`)."""

    dense: np.ndarray  # (candidates,) float32
    sims: np.ndarray  # (candidate texts,) each text's similarity to the query
    unit_sims: np.ndarray  # (query units, candidate units)
    t_off: np.ndarray  # each candidate's first text in ``sims``
    n_t: np.ndarray  # its number of texts
    u_off: np.ndarray  # its first unit in ``unit_sims``
    n_u: np.ndarray  # its number of units

    def parts(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Candidate ``i``'s text similarities and (query units, its units) similarities."""
        t, u = int(self.t_off[i]), int(self.u_off[i])
        return (
            self.sims[t : t + int(self.n_t[i])],
            self.unit_sims[:, u : u + int(self.n_u[i])],
        )


def matches_filters(doc_id: str, meta: dict[str, Any], filters: dict[str, Any] | None) -> bool:
    """``filters``: ``{field: value | [values]}`` (a list-valued meta field matches if any
    element is allowed) plus ``exclude_ids: [ids]``.  ``None`` values are ignored."""
    if not filters:
        return True
    for key, want in filters.items():
        if want is None:
            continue
        if key == "exclude_ids":
            if doc_id in set(want):
                return False
            continue
        allowed = set(want) if isinstance(want, (list, tuple, set, frozenset)) else {want}
        have = meta.get(key)
        have_set = set(have) if isinstance(have, (list, tuple, set)) else {have}
        if not (allowed & have_set):
            return False
    return True


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _group_pool() -> ThreadPoolExecutor:
    """The threads that search the other language groups' graphs during a search (one
    process-wide pool: a server's request threads share it)."""
    global _POOL
    if _POOL is None:
        with _POOL_LOCK:
            if _POOL is None:
                _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="innobridge-groups")
    return _POOL


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the (at most) ``k`` highest positive ``scores``, best first, ties by row
    (a partition, then a sort of those ``k`` only)."""
    pos = np.flatnonzero(scores > 0)
    if len(pos) > k:
        pos = pos[np.argpartition(-scores[pos], k - 1)[:k]]
        cut = scores[pos].min()  # every row tied with the k-th best competes on its row
        pos = np.flatnonzero(scores >= cut)
    best = pos[np.lexsort((pos, -scores[pos]))]
    return best[:k]


class SearchIndex:
    """The matching engine's searchable index of :class:`Document` entities."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        cache_dir: str | Path | None = None,
        config: AffinityConfig = DEFAULT_CONFIG,
        hnsw_threshold: int = 20_000,
    ) -> None:
        self.embedder: Embedder = embedder or E5Embedder()
        self.cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
        self.config = config
        self.centering = LanguageCentering.for_model(self.embedder.name)
        self.docs: dict[str, Document] = {}
        self._groups: dict[str, set[str]] = {}
        self._units: dict[str, Units] = {}  # each document's units (vectors, groups, counts)
        self.hnsw_threshold = hnsw_threshold
        self.vectors: dict[str, VectorIndex] = {}  # one per language group of the units
        self.lexical = LexicalIndex()
        # a second model re-scores short queries' candidates in another language
        self.second = SecondOpinion.for_model(self.embedder.name)
        self._second_embedder: Embedder | None = None
        # its whole-text vectors of each document's texts, kept beside the index
        self._second_vecs: dict[str, np.ndarray] = {}
        self._lexicon: Lexicon | None = None
        # search the language groups' HNSW graphs on threads at once (same candidates)
        self.parallel_groups = True

    def lexicon(self) -> Lexicon | None:
        """The bilingual term list (:mod:`.bilingual`), loaded on first use."""
        if self._lexicon is None:
            self._lexicon = Lexicon.load()
        return self._lexicon

    def _is_short(self, query: str) -> bool:
        """A search phrase (e5's ``query`` role), not a document: what the second opinion
        re-scores."""
        return query_roles([query], self.config.query_role)[0] == "query"

    def second_embedder(self) -> Embedder | None:
        """The second model (:mod:`.second`), loaded on first use; ``None`` without one."""
        if self.second is not None and self._second_embedder is None:
            self._second_embedder = self.second.embedder()
        return self._second_embedder

    def warm_up(self) -> None:
        """Load now what the first search would load on demand — the models, the
        word-frequency lists and Chinese dictionary the explanations use (~0.15–0.3 s per
        language on first use), the script converter — without touching the index or
        writing to the embedding cache."""
        from .explain import meaningful

        one_blas_thread()
        self.embedder.encode(["protein folding", "蛋白質摺疊"], "query")
        second = self.second_embedder()
        if second is not None:
            second.encode(["protein folding", "蛋白質摺疊"], "query")
        for text in ("protein folding spectrometer", "蛋白質摺疊光譜儀", "蛋白质折叠光谱仪"):
            for token in tokenize_folded(fold(text)):
                meaningful(token)
            to_script(text, "zh-hant")
            to_script(text, "zh-hans")
        if self.second is not None and self.second.lexicon_weight:
            lex = self.lexicon()
            if lex is not None:
                lex.score("protein folding", "蛋白質摺疊")

    def __len__(self) -> int:
        return len(self.docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.docs

    # ------------------------------------------------------------------ mutation
    def add(self, docs: Iterable[Document], progress: bool = False) -> None:
        """Index documents (an existing id is replaced: this is also ``update``).  Only texts
        not in the embedding cache are embedded."""
        docs = list(docs)
        if not docs:
            return
        raw = [t for d in docs for t in d.texts]
        units = embed_text_units(
            raw, self.config, self.embedder, self.cache, self.centering, progress
        )
        second = self.second_embedder()
        # the second model's vectors, kept in memory (and in the cache)
        svecs = text_vectors(raw, second, self.cache) if second is not None else None
        self.add_embedded(docs, units, svecs)

    update = add

    def add_embedded(
        self,
        docs: Iterable[Document],
        units: Units,
        second_vectors: np.ndarray | None = None,
    ) -> None:
        """Index documents whose texts are already embedded, in one pass (what :meth:`add`
        does after embedding; a rebuild from stored vectors).  ``units``: the units of all the
        documents' texts in order, as :func:`~.affinity.embed_text_units` returns them;
        ``second_vectors``: the second model's vector of each text in the same order
        (``None``: read from the cache or the model on first use).  An existing id is
        replaced.  Each language group's vectors go to its index in one call, each
        document's units are views of ``units`` found from running offsets (slicing the
        whole set per document was quadratic in the number of documents)."""
        docs = list(docs)
        if not docs:
            return
        if len({d.id for d in docs}) != len(docs):
            raise ValueError("duplicate document ids in one add")
        n_t = np.fromiter((len(d.texts) for d in docs), np.int64, len(docs))
        if len(units) != int(n_t.sum()):
            raise ValueError(f"{len(units)} texts' units for {int(n_t.sum())} texts")
        if second_vectors is not None and len(second_vectors) != len(units):
            raise ValueError("one second-model vector per text expected")
        stale = [d.id for d in docs if d.id in self.docs]
        if stale:
            self.remove(stale)
        t_end = np.cumsum(n_t)
        u_end = np.cumsum(units.counts)
        by_group: dict[str, tuple[list[str], list[int]]] = {}
        t0 = u0 = 0
        for d, t1 in zip(docs, t_end.tolist(), strict=True):
            u1 = int(u_end[t1 - 1]) if t1 > t0 else u0
            counts = units.counts[t0:t1]
            groups = units.groups[u0:u1]
            self._units[d.id] = Units(units.vecs[u0:u1], groups, counts)
            row = u0
            for i, c in enumerate(counts.tolist()):
                for j in range(c):
                    ids, rows = by_group.setdefault(groups[row - u0], ([], []))
                    ids.append(f"{d.id}{_SEP}{i}{_SEP}{j}")
                    rows.append(row)
                    row += 1
            if second_vectors is not None:
                self._second_vecs[d.id] = second_vectors[t0:t1]
            t0, u0 = t1, u1
        for group, (ids, rows) in sorted(by_group.items()):
            if group not in self.vectors:
                self.vectors[group] = VectorIndex(
                    self.embedder.dim, hnsw_threshold=self.hnsw_threshold
                )
            self.vectors[group].add(ids, units.vecs[np.asarray(rows, np.int64)])
        for d in docs:
            self.docs[d.id] = d
            g = entity_groups(d.texts)
            self._groups[d.id] = g
            toks: list[str] = []
            for t in d.texts:
                toks.extend(tokenize_folded(fold(t)))
            self.lexical.set(d.id, toks, ",".join(sorted(g)))

    def _unit_ids(self, doc_id: str) -> list[str]:
        u = self._units[doc_id]
        return [f"{doc_id}{_SEP}{i}{_SEP}{j}" for i, c in enumerate(u.counts) for j in range(c)]

    def remove(self, ids: Iterable[str]) -> int:
        n = 0
        for doc_id in list(ids):
            d = self.docs.pop(doc_id, None)
            if d is None:
                continue
            by_group: dict[str, list[str]] = {}
            for uid, g in zip(self._unit_ids(doc_id), self._units[doc_id].groups, strict=True):
                by_group.setdefault(g, []).append(uid)
            for g, uids in by_group.items():
                self.vectors[g].remove(uids)
            del self._units[doc_id]
            self._second_vecs.pop(doc_id, None)
            self.lexical.remove(doc_id)
            self._groups.pop(doc_id, None)
            n += 1
        return n

    # ------------------------------------------------------------------ search
    def uses_hnsw(self) -> bool:
        """Whether any language group's vectors have moved to an HNSW graph."""
        return any(v.is_hnsw for v in self.vectors.values())

    def _n_units(self) -> int:
        return sum(len(v) for v in self.vectors.values())

    def _candidates(self, query: Units, n_units: int) -> dict[str, None]:
        """Entities owning the nearest units of each language group to any of the query's
        units (``n_units`` in all per group, shared among the probes), in order.  A query of
        more than ``_PROBES`` units probes with its mean vector and an even sample of its
        units; every candidate is then scored on all units."""
        seen: dict[str, None] = {}
        probes = query.vecs
        if len(probes) > _PROBES:  # a long query (a whole profile): its gist and a sample
            pick = np.linspace(0, len(probes) - 1, _PROBES - 1).round().astype(int)
            probes = np.vstack([query.text_vectors(), probes[pick]])
        per = max(50, n_units // len(probes))
        groups = [vi for vi in self.vectors.values() if len(vi)]

        def neighbours(vi: VectorIndex) -> list[list[tuple[str, float]]]:
            return [vi.search(qv, min(per, len(vi))) for qv in probes]

        if self.parallel_groups and len(groups) > 1 and any(vi.is_hnsw for vi in groups):
            # the groups' graphs searched at once (usearch releases the GIL): the same
            # neighbours, merged in the same order as one after the other
            pool = _group_pool()
            futures = [pool.submit(neighbours, vi) for vi in groups[1:]]
            found = [neighbours(groups[0])] + [f.result() for f in futures]
        else:
            found = [neighbours(vi) for vi in groups]
        for per_probe in found:
            for hits in per_probe:
                for uid, _sim in hits:
                    seen.setdefault(uid.split(_SEP, 1)[0], None)
        return seen

    def search(
        self,
        query: str,
        top_k: int = 10,
        filters: dict[str, Any] | None = None,
        script: str | None = None,
    ) -> list[Hit]:
        """Best ``top_k`` documents for ``query`` passing ``filters``; explanations use
        ``script`` (default: the query's own script).  From the first search on, the
        process runs NumPy's BLAS on one thread (:mod:`.threads`)."""
        one_blas_thread()
        # the query's vector is read from the cache but kept in its memory only: a SQLite
        # commit per new search phrase cost ~5 ms (100+ ms when the disk was busy)
        cache = self.cache.memory_writes() if self.cache is not None else None
        qv = embed_query_units([query], self.config, self.embedder, cache, self.centering)
        return self.search_vector(query, qv[0], top_k, filters, script)

    def embed_queries(self, queries: Sequence[str]) -> Units:
        """The queries' units as :meth:`search` computes them; ``units[i]`` is query ``i``'s
        (for :meth:`search_vector`)."""
        return embed_query_units(queries, self.config, self.embedder, self.cache, self.centering)

    def search_many(
        self,
        queries: Sequence[str],
        top_k: int = 10,
        filters: dict[str, Any] | None = None,
        script: str | None = None,
    ) -> list[list[Hit]]:
        """Batch version of :meth:`search` (queries are embedded in batches)."""
        one_blas_thread()
        qv = self.embed_queries(queries)
        return [
            self.search_vector(q, v, top_k, filters, script)
            for q, v in zip(queries, qv, strict=True)
        ]

    def search_vector(
        self,
        query: str,
        qv: Units | np.ndarray,
        top_k: int = 10,
        filters: dict[str, Any] | None = None,
        script: str | None = None,
    ) -> list[Hit]:
        """:meth:`search` with the query already embedded (``self.embed_queries([q])[0]``;
        a single vector is taken as a one-unit query).  The lexical part is the
        query→entity direction (a search has no batch of queries to search back)."""
        if not self.docs or top_k <= 0:
            return []
        qlang = detect_language(query)
        qgroup = language_group(qlang)
        script = script or (qlang if qlang.startswith("zh") else None)
        qtoks = tokenize_folded(fold(query))
        if not isinstance(qv, Units):
            qv = Units(np.atleast_2d(qv).astype(np.float32), [qgroup], np.ones(1, np.int64))

        # lexical over all docs (sparse), normalised within the query's group; the gate and
        # the normalisation are whole-array operations over the index's rows (a Python loop
        # over the documents BM25 scored was ~10 ms at 100k and grows with the index)
        lex_ids, all_raw = self.lexical.scores(qtoks)
        gated = all_raw * self.lexical.in_group(qgroup) if all_raw.size else all_raw
        lmax = float(gated.max()) if gated.size else 0.0
        if lmax > 0:
            gated = gated / np.float32(lmax)

        n_total = self._n_units()
        n_units = max(200, 20 * top_k)
        if self.second is not None and self._is_short(query):  # all it re-scores are found
            n_units = max(n_units, self.second.top_k)
        n_units = min(n_total, n_units)
        while True:
            seen = self._candidates(qv, n_units)
            cands = list(seen)
            if self.config.lexical_weight and lmax > 0:
                cands += [lex_ids[i] for i in top_rows(gated, max(50, 5 * top_k))
                          if lex_ids[i] not in seen]  # fmt: skip
            cands = [c for c in cands if matches_filters(c, self.docs[c].meta, filters)]
            if len(cands) >= top_k or n_units >= n_total:
                break
            n_units = min(n_total, n_units * 4)
        if not cands:
            return []

        # every candidate's score in one NumPy pass over their concatenated units
        ids = np.array(cands)
        lex = (
            gated[self.lexical.rows(cands)].astype(np.float64)
            if lmax > 0
            else np.zeros(len(cands), np.float64)
        )
        sc = self._score_candidates(cands, qv)
        score = sc.dense.astype(np.float64) + self.config.lexical_weight * lex
        rank = np.lexsort((ids, -score))  # best first, ties by id
        if self.second is not None:
            head = rank[: self.second.top_k]
            rescored = self._second_opinion(query, qgroup, [cands[i] for i in head], score[head])
            if rescored is not None:
                score = score.copy()
                score[head] = rescored
                rank = np.lexsort((ids, -score))
        kind = query_kind(query)
        hits = []
        for i in rank[:top_k].tolist():
            sims, mine = sc.parts(i)
            hits.append(
                self._hit(cands[i], float(score[i]), float(sc.dense[i]), float(lex[i]), sims,
                          mine, qtoks, script, kind)
            )  # fmt: skip
        return hits

    def _score_candidates(self, cands: Sequence[str], qv: Units) -> _Scored:
        """The dense affinity of every candidate to the query (one query's units ``qv``),
        computed at once over the candidates' concatenated units: exactly the per-entity
        :func:`~.affinity.dense_affinity` (one text: its own similarity; several: the
        aggregation over texts combined with the profile MaxSim)."""
        units = [self._units[c] for c in cands]
        allu = Units(
            np.concatenate([u.vecs for u in units]),
            [g for u in units for g in u.groups],
            np.concatenate([u.counts for u in units]),
        )
        n_t = np.fromiter((len(u.counts) for u in units), np.int64, len(units))
        t_off = np.concatenate([[0], np.cumsum(n_t)[:-1]]).astype(np.int64)
        u_all = allu.offsets
        u_off = u_all[t_off]
        unit_sims = unit_pair_similarity(qv, allu, self.centering)  # (query units, cand. units)
        sims_all = maxsim(unit_sims, qv, allu)[:, 0]  # (candidate texts,)
        dense = np.array(sims_all[t_off], np.float32)  # one text: its own similarity
        multi = np.flatnonzero(n_t > 1)
        cfg = self.config
        if multi.size and cfg.aggregation in ("mean", "max"):
            if cfg.aggregation == "mean":
                agg = np.add.reduceat(sims_all, t_off) / n_t.astype(np.float32)
            else:
                agg = np.maximum.reduceat(sims_all, t_off)
            agg = agg.astype(np.float32)
            if cfg.profile_weight:  # :func:`~.affinity.combine` for every candidate at once
                w = cfg.profile_weight
                best = np.maximum.reduceat(unit_sims, u_off, axis=1)  # (query units, cands)
                prof = np.add.reduceat(best, qv.offsets, axis=0) / qv.counts[:, None]
                agg = np.asarray((1 - w) * agg + w * np.asarray(prof[0], np.float32), np.float32)
            dense[multi] = agg[multi]
        elif multi.size:  # the other aggregations, candidate by candidate
            qt = qv.text_vectors() if cfg.aggregation == "centroid" else None
            for i in multi.tolist():
                u = units[i]
                sims = sims_all[t_off[i] : t_off[i] + n_t[i]]
                tv = u.text_vectors() if qt is not None else None
                d = aggregate(sims[:, None], cfg, tv, qt)
                mine = unit_sims[:, u_off[i] : u_off[i] + int(u.counts.sum())]
                dense[i] = float(combine(np.asarray(d, np.float32), mine, qv, cfg)[0])
        n_u = np.add.reduceat(allu.counts, t_off)
        return _Scored(dense, sims_all, unit_sims, t_off, n_t, u_off, n_u)

    def _hit(
        self,
        c: str,
        score: float,
        dense: float,
        lex: float,
        sims: np.ndarray,
        mine: np.ndarray,
        qtoks: list[str],
        script: str | None,
        kind: Kind,
    ) -> Hit:
        """Document ``c``'s hit with its explanation: ``sims`` are its texts' similarities
        to the query, ``mine`` the (query units, its units) similarities."""
        d = self.docs[c]
        best = int(np.argmax(sims))
        if len(d.texts) > 1:
            text = d.texts[best]
        elif self.config.granularity == "sentence" and mine.shape[1] > 1:
            parts = split_units([d.texts[0]], "sentence")[0]  # without the whole text
            text = parts[int(np.argmax(mine[:, : len(parts)].mean(axis=0)))]
        else:
            text = closest_sentence(d.texts[0], qtoks)
        why = Explanation(
            shared_terms=shared_terms(qtoks, self.lexical.tokens(c), script, self.lexical.idf),
            closest_text=text,
            closest_index=best,
            dense=round(dense, 6),
            lexical=round(lex, 6),
        )
        return Hit(c, float(score), why, d.meta, kind_level(score, kind))

    # ------------------------------------------------------------------ batch affinity
    def affinity(
        self, queries: Sequence[str], query_units: Units | None = None
    ) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        """The batch affinity of every indexed document to every query — exactly
        :func:`~.affinity.affinity_matrix` (the same :func:`~.affinity.affinity_parts` on the
        units this index holds): ``(ids, dense, lexical)``, each matrix (n_docs,
        n_queries); the score is :func:`~.affinity.hybrid` of the two.  The lexical part
        depends on the whole batch of queries when ``config.lexical_mode`` is ``"both"``
        (each entity's words also search the batch), which is what reviewer assignment and
        ``innobridge match`` on entity corpora score with."""
        ids = list(self.docs)
        qu = query_units if query_units is not None else self.embed_queries(queries)
        dense, lexical = affinity_parts(
            [self.docs[i] for i in ids],
            [self._units[i] for i in ids],
            queries,
            qu,
            self.config,
            self.centering,
        )
        return ids, dense, lexical

    def rank_affinity(
        self,
        query: str,
        query_units: Units,
        ids: Sequence[str],
        dense: np.ndarray,
        lexical: np.ndarray | None,
        top_k: int = 10,
        filters: dict[str, Any] | None = None,
    ) -> list[Hit]:
        """The best ``top_k`` documents passing ``filters`` by one query's column of
        :meth:`affinity` (``dense``/``lexical`` of shape (n_docs,)), with explanations."""
        score = hybrid(dense, lexical, self.config)
        keep = [i for i, c in enumerate(ids) if matches_filters(c, self.docs[c].meta, filters)]
        keep.sort(key=lambda i: (-float(score[i]), ids[i]))
        qlang = detect_language(query)
        script = qlang if qlang.startswith("zh") else None
        qtoks = tokenize_folded(fold(query))
        kind = query_kind(query)
        hits = []
        for i in keep[:top_k]:
            u = self._units[ids[i]]
            mine = unit_pair_similarity(query_units, u, self.centering)
            sims = maxsim(mine, query_units, u)[:, 0]
            lex = float(lexical[i]) if lexical is not None else 0.0
            hits.append(
                self._hit(ids[i], float(score[i]), float(dense[i]), lex, sims, mine, qtoks,
                          script, kind)
            )  # fmt: skip
        return hits

    def _second_opinion(
        self, query: str, qgroup: str, ids: Sequence[str], score: np.ndarray
    ) -> np.ndarray | None:
        """The best candidates' scores (``ids`` best first, ``score`` theirs) with those in
        another language group than a short query's re-scored by the second model
        (:class:`~.second.SecondOpinion`); ``None`` when nothing changes (a long query, no
        candidate in another group, no second model)."""
        so = self.second
        assert so is not None
        if not self._is_short(query):
            return None
        top = [i for i, c in enumerate(ids) if qgroup not in self._groups[c]]
        emb = self.second_embedder()
        if not top or emb is None:
            return None
        qv = text_vectors([query], emb, None)[0]  # not cached: a cache write costs as much
        others = [ids[i] for i in top]
        vecs = self.second_vectors(others)
        n = np.fromiter((len(v) for v in vecs), np.int64, len(vecs))
        sims = np.concatenate(vecs) @ qv
        best = np.maximum.reduceat(sims, np.concatenate([[0], np.cumsum(n)[:-1]]))
        lex = self.lexicon() if so.term_weight(qgroup == "zh") else None
        ev: np.ndarray | float = 0.0
        if lex is not None:
            ev = np.array(
                [max(lex.score(query, t) for t in self.docs[c].texts) for c in others],
                np.float64,
            )
        out = np.array(score, np.float64)
        out[top] = so.blend(out[top], best.astype(np.float64), ev, qgroup == "zh")
        return out

    def second_vectors(self, doc_ids: Sequence[str]) -> list[np.ndarray]:
        """The second model's whole-text vectors of each document's texts (n_texts, dim),
        kept in memory beside the index; a document without them (indexed before the second
        model was set) gets them from the embedding cache or the model, once."""
        missing = [c for c in doc_ids if c not in self._second_vecs]
        emb = self.second_embedder()
        if missing and emb is not None:
            texts = [t for c in missing for t in self.docs[c].texts]
            vecs = text_vectors(texts, emb, self.cache)
            pos = 0
            for c in missing:
                n = len(self.docs[c].texts)
                self._second_vecs[c] = vecs[pos : pos + n]
                pos += n
        return [self._second_vecs[c] for c in doc_ids]

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> None:
        """Write the index to ``directory`` (documents, lexical tokens, vectors, config)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        for g, vi in self.vectors.items():
            vi.save(d / "vectors" / g)
        with (d / "documents.jsonl").open("w", encoding="utf-8") as fh:
            for doc in self.docs.values():
                u = self._units[doc.id]
                row = {
                    "id": doc.id,
                    "texts": doc.texts,
                    "meta": doc.meta,
                    "unit_counts": u.counts.tolist(),
                    "unit_groups": u.groups,
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        (d / "lexical.json").write_text(
            json.dumps(self.lexical.state(), ensure_ascii=False), encoding="utf-8"
        )
        second_model = None
        sv = d / "second.npy"
        if self.second is not None and self.docs and all(c in self._second_vecs for c in self.docs):
            # the second model's vectors, one row per text in the documents' order
            np.save(sv, np.concatenate([self._second_vecs[c] for c in self.docs]))
            second_model = self.second.model
        elif sv.exists():
            sv.unlink()
        (d / "config.json").write_text(
            json.dumps(
                {
                    "embedder": self.embedder.name,
                    "dim": self.embedder.dim,
                    "affinity": asdict(self.config),
                    "centering": self.centering.fingerprint() if self.centering else None,
                    "format": FORMAT,
                    "groups": sorted(self.vectors),
                    "hnsw_threshold": self.hnsw_threshold,
                    "second_model": second_model,
                }
            ),
            encoding="utf-8",
        )

    @classmethod
    def load(
        cls,
        directory: str | Path,
        embedder: Embedder | None = None,
        cache_dir: str | Path | None = None,
    ) -> SearchIndex:
        """Load an index saved by :meth:`save`; ``embedder`` must be the model it was built
        with (checked by name)."""
        d = Path(directory)
        cfg = json.loads((d / "config.json").read_text(encoding="utf-8"))
        emb = embedder or E5Embedder()
        if emb.name != cfg["embedder"]:
            raise ValueError(f"index at {d} was built with {cfg['embedder']!r}, not {emb.name!r}")
        if cfg.get("format") != FORMAT:
            raise ValueError(f"index at {d} has an older format; rebuild it")
        self = cls(emb, cache_dir, AffinityConfig(**cfg["affinity"]), cfg["hnsw_threshold"])
        want = self.centering.fingerprint() if self.centering else None
        if cfg.get("centering") != want:
            raise ValueError(f"index at {d} was built with another language centring; rebuild it")
        self.vectors = {g: VectorIndex.load(d / "vectors" / g) for g in cfg["groups"]}
        shapes: dict[str, tuple[list[int], list[str]]] = {}
        with (d / "documents.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                doc = Document(r["id"], r["texts"], r["meta"])
                self.docs[doc.id] = doc
                shapes[doc.id] = (r["unit_counts"], r["unit_groups"])
        # each document's unit vectors, fetched from the group indexes in one call per group
        wanted: dict[str, list[str]] = {}
        for doc_id, (counts, groups) in shapes.items():
            self._units[doc_id] = Units(
                np.zeros((0, emb.dim), np.float32), groups, np.asarray(counts, np.int64)
            )
            for uid, g in zip(self._unit_ids(doc_id), groups, strict=True):
                wanted.setdefault(g, []).append(uid)
        row_of = {}
        for g, uids in wanted.items():
            vecs = self.vectors[g].get(uids)
            row_of.update({uid: vecs[i] for i, uid in enumerate(uids)})
        for doc_id, u in self._units.items():
            u.vecs = np.stack([row_of[uid] for uid in self._unit_ids(doc_id)]).astype(np.float32)
        self.lexical = LexicalIndex.from_state(
            json.loads((d / "lexical.json").read_text(encoding="utf-8"))
        )
        self._groups = {k: set(g.split(",")) for k, g in self.lexical._group.items()}
        self._load_second_vectors(d, cfg.get("second_model"))
        return self

    def _load_second_vectors(self, d: Path, model: str | None) -> None:
        """The second model's vectors saved beside the index (memory-mapped), or for an
        index saved without them, those its embedding cache holds (one read at load)."""
        if self.second is None or not self.docs:
            return
        n = [len(doc.texts) for doc in self.docs.values()]
        sv = d / "second.npy"
        if model == self.second.model and sv.is_file():
            arr = np.asarray(np.load(sv, mmap_mode="r"))
            if arr.shape[0] == sum(n):
                pos = 0
                for c, k in zip(self.docs, n, strict=True):
                    self._second_vecs[c] = arr[pos : pos + k]
                    pos += k
                return
        emb = self.second_embedder()
        if self.cache is None or emb is None:
            return
        keys = [
            cache_key(emb.name, "passage", embedding_text(t))
            for doc in self.docs.values()
            for t in doc.texts
        ]
        have = self.cache.get_many(sorted(set(keys)))
        pos = 0
        for c, k in zip(self.docs, n, strict=True):
            ks = keys[pos : pos + k]
            pos += k
            if all(x in have for x in ks):
                self._second_vecs[c] = np.stack([have[x] for x in ks])


Engine = SearchIndex
