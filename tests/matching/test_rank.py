import numpy as np
import pytest

from innobridge.matching import Document, SearchIndex, matches_filters

from ._fakes import FakeEmbedder

DOCS = [
    Document(
        "hkust-ai",
        ["香港科技大學人工智慧研究", "深度學習與電腦視覺"],
        {"region": "HK", "type": "researcher"},
    ),
    Document(
        "pku-ai", ["北京大学人工智能实验室", "机器学习理论"], {"region": "CN", "type": "researcher"}
    ),
    Document(
        "bio", ["Protein folding and molecular dynamics"], {"region": "HK", "type": "researcher"}
    ),
    Document(
        "quantum",
        ["Quantum computing with superconducting qubits"],
        {"region": "CN", "type": "org"},
    ),
    Document(
        "ml-en",
        ["Machine learning theory", "Deep learning for vision"],
        {"region": "HK", "type": "researcher", "organisation": ["HKU", "CUHK"]},
    ),
]


@pytest.fixture
def idx():
    i = SearchIndex(FakeEmbedder())
    i.add(DOCS)
    return i


def test_ranking_order_on_known_case(idx):
    hits = idx.search("quantum computing qubits", top_k=3)
    assert hits[0].id == "quantum"
    assert hits[0].score > hits[1].score >= hits[2].score
    assert idx.search("protein folding", top_k=1)[0].id == "bio"


def test_traditional_query_finds_simplified_document_and_explains_in_traditional(idx):
    hits = idx.search("機器學習理論", top_k=2)
    assert hits[0].id == "pku-ai"
    # shown in the user's (Traditional) script; 学习 alone is too common a Chinese word to
    # explain a match (wordfreq), 机器 and 理论 are not
    assert "機器" in hits[0].why.shared_terms and "理論" in hits[0].why.shared_terms
    assert hits[0].why.closest_text == "机器学习理论" and hits[0].why.closest_index == 1
    simp = idx.search("機器學習理論", top_k=2, script="zh-hans")
    assert "机器" in simp[0].why.shared_terms and "理论" in simp[0].why.shared_terms
    assert hits[0].level in {"strong", "possible", "weak"}
    assert hits[0].to_dict()["level"] == hits[0].level
    d = hits[0].why.to_dict()
    assert set(d) >= {"shared_terms", "closest_text", "closest_index"}


def test_filters_and_exclusions(idx):
    hits = idx.search("人工智能", top_k=5, filters={"region": "HK"})
    assert hits and all(h.meta["region"] == "HK" for h in hits)
    assert hits[0].id == "hkust-ai"
    hits = idx.search("人工智能", top_k=5, filters={"exclude_ids": ["pku-ai", "hkust-ai"]})
    assert {"pku-ai", "hkust-ai"}.isdisjoint(h.id for h in hits)
    assert [h.id for h in idx.search("learning", 5, {"organisation": "CUHK"})] == ["ml-en"]
    assert [h.id for h in idx.search("learning", 5, {"type": ["org"]})] == ["quantum"]
    assert idx.search("learning", 5, {"region": "MO"}) == []
    assert matches_filters("x", {"region": "HK"}, {"region": None})


def test_update_remove_save_load_roundtrip(idx, tmp_path):
    idx.update([Document("bio", ["Quantum error correction codes"], {"region": "HK"})])
    assert len(idx) == 5
    top = [h.id for h in idx.search("quantum error correction", 2)]
    assert top[0] == "bio"
    idx.remove(["quantum"])
    assert "quantum" not in idx
    assert all(h.id != "quantum" for h in idx.search("superconducting qubits", 5))
    idx.save(tmp_path / "ix")
    back = SearchIndex.load(tmp_path / "ix", embedder=FakeEmbedder())
    assert len(back) == 4
    for q in ["quantum error correction", "人工智慧", "learning"]:
        a = [(h.id, round(h.score, 5)) for h in idx.search(q, 4)]
        b = [(h.id, round(h.score, 5)) for h in back.search(q, 4)]
        assert a == b
    back.add([Document("new", ["Graph neural networks"])])
    assert back.search("graph neural networks", 1)[0].id == "new"
    with pytest.raises(ValueError):
        other = FakeEmbedder(dim=32)
        other.name = "another-model"
        SearchIndex.load(tmp_path / "ix", embedder=other)


