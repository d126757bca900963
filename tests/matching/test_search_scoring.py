"""The search's candidates scored in one NumPy pass, the second model's vectors kept in
memory: the same rankings and scores as the per-candidate scoring it replaced.

``reference_search`` is the previous implementation of ``SearchIndex.search_vector``'s
scoring (a Python loop over candidates; the second opinion reading the candidates' vectors
through :func:`~innobridge.matching.second.text_vectors`), kept here as the oracle.
"""

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from innobridge.matching import Document, SearchIndex
from innobridge.matching.affinity import (
    Units,
    aggregate,
    combine,
    maxsim,
    unit_pair_similarity,
)
from innobridge.matching.bilingual import Lexicon
from innobridge.matching.embed import LanguageCentering
from innobridge.matching.rank import matches_filters
from innobridge.matching.second import SecondOpinion, text_vectors
from innobridge.matching.text import detect_language, fold, language_group, tokenize_folded

from ._fakes import FakeEmbedder

TEXTS_EN = [
    "Deep learning for protein structure prediction. Neural networks fold proteins.",
    "Machine translation with neural networks",
    "Quantum computing with superconducting qubits",
    "Spectrometer design for optical measurements. Calibration of the instrument.",
    "Artificial intelligence in medical imaging",
    "Protein folding and molecular dynamics",
]
TEXTS_ZH = [
    "蛋白质结构预测的深度学习。神经网络折叠蛋白质。",
    "神经网络机器翻译",
    "人工智能医学影像",
    "光譜儀設計與光學測量",
    "機器學習理論",
    "深度學習與電腦視覺",
]
QUERIES = [
    "protein structure prediction",
    "neural network",
    "深度学习",
    "光譜儀",
    "spectrometer",
    "machine translation",
    "人工智能",
    "quantum",
    " ".join(["deep learning for protein structure prediction with neural networks"] * 6),
]


