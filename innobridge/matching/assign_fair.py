"""Fair (max-min, then max-total) assignment as an exactly solved MILP.

"Every item's total affinity >= T" is a side constraint on a flow, so the fair variant is a
MILP (HiGHS through SciPy), solved lexicographically:

1. maximise ``T`` subject to the assignment constraints and ``sum_r a[i,r] x[i,r] >= T``;
2. maximise the total affinity subject to the same constraints with ``T = T*``.

Both are over integer affinities (units of ``1/scale``), so every objective value is an
integer and "strictly better" means "better by at least 1". Two exact reductions keep the
MILPs small:

* **Lazy fairness rows.** Only items in a working set ``W`` get their row; dropping rows is a
  relaxation, so a phase-2 solution meeting ``>= T_W`` for *every* item is optimal for both
  phases. Otherwise the violating items join ``W`` and both phases are re-solved.
* **Certified candidate arcs.** Only candidate pairs get a variable. The LP relaxation is
  solved over the candidates and its duals price every left-out pair (column generation
  until none has a negative reduced cost, so the LP bound is the full problem's). Any
  solution using a left-out pair ``e`` costs at least ``LP + d_e``; if that exceeds
  ``z* - 1`` (``z*`` the candidate MILP optimum) the pair cannot help, else it is added
  and the MILP re-solved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from innobridge.matching.assign_problem import Problem, candidates

__all__ = ["solve_fair"]

_TOL = 1e-6


@dataclass
class _Model:
    """A MILP over candidate pairs ``(ci, cr)`` plus optionally a free variable ``T``."""

    c: NDArray[np.float64]
    a_eq: sparse.csr_matrix
    b_eq: NDArray[np.float64]
    a_ub: sparse.csr_matrix
    b_ub: NDArray[np.float64]
    n_pairs: int
    has_t: bool
    # row bookkeeping for pricing left-out columns
    hi_rows: NDArray[np.int64]  # per reviewer, row in a_ub
    lo_rows: NDArray[np.int64]  # per reviewer, row in a_ub or -1
    reg_rows: NDArray[np.int64]  # (items, regions) row in a_ub or -1
    fair_rows: NDArray[np.int64]  # per item, row in a_ub or -1


def _build(
    p: Problem,
    w: NDArray[np.int64],
    ci: NDArray[np.int64],
    cr: NDArray[np.int64],
    fair_items: NDArray[np.int64],
    t_fixed: int | None,
) -> _Model:
    """Phase 1 (``t_fixed is None``: maximise T) or phase 2 (maximise total, rows >= t)."""
    n = len(ci)
    has_t = t_fixed is None
    nv = n + (1 if has_t else 0)
    we = w[ci, cr].astype(np.float64)
    c = np.zeros(nv)
    if has_t:
        c[n] = -1.0
    else:
        c[:n] = -we
    cols = np.arange(n)
    a_eq = sparse.csr_matrix((np.ones(n), (ci, cols)), shape=(p.n_items, nv))
    b_eq = p.k.astype(np.float64)

    rows: list[NDArray[np.int64]] = []
    cidx: list[NDArray[np.int64]] = []
    vals: list[NDArray[np.float64]] = []
    rhs: list[NDArray[np.float64]] = []
    nrow = 0
    hi_rows = np.arange(p.n_reviewers) + nrow
    rows.append(hi_rows[cr])
    cidx.append(cols)
    vals.append(np.ones(n))
    rhs.append(p.hi.astype(np.float64))
    nrow += p.n_reviewers
    lo_rows = np.full(p.n_reviewers, -1, dtype=np.int64)
    has_lo = np.flatnonzero(p.lo > 0)
    lo_rows[has_lo] = nrow + np.arange(len(has_lo))
    sel = lo_rows[cr] >= 0
    rows.append(lo_rows[cr][sel])
    cidx.append(cols[sel])
    vals.append(-np.ones(int(sel.sum())))
    rhs.append(-p.lo[has_lo].astype(np.float64))
    nrow += len(has_lo)
    reg_rows = np.full((p.n_items, max(p.n_regions, 1)), -1, dtype=np.int64)
    if p.n_regions:
        reg_rows[:, : p.n_regions] = nrow + np.arange(p.n_items * p.n_regions).reshape(
            p.n_items, p.n_regions
        )
        g = p.region_of[cr]
        sel = g >= 0
        rows.append(reg_rows[ci[sel], g[sel]])
        cidx.append(cols[sel])
        vals.append(-np.ones(int(sel.sum())))
        rhs.append(-np.ones(p.n_items * p.n_regions))
        nrow += p.n_items * p.n_regions
    fair_rows = np.full(p.n_items, -1, dtype=np.int64)
    fair_rows[fair_items] = nrow + np.arange(len(fair_items))
    sel = fair_rows[ci] >= 0
    rows.append(fair_rows[ci][sel])
    cidx.append(cols[sel])
    vals.append(-we[sel])
    if has_t:
        rows.append(fair_rows[fair_items])
        cidx.append(np.full(len(fair_items), n))
        vals.append(np.ones(len(fair_items)))
        rhs.append(np.zeros(len(fair_items)))
    else:
        rhs.append(np.full(len(fair_items), -float(t_fixed or 0)))
    nrow += len(fair_items)
    a_ub = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cidx))), shape=(nrow, nv)
    )
    return _Model(
        c, a_eq, b_eq, a_ub, np.concatenate(rhs), n, has_t, hi_rows, lo_rows, reg_rows, fair_rows
    )


def _bounds(m: _Model) -> Bounds:
    lb = np.zeros(len(m.c))
    ub = np.ones(len(m.c))
    if m.has_t:
        lb[-1], ub[-1] = -np.inf, np.inf
    return Bounds(lb, ub)


def _reduced_costs(
    p: Problem,
    w: NDArray[np.int64],
    m: _Model,
    y_eq: NDArray[np.float64],
    y_ub: NDArray[np.float64],
    rows: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Reduced cost ``c_e - A_e^T y`` of the (possibly absent) column of every pair in
    item rows ``rows`` (shape ``len(rows) x R``)."""
    wi = w[rows].astype(np.float64)
    d = np.zeros_like(wi) if m.has_t else -wi
    d -= y_eq[rows][:, None]
    d -= y_ub[m.hi_rows][None, :]
    lo = m.lo_rows >= 0
    lo_y = np.where(lo, y_ub[np.maximum(m.lo_rows, 0)], 0.0)
    d += lo_y[None, :]
    if p.n_regions:
        g = p.region_of
        reg = m.reg_rows[rows][:, np.maximum(g, 0)]
        d += np.where(g[None, :] >= 0, y_ub[reg], 0.0)
    fr = m.fair_rows[rows]
    fy = np.where(fr >= 0, y_ub[np.maximum(fr, 0)], 0.0)
    d += wi * fy[:, None]
    return d


