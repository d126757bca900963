"""Reviewer assignment: constraints, exact optimality against a direct MILP, fairness,
infeasibility explanations. No Django needed (run with ``-p no:django``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import LinearConstraint, milp

from innobridge.matching.assign import (
    Assignment,
    InfeasibleAssignment,
    assign,
    greedy_assign,
    prepare,
)


def random_instance(rng: np.random.Generator, n_items: int, n_rev: int) -> dict[str, Any]:
    aff = np.round(rng.random((n_items, n_rev)) ** 2, 4)
    aff[rng.random(aff.shape) < 0.05] = np.nan
    k = rng.integers(1, 4, size=n_items)
    demand = int(k.sum())
    hi = np.full(n_rev, math.ceil(demand / n_rev) + int(rng.integers(1, 3)))
    lo = np.minimum(rng.integers(0, 2, size=n_rev), hi)
    while lo.sum() > demand:
        lo[np.argmax(lo)] -= 1
    conflicts = [
        (int(i), int(r)) for i, r in zip(*np.nonzero(rng.random(aff.shape) < 0.08), strict=True)
    ]
    regions = None
    if rng.random() < 0.5:
        regions = [["HK", "Mainland", None][int(x)] for x in rng.integers(0, 3, size=n_rev)]
        k = np.maximum(k, 2)
    return dict(affinity=aff, k=k, min_load=lo, max_load=hi, conflicts=conflicts, regions=regions)


def check_constraints(res: Assignment, inst: dict[str, Any]) -> None:
    p = prepare(
        inst["affinity"],
        inst["k"],
        min_load=inst["min_load"],
        max_load=inst["max_load"],
        conflicts=inst.get("conflicts"),
        regions=inst.get("regions"),
    )
    pairs = res.pairs
    assert len({(int(i), int(r)) for i, r in pairs}) == len(pairs), "duplicate pair"
    assert np.array_equal(np.bincount(pairs[:, 0], minlength=p.n_items), p.k)
    loads = np.bincount(pairs[:, 1], minlength=p.n_reviewers)
    assert np.all(loads >= p.lo) and np.all(loads <= p.hi)
    assert p.allowed[pairs[:, 0], pairs[:, 1]].all(), "forbidden pair used"
    for g in range(p.n_regions):
        has = np.zeros(p.n_items, bool)
        has[pairs[p.region_of[pairs[:, 1]] == g, 0]] = True
        assert has.all(), f"item without a {p.region_names[g]} reviewer"
    assert res.total_affinity == pytest.approx(float(np.nansum(p.aff[pairs[:, 0], pairs[:, 1]])))
    assert res.worst_affinity == pytest.approx(res.item_totals.min())


def brute_force(inst: dict[str, Any], fair: bool = False) -> tuple[int, int] | None:
    """Direct MILP over all pairs (HiGHS, gap 0): (max-min, max total) in 1e-4 units."""
    p = prepare(
        inst["affinity"],
        inst["k"],
        min_load=inst["min_load"],
        max_load=inst["max_load"],
        conflicts=inst.get("conflicts"),
        regions=inst.get("regions"),
    )
    ii, rr = np.nonzero(p.allowed)
    w = (-p.cost[ii, rr]).astype(float)
    n = len(ii)
    cols = np.arange(n)
    item_m = sparse.csr_matrix((np.ones(n), (ii, cols)), shape=(p.n_items, n + 1))
    rev_m = sparse.csr_matrix((np.ones(n), (rr, cols)), shape=(p.n_reviewers, n + 1))
    cons = [
        LinearConstraint(item_m, p.k, p.k),
        LinearConstraint(rev_m, p.lo, p.hi),
    ]
    for g in range(p.n_regions):
        sel = p.region_of[rr] == g
        m = sparse.csr_matrix((np.ones(sel.sum()), (ii[sel], cols[sel])), shape=(p.n_items, n + 1))
        cons.append(LinearConstraint(m, 1, np.inf))
    fair_m = sparse.csr_matrix(
        (
            np.r_[w, -np.ones(p.n_items)],
            (np.r_[ii, np.arange(p.n_items)], np.r_[cols, [n] * p.n_items]),
        ),
        shape=(p.n_items, n + 1),
    )
    integ = np.r_[np.ones(n), 0]
    opts = {"mip_rel_gap": 0.0}
    bounds = (np.r_[np.zeros(n), -1e9], np.r_[np.ones(n), 1e9])
    t_star = None
    if fair:
        c = np.zeros(n + 1)
        c[-1] = -1
        r = milp(
            c,
            constraints=[*cons, LinearConstraint(fair_m, 0, np.inf)],
            integrality=integ,
            bounds=bounds,
            options=opts,
        )
        if r.status != 0:
            return None
        t_star = round(-r.fun)
        totals_m = sparse.csr_matrix((w, (ii, cols)), shape=(p.n_items, n + 1))
        cons.append(LinearConstraint(totals_m, t_star, np.inf))
    c = np.r_[-w, 0]
    r = milp(c, constraints=cons, integrality=integ, bounds=bounds, options=opts)
    if r.status != 0:
        return None
    x = np.rint(r.x[:n]) > 0.5
    sums = np.bincount(ii[x], weights=w[x], minlength=p.n_items)
    return round(float(sums.min())), round(float(-r.fun))


def exact_scores(res: Assignment, inst: dict[str, Any]) -> tuple[int, int]:
    p = prepare(inst["affinity"], inst["k"], conflicts=inst.get("conflicts"))
    w = -p.cost[res.pairs[:, 0], res.pairs[:, 1]]
    sums = np.bincount(res.pairs[:, 0], weights=w, minlength=p.n_items)
    return round(float(sums.min())), int(w.sum())


@pytest.mark.parametrize("seed", range(25))
def test_random_instances_optimal_and_feasible(seed: int) -> None:
    rng = np.random.default_rng(seed)
    inst = random_instance(rng, int(rng.integers(3, 13)), int(rng.integers(4, 11)))
    expected = brute_force(inst)
    if expected is None:
        with pytest.raises(InfeasibleAssignment) as exc:
            assign(**inst)
        assert exc.value.obstacles and str(exc.value)
        return
    res = assign(**inst)
    check_constraints(res, inst)
    assert exact_scores(res, inst)[1] == expected[1]
    assert -res.objective_exact == expected[1]


@pytest.mark.parametrize("seed", range(8))
def test_fair_is_lexicographic_optimum(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    inst = random_instance(rng, int(rng.integers(4, 11)), int(rng.integers(5, 10)))
    expected = brute_force(inst, fair=True)
    if expected is None:
        pytest.skip("infeasible draw")
    res = assign(**inst, fair=True)
    plain = assign(**inst)
    check_constraints(res, inst)
    assert exact_scores(res, inst) == expected
    assert res.worst_affinity >= plain.worst_affinity - 1e-9
    assert res.total_affinity <= plain.total_affinity + 1e-9


def topic_instance(n_items: int, n_rev: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.dirichlet([0.1] * 20, size=n_items)
    y = rng.dirichlet([0.1] * 20, size=n_rev)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    return np.round(x @ y.T, 4), rng.random((n_items, n_rev)) < 0.01


@pytest.mark.parametrize("min_load", [0, 3])
def test_pruned_equals_full_network(min_load: int) -> None:
    aff, conf = topic_instance(300, 150, seed=7)
    hi = math.ceil(3 * 300 / 150) + 1
    full = assign(aff, 3, min_load=min_load, max_load=hi, conflicts=conf, prune=False)
    pruned = assign(aff, 3, min_load=min_load, max_load=hi, conflicts=conf, prune=True)
    assert "certified" in pruned.method
    assert pruned.objective_exact == full.objective_exact
    inst = dict(affinity=aff, k=3, min_load=min_load, max_load=hi, conflicts=conf)
    check_constraints(pruned, inst)


def test_pruned_cross_border_equals_full() -> None:
    aff, conf = topic_instance(200, 100, seed=3)
    regions = ["HK" if r % 4 == 0 else "Mainland" for r in range(100)]
    kw: dict[str, Any] = dict(min_load=1, max_load=8, conflicts=conf, regions=regions)
    full = assign(aff, 3, prune=False, **kw)
    pruned = assign(aff, 3, prune=True, **kw)
    assert pruned.objective_exact == full.objective_exact
    check_constraints(pruned, dict(affinity=aff, k=3, **kw))


def test_fair_pruned_matches_unpruned_and_improves_worst() -> None:
    aff, conf = topic_instance(120, 40, seed=11)
    kw: dict[str, Any] = dict(max_load=10, min_load=2, conflicts=conf)
    plain = assign(aff, 3, **kw)
    a = assign(aff, 3, fair=True, prune=True, **kw)
    b = assign(aff, 3, fair=True, prune=False, **kw)
    assert a.worst_affinity == pytest.approx(b.worst_affinity)
    assert a.objective_exact == b.objective_exact
    assert a.worst_affinity > plain.worst_affinity
    check_constraints(a, dict(affinity=aff, k=3, **kw))


def test_fairness_example() -> None:
    # Plain optimum gives R0 to P0 (0.9+0.1=1.0 vs 0.5+0.3); fair protects P1.
    aff = np.array([[0.9, 0.5], [0.3, 0.1]])
    plain = assign(aff, 1, max_load=1)
    fair = assign(aff, 1, max_load=1, fair=True)
    assert plain.reviewers_of(0) == [0] and plain.worst_affinity == pytest.approx(0.1)
    assert fair.reviewers_of(1) == [0] and fair.worst_affinity == pytest.approx(0.3)


def test_per_item_k_and_labels() -> None:
    aff = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]])
    res = assign(aff, [1, 2], max_load=[1, 1, 1], item_ids=["A", "B"], reviewer_ids=list("xyz"))
    assert res.labeled_pairs() == [("A", "z", 0.3), ("B", "x", 0.3), ("B", "y", 0.2)]
    assert res.worst_item_id == "A"
    assert res.status == "OPTIMAL"


# ----------------------------------------------------------------------------- infeasible


def obstacles(**kw: Any) -> InfeasibleAssignment:
    with pytest.raises(InfeasibleAssignment) as exc:
        assign(**kw)
    return exc.value


def test_item_with_too_few_allowed_reviewers() -> None:
    aff = np.full((4, 5), 0.5)
    conf = [(2, 0), (2, 1), (2, 2)]
    e = obstacles(affinity=aff, k=3, max_load=4, conflicts=conf, item_ids=list("ABCD"))
    assert e.items == ["C"]
    (o,) = e.obstacles
    assert o.kind == "item_too_few_reviewers" and o.needed == 3 and o.available == 2
    assert "item C needs 3 reviewers but only 2 are allowed (3 conflicts)" in str(e)


def test_capacity_and_min_load_totals() -> None:
    aff = np.full((50, 10), 0.5)
    e = obstacles(affinity=aff, k=3, max_load=12)
    assert e.obstacles[0].kind == "demand_exceeds_capacity"
    assert "total capacity 120 < demand 150" in str(e)
    e = obstacles(affinity=aff, k=3, min_load=16, max_load=20)
    assert "sum of minimum loads 160 exceeds demand 150" in str(e)


def test_region_all_conflicted() -> None:
    aff = np.full((5, 4), 0.5)
    regions = ["HK", "HK", "Mainland", "Mainland"]
    conf = [(3, 2), (3, 3)]
    ids = [f"P{i}" for i in range(5)]
    e = obstacles(affinity=aff, k=2, max_load=5, conflicts=conf, regions=regions, item_ids=ids)
    assert e.items == ["P3"]
    assert e.obstacles[0].kind == "item_region_missing" and e.obstacles[0].region == "Mainland"
    assert (
        "item P3 needs a reviewer from Mainland but every Mainland reviewer is conflicted" in str(e)
    )


def test_hall_violation_names_the_starved_item() -> None:
    # P0..P2 may only use R0/R1 (capacity 1 each): one of them cannot be covered,
    # although each item alone has 2 allowed reviewers and total capacity is ample.
    aff = np.full((6, 6), 0.5)
    aff[0:3, 2:] = np.nan
    hi = [1, 1, 5, 5, 5, 5]
    e = obstacles(affinity=aff, k=1, max_load=hi, item_ids=[f"P{i}" for i in range(6)])
    assert len(e.obstacles) == 1
    o = e.obstacles[0]
    assert o.kind == "item_uncoverable" and o.item in {"P0", "P1", "P2"}
    assert "needed at their maximum load" in o.message


def test_region_capacity_violation() -> None:
    aff = np.full((3, 4), 0.5)
    regions = ["HK", "HK", "HK", "Mainland"]
    e = obstacles(affinity=aff, k=2, max_load=[3, 3, 3, 2], regions=regions)
    assert len(e.obstacles) == 1
    o = e.obstacles[0]
    assert o.kind == "item_region_uncoverable" and o.region == "Mainland"


def test_reviewer_minimum_unmet() -> None:
    aff = np.full((6, 4), 0.5)
    aff[3:, 0:2] = np.nan  # R0, R1 may review only P0..P2 (3 slots) but need 2 each
    e = obstacles(affinity=aff, k=1, min_load=[2, 2, 0, 0], max_load=3)
    kinds = {o.kind for o in e.obstacles}
    assert kinds == {"reviewer_min_unmet"}
    assert {o.reviewer for o in e.obstacles} <= {"0", "1"}


def test_reviewer_min_unreachable_and_min_gt_max() -> None:
    aff = np.full((4, 3), 0.5)
    aff[:3, 0] = np.nan
    e = obstacles(affinity=aff, k=1, min_load=[2, 0, 0], max_load=[1, 3, 3])
    kinds = {o.kind for o in e.obstacles}
    assert {"reviewer_min_unreachable", "reviewer_min_exceeds_max"} <= kinds


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        assign(np.zeros(3), 1)
    with pytest.raises(ValueError):
        assign(np.zeros((2, 2)), [1, 1, 1])
    with pytest.raises(ValueError):
        assign(np.full((2, 2), np.inf), 1)


def test_greedy_baseline_is_feasible_but_not_better() -> None:
    aff, conf = topic_instance(100, 50, seed=5)
    pairs, unfilled = greedy_assign(aff, 3, max_load=7, conflicts=conf)
    opt = assign(aff, 3, max_load=7, conflicts=conf)
    if unfilled == 0:
        assert np.nansum(aff[pairs[:, 0], pairs[:, 1]]) <= opt.total_affinity + 1e-9
    assert not conf[pairs[:, 0], pairs[:, 1]].any()
