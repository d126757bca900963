"""Constrained reviewer assignment as an exact optimisation.

Reviewers are assigned to items (proposals; later applicants to placements) so that

* every item ``i`` gets exactly ``k[i]`` distinct reviewers,
* every reviewer ``r`` gets between ``min_load[r]`` and ``max_load[r]`` items,
* no forbidden pair (conflict of interest, ``NaN`` affinity, ``mask`` False) is used,
* optionally (``regions``) every item gets at least one reviewer from each required region
  (for example one from ``"HK"`` and one from ``"Mainland"``),

and, among all such assignments, the total affinity is maximal. With ``fair=True`` the
objective is lexicographic: first the worst-served item's total affinity is maximised,
then the total affinity subject to that optimum.

The plain problem is a min-cost flow with lower bounds, solved in ONE network with OR-Tools'
``SimpleMinCostFlow``::

    source --(max-min)--> reviewer r --(1, -a[i,r])--> item i            (sink, demand k[i])
              reviewer r has supply min[r]      \\--> (item i, region g) --> item i
                                                      (demand 1 = the "at least one" bound)

Affinities are rounded to ``1/scale`` (default 1e-4) and turned into integer costs, so the
flow optimum is the exact optimum of the rounded problem. For large instances the network
is first built over a candidate subset of arcs (each item's best reviewers, each reviewer's
best items); the solution is then *certified* optimal for the full problem by computing node
potentials (shortest distances in the residual network) and checking that no left-out arc has
a negative reduced cost. Violating arcs are added and the flow re-solved until the
certificate holds, so pruning never changes the optimum.

The fair variant is not a flow (an item's total affinity is a side constraint); it is solved
as a MILP with HiGHS (:mod:`assign_fair`), with the same candidate-arc scheme certified by
LP reduced costs.

Infeasible instances raise :class:`InfeasibleAssignment`, whose ``obstacles`` list names
the items (and reviewers/regions) that cannot be served and why.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from innobridge.matching.assign_flow import (
    Network,
    _solve_flow,
    _structural,
    _violations,
    potentials,
)
from innobridge.matching.assign_problem import DEFAULT_SCALE, Problem, candidates, prepare

__all__ = [
    "Assignment",
    "InfeasibleAssignment",
    "Obstacle",
    "assign",
    "greedy_assign",
]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Obstacle:
    """One reason why an instance is infeasible.

    ``kind`` is one of ``"bad_input"``, ``"demand_exceeds_capacity"``,
    ``"min_loads_exceed_demand"``, ``"reviewer_min_exceeds_max"``,
    ``"item_too_few_reviewers"``, ``"item_region_missing"``, ``"item_too_many_regions"``,
    ``"reviewer_min_unreachable"``, ``"item_uncoverable"``, ``"item_region_uncoverable"``,
    ``"reviewer_min_unmet"``.
    """

    kind: str
    message: str
    item: str | None = None
    reviewer: str | None = None
    region: str | None = None
    needed: int | None = None
    available: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain-dict view (for JSON / templates)."""
        return {
            "kind": self.kind,
            "message": self.message,
            "item": self.item,
            "reviewer": self.reviewer,
            "region": self.region,
            "needed": self.needed,
            "available": self.available,
        }


class InfeasibleAssignment(ValueError):
    """No assignment satisfies the constraints; ``obstacles`` says which item and why."""

    def __init__(self, obstacles: Sequence[Obstacle]):
        self.obstacles: list[Obstacle] = list(obstacles)
        shown = [o.message for o in self.obstacles[:20]]
        more = len(self.obstacles) - len(shown)
        text = "no feasible assignment: " + "; ".join(shown)
        if more > 0:
            text += f"; and {more} more"
        super().__init__(text)

    @property
    def items(self) -> list[str]:
        """Labels of the items named by the obstacles (in order, without duplicates)."""
        return list(dict.fromkeys(o.item for o in self.obstacles if o.item is not None))


