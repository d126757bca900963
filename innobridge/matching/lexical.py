"""BM25 (``bm25s``) over folded tokens, with string ids and a language group per document.

bm25s indexes are static, so mutations mark the index dirty and the (fast, sparse) BM25
matrix is rebuilt lazily on the next query from the stored token lists.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    def __init__(self, k1: float = 1.2, b: float = 0.75, method: str = "lucene") -> None:
        self.k1, self.b, self.method = k1, b, method
        self._tokens: dict[str, list[str]] = {}
        self._group: dict[str, str] = {}
        self._model: bm25s.BM25 | None = None
        self._vocab: dict[str, int] = {}
        self._order: list[str] = []
        self._row: dict[str, int] = {}
        self._groups_arr = np.zeros(0, dtype=object)
        self._df: dict[str, int] = {}
        self._in_group: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._tokens)

    def set(self, doc_id: str, tokens: Sequence[str], group: str) -> None:
        self._tokens[doc_id] = list(tokens)
        self._group[doc_id] = group
        self._model = None

    def remove(self, doc_id: str) -> None:
        if self._tokens.pop(doc_id, None) is not None:
            self._group.pop(doc_id, None)
            self._model = None

    def tokens(self, doc_id: str) -> list[str]:
        return self._tokens[doc_id]

    def group(self, doc_id: str) -> str:
        return self._group[doc_id]

    def _build(self) -> bm25s.BM25:
        if self._model is not None:
            return self._model
        self._order = list(self._tokens)
        self._row = {d: i for i, d in enumerate(self._order)}
        vocab: dict[str, int] = {}
        ids: list[list[int]] = []
        df: dict[str, int] = {}
        for d in self._order:
            toks = self._tokens[d]
            ids.append([vocab.setdefault(t, len(vocab)) for t in toks])
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        vocab.setdefault("", len(vocab))
        model = bm25s.BM25(k1=self.k1, b=self.b, method=self.method)
        model.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
        self._vocab, self._df, self._model = vocab, df, model
        self._groups_arr = np.array([self._group[d] for d in self._order], dtype=object)
        self._in_group = {}
        return model

    def in_group(self, group: str) -> np.ndarray:
        """(documents,) bool in index order (:meth:`scores`' order): whether a document's
        groups include ``group`` (a document of several groups has them comma-joined)."""
        self._build()
        mask = self._in_group.get(group)
        if mask is None:
            of: dict[str, bool] = {}
            for g in set(self._group.values()):
                of[g] = group in g.split(",")
            mask = np.fromiter((of[g] for g in self._groups_arr), bool, len(self._order))
            self._in_group[group] = mask
        return mask

    def rows(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Each document's row in :meth:`scores`' arrays (KeyError for an unknown id)."""
        self._build()
        row = self._row
        return np.fromiter((row[d] for d in doc_ids), np.int64, len(doc_ids))

    def idf(self, token: str) -> float:
        """Lucene-style idf of a token (0 if unseen) — used to order explanation terms."""
        self._build()
        n = len(self._order)
        df = self._df.get(token, 0)
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5))) if df else 0.0

    def scores(self, query_tokens: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """(ids in index order, BM25 score of every document) for one query."""
        model = self._build()
        qids = [self._vocab[t] for t in dict.fromkeys(query_tokens) if t in self._vocab]
        if not qids or not self._order:
            return self._order, np.zeros(len(self._order), np.float32)
        return self._order, np.asarray(model.get_scores_from_ids(qids), np.float32)

    def scores_for(self, query_tokens: Sequence[str], doc_ids: Sequence[str]) -> np.ndarray:
        _, s = self.scores(query_tokens)
        return np.array([s[self._row[d]] if d in self._row else 0.0 for d in doc_ids], np.float32)

    def state(self) -> dict[str, object]:
        return {
            "k1": self.k1,
            "b": self.b,
            "method": self.method,
            "tokens": self._tokens,
            "group": self._group,
        }

    @classmethod
    def from_state(cls, st: dict[str, Any]) -> LexicalIndex:
        self = cls(k1=st["k1"], b=st["b"], method=st["method"])
        self._tokens = {k: list(v) for k, v in st["tokens"].items()}
        self._group = dict(st["group"])
        return self
