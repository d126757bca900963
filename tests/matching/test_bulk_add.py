"""``SearchIndex.add_embedded``: documents whose texts are already embedded indexed in one
pass (each language group's vectors in one call to its index) give the same index as
adding them one by one through ``add``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from innobridge.matching import Document, SearchIndex
from innobridge.matching.affinity import Units, embed_text_units
from innobridge.matching.bilingual import Lexicon
from innobridge.matching.embed import LanguageCentering
from innobridge.matching.second import SecondOpinion, text_vectors

from ._fakes import FakeEmbedder
from .test_search_scoring import QUERIES, Oracle, _docs


def _empty(hnsw_threshold: int) -> SearchIndex:
    idx = SearchIndex(FakeEmbedder(), hnsw_threshold=hnsw_threshold)
    idx.centering = LanguageCentering({}, {("en", "zh"): 0.04, ("zh", "en"): 0.07})
    idx.second = SecondOpinion(
        "oracle", 0.5, -0.1, top_k=40, lexicon_weight=0.1, lexicon_weight_zh=0.05
    )
    idx._second_embedder = Oracle()
    idx._lexicon = Lexicon({"protein": ["蛋白"], "spectrometer": ["光谱仪"], "deep": ["深度"]})
    return idx


def _one_by_one(docs: list[Document], hnsw_threshold: int) -> SearchIndex:
    idx = _empty(hnsw_threshold)
    for d in docs:
        idx.add([d])
    return idx


def _bulk(docs: list[Document], hnsw_threshold: int) -> SearchIndex:
    idx = _empty(hnsw_threshold)
    raw = [t for d in docs for t in d.texts]
    units = embed_text_units(raw, idx.config, idx.embedder, None, idx.centering)
    assert idx._second_embedder is not None
    idx.add_embedded(docs, units, text_vectors(raw, idx._second_embedder, None))
    return idx


def _contents(idx: SearchIndex) -> dict[str, Any]:
    """Everything the index holds, in a comparable form (the HNSW graph aside: its
    construction on several threads is not deterministic; its items and vectors are)."""
    groups = {}
    for g, vi in idx.vectors.items():
        ids = sorted(vi.ids())
        groups[g] = (vi.is_hnsw, ids, vi.get(ids))
    return {
        "docs": {k: (d.texts, d.meta) for k, d in idx.docs.items()},
        "units": {
            k: (u.vecs.copy(), list(u.groups), u.counts.tolist()) for k, u in idx._units.items()
        },
        "groups": idx._groups,
        "vectors": groups,
        "lexical": idx.lexical.state(),
        "second": {k: v.copy() for k, v in idx._second_vecs.items()},
    }


def _assert_same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["docs"] == b["docs"]
    assert list(a["docs"]) == list(b["docs"])  # same order (saved order, BM25 rows)
    assert a["groups"] == b["groups"]
    assert a["lexical"] == b["lexical"]
    assert a["units"].keys() == b["units"].keys()
    for k, (v, g, c) in a["units"].items():
        v2, g2, c2 = b["units"][k]
        assert g == g2 and c == c2
        np.testing.assert_array_equal(v, v2)
    assert a["vectors"].keys() == b["vectors"].keys()
    for g, (hnsw, ids, vecs) in a["vectors"].items():
        hnsw2, ids2, vecs2 = b["vectors"][g]
        assert hnsw == hnsw2 and ids == ids2
        np.testing.assert_array_equal(vecs, vecs2)
    assert a["second"].keys() == b["second"].keys()
    for k, v in a["second"].items():
        np.testing.assert_array_equal(v, b["second"][k])


def test_bulk_built_index_equals_the_one_by_one_built_index():
    docs = _docs()
    assert any(sum(len(t.split("。")) for t in d.texts) > len(d.texts) for d in docs)
    slow, fast, via_add = _one_by_one(docs, 10**6), _bulk(docs, 10**6), _empty(10**6)
    via_add.add(docs)  # add() of many documents is the bulk path after embedding
    want = _contents(slow)
    assert any(len(u[2]) > 1 for u in want["units"].values())  # several texts
    assert any(sum(u[2]) > len(u[2]) for u in want["units"].values())  # several units a text
    assert len(want["vectors"]) == 2  # both language groups
    _assert_same(want, _contents(fast))
    _assert_same(want, _contents(via_add))
    for q in QUERIES:
        for filters in (None, {"region": ["HK", "CN"]}):
            a = [(h.id, h.score) for h in slow.search(q, 15, filters)]
            b = [(h.id, h.score) for h in fast.search(q, 15, filters)]
            assert a == b


def test_bulk_built_hnsw_index_holds_the_same_items_and_vectors():
    docs = _docs(60)
    slow, fast = _one_by_one(docs, 30), _bulk(docs, 30)
    want = _contents(slow)
    assert all(v[0] for v in want["vectors"].values())  # both groups moved to HNSW
    _assert_same(want, _contents(fast))
    for g, vi in slow.vectors.items():  # the same exact neighbours from either index
        q = vi.get(vi.ids()[:3])
        for row in q:  # ties (equal scores) in any order
            a = sorted(vi.search(row, 10, exact=True), key=lambda x: (-x[1], x[0]))
            b = sorted(fast.vectors[g].search(row, 10, exact=True), key=lambda x: (-x[1], x[0]))
            assert [x[1] for x in a] == [x[1] for x in b]
            assert {x for x in a if x[1] > a[-1][1]} == {x for x in b if x[1] > b[-1][1]}


def test_bulk_add_replaces_existing_documents_and_keeps_the_others():
    docs = _docs(20)
    idx = _bulk(docs, 10**6)
    changed = [Document(docs[3].id, ["Quantum computing with superconducting qubits"], {})]
    raw = [t for d in changed for t in d.texts]
    units = embed_text_units(raw, idx.config, idx.embedder, None, idx.centering)
    idx.add_embedded(changed, units)
    ref = _one_by_one(docs, 10**6)
    ref.add(changed)
    a, b = _contents(ref), _contents(idx)
    assert docs[3].id not in b["second"]  # no second vectors given: read on first use
    del a["second"][docs[3].id]
    # the replaced document goes last in both (removed, then added)
    _assert_same(a, b)
    hits = idx.vectors["en"].search(units.vecs[0], 5)
    assert any(h.startswith(docs[3].id) and s == pytest.approx(1.0, abs=1e-5) for h, s in hits)


def test_bulk_add_checks_its_inputs():
    idx = _empty(10**6)
    docs = [Document("a", ["protein folding", "deep learning"], {})]
    one = Units(np.ones((1, 64), np.float32) / 8, ["en"], np.ones(1, np.int64))
    with pytest.raises(ValueError, match="units"):
        idx.add_embedded(docs, one)  # two texts, one text's units
    two = Units(np.ones((2, 64), np.float32) / 8, ["en", "en"], np.ones(2, np.int64))
    with pytest.raises(ValueError, match="second"):
        idx.add_embedded(docs, two, np.ones((1, 16), np.float32))
    with pytest.raises(ValueError, match="duplicate"):
        idx.add_embedded([docs[0], docs[0]], Units(np.ones((4, 64), np.float32) / 8,
                                                   ["en"] * 4, np.ones(4, np.int64)))  # fmt: skip
    assert len(idx) == 0 and not idx.vectors