class Oracle:
    """A deterministic stand-in for the second model (hashed characters)."""

    name = "oracle"
    dim = 16

    def encode(self, texts: list[str], role: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for ch in t:
                out[i, ord(ch) % self.dim] += 1.0
            out[i] /= np.linalg.norm(out[i]) + 1e-12
        return out


def _docs(n: int = 40) -> list[Document]:
    rng = np.random.default_rng(7)
    docs = []
    for i in range(n):
        pool = TEXTS_EN if i % 3 else TEXTS_ZH
        k = 1 + int(rng.integers(4))  # one to four texts: both scoring paths
        texts = [f"{pool[int(rng.integers(len(pool)))]} {i} {j}" for j in range(k)]
        if i % 5 == 0:  # a mixed-language profile
            texts.append(TEXTS_ZH[i % len(TEXTS_ZH)] if pool is TEXTS_EN else TEXTS_EN[0])
        docs.append(Document(f"d{i:03d}", texts, {"region": ("HK", "CN", "MO")[i % 3]}))
    return docs


def _index(second: bool, aggregation: str = "mean", cache_dir: Any = None) -> SearchIndex:
    idx = SearchIndex(FakeEmbedder(), cache_dir=cache_dir)
    idx.config = replace(idx.config, aggregation=aggregation)
    # cross-language offsets, so the calibration's bonus takes part in the scores
    idx.centering = LanguageCentering({}, {("en", "zh"): 0.04, ("zh", "en"): 0.07})
    if second:
        idx.second = SecondOpinion(
            "oracle", 0.5, -0.1, top_k=40, lexicon_weight=0.1, lexicon_weight_zh=0.05
        )
        idx._second_embedder = Oracle()
        idx._lexicon = Lexicon({"protein": ["蛋白"], "spectrometer": ["光谱仪"], "deep": ["深度"]})
    idx.add(_docs())
    return idx


def reference_search(
    idx: SearchIndex, query: str, top_k: int, filters: dict[str, Any] | None
) -> list[tuple[str, float, float, float]]:
    """The previous per-candidate scoring: ``(id, score, dense, lexical)`` best first."""
    qv = idx.embed_queries([query])[0]
    qlang = detect_language(query)
    qgroup = language_group(qlang)
    all_ids, all_raw = idx.lexical.scores(tokenize_folded(fold(query)))
    nz = np.flatnonzero(all_raw)
    order = [all_ids[i] for i in nz]
    raw = all_raw[nz]
    same = np.array([qgroup in idx._groups[d] for d in order], dtype=bool)
    gated = np.where(same, raw, 0.0)
    lmax = float(gated.max()) if gated.size else 0.0
    lex_of = dict(zip(order, (gated / lmax if lmax > 0 else gated).tolist(), strict=True))
    cands = [c for c in idx.docs if matches_filters(c, idx.docs[c].meta, filters)]
    cfg = idx.config
    scored = []
    for c in cands:
        u = idx._units[c]
        mine = unit_pair_similarity(qv, u, idx.centering)
        sims = maxsim(mine, qv, u)[:, 0]
        if len(u.counts) == 1:
            dense = float(sims[0])
        else:
            tv = u.text_vectors() if cfg.aggregation == "centroid" else None
            qt = qv.text_vectors() if tv is not None else None
            dense = float(aggregate(sims[:, None], cfg, tv, qt)[0])
            dense = float(combine(np.array([dense], np.float32), mine, qv, cfg)[0])
        lex = lex_of.get(c, 0.0)
        scored.append((dense + cfg.lexical_weight * lex, c, dense, lex))
    scored.sort(key=lambda x: (-x[0], x[1]))
    so = idx.second
    emb = idx._second_embedder
    if so is not None and emb is not None and idx._is_short(query):
        top = [i for i, x in enumerate(scored[: so.top_k]) if qgroup not in idx._groups[x[1]]]
        if top:
            q2 = text_vectors([query], emb, None)[0]
            zh = qgroup == "zh"
            lexicon = idx._lexicon if so.term_weight(zh) else None
            for i in top:
                texts = idx.docs[scored[i][1]].texts
                best = float((text_vectors(texts, emb, None) @ q2).max())
                ev = max(lexicon.score(query, t) for t in texts) if lexicon else 0.0
                blended = so.blend(np.asarray(scored[i][0]), np.asarray(best), ev, zh)
                scored[i] = (float(blended), *scored[i][1:])
            scored.sort(key=lambda x: (-x[0], x[1]))
    return [(c, s, d, lx) for s, c, d, lx in scored[:top_k]]


def _same(idx: SearchIndex, query: str, top_k: int = 25, filters: Any = None) -> None:
    want = reference_search(idx, query, top_k, filters)
    got = idx.search(query, top_k, filters)
    assert [h.id for h in got] == [w[0] for w in want]  # the same ranking
    for h, (_, score, dense, lex) in zip(got, want, strict=True):
        assert h.score == pytest.approx(score, abs=1e-6)
        assert h.why.dense == pytest.approx(dense, abs=1e-6)
        assert h.why.lexical == pytest.approx(lex, abs=1e-6)


@pytest.mark.parametrize("aggregation", ["mean", "max", "softmax", "centroid"])
@pytest.mark.parametrize("second", [False, True])
def test_vectorised_scoring_ranks_and_scores_as_the_per_candidate_loop(aggregation, second):
    idx = _index(second, aggregation)
    assert any(len(d.texts) > 1 for d in idx.docs.values())
    assert any(len(d.texts) == 1 for d in idx.docs.values())
    for q in QUERIES:
        _same(idx, q)
        _same(idx, q, 10, {"region": ["HK", "CN"]})


def test_the_second_opinion_changes_the_order_it_is_compared_on():
    """The equality above is not vacuous: the second opinion moves candidates."""
    with_so, without = _index(True), _index(False)
    moved = [
        q
        for q in QUERIES
        if [h.id for h in with_so.search(q, 10)] != [h.id for h in without.search(q, 10)]
    ]
    assert moved


def test_second_model_vectors_are_kept_in_memory_not_re_embedded():
    idx = _index(True)
    assert set(idx._second_vecs) == set(idx.docs)
    calls = []
    orig = Oracle.encode

    def spy(self, texts, role):
        calls.append(len(texts))
        return orig(self, texts, role)

    Oracle.encode = spy  # type: ignore[method-assign]
    try:
        idx.search("spectrometer", 10)
    finally:
        Oracle.encode = orig  # type: ignore[method-assign]
    assert calls == [1]  # the query alone
    idx.remove(["d001"])
    assert "d001" not in idx._second_vecs


def test_second_model_vectors_are_saved_and_loaded_with_the_index(tmp_path, monkeypatch):
    idx = _index(True, cache_dir=tmp_path / "cache")
    idx.centering = None  # the fake model has no calibration file to load with the index
    idx.save(tmp_path / "index")
    assert (tmp_path / "index" / "second.npy").is_file()
    monkeypatch.setattr(SecondOpinion, "for_model", classmethod(lambda cls, m: idx.second))
    monkeypatch.setattr(SecondOpinion, "embedder", lambda self: Oracle())
    loaded = SearchIndex.load(tmp_path / "index", FakeEmbedder(), cache_dir=tmp_path / "cache")
    loaded._lexicon = idx._lexicon
    assert set(loaded._second_vecs) == set(idx.docs)
    for c, v in idx._second_vecs.items():
        np.testing.assert_array_equal(loaded._second_vecs[c], v)
    for q in QUERIES:
        assert [(h.id, h.score) for h in loaded.search(q, 15)] == [
            (h.id, h.score) for h in idx.search(q, 15)
        ]
    # an index saved without them takes them from its embedding cache, once, at load
    (tmp_path / "index" / "second.npy").unlink()
    again = SearchIndex.load(tmp_path / "index", FakeEmbedder(), cache_dir=tmp_path / "cache")
    assert set(again._second_vecs) == set(idx.docs)
    for c, v in idx._second_vecs.items():
        np.testing.assert_array_equal(again._second_vecs[c], v)


def test_units_of_a_candidate_are_its_own():
    """``_Scored.parts`` hands each hit its own texts' and units' similarities."""
    idx = _index(False)
    qv = idx.embed_queries(["protein structure prediction"])[0]
    cands = list(idx.docs)
    sc = idx._score_candidates(cands, qv)
    for i, c in enumerate(cands):
        u: Units = idx._units[c]
        sims, mine = sc.parts(i)
        np.testing.assert_allclose(mine, unit_pair_similarity(qv, u, idx.centering), atol=1e-6)
        np.testing.assert_allclose(sims, maxsim(mine, qv, u)[:, 0], atol=1e-6)
