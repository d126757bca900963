"""The suggested portfolio: the set of proposals with the largest total score whose
Hong Kong parts fit the Hong Kong budget (HKD) and whose Mainland parts fit the Mainland
budget (CNY) — a knapsack with two constraints, solved exactly as a 0/1 MILP (HiGHS via
SciPy)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True)
class Candidate:
    key: int
    score: float
    costs: tuple[Decimal, ...]  # one per budget, in that budget's currency


def best_portfolio(candidates: Sequence[Candidate], budgets: Sequence[Decimal]) -> list[int]:
    """Keys of the chosen candidates (exact optimum; ties broken towards fewer, earlier keys).

    Costs are compared in whole cents, so the budget constraints hold exactly. A pure
    function of its arguments, so the last answers are remembered (the call management
    page asks it on every view; the solver costs more than the rest of the portfolio)."""
    return list(_best_portfolio(tuple(candidates), tuple(budgets)))


@functools.lru_cache(maxsize=256)
def _best_portfolio(
    candidates: tuple[Candidate, ...], budgets: tuple[Decimal, ...]
) -> tuple[int, ...]:
    cands = [c for c in candidates if c.score > 0]
    if not cands:
        return ()
    n, m = len(cands), len(budgets)
    cents = np.array([[int(c.costs[j] * 100) for j in range(m)] for c in cands], dtype=np.float64).T
    caps = np.array([int(b * 100) for b in budgets], dtype=np.float64)
    # a tiny tie-break keeps the answer deterministic without changing the optimum
    score = np.array([c.score for c in cands], dtype=np.float64)
    eps = 1e-9 * np.arange(n)
    res = milp(
        c=-(score - eps),
        constraints=[LinearConstraint(cents, -np.inf, caps)],
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    if res.x is None:
        return ()
    return tuple(cands[i].key for i in range(n) if res.x[i] > 0.5)
