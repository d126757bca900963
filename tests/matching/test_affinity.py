import numpy as np
import pytest

from innobridge.matching import AffinityConfig, Document, affinity_matrix
from innobridge.matching.affinity import (
    DEFAULT_CONFIG,
    aggregate,
    lexical_affinity,
    lexical_normalise,
)

from ._fakes import FakeEmbedder

SIMS = np.array([[0.9, 0.1], [0.5, 0.2], [0.1, 0.3]], np.float32)


def test_aggregations():
    assert aggregate(SIMS, AffinityConfig("max")).tolist() == pytest.approx([0.9, 0.3])
    assert aggregate(SIMS, AffinityConfig("mean")).tolist() == pytest.approx([0.5, 0.2])
    assert aggregate(SIMS, AffinityConfig("topk_mean", top_k=2)).tolist() == pytest.approx(
        [0.7, 0.25]
    )
    sm = aggregate(SIMS, AffinityConfig("softmax", temperature=0.05))
    assert 0.85 < sm[0] <= 0.9 and 0.2 < sm[1] < 0.3
    with pytest.raises(ValueError):
        AffinityConfig("median")


def test_lexical_is_gated_by_language():
    raw = np.array([4.0, 2.0, 8.0])
    same = np.array([True, True, False])
    assert lexical_normalise(raw, same).tolist() == pytest.approx([1.0, 0.5, 0.0])
    ents = [Document("en", ["graph neural networks"]), Document("zh", ["图神经网络 graph"])]
    lx = lexical_affinity(ents, ["graph networks", "图神经网络"])
    assert lx[0, 0] == pytest.approx(1.0) and lx[1, 0] == 0.0  # zh entity gets no en credit
    assert lx[1, 1] == pytest.approx(1.0) and lx[0, 1] == 0.0


def test_affinity_matrix_orders_experts():
    ents = [
        Document("a", ["protein folding dynamics", "enzyme kinetics"]),
        Document("b", ["quantum computing", "superconducting qubits", "quantum error correction"]),
    ]
    m = affinity_matrix(ents, ["quantum error correction", "protein folding"], FakeEmbedder())
    assert m.shape == (2, 2)
    assert m[1, 0] > m[0, 0] and m[0, 1] > m[1, 1]


def test_auto_query_role_embeds_documents_as_passages_and_phrases_as_queries():
    from innobridge.matching.affinity import DOCUMENT_TOKENS, query_roles

    long_en = " ".join(f"protein{i} folding{i}" for i in range(DOCUMENT_TOKENS))
    long_zh = "深度学习蛋白质结构预测药物发现" * 8
    roles = query_roles(["deep learning for proteins", "人工智能", long_en, long_zh], "auto")
    assert roles == ["query", "query", "passage", "passage"]
    assert query_roles(["x", long_en], "query") == ["query", "query"]
    with pytest.raises(ValueError):
        AffinityConfig(query_role="document")  # type: ignore[arg-type]


def test_sentence_granularity_matches_each_topic_of_a_text_in_full():
    """A paper on two topics: with sentences each topic's query meets its own sentence
    (MaxSim), with whole texts the two topics are averaged into one vector."""
    paper = Document(
        "r1",
        ["Protein structure prediction with deep networks. Machine translation of rare languages."],
    )
    other = Document("r2", ["Superconducting qubits and quantum error correction."])
    queries = ["protein structure prediction", "machine translation"]
    by_sentence = affinity_matrix([paper, other], queries, FakeEmbedder())
    by_text = affinity_matrix(
        [paper, other], queries, FakeEmbedder(), config=AffinityConfig(granularity="text")
    )
    assert (by_sentence[0] > by_text[0] + 0.1).all()
    assert (by_sentence[0] > by_sentence[1]).all() and (by_text[0] > by_text[1]).all()


