"""From its first search on, a process runs NumPy's BLAS on one thread
(innobridge/matching/threads.py), so OpenBLAS leaves no spinning pool behind to stall the
next e5 call; a process that only computes batch affinities keeps the library's setting."""

import subprocess
import sys
import textwrap

import pytest

from innobridge.matching.embed import USEEmbedder

from .test_search_scoring import _index


def _run(code: str) -> str:
    prelude = textwrap.dedent(
        """
        import numpy
        from threadpoolctl import threadpool_limits
        from innobridge.matching.threads import blas_threads
        threadpool_limits(limits=2, user_api="blas")
        if blas_threads() != 2:
            print("SKIP"); raise SystemExit
        from tests.matching.test_search_scoring import _index
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    if out.stdout.strip() == "SKIP":
        pytest.skip("this NumPy's BLAS cannot run two threads")
    return out.stdout.strip()


def test_a_search_sets_one_blas_thread_for_the_process():
    out = _run(
        """
        idx = _index(second=True)
        idx.affinity(["protein structure prediction"])  # batch path: the library's setting
        print(blas_threads())
        idx.search("protein structure prediction", 5)
        print(blas_threads())
        """
    )
    assert out.split() == ["2", "1"]


def test_search_many_and_warm_up_set_it_too():
    out = _run(
        """
        idx = _index(second=True)
        idx.search_many(["neural network", "光譜儀"], 5)
        print(blas_threads())
        idx2 = _index(second=False)
        from threadpoolctl import threadpool_limits
        from innobridge.matching import threads
        threads._done = False
        threadpool_limits(limits=2, user_api="blas")
        idx2.warm_up()
        print(blas_threads())
        """
    )
    assert out.split() == ["1", "1"]


def test_warm_up_writes_nothing_and_changes_no_result(tmp_path):
    idx = _index(second=True, cache_dir=tmp_path / "cache")
    before = idx.search("spectrometer", 10)
    assert idx.cache is not None
    n_cached = len(idx.cache)
    idx.warm_up()
    assert len(idx.cache) == n_cached
    assert idx.search("spectrometer", 10) == before


def test_the_second_model_runs_on_one_blas_thread_by_default():
    assert USEEmbedder()._threads == 1
