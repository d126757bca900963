"""The language groups' HNSW graphs searched on threads at once give the same candidates,
in the same order, and the same results as one group after the other."""

from __future__ import annotations

import threading

from innobridge.matching.index import VectorIndex

from .test_bulk_add import _bulk
from .test_search_scoring import QUERIES, _docs


def test_parallel_group_search_returns_what_the_sequential_one_does():
    idx = _bulk(_docs(80), hnsw_threshold=20)
    assert len(idx.vectors) == 2 and all(vi.is_hnsw for vi in idx.vectors.values())
    names: list[str] = []
    orig = VectorIndex.search

    def spy(self, q, k=10, exact=False):
        names.append(threading.current_thread().name)
        return orig(self, q, k, exact)

    for q in QUERIES:
        qv = idx.embed_queries([q])[0]
        VectorIndex.search = spy  # type: ignore[method-assign]
        try:
            idx.parallel_groups = True
            par = list(idx._candidates(qv, 60))
            hits_par = [(h.id, h.score) for h in idx.search(q, 15, {"region": ["HK", "CN"]})]
        finally:
            VectorIndex.search = orig  # type: ignore[method-assign]
        idx.parallel_groups = False
        seq = list(idx._candidates(qv, 60))
        hits_seq = [(h.id, h.score) for h in idx.search(q, 15, {"region": ["HK", "CN"]})]
        assert par == seq  # same candidates, same order
        assert hits_par == hits_seq
    assert any(n.startswith("innobridge-groups") for n in names)  # the other group: a thread
    assert any(n == threading.main_thread().name for n in names)  # the first: this thread


def test_exact_groups_are_searched_in_the_calling_thread():
    idx = _bulk(_docs(20), hnsw_threshold=10**6)
    assert not any(vi.is_hnsw for vi in idx.vectors.values())
    names: list[str] = []
    orig = VectorIndex.search

    def spy(self, q, k=10, exact=False):
        names.append(threading.current_thread().name)
        return orig(self, q, k, exact)

    VectorIndex.search = spy  # type: ignore[method-assign]
    try:
        idx.search("protein structure prediction", 5)
    finally:
        VectorIndex.search = orig  # type: ignore[method-assign]
    assert names and set(names) == {threading.main_thread().name}
