"""What the public page and the public API show: aggregates only, from the latest
snapshot (computed now when there is none), every count below 5 shown as "<5" with
complementary suppression (``suppression.py``); a percentage is shown only when the
count it is a share of is at least 5, and breakdowns by institution are left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from innobridge.core.figures import Row, batch

from . import selectors
from .indicators import registry
from .indicators.base import UNIT_LABELS, Dimension, Indicator, Unit
from .models import Area
from .services.snapshots import end_of_day, today_hk
from .suppression import THRESHOLD, Status, suppress

PUBLIC_DIMENSIONS = (
    Dimension.REGION,
    Dimension.CITY,
    Dimension.DISCIPLINE,
    Dimension.DIRECTION,
    Dimension.KIND,
    Dimension.QUARTER,
)


@dataclass
class PublicCell:
    key: str
    label: str
    shown: str
    status: str


@dataclass
class PublicIndicator:
    key: str
    name: str
    area: str
    unit: str
    value: str
    breakdowns: dict[str, list[PublicCell]] = field(default_factory=dict)
    withheld: list[str] = field(default_factory=list)


def fmt(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in (Unit.COUNT,):
        return f"{int(value):,}"
    if unit in (Unit.HKD, Unit.CNY):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _as_int(v: Decimal | None) -> int:
    return int(v or 0)


def public_table(
    ind: Indicator, total: Decimal | None, dim: str, rows: list[Row]
) -> tuple[str, list[PublicCell], bool]:
    table = suppress(
        _as_int(total),
        [(r.key, _as_int(r.value)) for r in rows],
        additive=dim in ind.additive,
    )
    labels = {r.key: r.label for r in rows}
    cells = [
        PublicCell(
            c.key,
            selectors.cell_label(ind, dim, c.key, labels.get(c.key, "")),
            c.text(),
            str(c.status),
        )
        for c in table.cells
    ]
    return table.total.text(), cells, table.withheld


def _figures(
    inds: list[Indicator], as_of: dt.datetime
) -> dict[str, tuple[Decimal | None, dict[str, list[Row]]]]:
    """Per indicator, the total and the public breakdowns, all from the same snapshot
    (its latest), or all computed now when it has never been snapshotted — so that the
    cells and the total they are checked against belong together. The snapshots of all
    indicators are read at once (two queries)."""
    latest = selectors.latest_snapshots([i.key for i in inds], PUBLIC_DIMENSIONS)
    out: dict[str, tuple[Decimal | None, dict[str, list[Row]]]] = {}
    for ind in inds:
        counts = ind.unit == Unit.COUNT  # only counts are broken down in public
        dims = [d for d in ind.breakdowns if d in PUBLIC_DIMENSIONS] if counts else []
        snap = latest.get(ind.key)
        if snap is None:
            out[ind.key] = (ind.total(as_of), {d: ind.breakdown(as_of, d) for d in dims})
        else:
            out[ind.key] = (snap.total, {d: snap.cells.get(d, []) for d in dims})
    return out


def public_indicators() -> list[PublicIndicator]:
    out: list[PublicIndicator] = []
    as_of = end_of_day(today_hk())
    inds = [i for i in registry.all_indicators() if i.public]
    with batch():
        figures = _figures(inds + _denominators(inds), as_of)
    for ind in inds:
        unit = str(UNIT_LABELS.get(ind.unit, ind.unit))
        total, breakdowns = figures[ind.key]
        if ind.unit != Unit.COUNT:
            p = PublicIndicator(ind.key, ind.name.get(), ind.area, unit, fmt(total, ind.unit))
            if ind.denominator:
                base = figures[ind.denominator][0]
                if _as_int(base) < THRESHOLD:
                    p.value = "—"
            out.append(p)
            continue
        shown_total = suppress(_as_int(total), [], additive=True).total
        value = fmt(total, ind.unit) if shown_total.status == Status.SHOWN else shown_total.text()
        p = PublicIndicator(ind.key, ind.name.get(), ind.area, unit, value)
        for dim, rows in breakdowns.items():
            _text, cells, withheld = public_table(ind, total, dim, rows)
            if withheld:
                p.withheld.append(dim)
            else:
                p.breakdowns[dim] = cells
        out.append(p)
    order = {a.value: i for i, a in enumerate(Area)}
    out.sort(key=lambda x: order.get(x.area, 99))
    return out


def _denominators(inds: list[Indicator]) -> list[Indicator]:
    keys = {i.key for i in inds}
    extra = {i.denominator for i in inds if i.denominator and i.denominator not in keys}
    return [registry.get(k) for k in sorted(extra)]


def public_context() -> dict[str, object]:
    inds = public_indicators()
    return {
        "areas": [{"area": a, "indicators": [p for p in inds if p.area == a.value]} for a in Area],
        "threshold": THRESHOLD,
        "context": selectors.context_series(),
    }


def public_rows() -> list[list[object]]:
    """The public page as one table (for CSV/XLSX): indicator, breakdown, cell, value as
    shown (suppressed cells as "<5" or "x")."""
    from django.utils.translation import gettext as _

    from .indicators.base import DIMENSION_LABELS

    rows: list[list[object]] = [[_("Indicator"), _("Breakdown"), _("Cell"), _("Value"), _("Unit")]]
    for p in public_indicators():
        rows.append([p.name, _("total"), "", p.value, p.unit])
        for dim, cells in p.breakdowns.items():
            for c in cells:
                rows.append([p.name, str(DIMENSION_LABELS.get(dim, dim)), c.label, c.shown, p.unit])
    return rows