@dataclass(frozen=True)
class Assignment:
    """An optimal assignment.

    ``pairs`` is an ``(n, 2)`` int array of ``(item index, reviewer index)`` sorted by item then
    reviewer; ``affinities`` the matching (unrounded) affinities. ``item_totals[i]`` is item
    ``i``'s total affinity, ``worst_item`` the index of the worst-served item.
    ``objective_exact`` is the optimum in integer units of ``1/scale`` (what was optimised).
    """

    pairs: NDArray[np.int64]
    affinities: NDArray[np.float64]
    item_totals: NDArray[np.float64]
    reviewer_loads: NDArray[np.int64]
    total_affinity: float
    worst_item: int
    worst_affinity: float
    item_ids: list[str]
    reviewer_ids: list[str]
    status: str
    method: str
    solve_seconds: float
    fair: bool
    scale: int
    objective_exact: int
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def worst_item_id(self) -> str:
        """Label of the worst-served item."""
        return self.item_ids[self.worst_item] if self.item_ids else ""

    def reviewers_of(self, item: int) -> list[int]:
        """Reviewer indices assigned to item index ``item``."""
        return [int(r) for r in self.pairs[self.pairs[:, 0] == item, 1]]

    def labeled_pairs(self) -> list[tuple[str, str, float]]:
        """``(item id, reviewer id, affinity)`` triples, in ``pairs`` order."""
        return [
            (self.item_ids[int(i)], self.reviewer_ids[int(r)], float(a))
            for (i, r), a in zip(self.pairs, self.affinities, strict=True)
        ]


# --------------------------------------------------------------------------- problem
# Problem, prepare and candidates live in assign_problem.py (shared with assign_fair.py).


# --------------------------------------------------------------------------- pre-checks


def _names(ids: list[str], idx: Iterable[int], limit: int = 5) -> str:
    idx = list(idx)
    s = ", ".join(ids[int(j)] for j in idx[:limit])
    return s + (f" and {len(idx) - limit} more" if len(idx) > limit else "")


def precheck(p: Problem) -> list[Obstacle]:
    """The obvious causes of infeasibility, each naming its item/reviewer."""
    obs: list[Obstacle] = []
    demand = int(p.k.sum())
    cap = int(p.hi.sum())
    floor = int(p.lo.sum())
    if cap < demand:
        obs.append(
            Obstacle(
                "demand_exceeds_capacity",
                f"total capacity {cap} < demand {demand} "
                f"({p.n_items} items need {demand} reviews; {p.n_reviewers} reviewers "
                f"can do at most {cap})",
                needed=demand,
                available=cap,
            )
        )
    if floor > demand:
        obs.append(
            Obstacle(
                "min_loads_exceed_demand",
                f"sum of minimum loads {floor} exceeds demand {demand}",
                needed=floor,
                available=demand,
            )
        )
    for r in np.flatnonzero(p.lo > p.hi):
        obs.append(
            Obstacle(
                "reviewer_min_exceeds_max",
                f"reviewer {p.reviewer_ids[r]} has minimum load {p.lo[r]} > maximum load {p.hi[r]}",
                reviewer=p.reviewer_ids[r],
                needed=int(p.lo[r]),
                available=int(p.hi[r]),
            )
        )
    n_allowed_i = p.allowed.sum(axis=1)
    n_conf_i = p.conflicted.sum(axis=1)
    usable = p.hi > 0
    n_usable_i = (p.allowed & usable[None, :]).sum(axis=1)
    for i in np.flatnonzero(n_usable_i < p.k):
        why = []
        if n_conf_i[i]:
            why.append(f"{n_conf_i[i]} conflicts")
        other = p.n_reviewers - n_allowed_i[i] - n_conf_i[i]
        if other:
            why.append(f"{other} excluded by mask/missing affinity")
        zero = n_allowed_i[i] - n_usable_i[i]
        if zero:
            why.append(f"{zero} with maximum load 0")
        obs.append(
            Obstacle(
                "item_too_few_reviewers",
                f"item {p.item_ids[i]} needs {p.k[i]} reviewers but only {n_usable_i[i]} "
                f"are allowed" + (f" ({', '.join(why)})" if why else ""),
                item=p.item_ids[i],
                needed=int(p.k[i]),
                available=int(n_usable_i[i]),
            )
        )
    n_allowed_r = p.allowed.sum(axis=0)
    for r in np.flatnonzero(n_allowed_r < p.lo):
        obs.append(
            Obstacle(
                "reviewer_min_unreachable",
                f"reviewer {p.reviewer_ids[r]} must get at least {p.lo[r]} items but only "
                f"{n_allowed_r[r]} items allow them ({int(p.conflicted[:, r].sum())} conflicts)",
                reviewer=p.reviewer_ids[r],
                needed=int(p.lo[r]),
                available=int(n_allowed_r[r]),
            )
        )
    if p.n_regions:
        g_count = p.n_regions
        for i in np.flatnonzero(p.k < g_count):
            obs.append(
                Obstacle(
                    "item_too_many_regions",
                    f"item {p.item_ids[i]} gets {p.k[i]} reviewers but must have one from "
                    f"each of {g_count} regions ({', '.join(p.region_names)})",
                    item=p.item_ids[i],
                    needed=g_count,
                    available=int(p.k[i]),
                )
            )
        for g, name in enumerate(p.region_names):
            in_g = (p.region_of == g) & usable
            n_g = int(in_g.sum())
            ok = (p.allowed & in_g[None, :]).any(axis=1)
            for i in np.flatnonzero(~ok):
                if n_g == 0:
                    reason = f"there is no {name} reviewer with capacity"
                else:
                    nc = int((p.conflicted[i] & in_g).sum())
                    reason = (
                        f"every {name} reviewer is conflicted"
                        if nc == n_g
                        else f"none of the {n_g} {name} reviewers is allowed ({nc} conflicts)"
                    )
                obs.append(
                    Obstacle(
                        "item_region_missing",
                        f"item {p.item_ids[i]} needs a reviewer from {name} but {reason}",
                        item=p.item_ids[i],
                        region=name,
                        needed=1,
                        available=0,
                    )
                )
    return obs


