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
