import numpy as np
import pytest

from innobridge.matching.index import VectorIndex


def _unit(n, d, seed=0):
    v = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("threshold", [10_000, 50])
def test_add_search_update_remove_roundtrip(tmp_path, threshold):
    v = _unit(200, 16)
    ids = [f"doc{i}" for i in range(200)]
    idx = VectorIndex(16, hnsw_threshold=threshold)
    idx.add(ids, v)
    assert idx.is_hnsw == (threshold < 200)
    assert len(idx) == 200
    top = idx.search(v[7], 3)
    assert top[0][0] == "doc7" and top[0][1] == pytest.approx(1.0, abs=1e-3)
    # update: doc7 now points where doc9 was
    idx.update(["doc7"], v[9])
    assert {h[0] for h in idx.search(v[9], 2)} == {"doc7", "doc9"}
    np.testing.assert_allclose(idx.get(["doc7"])[0], v[9], atol=1e-3)
    assert idx.remove(["doc9", "nope"]) == 1
    assert "doc9" not in idx and len(idx) == 199
    assert idx.search(v[9], 1)[0][0] == "doc7"
    idx.save(tmp_path / "ix")
    back = VectorIndex.load(tmp_path / "ix")
    assert back.is_hnsw == idx.is_hnsw and len(back) == 199
    assert back.search(v[9], 1)[0][0] == "doc7"
    assert back.search(v[11], 1)[0][0] == "doc11"
    back.add(["new"], v[9])  # keys keep growing after load, no clash
    assert back.search(v[9], 2)[0][0] in {"new", "doc7"}
    assert len(back) == 200


def test_grows_into_hnsw_and_keeps_results():
    v = _unit(300, 32, seed=1)
    idx = VectorIndex(32, hnsw_threshold=100)
    for s in range(0, 300, 50):
        idx.add([f"x{i}" for i in range(s, s + 50)], v[s : s + 50])
    assert idx.is_hnsw
    q = _unit(20, 32, seed=2)
    exact = [{h[0] for h in r} for r in idx.search_batch(q, 10, exact=True)]
    approx = [{h[0] for h in r} for r in idx.search_batch(q, 10)]
    recall = np.mean([len(a & e) / 10 for a, e in zip(approx, exact, strict=True)])
    assert recall >= 0.9


def test_bad_shapes_and_duplicates():
    idx = VectorIndex(4)
    with pytest.raises(ValueError):
        idx.add(["a"], np.zeros((1, 5), np.float32))
    with pytest.raises(ValueError):
        idx.add(["a", "a"], np.zeros((2, 4), np.float32))
    assert idx.search(np.ones(4, np.float32), 5) == []
