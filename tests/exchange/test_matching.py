"""The matching adapter: stable (package HR) and optimal (engine) on plain instances."""

from __future__ import annotations

import random

from innobridge.exchange.matching import (
    UNPLACED,
    Instance,
    blocking_pairs,
    new_blocking_pairs,
    run,
)


def _instance(n: int = 60, m: int = 15, seed: int = 1) -> Instance:
    rng = random.Random(seed)
    prefs = [rng.sample(range(m), 4) for _ in range(n)]
    return Instance(
        [f"a{i}" for i in range(n)],
        [f"p{j}" for j in range(m)],
        [rng.randint(1, 3) for _ in range(m)],
        prefs,
        [[rng.random() for _ in p] for p in prefs],
        [rng.random() for _ in range(n)],
        direction=[rng.choice(["CN>HK", "HK>CN"]) for _ in range(n)],
    )


def test_stable_has_no_blocking_pair_and_respects_capacity() -> None:
    inst = _instance()
    res = run(inst, "stable")
    assert res.metrics.blocking_pairs == 0
    for p, cap in enumerate(inst.capacity):
        assert sum(1 for x in res.assignment if x == p) <= cap
    for a, p in enumerate(res.assignment):
        assert p == UNPLACED or p in inst.prefs[a]


def test_optimal_places_at_least_as_many_and_more_affinity() -> None:
    inst = _instance()
    stable, optimal = run(inst, "stable"), run(inst, "optimal")
    assert optimal.metrics.placed >= stable.metrics.placed
    assert optimal.metrics.total_affinity >= stable.metrics.total_affinity - 1e-9
    for p, cap in enumerate(inst.capacity):
        assert sum(1 for x in optimal.assignment if x == p) <= cap
    assert optimal.metrics.blocking_pairs == len(blocking_pairs(inst, optimal.assignment))


def test_tie_rule_is_deterministic_supervisor_rank_then_score_then_id() -> None:
    # Two applicants want the one seat; equal scores and affinities: the lower id wins,
    # unless the supervisor ranked the other first.
    inst = Instance(["a", "b"], ["p"], [1], [[0], [0]], [[0.5], [0.5]], [0.7, 0.7])
    assert run(inst, "stable").assignment == [0, UNPLACED]
    ranked = Instance(
        ["a", "b"], ["p"], [1], [[0], [0]], [[0.5], [0.5]], [0.7, 0.7], supervisor_rank={(1, 0): 1}
    )
    assert run(ranked, "stable").assignment == [UNPLACED, 0]


def test_a_manual_change_that_creates_a_blocking_pair_is_flagged() -> None:
    inst = Instance(["a", "b"], ["p", "q"], [1, 1], [[0, 1], [1, 0]], [[1, 1], [1, 1]], [0.9, 0.1])
    stable = run(inst, "stable").assignment
    assert stable == [0, 1]
    swapped = [1, 0]
    # a would rather have p, and p orders a (score 0.9) before b: blocking.
    assert new_blocking_pairs(inst, stable, swapped) == [(0, 0)]


def test_balance_by_direction_is_reported() -> None:
    res = run(_instance(), "optimal", balance=True)
    dirs = res.metrics.by_direction
    assert sum(d["applicants"] for d in dirs.values()) == 60
    assert sum(d["placed"] for d in dirs.values()) == res.metrics.placed


def test_a_placement_without_seats_takes_nobody_and_breaks_nothing() -> None:
    inst = Instance(["a", "b"], ["p", "q"], [0, 1], [[0, 1], [0]], [[1, 1], [1]], [0.9, 0.1])
    for method in ("stable", "optimal"):
        out = run(inst, method).assignment
        assert out[0] == 1 and out[1] == UNPLACED


def test_fair_places_as_many_as_optimal_and_lifts_the_worst_rank() -> None:
    # Four applicants, four one-seat placements, three choices each. The optimal
    # assignment gives three their 1st choice and one their 3rd (rank sum 6); with
    # fairness nobody placed gets worse than their 2nd choice (rank sum 7).
    prefs = [[3, 2, 1], [1, 3, 0], [2, 0, 3], [1, 3, 2]]
    inst = Instance(
        ["a", "b", "c", "d"], ["p", "q", "r", "s"], [1, 1, 1, 1], prefs, [[0.0] * 3] * 4, [0.5] * 4
    )
    optimal, fair = run(inst, "optimal"), run(inst, "fair")
    assert optimal.metrics.placed == fair.metrics.placed == 4
    assert (optimal.metrics.worst_rank, optimal.metrics.mean_rank) == (3, 1.5)
    assert (fair.metrics.worst_rank, fair.metrics.mean_rank) == (2, 1.75)
    assert fair.metrics.as_dict()["worst_rank"] == 2


def test_fair_keeps_the_number_placed_when_seats_are_short() -> None:
    inst = _instance(n=40, m=8, seed=3)
    optimal, fair = run(inst, "optimal"), run(inst, "fair")
    assert fair.metrics.placed == optimal.metrics.placed
    assert fair.metrics.worst_rank is not None and optimal.metrics.worst_rank is not None
    assert fair.metrics.worst_rank <= optimal.metrics.worst_rank
    for p, cap in enumerate(inst.capacity):
        assert sum(1 for x in fair.assignment if x == p) <= cap
    for a, p in enumerate(fair.assignment):
        assert p == UNPLACED or p in inst.prefs[a]
    assert fair.metrics.blocking_pairs == len(blocking_pairs(inst, fair.assignment))


def test_worst_and_mean_rank_of_those_placed() -> None:
    inst = Instance(["a", "b"], ["p", "q"], [1, 1], [[0, 1], [0, 1]], [[0, 0], [0, 0]], [1, 0])
    m = run(inst, "stable").metrics
    assert (m.worst_rank, m.mean_rank) == (2, 1.5)
    empty = run(Instance(["a"], ["p"], [0], [[0]], [[0.0]], [0.5]), "stable").metrics
    assert (empty.worst_rank, empty.mean_rank) == (None, None)
