import numpy as np

from innobridge.matching.embed import EmbeddingCache, cache_key, embed

from ._fakes import FakeEmbedder


def test_cache_never_embeds_unchanged_text_twice(tmp_path):
    fake = FakeEmbedder()
    cache = EmbeddingCache(tmp_path)
    a = embed(["alpha beta", "gamma", "alpha beta"], "passage", fake, cache)
    assert fake.calls == [2]  # duplicates in one call are embedded once
    np.testing.assert_allclose(a[0], a[2])
    cache.close()
    cache2 = EmbeddingCache(tmp_path)  # persisted on disk
    b = embed(["gamma", "delta"], "passage", fake, cache2)
    assert fake.calls == [2, 1]
    np.testing.assert_allclose(b[0], a[1])
    embed(["gamma"], "query", fake, cache2)  # another role is another key
    assert fake.calls == [2, 1, 1]
    assert len(cache2) == 4


def test_cache_key_separates_fields():
    assert cache_key("m", "query", "x") != cache_key("m", "passage", "x")
    assert cache_key("ab", "c", "d") != cache_key("a", "bc", "d")
    assert len(cache_key("m", "r", "t")) == 32


def test_batches():
    fake = FakeEmbedder()
    out = embed([f"text {i}" for i in range(70)], "passage", fake, None, batch_size=32)
    assert out.shape == (70, fake.dim) and fake.calls == [32, 32, 6]
