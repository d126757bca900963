import numpy as np
import pytest

from innobridge.matching import AffinityConfig, Document, affinity_matrix
from innobridge.matching.affinity import aggregate, lexical_affinity, lexical_normalise

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
