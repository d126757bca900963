"""Embedding as a shard job: in process and on a local Ray with two workers, equal to the
single-machine vectors; resumable; the index built from the shards embeds nothing.

Ray is an optional dependency group (`uv sync --group ray`); `make test` installs it when
CI=true, and then these tests must run (a missing Ray is an error in CI, a skip elsewhere).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from innobridge.matching import SearchIndex
from innobridge.matching.affinity import DEFAULT_CONFIG, embed_text_units
from innobridge.matching.embed import E5Embedder, EmbeddingCache, embed
from innobridge.matching.shards import (
    import_shards,
    plan,
    read_shards,
    run_job,
    units_to_embed,
)
from tests.matching import _counting

HAVE_RAY = importlib.util.find_spec("ray") is not None
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")

TEXTS = [
    "Protein structure prediction with deep learning. We fold proteins. Accuracy improves.",
    "蛋白质结构预测。基于深度学习的方法。",
    "Neural machine translation for low-resource languages.",
    "Graph neural networks. Message passing on molecules. Protein structure prediction "
    "with deep learning.",  # shares a sentence-free unit? no: a new whole text
    "電池材料研究。鋰離子電池的正極材料。",
    "Neural machine translation for low-resource languages.",  # a duplicate text
]


def single_machine(units: list[str]) -> np.ndarray:
    return embed(units, "passage", E5Embedder(), None)


def test_units_are_the_engines_and_each_is_embedded_once() -> None:
    units = units_to_embed(TEXTS)
    assert len(units) == len(set(units))
    shards = plan(units, "m", 4)
    assert [len(s.texts) for s in shards] == [4] * (len(units) // 4) + (
        [len(units) % 4] if len(units) % 4 else []
    )
    assert len({s.id for s in shards}) == len(shards)


def test_in_process_job_resumes_and_fills_the_cache(tmp_path: Path) -> None:
    fake = "tests.matching._counting.CountingEmbedder"
    _counting.EMBEDDED.clear()
    units = units_to_embed(TEXTS)
    out = tmp_path / "shards"
    first = run_job(TEXTS, out, embedder=fake, shard_size=3, use_ray=False)
    assert first.skipped == 0 and first.embedded == len(units) == len(_counting.EMBEDDED)
    # lose one shard (an interrupted job): only that one is embedded again
    (out / "shard-00001.npz").unlink()
    _counting.EMBEDDED.clear()
    again = run_job(TEXTS, out, embedder=fake, shard_size=3, use_ray=False)
    assert again.skipped == first.shards - 1 and units[3:6] == _counting.EMBEDDED
    # the index built from the shards embeds nothing
    cache = EmbeddingCache(tmp_path / "cache")
    assert import_shards(out, cache) == len(units)
    _counting.EMBEDDED.clear()
    index = SearchIndex(_counting.CountingEmbedder(), cache_dir=tmp_path / "cache")
    from innobridge.matching import Document

    index.add([Document(str(i), [t]) for i, t in enumerate(TEXTS)])
    assert _counting.EMBEDDED == []
    cache.close()


@pytest.mark.slow
def test_ray_job_with_two_workers_equals_the_single_machine_vectors(tmp_path: Path) -> None:
    if not HAVE_RAY:
        if IN_CI:
            pytest.fail("CI=true but Ray is not installed (make venv installs the ray group)")
        pytest.skip("Ray is not installed (uv sync --group ray)")
    out = tmp_path / "shards"
    report = run_job(TEXTS, out, embedder="e5", workers=2, shard_size=4)
    assert report.mode == "ray (local)" and report.skipped == 0
    keys, vecs = read_shards(out)
    units = units_to_embed(TEXTS)
    assert len(keys) == len(units)
    np.testing.assert_allclose(vecs, single_machine(units), atol=2e-5)
    # resumable: a second run skips every shard
    assert run_job(TEXTS, out, embedder="e5", workers=2, shard_size=4).skipped == report.shards
    # the engine's units built from the cache filled by the shards equal a direct embedding
    cache = EmbeddingCache(tmp_path / "cache")
    import_shards(out, cache)
    from_shards = embed_text_units(TEXTS, DEFAULT_CONFIG, E5Embedder(), cache)
    direct = embed_text_units(TEXTS, DEFAULT_CONFIG, E5Embedder(), None)
    np.testing.assert_allclose(from_shards.vecs, direct.vecs, atol=2e-5)
    cache.close()