def test_a_stored_text_of_several_sentences_also_offers_itself_whole():
    from innobridge.matching.affinity import embed_query_units, embed_text_units, split_units

    text = "We study protein structure. Our method uses deep learning. It runs on GPUs."
    units, counts = split_units([text, "One sentence only."], "sentence", whole=True)
    assert counts == [4, 1] and units[3] == text and units[4] == "One sentence only."
    assert split_units([text], "sentence") == (units[:3], [3])
    assert split_units([text], "text", whole=True) == ([text], [1])
    cfg = AffinityConfig(whole_text_unit=True)
    assert embed_text_units([text], cfg, FakeEmbedder()).counts.tolist() == [4]
    # queries are only cut into sentences
    assert embed_query_units([text], cfg, FakeEmbedder()).counts.tolist() == [3]
    # the engine's default since issue 17: no whole-text unit (half the model's tokens)
    off = AffinityConfig()
    assert not off.whole_text_unit
    assert embed_text_units([text], off, FakeEmbedder()).counts.tolist() == [3]


def test_the_whole_text_unit_meets_a_query_that_joins_ideas_from_several_sentences():
    """A one-sentence query about deep learning for protein structure: the paper says the
    two halves in two sentences.  Each sentence alone matches half the query; the paper's
    whole text matches all of it, and the researcher ranks above one whose single sentence
    shares as many words with the query."""
    paper = Document("r1", ["We study protein structure. Our method uses deep learning."])
    half = Document("r2", ["Protein structure of membranes in cold water."])
    query = ["deep learning for protein structure"]
    plain = AffinityConfig(whole_text_unit=False, lexical_weight=0.0)
    whole = AffinityConfig(whole_text_unit=True, lexical_weight=0.0)
    without = affinity_matrix([paper, half], query, FakeEmbedder(), config=plain)[:, 0]
    with_whole = affinity_matrix([paper, half], query, FakeEmbedder(), config=whole)[:, 0]
    assert with_whole[0] > without[0] + 0.05
    assert with_whole[1] == pytest.approx(without[1])  # one sentence: no extra unit
    assert with_whole[0] > with_whole[1]


def test_unit_similarity_is_the_mean_over_query_sentences_of_the_best_text_sentence():
    from innobridge.matching.affinity import Units, unit_similarity

    e = np.eye(3, dtype=np.float32)
    text = Units(e[[0, 1]], ["en", "en"], np.array([2]))  # one text, sentences along x and y
    query = Units(e[[0, 2]], ["en", "en"], np.array([2]))  # one query: x, then z
    # best for x is 1, best for z is 0: mean 0.5
    assert unit_similarity(query, text).ravel().tolist() == pytest.approx([0.5])
    two = Units(e[[0, 1, 2]], ["en"] * 3, np.array([1, 2]))  # text 0: x; text 1: y, z
    assert unit_similarity(query, two)[:, 0].tolist() == pytest.approx([0.5, 0.5])
    with pytest.raises(ValueError, match="granularity"):
        AffinityConfig(granularity="word")  # type: ignore[arg-type]


def test_profile_maxsim_credits_a_researcher_who_covers_a_proposal_across_papers():
    """Two topics in one proposal: researcher A wrote one paper on each, researcher B one
    paper on the first topic and one unrelated.  Per-paper aggregation alone sees one good
    paper each; the profile MaxSim sees that A covers both parts."""
    a = Document("a", ["Protein structure prediction.", "Machine translation of languages."])
    b = Document("b", ["Protein structure prediction.", "Superconducting qubits."])
    proposal = ["Protein structure prediction. Machine translation of languages."]
    no_profile = AffinityConfig(profile_weight=0.0, lexical_weight=0.0)
    with_profile = AffinityConfig(profile_weight=0.5, lexical_weight=0.0)
    gap_without = np.diff(
        affinity_matrix([b, a], proposal, FakeEmbedder(), config=no_profile)[:, 0]
    )
    gap_with = np.diff(affinity_matrix([b, a], proposal, FakeEmbedder(), config=with_profile)[:, 0])
    assert gap_with[0] > gap_without[0] > 0
    with pytest.raises(ValueError, match="profile_weight"):
        AffinityConfig(profile_weight=1.5)


