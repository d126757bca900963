"""Small-cell suppression across the tables published together and across published
periods — a pure function over counts (no Django); ``suppression.py`` protects one table
on its own, this protects what a reader can combine.

What is published: for each period (a quarter's last snapshot, oldest first) an
indicator's total and its breakdowns (tables of cells). A reader who keeps every period's
page can combine them: the tables of one period share its total, and a count "to date"
(``cumulative``) only grows, so the difference between two periods' values of the same
cell (or total) is the number of things added in between — itself a count to protect.

The attacker here knows every published figure, that counts are whole numbers ≥ 0, that
"<5" means 0–4 and "x" at least 5, that an additive table adds up to its total (a
non-additive one to at least the total, each cell at most the total), that a cumulative
count never falls (where it indeed did not) and, when ``nesting`` declares it, that a cell
of one table is the sum of given cells of another (a city within a region). For each
protected quantity the attacker's range is computed exactly by linear programming (the
constraints are sums over cells and differences of periods: the integer range is the
linear one, checked against brute force in the tests). Protected:

* every "<5" cell or total: every value 0–4 must stay possible;
* every difference of 1–4 between a cell (or total) and the same cell in the previous
  period it was published: at least five values must stay possible (a range as wide as
  "<5" gives).

Periods are published in order and a published period is never changed: period t is
protected given what periods before it published. In period t, more cells are hidden
("x") until everything published so far is safe; a table that cannot be made safe is
withheld; when the total itself must be hidden (a small total, or a small rise since the
previous period), the period's breakdowns are withheld with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from .suppression import THRESHOLD, Published, Status

BIG = 1e9


@dataclass(frozen=True)
class Counts:
    """One period of one indicator as computed: total and cells of each table."""

    total: int
    tables: Mapping[str, Sequence[tuple[str, int]]] = field(default_factory=dict)


@dataclass
class Release:
    """One period as published: the total and each table's cells (a withheld table has
    none)."""

    total: Published
    tables: dict[str, list[Published]] = field(default_factory=dict)
    withheld: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Nesting:
    """Cells of ``parent`` are sums of cells of ``child``: ``parent_of[child key]``."""

    child: str
    parent: str
    parent_of: Mapping[str, str]


def _published(value: int, status: Status) -> Published:
    return Published("", value if status == Status.SHOWN else None, status)


def _bounds(p: Published, threshold: int) -> tuple[float, float]:
    if p.value is not None:
        return float(p.value), float(p.value)
    if p.status == Status.SMALL:
        return 0.0, float(threshold - 1)
    return float(threshold), BIG


class _System:
    """The attacker's linear system over periods 0..t: a variable per published total and
    cell, equalities and inequalities between them."""

    def __init__(self) -> None:
        self.bounds: list[tuple[float, float]] = []
        self.eq: list[tuple[dict[int, float], float]] = []
        self.le: list[tuple[dict[int, float], float]] = []

    def var(self, bounds: tuple[float, float]) -> int:
        self.bounds.append(bounds)
        return len(self.bounds) - 1

    def _matrix(
        self, rows: list[tuple[dict[int, float], float]]
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        if not rows:
            return None, None
        a = np.zeros((len(rows), len(self.bounds)))
        for i, (coef, _) in enumerate(rows):
            for j, c in coef.items():
                a[i, j] += c
        return a, np.array([b for _, b in rows])

    def range_of(self, coef: dict[int, float]) -> tuple[float, float]:
        """The lowest and highest value of sum(coef·x) over the system."""
        if all(self.bounds[j][0] == self.bounds[j][1] for j in coef):
            exact = sum(v * self.bounds[j][0] for j, v in coef.items())
            return exact, exact
        a_eq, b_eq = self._matrix(self.eq)
        a_ub, b_ub = self._matrix(self.le)
        c = np.zeros(len(self.bounds))
        for j, v in coef.items():
            c[j] += v
        out = []
        for sign in (1.0, -1.0):
            res = linprog(
                sign * c,
                A_ub=a_ub,
                b_ub=b_ub,
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=self.bounds,
                method="highs",
            )
            if res.status == 3:  # unbounded
                out.append(-BIG * sign)
            elif res.status != 0:
                raise RuntimeError(f"attacker's system has no solution: {res.message}")
            else:
                out.append(sign * res.fun)
        return round(out[0], 6), round(out[1], 6)


def _unsafe(
    releases: Sequence[Release],
    truth: Sequence[Counts],
    *,
    additive: Mapping[str, bool],
    cumulative: bool,
    nesting: Sequence[Nesting],
    threshold: int,
    dims: set[str] | None = None,
) -> list[tuple[int, str, str]]:
    """The protected quantities a reader can narrow, as (period, table, key) — table ""
    for the total. ``dims``: only these tables (and the totals) are in the system — tables
    not linked to each other (by ``nesting``) are independent once the totals are
    fixed, so each is checked on its own, which keeps the systems small."""
    sys = _System()
    total_var: list[int] = []
    cell_var: list[dict[str, dict[str, int]]] = []
    for rel in releases:
        t = sys.var(_bounds(rel.total, threshold))
        total_var.append(t)
        cells: dict[str, dict[str, int]] = {}
        for dim, published in rel.tables.items():
            if dim in rel.withheld or (dims is not None and dim not in dims):
                continue
            ids = {p.key: sys.var(_bounds(p, threshold)) for p in published}
            cells[dim] = ids
            coef = {i: 1.0 for i in ids.values()}
            if additive.get(dim, False):
                sys.eq.append(({**coef, t: -1.0}, 0.0))
            else:
                sys.le.append(({**{i: -1.0 for i in ids.values()}, t: 1.0}, 0.0))
                for i in ids.values():
                    sys.le.append(({i: 1.0, t: -1.0}, 0.0))
        for n in nesting:
            if n.child in cells and n.parent in cells:
                for pkey, pid in cells[n.parent].items():
                    kids = [cid for k, cid in cells[n.child].items() if n.parent_of.get(k) == pkey]
                    sys.eq.append(({pid: 1.0, **{k: -1.0 for k in kids}}, 0.0))
        cell_var.append(cells)
    checks: list[tuple[int, str, str, dict[int, float], str]] = []
    last = len(releases) - 1
    for s, rel in enumerate(releases):
        if s < last - 1:
            # Published and checked when it came out; the newest period reaches back
            # through the previous one only (the brute-force tests check this holds).
            continue
        if rel.total.status == Status.SMALL and not dims:
            checks.append((s, "", "", {total_var[s]: 1.0}, "small"))
        for dim, ids in cell_var[s].items():
            for p in rel.tables[dim]:
                if p.status == Status.SMALL:
                    checks.append((s, dim, p.key, {ids[p.key]: 1.0}, "small"))
    if cumulative:
        # The rise of the total and of each cell since the period it was last published.
        for s in range(1, len(releases)):
            r = s - 1
            if truth[s].total >= truth[r].total:
                sys.le.append(({total_var[r]: 1.0, total_var[s]: -1.0}, 0.0))
                if 0 < truth[s].total - truth[r].total < threshold and not dims and s == last:
                    checks.append((s, "", "", {total_var[s]: 1.0, total_var[r]: -1.0}, "rise"))
            for dim, ids in cell_var[s].items():
                prev = next((q for q in range(s - 1, -1, -1) if dim in cell_var[q]), None)
                if prev is None:
                    continue
                now_v = dict(truth[s].tables.get(dim, ()))
                then_v = dict(truth[prev].tables.get(dim, ()))
                for key, i in ids.items():
                    j = cell_var[prev][dim].get(key)
                    before = then_v.get(key, 0)
                    if now_v.get(key, 0) < before:
                        continue  # not a count that only grew: no such constraint
                    if j is not None:
                        sys.le.append(({j: 1.0, i: -1.0}, 0.0))
                        coef = {i: 1.0, j: -1.0}
                        rise = now_v.get(key, 0) - before
                        if 0 < rise < threshold and s == last:
                            checks.append((s, dim, key, coef, "rise"))
    unsafe = []
    for s, dim, key, coef, kind in checks:
        lo, hi = sys.range_of(coef)
        ok = lo <= 0 and hi >= threshold - 1 if kind == "small" else hi - lo >= threshold - 1
        if not ok:
            unsafe.append((s, dim, key))
    return unsafe


def _groups(dims: Sequence[str], nesting: Sequence[Nesting]) -> list[set[str]]:
    """The tables linked by ``nesting``, as groups checked together."""
    groups = [{d} for d in dims]
    for n in nesting:
        a = next((g for g in groups if n.child in g), None)
        b = next((g for g in groups if n.parent in g), None)
        if a is not None and b is not None and a is not b:
            a |= b
            groups.remove(b)
    return groups


def protect(
    periods: Sequence[Counts],
    *,
    additive: Mapping[str, bool],
    cumulative: bool,
    nesting: Sequence[Nesting] = (),
    threshold: int = THRESHOLD,
) -> list[Release]:
    """Each period as published (oldest first), protected together with the periods
    before it (see the module's doc)."""
    for counts in periods:
        if counts.total < 0 or any(v < 0 for cells in counts.tables.values() for _, v in cells):
            raise ValueError("counts cannot be negative")
    kw = {
        "additive": additive,
        "cumulative": cumulative,
        "nesting": nesting,
        "threshold": threshold,
    }
    # The totals first (a small total, or a small rise since the previous period, hides
    # the total and withholds the period's tables) ...
    releases: list[Release] = []
    for t, counts in enumerate(periods):
        small = counts.total < threshold
        rel = Release(_published(counts.total, Status.SMALL if small else Status.SHOWN))
        if not small and _unsafe([*releases, rel], periods[: t + 1], dims=set(), **kw):  # type: ignore[arg-type]
            rel.total = _published(counts.total, Status.COMPLEMENTARY)
        if rel.total.status != Status.SHOWN:
            rel.withheld = set(counts.tables)
        releases.append(rel)
    # ... then each group of linked tables, period after period.
    all_dims = list(dict.fromkeys(d for c in periods for d in c.tables))
    for group in _groups(all_dims, nesting):
        for t, counts in enumerate(periods):
            rel = releases[t]
            dims = [d for d in counts.tables if d in group and d not in rel.withheld]
            if not dims:
                continue
            _protect_tables(releases, periods, t, dims, group, kw)
    return releases


def _protect_tables(
    releases: list[Release],
    periods: Sequence[Counts],
    t: int,
    dims: list[str],
    group: set[str],
    kw: dict[str, object],
) -> None:
    """Publish the tables ``dims`` of period ``t``: primary "<5", then more cells hidden
    (or a table withheld) until nothing published so far in ``group`` can be narrowed."""
    threshold = int(kw["threshold"])  # type: ignore[call-overload]
    counts = periods[t]
    rel = releases[t]
    status = {
        d: {k: Status.SMALL if v < threshold else Status.SHOWN for k, v in counts.tables[d]}
        for d in dims
    }
    values = {d: dict(counts.tables[d]) for d in dims}

    def build() -> None:
        for d in dims:
            if d in rel.withheld:
                rel.tables.pop(d, None)
                continue
            rel.tables[d] = [
                Published(k, v if status[d][k] == Status.SHOWN else None, status[d][k])
                for k, v in counts.tables[d]
            ]

    build()
    for _ in range(sum(len(values[d]) for d in dims) + len(dims) + 1):
        problems = _unsafe(releases[: t + 1], periods[: t + 1], dims=group, **kw)  # type: ignore[arg-type]
        if not problems:
            return
        live = [
            d for d in dict.fromkeys(p[1] for p in problems) if d in dims and d not in rel.withheld
        ]
        dim = live[0] if live else next((d for d in dims if d not in rel.withheld), None)
        if dim is None:
            break
        keys = {p[2] for p in problems if p[1] == dim}
        shown = [k for k, st in status[dim].items() if st == Status.SHOWN]
        # The cell whose rise is exposed, else the smallest shown cell of the table.
        pick = next((k for k in shown if k in keys), None)
        if pick is None and shown:
            pick = min(shown, key=lambda k: (values[dim][k], k))
        if pick is None:
            rel.withheld.add(dim)
        else:
            status[dim][pick] = Status.COMPLEMENTARY
        build()
    # Still unsafe (should not happen): publish none of these tables.
    rel.withheld.update(dims)
    build()
