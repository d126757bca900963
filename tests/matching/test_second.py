"""The second model's opinion on short cross-language queries (matching/second.py)."""

import numpy as np
import pytest

from innobridge.matching import Document, SearchIndex
from innobridge.matching.second import SecondOpinion

from ._fakes import FakeEmbedder

DOCS = [
    Document("zh-a", ["光譜儀"]),
    Document("zh-b", ["分光計"]),
    Document("en-a", ["spectrometer design"]),
]


class Oracle:
    """A second model that knows one translation: 'spectrometer' ↔ 分光計."""

    name = "oracle"
    dim = 4

    def encode(self, texts, role):
        out = np.zeros((len(texts), 4), np.float32)
        for i, t in enumerate(texts):
            out[i] = [1, 0, 0, 0] if ("spectrometer" in t or "分光" in t) else [0, 1, 0, 0]
        return out


def _index(weight: float) -> SearchIndex:
    idx = SearchIndex(FakeEmbedder())
    idx.second = SecondOpinion("oracle", weight, 0.0, top_k=10)
    idx._second_embedder = Oracle()
    idx.add(DOCS)
    return idx


def test_the_second_model_reorders_a_short_querys_other_language_candidates():
    base = _index(0.0)
    before = {h.id: h.score for h in base.search("spectrometer", 3)}
    idx = _index(0.9)
    hits = idx.search("spectrometer", 3, {"exclude_ids": ["en-a"]})
    assert hits[0].id == "zh-b"  # the oracle's translation comes first
    got = {h.id: h.score for h in hits}
    assert got["zh-b"] == pytest.approx(0.1 * before["zh-b"] + 0.9 * 1.0, abs=1e-5)
    assert got["zh-a"] == pytest.approx(0.1 * before["zh-a"], abs=1e-5)
    # a candidate in the query's own language keeps the engine's score
    same = {h.id: h.score for h in idx.search("spectrometer", 3)}
    assert same["en-a"] == pytest.approx(before["en-a"], abs=1e-6)


def test_a_long_query_is_left_to_the_engine():
    q = " ".join(["spectrometer design for optical measurements of samples"] * 10)
    base = {h.id: h.score for h in _index(0.0).search(q, 3)}
    got = {h.id: h.score for h in _index(0.9).search(q, 3)}
    assert got == pytest.approx(base, abs=1e-6)


def test_calibration_is_per_model():
    assert SecondOpinion.for_model("fake-hash-bow-glossary") is None
    assert SearchIndex(FakeEmbedder()).second is None
    so = SecondOpinion("m", 0.5, 0.1)
    assert so.blend(np.array([0.4]), np.array([0.6]))[0] == pytest.approx(0.55)
