"""A search's query vector is read from the embedding cache but not committed to SQLite
(kept in the cache's memory): a commit per new search phrase cost more than the vector."""

from innobridge.matching.embed import EmbeddingCache

from .test_search_scoring import _index


class CountingEmbedder:
    def __init__(self, inner):
        self.inner, self.name, self.dim, self.calls = inner, inner.name, inner.dim, []

    def encode(self, texts, role):
        self.calls.append((tuple(texts), role))
        return self.inner.encode(texts, role)


def test_a_search_keeps_its_query_vector_in_memory_not_on_disk(tmp_path):
    idx = _index(second=False, cache_dir=tmp_path / "cache")
    assert idx.cache is not None
    on_disk = len(idx.cache)
    spy = CountingEmbedder(idx.embedder)
    idx.embedder = spy
    first = idx.search("spectrometer calibration", 5)
    assert len(idx.cache) == on_disk  # nothing committed
    assert idx.search("spectrometer calibration", 5) == first
    assert [c for c in spy.calls if c[1] == "query"] == [(("spectrometer calibration",), "query")]
    # a fresh process (a new cache object on the same file) embeds it again
    idx.cache = EmbeddingCache(tmp_path / "cache")
    idx.search("spectrometer calibration", 5)
    assert len([c for c in spy.calls if c[1] == "query"]) == 2


def test_a_query_vector_already_on_disk_is_read_not_recomputed(tmp_path):
    idx = _index(second=False, cache_dir=tmp_path / "cache")
    idx.search_many(["protein folding"], 5)  # the batch path stores its queries
    idx.cache = EmbeddingCache(tmp_path / "cache")
    spy = CountingEmbedder(idx.embedder)
    idx.embedder = spy
    idx.search("protein folding", 5)
    assert [c for c in spy.calls if c[1] == "query"] == []