# ----------------------------------------------- the plain solve (its network: assign_flow)


def solve_plain(
    p: Problem, prune: bool | None = None, max_rounds: int = 12
) -> tuple[NDArray[np.int64], NDArray[np.int64], int, str, dict[str, Any]]:
    """Exact max-affinity assignment by min-cost flow. Returns items, reviewers, cost, method,
    stats. Raises :class:`InfeasibleAssignment`."""
    net = Network(p.n_items, p.n_reviewers, p.n_regions)
    n_allowed = int(p.allowed.sum())
    if prune is None:
        prune = n_allowed > 200_000
    stats: dict[str, Any] = {"allowed_pairs": n_allowed}
    if prune:
        k_max = int(p.k.max()) if p.n_items else 0
        m_item = max(4 * k_max, k_max + 10)
        m_rev = int(p.lo.max(initial=0)) * 2 + 2
        cand = candidates(p, m_item, m_rev)
        for rnd in range(max_rounds):
            ci, cr = np.nonzero(cand)
            fr = _solve_flow(p, ci.astype(np.int64), cr.astype(np.int64), net)
            stats.setdefault("rounds", []).append({"arcs": len(ci), "status": fr.status})
            if fr.status != "OPTIMAL":
                # The restriction may be infeasible although the full problem is not:
                # widen the candidate set, or give up pruning.
                if rnd >= 2 or cand.sum() * 3 > n_allowed:
                    break
                m_item *= 3
                m_rev = m_rev * 3 + 3
                cand |= candidates(p, m_item, m_rev)
                continue
            pi = potentials(fr, net.n_nodes)
            if pi is None:
                break
            viol = _violations(p, net, cand, pi)
            nv = int(viol.sum())
            stats["rounds"][-1]["violations"] = nv
            if nv == 0:
                stats["candidate_arcs"] = len(ci)
                return (
                    fr.items,
                    fr.reviewers,
                    fr.objective,
                    "min-cost flow (pruned, certified)",
                    stats,
                )
            cand |= viol
        stats["pruning_fallback"] = True
    ii, rr = np.nonzero(p.allowed)
    fr = _solve_flow(p, ii.astype(np.int64), rr.astype(np.int64), net)
    if fr.status != "OPTIMAL":
        raise InfeasibleAssignment(diagnose(p))
    return fr.items, fr.reviewers, fr.objective, "min-cost flow", stats