def test_search_and_batch_affinity_agree_with_the_profile_maxsim():
    from innobridge.matching import SearchIndex

    docs = [
        Document("a", ["Protein structure prediction.", "Machine translation of languages."]),
        Document("b", ["Protein structure prediction.", "Superconducting qubits."]),
    ]
    idx = SearchIndex(FakeEmbedder())
    idx.add(docs)
    q = "protein structure prediction and machine translation"
    cfg = AffinityConfig(lexical_weight=0.0)
    idx.config = cfg
    got = {h.id: h.score for h in idx.search(q, 2)}
    m = affinity_matrix(docs, [q], FakeEmbedder(), config=cfg)
    assert got["a"] == pytest.approx(float(m[0, 0]), abs=1e-5)
    assert got["b"] == pytest.approx(float(m[1, 0]), abs=1e-5)


def test_a_proposal_loses_its_contentless_sentences_a_search_phrase_keeps_everything():
    """A sentence of fewer than three content tokens in a proposal ("Why this gap?", a
    catchy title) says nothing of its topic: it is not one of the proposal's units, so its
    arbitrary best match does not move the proposal's affinities (gold standard: tune loss
    0.2064 → 0.1988).  A short search phrase keeps every part."""
    from innobridge.matching.affinity import (
        DOCUMENT_TOKENS,
        embed_query_units,
        split_query_units,
        split_units,
    )

    body = " ".join(
        f"We measure how protein{i} folds under stress{i}." for i in range(DOCUMENT_TOKENS // 3)
    )
    proposal = f"Get Your Vitamin C! Why this gap? {body}"
    assert DEFAULT_CONFIG.query_min_unit_tokens == 3
    units, counts = split_query_units([proposal, "Raman spectra. Why this gap?"])
    every = split_units([proposal], "sentence")[0]
    assert "Why this gap?" in every and "Get Your Vitamin C!" in every
    assert counts == [len(every) - 2, 2]  # the search phrase keeps both parts
    assert units[: counts[0]] == every[2:]
    assert units[counts[0] :] == ["Raman spectra.", "Why this gap?"]
    # a proposal of nothing but short sentences keeps them (it has no other units)
    only_short = " ".join(["Why this gap?"] * (DOCUMENT_TOKENS + 1))
    assert split_query_units([only_short])[1] == [DOCUMENT_TOKENS + 1]
    assert embed_query_units([proposal], DEFAULT_CONFIG, FakeEmbedder()).counts.tolist() == [
        len(every) - 2
    ]
    keep_all = AffinityConfig(query_min_unit_tokens=0)
    assert split_query_units([proposal], keep_all)[1] == [len(every)]
    with pytest.raises(ValueError, match="query_min_unit_tokens"):
        AffinityConfig(query_min_unit_tokens=-1)


def test_a_contentless_proposal_sentence_no_longer_moves_the_ranking():
    """Researcher "hub" has a paper whose only match with the proposal is its catchy
    one-line question; without the rule that sentence lifts "hub" above the researcher
    whose work meets the proposal's topic."""
    topic = " ".join(f"We model enzyme{i} kinetics in cells{i}." for i in range(12))
    proposal = f"Why this gap? {topic}"
    expert = Document("expert", [" ".join(f"Enzyme{i} kinetics in yeast." for i in range(6))])
    hub = Document("hub", ["Why this gap?", "Superconducting qubits."])
    plain = AffinityConfig(lexical_weight=0.0)
    before = AffinityConfig(lexical_weight=0.0, query_min_unit_tokens=0)
    with_rule = affinity_matrix([expert, hub], [proposal], FakeEmbedder(), config=plain)[:, 0]
    without = affinity_matrix([expert, hub], [proposal], FakeEmbedder(), config=before)[:, 0]
    assert without[1] > with_rule[1] + 0.01  # the question's exact match counted before
    assert with_rule[1] == pytest.approx(0.0, abs=0.2)
