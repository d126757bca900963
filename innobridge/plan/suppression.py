"""Small-cell suppression for the public page: a pure function over one table of counts
(a total and the cells of one breakdown), no Django.

Primary suppression: every count below the threshold (5) — the total or a cell — is
shown as "<5". Complementary suppression: when the total is shown, a hidden cell could be
worked out from the total and the other cells, so more cells are hidden ("complementary",
shown as "x") until no hidden small cell can be narrowed by anyone who knows the published
figures, that every count is a whole number ≥ 0, that a "<5" cell is 0–4 and that an "x"
cell is at least 5: for every "<5" cell, every value 0–4 stays possible. When no choice of
complementary cells achieves that (all the cells are small), the breakdown is withheld
altogether and only the total is published.

What can be worked out is exact here because the table has one equation: for an
*additive* breakdown (each counted thing in exactly one cell) the cells add up to the
total; for a non-additive one (a joint proposal counted under each of its institutions)
they add up to at least the total. ``attacker_bounds`` computes, for each hidden cell,
the smallest and largest value consistent with what is published; the tests check it
against a brute-force enumeration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

THRESHOLD = 5
INF = float("inf")


class Status(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # primary: below the threshold, shown as "<5"
    COMPLEMENTARY = "complementary"  # hidden so that a small cell cannot be worked out


@dataclass(frozen=True)
class Published:
    key: str
    value: int | None  # None when hidden
    status: Status

    def text(self, threshold: int = THRESHOLD) -> str:
        if self.status == Status.SMALL:
            return f"<{threshold}"
        if self.status == Status.COMPLEMENTARY:
            return "x"
        return str(self.value)


@dataclass(frozen=True)
class Table:
    total: Published
    cells: list[Published]
    additive: bool
    withheld: bool = False


def _bounds(status: Status, threshold: int) -> tuple[float, float]:
    if status == Status.SMALL:
        return 0.0, float(threshold - 1)
    return float(threshold), INF


def attacker_bounds(table: Table, threshold: int = THRESHOLD) -> dict[str, tuple[float, float]]:
    """For each hidden cell, the [lowest, highest] value consistent with the published
    table (see the module's doc). Exact for this one-equation table."""
    hidden = [c for c in table.cells if c.value is None]
    box = {c.key: _bounds(c.status, threshold) for c in hidden}
    if table.withheld:
        return {}
    if table.total.value is None:
        # "<5": the cells (additive) add up to 0–4 — each is below 5 anyway.
        return box
    rest = table.total.value - sum(c.value for c in table.cells if c.value is not None)
    out: dict[str, tuple[float, float]] = {}
    for c in hidden:
        lo_c, hi_c = box[c.key]
        others_hi = sum(box[o.key][1] for o in hidden if o.key != c.key)
        others_lo = sum(box[o.key][0] for o in hidden if o.key != c.key)
        lo = max(lo_c, rest - others_hi)
        hi = min(hi_c, rest - others_lo) if table.additive else hi_c
        out[c.key] = (lo, hi)
    return out


def _safe(table: Table, threshold: int) -> bool:
    bounds = attacker_bounds(table, threshold)
    return all(
        bounds[c.key] == (0.0, float(threshold - 1))
        for c in table.cells
        if c.status == Status.SMALL
    )


def suppress(
    total: int,
    cells: Sequence[tuple[str, int]],
    *,
    additive: bool,
    threshold: int = THRESHOLD,
) -> Table:
    """The table as published: small counts hidden as "<threshold", and as few
    complementary cells as the greedy rule below needs (the smallest cell that makes the
    table safe on its own, else the largest, again) — or, when no choice of cells is
    enough, the breakdown withheld (no cell published). Counts must be whole numbers ≥ 0."""
    if total < 0 or any(v < 0 for _, v in cells):
        raise ValueError("counts cannot be negative")
    keys = [k for k, _ in cells]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate cell key")
    status = {k: (Status.SMALL if v < threshold else Status.SHOWN) for k, v in cells}
    value = dict(cells)
    total_status = Status.SMALL if total < threshold else Status.SHOWN

    def build(total_st: Status) -> Table:
        return Table(
            Published("", total if total_st == Status.SHOWN else None, total_st),
            [
                Published(k, None if status[k] != Status.SHOWN else value[k], status[k])
                for k in keys
            ],
            additive,
        )

    table = build(total_status)
    while not _safe(table, threshold):
        candidates = sorted(
            (k for k in keys if status[k] == Status.SHOWN), key=lambda k: (value[k], k)
        )
        if not candidates:
            return Table(table.total, [], additive, withheld=True)
        chosen = None
        for k in candidates:
            status[k] = Status.COMPLEMENTARY
            if _safe(build(total_status), threshold):
                chosen = k
                break
            status[k] = Status.SHOWN
        if chosen is None:
            status[candidates[-1]] = Status.COMPLEMENTARY
        table = build(total_status)
    return table