# --------------------------------------------------------------------------- diagnosis


def diagnose(p: Problem) -> list[Obstacle]:
    """Explain an infeasible instance, naming items and reviewers.

    Pre-checks first; if none fires, an *elastic* flow is solved in which every unit of unmet
    demand (an item's review, an item's region requirement, a reviewer's minimum load) may be
    bought at a high price. The minimum-violation solution names exactly which items are left
    short, and the reviewers that serve them are reported as saturated.
    """
    obs = precheck(p)
    if obs:
        return obs
    from ortools.graph.python import min_cost_flow

    net = Network(p.n_items, p.n_reviewers, p.n_regions)
    supplies, st, sh, sc, _ = _structural(p, net)
    ii, rr = np.nonzero(p.allowed)
    ii = ii.astype(np.int64)
    rr = rr.astype(np.int64)
    n = net.n_nodes
    slack_in = n  # pseudo reviewer supplying any item (cost 1 per unit)
    slack_out = n + 1  # pseudo item absorbing unmet minimum loads
    demand = int(p.k.sum())
    item_nodes = net.item(np.arange(p.n_items))
    t = [st, net.reviewer(rr), np.full(p.n_items, slack_in), net.reviewer(np.arange(p.n_reviewers))]
    h = [sh, net.head(ii, rr, p.region_of), item_nodes, np.full(p.n_reviewers, slack_out)]
    c = [sc, np.ones(len(ii), np.int64), p.k.copy(), p.lo.copy()]
    w = [np.zeros(len(st), np.int64), np.zeros(len(ii), np.int64)]
    w += [np.ones(p.n_items, np.int64), np.ones(p.n_reviewers, np.int64)]
    if p.n_regions:
        gi = np.repeat(np.arange(p.n_items), p.n_regions)
        gg = np.tile(np.arange(p.n_regions), p.n_items)
        t.append(np.full(len(gi), slack_in))
        h.append(net.sub(gi, gg))
        c.append(np.ones(len(gi), np.int64))
        w.append(np.ones(len(gi), np.int64))
    tails = np.concatenate(t).astype(np.int32)
    heads = np.concatenate(h).astype(np.int32)
    caps = np.concatenate(c).astype(np.int64)
    costs = np.concatenate(w).astype(np.int64)
    # Slack source may supply up to the whole demand; unmet minimum loads go to slack_out.
    # Balance: slack_in supplies X, slack_out absorbs Y; make both flexible through an arc
    # slack_out -> slack_in (free) and a big supply at neither (circulation).
    sup = np.concatenate([supplies, [0, 0]])
    # source may not be able to place its supply (capacity); route excess via source->slack_out
    # and unmet minimum loads (slack_out -> slack_in -> source) can be replaced by other
    # reviewers' spare capacity.
    big = demand + int(p.lo.sum()) + 1
    tails = np.concatenate([tails, [slack_out, 0, slack_in]]).astype(np.int32)
    heads = np.concatenate([heads, [slack_in, slack_out, 0]]).astype(np.int32)
    caps = np.concatenate([caps, [big, big, big]])
    costs = np.concatenate([costs, [0, 1, 0]])
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    mcf.set_nodes_supplies(np.arange(n + 2, dtype=np.int32), sup)
    if mcf.solve() != mcf.OPTIMAL:
        return [Obstacle("unknown", "the instance is infeasible (no further explanation found)")]
    flows = np.asarray(mcf.flows(np.arange(len(tails), dtype=np.int32)), dtype=np.int64)
    off = len(st)
    pair_flow = flows[off : off + len(ii)]
    off += len(ii)
    item_short = flows[off : off + p.n_items]
    off += p.n_items
    rev_short = flows[off : off + p.n_reviewers]
    off += p.n_reviewers
    region_short = (
        flows[off : off + p.n_items * p.n_regions].reshape(p.n_items, p.n_regions)
        if p.n_regions
        else np.zeros((p.n_items, 0), np.int64)
    )
    load = np.bincount(rr[pair_flow > 0], minlength=p.n_reviewers)
    out: list[Obstacle] = []
    for i in range(p.n_items):
        allowed_r = np.flatnonzero(p.allowed[i])
        full = allowed_r[load[allowed_r] >= p.hi[allowed_r]]
        got = int(p.k[i] - item_short[i] - region_short[i].sum())
        if item_short[i] > 0:
            out.append(
                Obstacle(
                    "item_uncoverable",
                    f"item {p.item_ids[i]} needs {p.k[i]} reviewers but at most {got} can be "
                    f"given: of its {len(allowed_r)} allowed reviewers, {len(full)} "
                    f"({_names(p.reviewer_ids, full)}) are needed at their maximum load by "
                    f"other items",
                    item=p.item_ids[i],
                    needed=int(p.k[i]),
                    available=got,
                )
            )
        for g in np.flatnonzero(region_short[i] > 0):
            name = p.region_names[g]
            in_g = allowed_r[p.region_of[allowed_r] == g]
            out.append(
                Obstacle(
                    "item_region_uncoverable",
                    f"item {p.item_ids[i]} needs a reviewer from {name} but all of its "
                    f"{len(in_g)} allowed {name} reviewers ({_names(p.reviewer_ids, in_g)}) "
                    f"are needed at their maximum load by other items",
                    item=p.item_ids[i],
                    region=name,
                    needed=1,
                    available=0,
                )
            )
    for r in np.flatnonzero(rev_short > 0):
        out.append(
            Obstacle(
                "reviewer_min_unmet",
                f"reviewer {p.reviewer_ids[r]} must get at least {p.lo[r]} items but at most "
                f"{p.lo[r] - rev_short[r]} can be given without exceeding the items' needs",
                reviewer=p.reviewer_ids[r],
                needed=int(p.lo[r]),
                available=int(p.lo[r] - rev_short[r]),
            )
        )
    if not out:
        out.append(Obstacle("unknown", "the instance is infeasible (no further explanation)"))
    return out