def test_large_index_uses_hnsw_and_filters_still_fill_top_k():
    i = SearchIndex(FakeEmbedder(), hnsw_threshold=50)
    docs = [
        Document(f"d{n}", [f"topic{n % 7} text{n}"], {"region": "HK" if n % 10 == 0 else "CN"})
        for n in range(300)
    ]
    i.add(docs)
    assert i.uses_hnsw()
    hits = i.search("topic3 text", 10, {"region": "HK"})
    assert len(hits) == 10 and all(h.meta["region"] == "HK" for h in hits)


def test_empty_and_document_validation():
    assert SearchIndex(FakeEmbedder()).search("anything", 5) == []
    with pytest.raises(ValueError):
        Document("x", ["  "])
    assert Document("y", "single text").texts == ["single text"]


def test_index_built_with_other_language_centring_is_refused(idx, tmp_path, monkeypatch):
    """Stored vectors centred with other means (or none) must not meet centred queries."""
    import numpy as np

    from innobridge.matching.embed import LanguageCentering

    idx.save(tmp_path / "ix")  # the fake embedder has no calibration
    c = LanguageCentering({("passage", "en"): np.full(FakeEmbedder().dim, 0.1, np.float32)})
    monkeypatch.setattr(LanguageCentering, "for_model", classmethod(lambda cls, name: c))
    with pytest.raises(ValueError, match="centring"):
        SearchIndex.load(tmp_path / "ix", embedder=FakeEmbedder())
    centred = SearchIndex(FakeEmbedder())
    centred.add([Document("a", ["Graph neural networks"])])
    centred.save(tmp_path / "ix2")
    assert len(SearchIndex.load(tmp_path / "ix2", embedder=FakeEmbedder())) == 1


def test_cross_language_offset_lifts_the_other_language_in_a_mixed_pool(monkeypatch):
    """A Chinese query meets an English text on its topic and a Chinese text on a nearby
    one: without the offset its own language wins, with it the same topic does."""
    import numpy as np

    from innobridge.matching.affinity import affinity_matrix
    from innobridge.matching.embed import LanguageCentering

    docs = [
        Document("en-protein", ["protein folding dynamics"]),
        Document("zh-near", ["蛋白质结构"]),
    ]
    query = "蛋白质结构预测"
    plain = SearchIndex(FakeEmbedder())
    plain.add(docs)
    before = plain.search(query, 2)
    assert before[0].id == "zh-near"  # its own language wins without the offset
    base = {h.id: h.why.dense for h in before}
    c = LanguageCentering({}, {("zh", "en"): 0.9})
    monkeypatch.setattr(LanguageCentering, "for_model", classmethod(lambda cls, name: c))
    lifted = SearchIndex(FakeEmbedder())
    lifted.add(docs)
    hits = lifted.search(query, 2)
    got = {h.id: h.why.dense for h in hits}
    assert got["en-protein"] == pytest.approx(base["en-protein"] + 0.9, abs=1e-5)
    assert got["zh-near"] == pytest.approx(base["zh-near"], abs=1e-5)
    assert hits[0].id == "en-protein"
    # the batch affinity applies the same offset
    m = affinity_matrix(docs, [query], FakeEmbedder())
    assert m[0, 0] - m[1, 0] == pytest.approx(
        lifted.search(query, 2)[0].score - lifted.search(query, 2)[1].score, abs=1e-5
    )
    assert np.isfinite(m).all()


def test_each_language_group_has_its_own_vectors_and_survives_save_load_remove(tmp_path):
    """English and Chinese texts sit in separate vector indexes (so each language's nearest
    texts are candidates even when the other language dominates the pool)."""
    i = SearchIndex(FakeEmbedder(), hnsw_threshold=50)
    docs = [Document(f"en{n}", [f"topic{n % 5} english text{n}"]) for n in range(120)]
    docs.append(Document("mixed", ["深度学习 研究", "deep learning research"]))
    docs.append(Document("zh1", ["蛋白质结构预测"]))
    i.add(docs)
    assert set(i.vectors) == {"en", "zh"}
    assert i.vectors["en"].is_hnsw and not i.vectors["zh"].is_hnsw and i.uses_hnsw()
    assert len(i.vectors["zh"]) == 2 and len(i.vectors["en"]) == 121
    # a Chinese query still sees the Chinese texts though 121 of 123 texts are English
    assert "zh1" in {h.id for h in i.search("蛋白质结构", 3)}
    i.save(tmp_path / "ix")
    back = SearchIndex.load(tmp_path / "ix", embedder=FakeEmbedder())
    assert back.uses_hnsw() and len(back) == len(i)
    for q in ("蛋白质结构", "deep learning", "topic3 english"):
        assert [h.id for h in back.search(q, 5)] == [h.id for h in i.search(q, 5)]
    assert back.remove(["mixed", "zh1"]) == 2
    assert len(back.vectors["zh"]) == 0 and len(back.vectors["en"]) == 120
    assert all(h.id.startswith("en") for h in back.search("蛋白质结构", 5))


