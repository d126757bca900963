"""The second model's opinion on short cross-language queries (matching/second.py)."""

import numpy as np
import pytest

from innobridge.matching import Document, SearchIndex
from innobridge.matching.bilingual import Lexicon
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


def test_the_bilingual_term_list_adds_its_evidence_to_other_language_candidates():
    idx = _index(0.5)
    idx.second = SecondOpinion("oracle", 0.5, 0.0, top_k=10, lexicon_weight=0.3)
    # a term list that knows 'spectrometer' -> 光谱仪 (folded) only
    idx._lexicon = Lexicon({"spectrometer": ["光谱仪"]})
    without = _index(0.5)
    base = {h.id: h.score for h in without.search("spectrometer", 3, {"exclude_ids": ["en-a"]})}
    got = {h.id: h.score for h in idx.search("spectrometer", 3, {"exclude_ids": ["en-a"]})}
    # 光譜儀 folds to 光谱仪: every word and every character covered -> evidence 1.0
    assert got["zh-a"] == pytest.approx(base["zh-a"] + 0.3, abs=1e-5)
    assert got["zh-b"] == pytest.approx(base["zh-b"], abs=1e-5)  # no evidence for 分光計
    # a long query is left to the engine: no evidence either
    q = " ".join(["spectrometer design for optical measurements of samples"] * 10)
    assert {h.id: h.score for h in idx.search(q, 3)} == pytest.approx(
        {h.id: h.score for h in _index(0.0).search(q, 3)}, abs=1e-6
    )


def test_calibration_round_trip_keeps_the_lexicon_weight(tmp_path, monkeypatch):
    monkeypatch.setattr(SecondOpinion, "file_for", staticmethod(lambda m: tmp_path / "x.json"))
    SecondOpinion("oracle", 0.5, -0.1, 500, 0.2).save("m")
    assert SecondOpinion.for_model("m") == SecondOpinion("oracle", 0.5, -0.1, 500, 0.2)
    so = SecondOpinion.for_model("m")
    assert so is not None
    assert so.blend(np.array([0.4]), np.array([0.6]), 0.5)[0] == pytest.approx(0.45 + 0.1)


def test_the_term_list_weight_depends_on_the_querys_language(tmp_path, monkeypatch):
    monkeypatch.setattr(SecondOpinion, "file_for", staticmethod(lambda m: tmp_path / "x.json"))
    so = SecondOpinion("oracle", 0.5, 0.0, 500, 0.3, lexicon_weight_zh=0.05)
    so.save("m")
    assert SecondOpinion.for_model("m") == so
    s, u = np.array([0.4]), np.array([0.6])
    assert so.blend(s, u, 1.0)[0] == pytest.approx(0.5 + 0.3)
    assert so.blend(s, u, 1.0, chinese_query=True)[0] == pytest.approx(0.5 + 0.05)
    # without a weight of its own a Chinese query takes the one weight
    assert SecondOpinion("o", 0.5, 0.0, 500, 0.3).term_weight(True) == 0.3


def test_a_chinese_query_gets_the_term_lists_evidence_at_its_own_weight():
    lexicon = Lexicon({"spectrometer": ["光谱仪"]})
    docs = [Document("en-a", ["spectrometer"]), Document("en-b", ["thermometer"])]

    def scores(so: SecondOpinion) -> dict[str, float]:
        idx = SearchIndex(FakeEmbedder())
        idx.second = so
        idx._second_embedder = Oracle()
        idx._lexicon = lexicon
        idx.add(docs)
        return {h.id: h.score for h in idx.search("光譜儀", 2)}

    base = scores(SecondOpinion("oracle", 0.5, 0.0, 10, 0.0))
    got = scores(SecondOpinion("oracle", 0.5, 0.0, 10, 0.3, lexicon_weight_zh=0.1))
    assert got["en-a"] == pytest.approx(base["en-a"] + 0.1, abs=1e-5)  # evidence 1.0 x 0.1
    assert got["en-b"] == pytest.approx(base["en-b"], abs=1e-5)  # no evidence


def test_a_short_query_gathers_as_many_candidates_as_the_second_opinion_rescores():
    idx = SearchIndex(FakeEmbedder())
    idx.second = SecondOpinion("oracle", 0.5, 0.0, top_k=300)
    idx._second_embedder = Oracle()
    idx.add([Document(f"zh{i}", [f"光譜儀 {i}"]) for i in range(260)])
    asked = []
    orig = idx._candidates

    def spy(query, n_units):
        asked.append(n_units)
        return orig(query, n_units)

    idx._candidates = spy
    idx.search("spectrometer", 1)
    assert asked[0] == 260  # all units: more than 200 (the default for top 1), capped
    idx.second = None
    asked.clear()
    idx.search("spectrometer", 1)
    assert asked[0] == 200


def test_the_shipped_e5_calibration_counts_the_term_list():
    from innobridge.matching.embed import E5Embedder

    so = SecondOpinion.for_model(E5Embedder().name)
    assert so is not None and so.lexicon_weight > 0 and so.top_k >= 200
    # the term list speaks less for a Chinese query (the topic set's recalls, issue 16)
    assert so.lexicon_weight_zh is not None and 0 < so.lexicon_weight_zh < so.lexicon_weight
    assert Lexicon.load() is not None
