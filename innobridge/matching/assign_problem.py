"""The assignment problem as data: :class:`Problem` (a validated instance), :func:`prepare`
(validates and normalises the inputs of :func:`innobridge.matching.assign.assign`) and
:func:`candidates` (the candidate arcs both solvers start from). Shared by the flow solver
(:mod:`assign`) and the fair MILP (:mod:`assign_fair`), which import it and not each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["DEFAULT_SCALE", "Problem", "candidates", "prepare"]

DEFAULT_SCALE = 10_000


@dataclass
class Problem:
    """A validated instance (internal; built by :func:`prepare`)."""

    aff: NDArray[np.float64]  # P x R, NaN where not allowed
    allowed: NDArray[np.bool_]  # P x R
    conflicted: NDArray[np.bool_]  # P x R, explicit conflicts (for explanations)
    cost: NDArray[np.int64]  # P x R, -round(aff*scale), 0 where not allowed
    k: NDArray[np.int64]  # P
    lo: NDArray[np.int64]  # R
    hi: NDArray[np.int64]  # R
    region_of: NDArray[np.int64]  # R, index into required regions or -1
    region_names: list[str]  # required regions
    item_ids: list[str]
    reviewer_ids: list[str]
    scale: int

    @property
    def n_items(self) -> int:
        return int(self.aff.shape[0])

    @property
    def n_reviewers(self) -> int:
        return int(self.aff.shape[1])

    @property
    def n_regions(self) -> int:
        return len(self.region_names)


def _per(value: ArrayLike | None, n: int, name: str, default: int) -> NDArray[np.int64]:
    if value is None:
        return np.full(n, default, dtype=np.int64)
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(n, arr.item())
    if arr.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have length {n}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr.astype(np.float64))) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must hold whole numbers")
    out = arr.astype(np.int64)
    if np.any(out < 0):
        raise ValueError(f"{name} must not be negative")
    return out


def prepare(
    affinity: ArrayLike,
    k: ArrayLike = 3,
    *,
    min_load: ArrayLike = 0,
    max_load: ArrayLike | None = None,
    conflicts: Iterable[tuple[int, int]] | ArrayLike | None = None,
    mask: ArrayLike | None = None,
    regions: Sequence[str | None] | None = None,
    required_regions: Sequence[str] | None = None,
    item_ids: Sequence[str] | None = None,
    reviewer_ids: Sequence[str] | None = None,
    scale: int = DEFAULT_SCALE,
) -> Problem:
    """Validate and normalise the inputs of :func:`assign` (raises ``ValueError``)."""
    aff = np.array(affinity, dtype=np.float64, copy=True)
    if aff.ndim != 2:
        raise ValueError(f"affinity must be a 2-D items x reviewers matrix, got {aff.ndim}-D")
    n_items, n_rev = aff.shape
    if np.any(np.isinf(aff)):
        raise ValueError("affinity must not contain infinities (use NaN for 'not allowed')")
    allowed = ~np.isnan(aff)
    if mask is not None:
        m = np.asarray(mask, dtype=bool)
        if m.shape != aff.shape:
            raise ValueError(f"mask must have shape {aff.shape}, got {m.shape}")
        allowed &= m
    conflicted = np.zeros_like(allowed)
    if conflicts is not None:
        c = np.asarray(conflicts if not isinstance(conflicts, set) else sorted(conflicts))
        if c.dtype == bool and c.shape == aff.shape:
            conflicted = c.copy()
        elif c.size:
            c = c.astype(np.int64).reshape(-1, 2)
            if c.min() < 0 or c[:, 0].max() >= n_items or c[:, 1].max() >= n_rev:
                raise ValueError("a conflict pair refers to an item or reviewer out of range")
            conflicted[c[:, 0], c[:, 1]] = True
    allowed &= ~conflicted
    aff[~allowed] = np.nan

    ks = _per(k, n_items, "k", 3)
    lo = _per(min_load, n_rev, "min_load", 0)
    hi = _per(max_load, n_rev, "max_load", n_items) if max_load is not None else None
    if hi is None:
        hi = np.full(n_rev, n_items, dtype=np.int64)

    if item_ids is None:
        item_ids = [str(i) for i in range(n_items)]
    if reviewer_ids is None:
        reviewer_ids = [str(r) for r in range(n_rev)]
    if len(item_ids) != n_items or len(reviewer_ids) != n_rev:
        raise ValueError("item_ids / reviewer_ids do not match the affinity matrix shape")

    region_of = np.full(n_rev, -1, dtype=np.int64)
    names: list[str] = []
    if regions is not None:
        if len(regions) != n_rev:
            raise ValueError(f"regions must have one label per reviewer ({n_rev})")
        labels = [None if (g is None or str(g).strip() == "") else str(g) for g in regions]
        if required_regions is None:
            names = sorted({g for g in labels if g is not None})
        else:
            names = list(dict.fromkeys(str(g) for g in required_regions))
        index = {g: j for j, g in enumerate(names)}
        region_of = np.array([index.get(g, -1) if g else -1 for g in labels], dtype=np.int64)

    if scale <= 0:
        raise ValueError("scale must be positive")
    finite = np.where(allowed, aff, 0.0)
    if finite.size and np.abs(finite).max() * scale > 2**40:
        raise ValueError("affinities too large for the integer cost scale")
    cost = -np.rint(finite * scale).astype(np.int64)
    return Problem(
        aff=aff,
        allowed=allowed,
        conflicted=conflicted,
        cost=cost,
        k=ks,
        lo=lo,
        hi=hi,
        region_of=region_of,
        region_names=names,
        item_ids=[str(x) for x in item_ids],
        reviewer_ids=[str(x) for x in reviewer_ids],
        scale=int(scale),
    )


# --------------------------------------------------------------------------- pre-checks


def candidates(p: Problem, m_item: int, m_rev: int) -> NDArray[np.bool_]:
    """Candidate pairs: each item's ``m_item`` best reviewers (also per required region)
    and each reviewer's ``m_rev`` best items."""
    n_items, n_rev = p.aff.shape
    cand = np.zeros((n_items, n_rev), dtype=bool)
    score = np.where(p.allowed, p.aff, -np.inf)
    rows = np.arange(n_items)[:, None]

    def top_rows(s: NDArray[np.float64], m: int) -> None:
        m = min(m, s.shape[1])
        if m <= 0:
            return
        idx = np.argpartition(-s, m - 1, axis=1)[:, :m]
        ok = np.isfinite(s[rows, idx])
        cand[np.broadcast_to(rows, idx.shape)[ok], idx[ok]] = True

    top_rows(score, m_item)
    for g in range(p.n_regions):
        cols = np.flatnonzero(p.region_of == g)
        if len(cols) == 0:
            continue
        sub = score[:, cols]
        m = min(max(2, m_item // 2), len(cols))
        idx = np.argpartition(-sub, m - 1, axis=1)[:, :m]
        ok = np.isfinite(sub[rows, idx])
        cand[np.broadcast_to(rows, idx.shape)[ok], cols[idx[ok]]] = True
    m = min(m_rev, n_items)
    if m > 0:
        idx = np.argpartition(-score, m - 1, axis=0)[:m, :]
        colsb = np.broadcast_to(np.arange(n_rev)[None, :], idx.shape)
        ok = np.isfinite(score[idx, colsb])
        cand[idx[ok], colsb[ok]] = True
    return cand & p.allowed