# --------------------------------------------------------------------------- public API


def _result(
    p: Problem,
    items: NDArray[np.int64],
    reviewers: NDArray[np.int64],
    objective: int,
    method: str,
    seconds: float,
    fair: bool,
    stats: dict[str, Any],
) -> Assignment:
    order = np.lexsort((reviewers, items))
    items = items[order].astype(np.int64)
    reviewers = reviewers[order].astype(np.int64)
    a = p.aff[items, reviewers]
    totals = np.bincount(items, weights=a, minlength=p.n_items).astype(np.float64)
    worst = int(np.argmin(totals)) if p.n_items else -1
    return Assignment(
        pairs=np.stack([items, reviewers], axis=1) if len(items) else np.zeros((0, 2), np.int64),
        affinities=a,
        item_totals=totals,
        reviewer_loads=np.bincount(reviewers, minlength=p.n_reviewers).astype(np.int64),
        total_affinity=float(a.sum()),
        worst_item=worst,
        worst_affinity=float(totals[worst]) if worst >= 0 else math.nan,
        item_ids=p.item_ids,
        reviewer_ids=p.reviewer_ids,
        status="OPTIMAL",
        method=method,
        solve_seconds=seconds,
        fair=fair,
        scale=p.scale,
        objective_exact=int(objective),
        stats=stats,
    )


