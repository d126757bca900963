"""Small-cell suppression: every count below 5 hidden as "<5", and complementary cells
hidden until no "<5" cell can be narrowed from the total and the other cells — checked
against a brute-force attacker who tries every table consistent with what is published."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innobridge.plan.suppression import (
    Published,
    Status,
    Table,
    attacker_bounds,
    suppress,
)


def feasible_values(table: Table, threshold: int = 5) -> dict[str, set[int]]:
    """Brute force: every whole-number value each hidden cell can take in some table that
    publishes exactly what ``table`` publishes (knowing "<5" means 0–4 and "x" ≥ 5)."""
    hidden = [c for c in table.cells if c.value is None]
    if not hidden or table.withheld:
        return {}
    shown_sum = sum(c.value for c in table.cells if c.value is not None)
    total = table.total.value
    top = (total if total is not None else threshold - 1) + 1
    ranges = [
        range(0, threshold)
        if c.status == Status.SMALL
        else range(threshold, max(top, threshold + 1))
        for c in hidden
    ]
    out: dict[str, set[int]] = {c.key: set() for c in hidden}
    for combo in itertools.product(*ranges):
        s = shown_sum + sum(combo)
        if total is None:
            ok = s < threshold if table.additive else True
        elif table.additive:
            ok = s == total
        else:
            ok = s >= total and all(v <= total for v in combo)
        if ok:
            for c, v in zip(hidden, combo, strict=True):
                out[c.key].add(v)
    return out


def assert_protected(table: Table) -> None:
    feas = feasible_values(table)
    for c in table.cells:
        if c.status == Status.SMALL:
            assert feas[c.key] == {0, 1, 2, 3, 4}, (c.key, sorted(feas[c.key]), table)


def test_a_single_small_cell_alone_would_be_recovered_from_the_total() -> None:
    """The attack works on a table with primary suppression only: that is what the
    complementary suppression is for."""
    naive = Table(
        Published("", 33, Status.SHOWN),
        [
            Published("a", None, Status.SMALL),
            Published("b", 10, Status.SHOWN),
            Published("c", 20, Status.SHOWN),
        ],
        additive=True,
    )
    assert feasible_values(naive)["a"] == {3}
    assert attacker_bounds(naive)["a"] == (3, 3)


def test_a_small_cell_gets_a_complementary_partner() -> None:
    t = suppress(33, [("a", 3), ("b", 10), ("c", 20)], additive=True)
    shown = {c.key: c.text() for c in t.cells}
    assert shown == {"a": "<5", "b": "x", "c": "20"}
    assert t.total.text() == "33"
    assert_protected(t)


def test_the_partner_must_leave_every_value_possible() -> None:
    # a = 0 with b = 5: hiding b would give a + b = 5, b ≥ 5, so a = 0 — recovered;
    # so the partner is c (a + c = 20, c ≥ 5: a may be 0–4), and b stays shown.
    t = suppress(25, [("a", 0), ("b", 5), ("c", 20)], additive=True)
    assert {c.key: c.status for c in t.cells} == {
        "a": Status.SMALL,
        "b": Status.SHOWN,
        "c": Status.COMPLEMENTARY,
    }
    assert_protected(t)
    naive = Table(
        t.total,
        [t.cells[0], Published("b", None, Status.COMPLEMENTARY), Published("c", 20, Status.SHOWN)],
        additive=True,
    )
    assert feasible_values(naive)["a"] == {0}


def test_two_small_cells_can_protect_each_other_only_if_they_leave_room() -> None:
    # a + b = 2 with both "<5": each is 0–2, not 0–4 → a third cell is hidden
    t = suppress(22, [("a", 1), ("b", 1), ("c", 20)], additive=True)
    assert t.cells[2].status == Status.COMPLEMENTARY
    assert_protected(t)


def test_no_suppression_when_every_count_is_at_least_five() -> None:
    t = suppress(30, [("a", 5), ("b", 25)], additive=True)
    assert [c.text() for c in t.cells] == ["5", "25"] and t.total.text() == "30"


def test_a_small_total_hides_everything() -> None:
    t = suppress(4, [("a", 1), ("b", 3)], additive=True)
    assert t.total.text() == "<5"
    assert all(c.text() == "<5" for c in t.cells)
    assert_protected(t)


def test_all_small_cells_under_a_large_total_withhold_the_breakdown() -> None:
    # 3 + 3 = 6: published total 6 and two "<5" would give each 2–4
    t = suppress(6, [("a", 3), ("b", 3)], additive=True)
    assert t.withheld and t.cells == [] and t.total.text() == "6"


def test_non_additive_breakdowns_are_protected_against_the_lower_bound() -> None:
    # cells may add up to more than the total (a joint proposal under two institutions):
    # with the total 12 and the other cell 9, a ≥ 3 — so a partner is hidden
    t = suppress(12, [("a", 4), ("b", 9)], additive=False)
    assert t.cells[1].status == Status.COMPLEMENTARY
    assert_protected(t)
    # with the other cells adding up to the total already, nothing can be learnt of a
    t2 = suppress(12, [("a", 2), ("b", 12)], additive=False)
    assert t2.cells[1].status == Status.SHOWN
    assert_protected(t2)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        suppress(5, [("a", -1)], additive=True)
    with pytest.raises(ValueError):
        suppress(5, [("a", 1), ("a", 4)], additive=True)


@st.composite
def tables(draw: st.DrawFn) -> tuple[int, list[tuple[str, int]], bool]:
    additive = draw(st.booleans())
    values = draw(st.lists(st.integers(0, 14), min_size=1, max_size=4))
    cells = [(f"k{i}", v) for i, v in enumerate(values)]
    if additive:
        total = sum(values)
    else:
        total = draw(st.integers(max(values), max(sum(values), max(values))))
    return total, cells, additive


@settings(max_examples=150, deadline=None)
@given(tables())
def test_no_small_cell_is_ever_narrowed(case: tuple[int, list[tuple[str, int]], bool]) -> None:
    total, cells, additive = case
    t = suppress(total, cells, additive=additive)
    values = dict(cells)
    # what is shown is true, and every small count is hidden
    if t.total.value is not None:
        assert t.total.value == total
    for c in t.cells:
        if c.value is not None:
            assert c.value == values[c.key] and values[c.key] >= 5
        else:
            assert (c.status == Status.SMALL) == (values[c.key] < 5)
    if t.withheld:
        assert t.cells == []
        return
    assert_protected(t)
    # and the exact bounds agree with the brute force
    feas = feasible_values(t)
    for key, (lo, hi) in attacker_bounds(t).items():
        if feas[key] and hi != float("inf"):
            assert (min(feas[key]), max(feas[key])) == (lo, hi)
