"""Indexing speed (issue 17): the model in several single-threaded processes gives the
same vectors as the model in this process, and only for batches."""

from __future__ import annotations

import numpy as np

from innobridge.matching.embed import E5Embedder, embed
from tests.matching._fakes import FakeEmbedder

TEXTS = [
    "Protein structure prediction with deep learning. We train a network on known folds.",
    "Neural machine translation.",
    "蛋白质结构预测的深度学习方法。我们在已知折叠上训练网络模型。",
]


def test_model_processes_give_the_in_process_vectors() -> None:
    texts = [f"{t} ({i})" for i in range(6) for t in TEXTS]
    assert len(texts) >= E5Embedder.POOL_MIN_TEXTS
    pooled = E5Embedder(processes=2)
    assert pooled.batch_size == 64  # embed() hands each process a share of a batch
    try:
        a = pooled.encode(texts, "passage")
        assert pooled._pool is not None  # the batch went to the model processes
    finally:
        pooled.close()
    assert pooled._pool is None
    b = E5Embedder(num_threads=1).encode(texts, "passage")
    assert a.shape == b.shape == (len(texts), 384)
    assert np.allclose(a, b, atol=1e-6)
    # a query (or a small batch) stays in this process: no model processes started
    small = E5Embedder(processes=2)
    q = small.encode(texts[:2], "query")
    assert small._pool is None and q.shape == (2, 384)


class _Recording(FakeEmbedder):
    batch_size = 5


def test_embed_batches_by_the_embedders_batch_size() -> None:
    emb = _Recording()
    texts = [f"topic {i}" for i in range(12)]
    embed(texts, "passage", emb)
    assert emb.calls == [5, 5, 2]
    emb.calls.clear()
    embed(texts, "passage", emb, batch_size=4)  # an explicit size still wins
    assert emb.calls == [4, 4, 4]