def assign(
    affinity: ArrayLike,
    k: ArrayLike = 3,
    *,
    min_load: ArrayLike = 0,
    max_load: ArrayLike | None = None,
    conflicts: Iterable[tuple[int, int]] | ArrayLike | None = None,
    mask: ArrayLike | None = None,
    fair: bool = False,
    regions: Sequence[str | None] | None = None,
    required_regions: Sequence[str] | None = None,
    item_ids: Sequence[str] | None = None,
    reviewer_ids: Sequence[str] | None = None,
    scale: int = DEFAULT_SCALE,
    prune: bool | None = None,
    time_limit: float | None = None,
) -> Assignment:
    """Assign reviewers to items optimally.

    Args:
        affinity: ``items x reviewers`` matrix; ``NaN`` means the pair is not allowed.
        k: reviewers per item, scalar or one per item.
        min_load, max_load: per-reviewer load bounds, scalars or one per reviewer
            (``max_load=None``: unbounded).
        conflicts: forbidden ``(item index, reviewer index)`` pairs, or a boolean matrix.
        mask: boolean matrix, ``False`` = not allowed.
        fair: maximise the worst-served item's total affinity first, then the total.
        regions: one region label per reviewer (``None``/``""`` for none).
        required_regions: regions every item needs one reviewer from (default: every label
            in ``regions``). Without ``regions`` there is no cross-border constraint.
        item_ids, reviewer_ids: labels used in results and explanations.
        scale: affinities are optimised exactly after rounding to ``1/scale``.
        prune: use certified candidate-arc pruning (default: automatic for large instances).
        time_limit: seconds, for the MILP of the fair variant.

    Returns:
        :class:`Assignment` (always optimal; otherwise an exception is raised).

    Raises:
        InfeasibleAssignment: no assignment meets the constraints (see ``.obstacles``).
        ValueError: malformed input.
        TimeoutError: the fair MILP hit ``time_limit`` before proving optimality.
    """
    t0 = time.perf_counter()
    p = prepare(
        affinity,
        k,
        min_load=min_load,
        max_load=max_load,
        conflicts=conflicts,
        mask=mask,
        regions=regions,
        required_regions=required_regions,
        item_ids=item_ids,
        reviewer_ids=reviewer_ids,
        scale=scale,
    )
    obs = precheck(p)
    if obs:
        raise InfeasibleAssignment(obs)
    if p.n_items == 0:
        empty = np.zeros(0, np.int64)
        return _result(p, empty, empty, 0, "trivial", time.perf_counter() - t0, fair, {})
    items, reviewers, objective, method, stats = solve_plain(p, prune=prune)
    if fair:
        from innobridge.matching.assign_fair import solve_fair

        items, reviewers, objective, method, fstats = solve_fair(
            p, items, reviewers, prune=prune, time_limit=time_limit
        )
        stats.update(fstats)
    return _result(p, items, reviewers, objective, method, time.perf_counter() - t0, fair, stats)


def greedy_assign(
    affinity: ArrayLike,
    k: ArrayLike = 3,
    *,
    min_load: ArrayLike = 0,
    max_load: ArrayLike | None = None,
    conflicts: Iterable[tuple[int, int]] | ArrayLike | None = None,
) -> tuple[NDArray[np.int64], int]:
    """Baseline: take pairs in decreasing affinity while the item still needs reviewers and
    the reviewer has room; minimum loads are served first (each reviewer, in turn, takes its
    best still-open item). Returns ``(pairs, unfilled slots)`` — it may fail to cover items."""
    p = prepare(affinity, k, min_load=min_load, max_load=max_load, conflicts=conflicts)
    need = p.k.copy()
    load = np.zeros(p.n_reviewers, np.int64)
    taken = np.zeros_like(p.allowed)
    score = np.where(p.allowed, p.aff, -np.inf)
    pairs: list[tuple[int, int]] = []
    if p.lo.any():
        order_r = np.argsort(-np.nanmax(np.where(p.allowed, p.aff, np.nan), axis=0))
        for _ in range(int(p.lo.max())):
            for r in order_r:
                if load[r] >= p.lo[r]:
                    continue
                col = np.where((need > 0) & ~taken[:, r], score[:, r], -np.inf)
                i = int(np.argmax(col))
                if np.isfinite(col[i]):
                    taken[i, r] = True
                    need[i] -= 1
                    load[r] += 1
                    pairs.append((i, int(r)))
    flat = np.flatnonzero(np.isfinite(score).ravel())
    flat = flat[np.argsort(-score.ravel()[flat], kind="stable")]
    remaining = int(need.sum())
    for f in flat:
        if remaining == 0:
            break
        i, r = divmod(int(f), p.n_reviewers)
        if need[i] > 0 and load[r] < p.hi[r] and not taken[i, r]:
            remaining -= 1
            taken[i, r] = True
            need[i] -= 1
            load[r] += 1
            pairs.append((i, r))
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return arr, int(need.sum())
