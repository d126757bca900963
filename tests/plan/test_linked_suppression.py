"""Suppression across the tables published together and across consecutive periods,
checked against a brute-force reader who combines every published figure: each table's
sum, a cumulative count that never falls, a city within its region."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import pytest

from innobridge.plan.linked_suppression import Counts, Nesting, Release, protect
from innobridge.plan.suppression import Status, suppress

T = 5
TOP = 16  # the random cases' largest total


def _domain(p: object, top: int) -> range:
    """The values a reader allows a figure: exact, 0–4 ("<5"), or 5 up to ``top`` ("x";
    ``top`` is above any figure of the case, so no possibility is left out)."""
    value, status = p.value, p.status  # type: ignore[attr-defined]
    if value is not None:
        return range(value, value + 1)
    if status == Status.SMALL:
        return range(0, T)
    return range(T, top + 1)


def feasible(
    releases: Sequence[Release],
    *,
    additive: dict[str, bool],
    cumulative: bool,
    truth: Sequence[Counts],
    nesting: Sequence[Nesting] = (),
) -> list[dict[tuple[int, str, str], int]]:
    """Every assignment of the hidden figures consistent with what was published."""
    slots: list[tuple[int, str, str]] = []
    domains: list[range] = []
    top = max(c.total for c in truth) + T
    for s, rel in enumerate(releases):
        slots.append((s, "", ""))
        domains.append(_domain(rel.total, top))
        for dim, cells in rel.tables.items():
            if dim in rel.withheld:
                continue
            for c in cells:
                slots.append((s, dim, c.key))
                domains.append(_domain(c, top))
    out = []
    for combo in itertools.product(*domains):
        v = dict(zip(slots, combo, strict=True))
        ok = True
        for s, rel in enumerate(releases):
            for dim, cells in rel.tables.items():
                if dim in rel.withheld:
                    continue
                total = sum(v[(s, dim, c.key)] for c in cells)
                if additive[dim] and total != v[(s, "", "")]:
                    ok = False
            for n in nesting:
                if n.child in rel.withheld or n.parent in rel.withheld:
                    continue
                for p in rel.tables.get(n.parent, []):
                    kids = [
                        v[(s, n.child, c.key)]
                        for c in rel.tables[n.child]
                        if n.parent_of[c.key] == p.key
                    ]
                    if v[(s, n.parent, p.key)] != sum(kids):
                        ok = False
            if cumulative and s > 0:
                if truth[s].total >= truth[s - 1].total and v[(s, "", "")] < v[(s - 1, "", "")]:
                    ok = False
                for dim in rel.tables:
                    if dim in rel.withheld or dim in releases[s - 1].withheld:
                        continue
                    for c in rel.tables[dim]:
                        if (s - 1, dim, c.key) in v and v[(s, dim, c.key)] < v[(s - 1, dim, c.key)]:
                            ok = False
            if not ok:
                break
        if ok:
            out.append(v)
    return out


def assert_protected(
    releases: Sequence[Release],
    truth: Sequence[Counts],
    *,
    additive: dict[str, bool],
    cumulative: bool,
    nesting: Sequence[Nesting] = (),
) -> None:
    worlds = feasible(
        releases, additive=additive, cumulative=cumulative, truth=truth, nesting=nesting
    )
    assert worlds, "the true figures must be consistent with the publication"
    for s, rel in enumerate(releases):
        slots = [((s, "", ""), rel.total)] + [
            ((s, dim, c.key), c)
            for dim, cells in rel.tables.items()
            if dim not in rel.withheld
            for c in cells
        ]
        for slot, p in slots:
            if p.status == Status.SMALL:
                assert {w[slot] for w in worlds} == set(range(T)), (slot, releases)
            if cumulative and s > 0:
                prev = (s - 1, slot[1], slot[2])
                if not all(prev in w for w in worlds):
                    continue
                true_rise = _true(truth, slot) - _true(truth, prev)
                if 0 < true_rise < T:
                    rises = {w[slot] - w[prev] for w in worlds}
                    assert max(rises) - min(rises) >= T - 1, (slot, sorted(rises), releases)


def _true(truth: Sequence[Counts], slot: tuple[int, str, str]) -> int:
    s, dim, key = slot
    if not dim:
        return truth[s].total
    return dict(truth[s].tables[dim]).get(key, 0)


def test_two_periods_whose_difference_reveals_a_small_rise_are_protected() -> None:
    """A table that is safe in each period on its own: the rise of Macao from 6 to 8
    (two new) would be read off two consecutive pages."""
    q1 = Counts(30, {"region": [("HK", 14), ("CN", 10), ("MO", 6)]})
    q2 = Counts(40, {"region": [("HK", 20), ("CN", 12), ("MO", 8)]})
    # Each period alone publishes every cell (all at least 5) ...
    assert all(
        c.status == Status.SHOWN for c in suppress(40, q2.tables["region"], additive=True).cells
    )
    # ... so the rise of 2 in Macao (and of 2 in CN) would be exact; linked, it is hidden.
    releases = protect([q1, q2], additive={"region": True}, cumulative=True)
    shown = {c.key: c.value for c in releases[1].tables["region"]}
    assert shown["MO"] is None or shown["MO"] == 6
    assert_protected(releases, [q1, q2], additive={"region": True}, cumulative=True)


def test_a_small_rise_of_the_total_hides_the_total_and_its_breakdowns() -> None:
    q1 = Counts(20, {"region": [("HK", 12), ("CN", 8)]})
    q2 = Counts(23, {"region": [("HK", 14), ("CN", 9)]})
    releases = protect([q1, q2], additive={"region": True}, cumulative=True)
    assert releases[1].total.status == Status.COMPLEMENTARY
    assert releases[1].withheld == {"region"}
    assert_protected(releases, [q1, q2], additive={"region": True}, cumulative=True)


def test_a_city_inside_its_region_cannot_reveal_the_hidden_region() -> None:
    """The same total by region and by city: Macao is small in both; protected one table
    at a time, the region table hides CN beside MO, the city table Kowloon beside Macao —
    and CN is the one Mainland city, shown, so MO = 50 − 30 − 17 is read off."""
    counts = Counts(
        50,
        {
            "region": [("HK", 30), ("CN", 17), ("MO", 3)],
            "city": [("Hong Kong", 21), ("Shenzhen", 17), ("Kowloon", 9), ("Macao", 3)],
        },
    )
    nest = Nesting(
        "city", "region", {"Hong Kong": "HK", "Kowloon": "HK", "Shenzhen": "CN", "Macao": "MO"}
    )
    additive = {"region": True, "city": True}
    alone_r = suppress(50, counts.tables["region"], additive=True)
    alone_c = suppress(50, counts.tables["city"], additive=True)
    assert {c.key for c in alone_r.cells if c.value is None} == {"CN", "MO"}
    assert {c.key: c.value for c in alone_c.cells}["Shenzhen"] == 17
    with pytest.raises(AssertionError):  # the brute-force reader recovers Macao
        single = Release(alone_r.total, {"region": alone_r.cells, "city": alone_c.cells})
        assert_protected([single], [counts], additive=additive, cumulative=False, nesting=[nest])
    # Protected together, every value 0–4 of Macao stays possible.
    releases = protect([counts], additive=additive, cumulative=False, nesting=[nest])
    assert_protected(releases, [counts], additive=additive, cumulative=False, nesting=[nest])


def test_random_series_are_never_narrowed() -> None:
    rng = random.Random(15)
    for _ in range(40):
        keys = ["a", "b", "c"][: rng.randint(2, 3)]
        first = {k: rng.randint(0, 7) for k in keys}
        second = {k: v + rng.choice([0, 0, 1, 2, 3, 5, 6]) for k, v in first.items()}
        periods = [
            Counts(sum(first.values()), {"d": list(first.items())}),
            Counts(sum(second.values()), {"d": list(second.items())}),
        ]
        if max(p.total for p in periods) > TOP:
            continue
        releases = protect(periods, additive={"d": True}, cumulative=True)
        assert_protected(releases, periods, additive={"d": True}, cumulative=True)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        protect([Counts(-1)], additive={}, cumulative=True)