def _price(
    p: Problem, w: NDArray[np.int64], m: _Model, y_eq: Any, y_ub: Any, cand: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Reduced costs of all allowed non-candidate pairs (``+inf`` elsewhere)."""
    out = np.full(p.allowed.shape, np.inf)
    for s in range(0, p.n_items, 512):
        rows = np.arange(s, min(s + 512, p.n_items))
        d = _reduced_costs(p, w, m, y_eq, y_ub, rows)
        keep = p.allowed[rows] & ~cand[rows]
        out[rows] = np.where(keep, d, np.inf)
    return out


def _solve_certified(
    p: Problem,
    w: NDArray[np.int64],
    cand: NDArray[np.bool_],
    fair_items: NDArray[np.int64],
    t_fixed: int | None,
    deadline: float | None,
    stats: dict[str, Any],
) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """Solve one phase exactly over all allowed pairs; mutates ``cand``.
    Returns chosen items, reviewers and the integer objective (minimisation form)."""
    full = bool((cand | ~p.allowed).all())
    # 1. column generation on the LP relaxation
    while True:
        ci, cr = (a.astype(np.int64) for a in np.nonzero(cand))
        m = _build(p, w, ci, cr, fair_items, t_fixed)
        if full:
            lp_val, y_eq, y_ub = -np.inf, None, None
            break
        lp = linprog(
            m.c,
            A_ub=m.a_ub,
            b_ub=m.b_ub,
            A_eq=m.a_eq,
            b_eq=m.b_eq,
            bounds=list(zip(_bounds(m).lb, _bounds(m).ub, strict=True)),
            method="highs",
        )
        stats["lp_solves"] = stats.get("lp_solves", 0) + 1
        if lp.status == 2:
            # restricted LP infeasible: widen to all pairs (the full problem is feasible)
            cand |= p.allowed
            full = True
            continue
        if lp.status != 0:
            raise RuntimeError(f"LP relaxation failed: {lp.message}")
        y_eq = np.asarray(lp.eqlin.marginals)
        y_ub = np.asarray(lp.ineqlin.marginals)
        d = _price(p, w, m, y_eq, y_ub, cand)
        neg = d < -_TOL
        if not neg.any():
            lp_val = float(lp.fun) + float(np.minimum(d[np.isfinite(d)], 0).sum())
            break
        cand |= neg
    # 2. MILP over the candidates, then reduced-cost check of the left-out pairs
    while True:
        ci, cr = (a.astype(np.int64) for a in np.nonzero(cand))
        m = _build(p, w, ci, cr, fair_items, t_fixed)
        options: dict[str, Any] = {"mip_rel_gap": 0.0, "presolve": True}
        if deadline is not None:
            options["time_limit"] = max(1.0, deadline - time.perf_counter())
        integrality = np.ones(len(m.c))
        if m.has_t:
            integrality[-1] = 0
        res = milp(
            m.c,
            constraints=[
                LinearConstraint(m.a_eq, m.b_eq, m.b_eq),
                LinearConstraint(m.a_ub, -np.inf, m.b_ub),
            ],
            integrality=integrality,
            bounds=_bounds(m),
            options=options,
        )
        stats["milp_solves"] = stats.get("milp_solves", 0) + 1
        stats["milp_vars"] = max(stats.get("milp_vars", 0), len(m.c))
        if res.status == 1:
            raise TimeoutError("the fair assignment MILP hit its time limit before optimality")
        if res.status != 0 or res.x is None:
            raise RuntimeError(f"fair MILP failed: {res.message}")
        x = np.rint(res.x[: m.n_pairs]) > 0.5
        items, revs = ci[x], cr[x]
        if m.has_t:
            sums = np.bincount(items, weights=w[items, revs], minlength=p.n_items)
            z = -round(float(sums[fair_items].min())) if len(fair_items) else 0
        else:
            z = -int(w[items, revs].sum())
        if full or y_eq is None:
            return items, revs, z
        d = _price(p, w, m, y_eq, y_ub, cand)
        could_help = d + lp_val <= z - 1 + 1e-3
        if not could_help.any():
            return items, revs, z
        stats["pairs_added_by_reduced_cost"] = stats.get("pairs_added_by_reduced_cost", 0) + int(
            could_help.sum()
        )
        cand |= could_help


def solve_fair(
    p: Problem,
    items: NDArray[np.int64],
    reviewers: NDArray[np.int64],
    prune: bool | None = None,
    time_limit: float | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], int, str, dict[str, Any]]:
    """Lexicographic max-min then max-total assignment, exact.

    ``items, reviewers`` is an optimal plain (max-total) assignment used to seed the
    candidate set. Returns items, reviewers, the integer total cost (negated total affinity in
    ``1/scale`` units), the method name and statistics.
    """
    t0 = time.perf_counter()
    deadline = None if time_limit is None else t0 + time_limit
    w = -p.cost
    if prune is None:
        prune = int(p.allowed.sum()) > 20_000
    if prune:
        k_max = int(p.k.max())
        cand = candidates(p, max(4 * k_max, k_max + 10), int(p.lo.max(initial=0)) * 2 + 2)
    else:
        cand = p.allowed.copy()
    cand[items, reviewers] = True
    # Upper bound per item: its k best allowed affinities (ignoring capacity).
    ws = np.where(p.allowed, w, np.iinfo(np.int64).min // 4)
    kk = int(p.k.max())
    top = -np.sort(-ws, axis=1)[:, :kk]
    ub = np.array([top[i, : p.k[i]].sum() for i in range(p.n_items)])
    plain_sums = np.bincount(items, weights=w[items, reviewers], minlength=p.n_items)
    low = np.argsort(plain_sums, kind="stable")[: min(p.n_items, 20)]
    fair = np.zeros(p.n_items, dtype=bool)
    fair[low] = True
    fair[np.argmin(ub)] = True
    fair[plain_sums <= ub.min()] = True
    stats: dict[str, Any] = {"fair_rounds": 0}
    while True:
        stats["fair_rounds"] += 1
        fi = np.flatnonzero(fair)
        _, _, z1 = _solve_certified(p, w, cand, fi, None, deadline, stats)
        t_star = -z1
        it, rv, z2 = _solve_certified(p, w, cand, fi, t_star, deadline, stats)
        sums = np.bincount(it, weights=w[it, rv], minlength=p.n_items)
        bad = sums < t_star
        if not bad.any():
            stats.update(
                fair_rows=int(fair.sum()),
                worst_exact=int(t_star),
                candidate_pairs=int(cand.sum()),
                fair_seconds=time.perf_counter() - t0,
            )
            return it, rv, z2, "fair MILP (HiGHS, lexicographic, certified)", stats
        fair |= bad
