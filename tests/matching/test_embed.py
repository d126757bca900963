import numpy as np
import pytest

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


class _CountingDb:
    """Stands in for the cache's SQLite connection and counts its reads."""

    def __init__(self, db):
        self.db = db
        self.reads = 0

    def execute(self, sql, *args):
        if sql.startswith("SELECT k, v"):
            self.reads += 1
        return self.db.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.db, name)


def test_recent_vectors_are_answered_from_memory(tmp_path):
    """A repeated search phrase (keyed by model, role and text) is read from memory, not
    SQLite, nor embedded again; the memory is bounded and what it hands out is read-only."""
    fake = FakeEmbedder()
    cache = EmbeddingCache(tmp_path, memory=2)
    db = cache._db = _CountingDb(cache._db)
    first = embed(["deep learning"], "query", fake, cache)
    assert fake.calls == [1] and db.reads == 1  # looked up, not there, embedded
    again = embed(["deep learning"], "query", fake, cache)
    assert fake.calls == [1] and db.reads == 1  # from memory
    np.testing.assert_array_equal(first, again)
    embed(["deep learning"], "passage", fake, cache)  # another role: another vector
    assert fake.calls == [1, 1]
    embed(["catalysis"], "query", fake, cache)  # a third vector pushes out the oldest
    embed(["deep learning"], "query", fake, cache)
    assert db.reads == 4 and fake.calls == [1, 1, 1]  # read back from SQLite, not embedded
    k = cache_key(fake.name, "query", "deep learning")
    with pytest.raises(ValueError):
        cache.get_many([k])[k][0] = 1.0


def test_cache_key_separates_fields():
    assert cache_key("m", "query", "x") != cache_key("m", "passage", "x")
    assert cache_key("ab", "c", "d") != cache_key("a", "bc", "d")
    assert len(cache_key("m", "r", "t")) == 32


def test_batches():
    fake = FakeEmbedder()
    out = embed([f"text {i}" for i in range(70)], "passage", fake, None, batch_size=32)
    assert out.shape == (70, fake.dim) and fake.calls == [32, 32, 6]


def test_language_centering_removes_language_direction(tmp_path, monkeypatch):
    from innobridge.matching.embed import LanguageCentering

    en_mean = np.array([1.0, 0.0, 0.0], np.float32)
    c = LanguageCentering({("passage", "en"): en_mean})
    v = np.array([[1.0, 0.3, 0.0], [0.9, 0.0, 0.3]], np.float32)
    out = c.apply(v, "passage", ["en", "zh"])
    np.testing.assert_allclose(out[0], [0.0, 1.0, 0.0], atol=1e-6)  # centred + renormalised
    np.testing.assert_allclose(out[1], v[1])  # no calibration for zh: unchanged
    np.testing.assert_allclose(c.apply(v, "query", ["en", "en"]), v)  # other role: unchanged
    where = staticmethod(lambda m: tmp_path / f"{m}.npz")
    monkeypatch.setattr(LanguageCentering, "file_for", where)
    c.save("m")
    back = LanguageCentering.for_model("m")
    assert back is not None and ("passage", "en") in back.means
    assert LanguageCentering.for_model("unknown") is None


def test_cross_language_offsets_are_saved_and_only_apply_across_groups(tmp_path, monkeypatch):
    from innobridge.matching.embed import LanguageCentering

    c = LanguageCentering(
        {("passage", "en"): np.zeros(3, np.float32)}, {("zh", "en"): 0.11, ("en", "zh"): 0.04}
    )
    assert c.offset("zh", "en") == pytest.approx(0.11)
    assert c.offset("en", "zh") == pytest.approx(0.04)
    assert c.offset("en", "en") == 0.0 and c.offset("zh", "zh") == 0.0
    assert c.offset("en", "other") == 0.0  # not calibrated
    monkeypatch.setattr(LanguageCentering, "file_for", staticmethod(lambda m: tmp_path / "m.npz"))
    c.save("m")
    back = LanguageCentering.for_model("m")
    assert back is not None
    assert back.offsets == {("zh", "en"): pytest.approx(0.11), ("en", "zh"): pytest.approx(0.04)}
    assert back.fingerprint() == c.fingerprint()  # offsets do not touch stored vectors
