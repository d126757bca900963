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

Texts are kept in one vector index per language group ("en", "zh", ...) and each group is
searched for candidates separately: in a pool where most texts share the query's language,
the texts in the other language are still among the candidates, so the offset can act.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .affinity import (
    DEFAULT_CONFIG,
    AffinityConfig,
    aggregate,
    cross_language_bonus,
    embed_queries,
    entity_groups,
)
from .documents import Document
from .embed import E5Embedder, Embedder, EmbeddingCache, LanguageCentering, embed
from .explain import Explanation, Hit, closest_sentence, shared_terms
from .index import VectorIndex
from .lexical import LexicalIndex
from .text import detect_language, embedding_text, fold, language_group, tokenize_folded

_SEP = "\x1f"
FORMAT = 2  # 2: one vector index per language group


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
        self._text_groups: dict[str, list[str]] = {}
        self.hnsw_threshold = hnsw_threshold
        self.vectors: dict[str, VectorIndex] = {}  # one per language group of the texts
        self.lexical = LexicalIndex()

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
        stale = [d.id for d in docs if d.id in self.docs]
        if stale:
            self.remove(stale)
        raw = [t for d in docs for t in d.texts]
        flat = [embedding_text(t) for t in raw]
        vecs = embed(flat, "passage", self.embedder, self.cache, progress=progress)
        groups = [language_group(detect_language(t)) for t in raw]
        if self.centering is not None:
            vecs = self.centering.apply(vecs, "passage", groups)
        ids = [f"{d.id}{_SEP}{i}" for d in docs for i in range(len(d.texts))]
        for g in sorted(set(groups)):
            rows = [k for k, x in enumerate(groups) if x == g]
            if g not in self.vectors:
                self.vectors[g] = VectorIndex(self.embedder.dim, hnsw_threshold=self.hnsw_threshold)
            self.vectors[g].add([ids[k] for k in rows], vecs[rows])
        pos = 0
        for d in docs:
            self.docs[d.id] = d
            self._text_groups[d.id] = groups[pos : pos + len(d.texts)]
            pos += len(d.texts)
            g = entity_groups(d.texts)
            self._groups[d.id] = g
            toks: list[str] = []
            for t in d.texts:
                toks.extend(tokenize_folded(fold(t)))
            self.lexical.set(d.id, toks, ",".join(sorted(g)))

    update = add

    def remove(self, ids: Iterable[str]) -> int:
        n = 0
        for doc_id in list(ids):
            d = self.docs.pop(doc_id, None)
            if d is None:
                continue
            for i, g in enumerate(self._text_groups.pop(doc_id)):
                self.vectors[g].remove([f"{doc_id}{_SEP}{i}"])
            self.lexical.remove(doc_id)
            self._groups.pop(doc_id, None)
            n += 1
        return n

    # ------------------------------------------------------------------ search
    def uses_hnsw(self) -> bool:
        """Whether any language group's vectors have moved to an HNSW graph."""
        return any(v.is_hnsw for v in self.vectors.values())

    def _n_texts(self) -> int:
        return sum(len(v) for v in self.vectors.values())

    def _candidates(self, qv: np.ndarray, n_texts: int) -> dict[str, dict[int, float]]:
        """Entities owning the ``n_texts`` nearest texts of each language group, with the
        (raw cosine) similarities seen."""
        seen: dict[str, dict[int, float]] = {}
        for vi in self.vectors.values():
            if not len(vi):
                continue
            for tid, sim in vi.search(qv, min(n_texts, len(vi))):
                doc_id, i = tid.rsplit(_SEP, 1)
                seen.setdefault(doc_id, {})[int(i)] = sim
        return seen

    def _text_vectors(self, doc_id: str) -> np.ndarray:
        return np.stack(
            [
                self.vectors[g].get([f"{doc_id}{_SEP}{i}"])[0]
                for i, g in enumerate(self._text_groups[doc_id])
            ]
        )

    def search(
        self,
        query: str,
        top_k: int = 10,
        filters: dict[str, Any] | None = None,
        script: str | None = None,
    ) -> list[Hit]:
        """Best ``top_k`` documents for ``query`` passing ``filters``; explanations use
        ``script`` (default: the query's own script)."""
        return self.search_vector(query, self.embed_queries([query])[0], top_k, filters, script)

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        """Query vectors as :meth:`search` computes them (for :meth:`search_vector`)."""
        return embed_queries(
            queries, self.config.query_role, self.embedder, self.cache, self.centering
        )

    def search_many(
        self,
        queries: Sequence[str],
        top_k: int = 10,
        filters: dict[str, Any] | None = None,
        script: str | None = None,
    ) -> list[list[Hit]]:
        """Batch version of :meth:`search` (queries are embedded in batches)."""
        qv = self.embed_queries(queries)
        return [
            self.search_vector(q, v, top_k, filters, script)
            for q, v in zip(queries, qv, strict=True)
        ]

    def search_vector(
        self,
        query: str,
        qv: np.ndarray,
        top_k: int = 10,
        filters: dict[str, Any] | None = None,
        script: str | None = None,
    ) -> list[Hit]:
        if not self.docs or top_k <= 0:
            return []
        qlang = detect_language(query)
        qgroup = language_group(qlang)
        script = script or (qlang if qlang.startswith("zh") else None)
        qtoks = tokenize_folded(fold(query))

        # lexical over all docs (sparse; cheap), normalised within the query's group
        order, raw = self.lexical.scores(qtoks)
        same = np.array([qgroup in self._groups[d] for d in order], dtype=bool)
        gated = np.where(same, raw, 0.0)
        lmax = float(gated.max()) if gated.size else 0.0
        lex_of = dict(zip(order, (gated / lmax if lmax > 0 else gated).tolist(), strict=True))

        n_total = self._n_texts()
        n_texts = min(n_total, max(200, 20 * top_k))
        while True:
            seen = self._candidates(qv, n_texts)
            cands = list(seen)
            if self.config.lexical_weight and lmax > 0:
                top_lex = np.argsort(-gated)[: max(50, 5 * top_k)]
                cands += [order[i] for i in top_lex if gated[i] > 0 and order[i] not in seen]
            cands = [c for c in cands if matches_filters(c, self.docs[c].meta, filters)]
            if len(cands) >= top_k or n_texts >= n_total:
                break
            n_texts = min(n_total, n_texts * 4)

        scored = []
        for c in cands:
            d = self.docs[c]
            known = seen.get(c, {})
            if len(known) == len(d.texts):  # all similarities already known
                sims = np.array([known[i] for i in range(len(d.texts))], np.float32)
                v = None
            else:
                v = self._text_vectors(c)
                sims = v @ qv
            bonus = cross_language_bonus(self._text_groups[c], [qgroup], self.centering)
            if bonus is not None:
                sims = sims + bonus[:, 0]
            if len(sims) == 1:
                dense = float(sims[0])
            else:
                if v is None and self.config.aggregation == "centroid":
                    v = self._text_vectors(c)
                dense = float(aggregate(sims[:, None], self.config, v, qv[None, :])[0])
            lex = lex_of.get(c, 0.0)
            scored.append((dense + self.config.lexical_weight * lex, c, dense, lex, sims))
        scored.sort(key=lambda x: (-x[0], x[1]))
        hits = []
        for score, c, dense, lex, sims in scored[:top_k]:
            d = self.docs[c]
            best = int(np.argmax(sims))
            text = d.texts[best] if len(d.texts) > 1 else closest_sentence(d.texts[0], qtoks)
            why = Explanation(
                shared_terms=shared_terms(qtoks, self.lexical.tokens(c), script, self.lexical.idf),
                closest_text=text,
                closest_index=best,
                dense=round(dense, 6),
                lexical=round(lex, 6),
            )
            hits.append(Hit(c, float(score), why, d.meta))
        return hits

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> None:
        """Write the index to ``directory`` (documents, lexical tokens, vectors, config)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        for g, vi in self.vectors.items():
            vi.save(d / "vectors" / g)
        with (d / "documents.jsonl").open("w", encoding="utf-8") as fh:
            for doc in self.docs.values():
                fh.write(
                    json.dumps(
                        {"id": doc.id, "texts": doc.texts, "meta": doc.meta}, ensure_ascii=False
                    )
                    + "\n"
                )
        (d / "lexical.json").write_text(
            json.dumps(self.lexical.state(), ensure_ascii=False), encoding="utf-8"
        )
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
        with (d / "documents.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                doc = Document(r["id"], r["texts"], r["meta"])
                self.docs[doc.id] = doc
                self._text_groups[doc.id] = [language_group(detect_language(t)) for t in doc.texts]
        self.lexical = LexicalIndex.from_state(
            json.loads((d / "lexical.json").read_text(encoding="utf-8"))
        )
        self._groups = {k: set(g.split(",")) for k, g in self.lexical._group.items()}
        return self


Engine = SearchIndex