def test_index_saved_in_the_older_single_index_format_is_refused(idx, tmp_path):
    import json

    idx.save(tmp_path / "ix")
    cfg = json.loads((tmp_path / "ix" / "config.json").read_text())
    cfg.pop("format")
    (tmp_path / "ix" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match="format"):
        SearchIndex.load(tmp_path / "ix", embedder=FakeEmbedder())


def test_explanation_quotes_the_closest_sentence_by_meaning():
    text = (
        "Our laboratory was founded in 1998 in Hong Kong. "
        "We study superconducting qubits for quantum computing. "
        "We also teach undergraduate physics courses."
    )
    i = SearchIndex(FakeEmbedder())
    i.add([Document("lab", [text])])
    hit = i.search("quantum computing hardware", 1)[0]
    assert hit.why.closest_text == "We study superconducting qubits for quantum computing."
    # the index and the batch affinity agree with sentences too
    from innobridge.matching.affinity import affinity_matrix

    m = affinity_matrix(list(i.docs.values()), ["quantum computing hardware"], FakeEmbedder())
    assert hit.why.dense == pytest.approx(float(m[0, 0]) - 0.1 * hit.why.lexical, abs=1e-5)
    # with the whole-text unit (transfer's configuration; off in the engine's default), a
    # query closest to the whole text (it joins two sentences) still quotes a sentence
    from innobridge.matching import AffinityConfig

    i = SearchIndex(FakeEmbedder(), config=AffinityConfig(whole_text_unit=True))
    i.add([Document("lab", [text])])
    units = i._units["lab"]
    q = i.embed_queries(
        ["laboratory founded in Hong Kong studies quantum computing and teaches physics"]
    )
    assert int(np.argmax(q.vecs @ units.vecs.T)) == len(units.vecs) - 1  # the whole text
    hit = i.search(
        "laboratory founded in Hong Kong studies quantum computing and teaches physics", 1
    )[0]
    assert hit.why.closest_text in i.docs["lab"].texts[0]
    assert hit.why.closest_text != i.docs["lab"].texts[0]


def test_a_long_query_probes_with_a_sample_and_still_finds_its_match():
    """A whole profile as the query (more sentences than the probe budget) over an HNSW
    index: candidates come from the query's gist and a sample of its sentences, and every
    candidate is scored on all of them."""
    from innobridge.matching import rank

    i = SearchIndex(FakeEmbedder(), hnsw_threshold=50)
    i.add(
        [Document(f"d{n}", [f"topic{n % 37} words{n} and more words{n + 1}."]) for n in range(300)]
    )
    i.add([Document("target", ["Protein structure prediction with deep learning."])])
    query = " ".join(
        f"We study protein structure prediction, case {k} of deep learning." for k in range(12)
    )
    assert len(i.embed_queries([query])[0].vecs) > rank._PROBES
    assert i.search(query, 3)[0].id == "target"


def test_an_index_saved_before_the_query_sentence_rule_loads_without_a_rebuild(idx, tmp_path):
    """The rule that drops a proposal's contentless sentences works on queries only: the
    stored units are unchanged, so an index saved without the setting loads (with the
    engine's default) instead of asking for a rebuild."""
    import json

    idx.save(tmp_path / "ix")
    cfg_file = tmp_path / "ix" / "config.json"
    cfg = json.loads(cfg_file.read_text(encoding="utf-8"))
    assert cfg["affinity"].pop("query_min_unit_tokens") == 3
    cfg_file.write_text(json.dumps(cfg), encoding="utf-8")
    back = SearchIndex.load(tmp_path / "ix", embedder=FakeEmbedder())
    assert back.config.query_min_unit_tokens == 3
    a = [(h.id, round(h.score, 5)) for h in idx.search("quantum error correction", 4)]
    assert a == [(h.id, round(h.score, 5)) for h in back.search("quantum error correction", 4)]
