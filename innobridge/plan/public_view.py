"""What the public page and the public API show: aggregates only, from the latest
snapshot (computed now when there is none), every count below 5 shown as "<5" with
complementary suppression (``suppression.py``); a percentage is shown only when the
count it is a share of is at least 5, and breakdowns by institution are left out."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache

from innobridge.core.figures import Row, batch

from . import selectors
from .indicators import registry
from .indicators.base import UNIT_LABELS, Dimension, Indicator, Unit
from .linked_suppression import Counts, Release, protect
from .models import Area
from .services.snapshots import end_of_day, today_hk
from .suppression import THRESHOLD, Published, Status, suppress

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
    demo: bool = False  # the period shown is made-up demo history


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


Figures = tuple[Decimal | None, dict[str, list[Row]]]
PERIODS = 4  # the published quarters protected together (the newest is shown)


def _latest(inds: list[Indicator], as_of: dt.datetime) -> dict[str, Figures]:
    """Per indicator, the total and the public breakdowns, all from the same snapshot
    (its latest), or all computed now when it has never been snapshotted — so that the
    cells and the total they are checked against belong together (two queries)."""
    latest = selectors.latest_snapshots([i.key for i in inds], PUBLIC_DIMENSIONS)
    out: dict[str, Figures] = {}
    for ind in inds:
        counts = ind.unit == Unit.COUNT  # only counts are broken down in public
        dims = [d for d in ind.breakdowns if d in PUBLIC_DIMENSIONS] if counts else []
        snap = latest.get(ind.key)
        if snap is None:
            out[ind.key] = (ind.total(as_of), {d: ind.breakdown(as_of, d) for d in dims})
        else:
            out[ind.key] = (snap.total, {d: snap.cells.get(d, []) for d in dims})
    return out


def _counts(ind: Indicator, fig: Figures) -> Counts:
    total, breakdowns = fig
    return Counts(
        _as_int(total),
        {d: [(r.key, _as_int(r.value)) for r in rows] for d, rows in breakdowns.items()},
    )


def _releases(ind: Indicator, periods: list[Figures]) -> list[Release]:
    """The periods as published, protected together; remembered in the cache (the
    snapshots of past quarters do not change, and the key is the figures themselves)."""
    counts = [_counts(ind, f) for f in periods]
    additive: dict[str, bool] = {str(d): d in ind.additive for d in PUBLIC_DIMENSIONS}
    digest = hashlib.sha256(repr((ind.key, counts, ind.historical)).encode()).hexdigest()
    key = f"plan:public:{digest}"
    cached = cache.get(key)
    if cached is None:
        cached = protect(counts, additive=additive, cumulative=ind.historical)
        cache.set(key, cached, 7 * 24 * 3600)
    result: list[Release] = cached
    return result


@dataclass
class Publication:
    """What the public page publishes: the newest closed quarter's snapshot of each
    indicator (``day``), protected with the quarters before it; ``provisional`` when no
    quarter has closed with a snapshot yet and the latest snapshot is shown alone."""

    day: dt.date | None
    provisional: bool
    indicators: list[PublicIndicator]


def publication() -> Publication:
    as_of = end_of_day(today_hk())
    inds = [i for i in registry.all_indicators() if i.public]
    everything = inds + _denominators(inds)
    history = selectors.closed_quarter_snapshots(
        [i.key for i in everything], PUBLIC_DIMENSIONS, quarters=PERIODS
    )
    provisional = not history
    if provisional:
        with batch():
            now = _latest(everything, as_of)
        periods = {k: [fig] for k, fig in now.items()}
        day = None
    else:
        periods = {k: [(p.total, p.cells) for p in v] for k, v in history.items()}
        day = max(v[-1].day for v in history.values())
    demo = {k for k, v in history.items() if v[-1].is_demo}
    out: list[PublicIndicator] = []
    shown_totals: dict[str, Published] = {}
    for ind in everything:
        figs = periods.get(ind.key)
        if not figs:
            continue
        if ind.unit == Unit.COUNT:
            shown_totals[ind.key] = _releases(ind, figs)[-1].total
    for ind in inds:
        figs = periods.get(ind.key)
        unit = str(UNIT_LABELS.get(ind.unit, ind.unit))
        if not figs:
            out.append(PublicIndicator(ind.key, ind.name.get(), ind.area, unit, "—"))
            continue
        total, breakdowns = figs[-1]
        if ind.unit != Unit.COUNT:
            p = PublicIndicator(ind.key, ind.name.get(), ind.area, unit, fmt(total, ind.unit))
            p.demo = ind.key in demo
            base = shown_totals.get(ind.denominator) if ind.denominator else None
            if ind.denominator and (base is None or base.status != Status.SHOWN):
                p.value = "—"
            out.append(p)
            continue
        release = _releases(ind, figs)[-1]
        value = (
            fmt(total, ind.unit) if release.total.status == Status.SHOWN else release.total.text()
        )
        p = PublicIndicator(ind.key, ind.name.get(), ind.area, unit, value)
        p.demo = ind.key in demo
        labels = {d: {r.key: r.label for r in rows} for d, rows in breakdowns.items()}
        for dim in breakdowns:
            if dim in release.withheld or dim not in release.tables:
                p.withheld.append(dim)
                continue
            p.breakdowns[dim] = [
                PublicCell(
                    c.key,
                    selectors.cell_label(ind, dim, c.key, labels[dim].get(c.key, "")),
                    c.text(),
                    str(c.status),
                )
                for c in release.tables[dim]
            ]
        out.append(p)
    order = {a.value: i for i, a in enumerate(Area)}
    out.sort(key=lambda x: order.get(x.area, 99))
    return Publication(day, provisional, out)


def public_indicators() -> list[PublicIndicator]:
    return publication().indicators


def _denominators(inds: list[Indicator]) -> list[Indicator]:
    keys = {i.key for i in inds}
    extra = {i.denominator for i in inds if i.denominator and i.denominator not in keys}
    return [registry.get(k) for k in sorted(extra)]


def public_context() -> dict[str, object]:
    pub = publication()
    inds = pub.indicators
    return {
        "areas": [{"area": a, "indicators": [p for p in inds if p.area == a.value]} for a in Area],
        "day": pub.day,
        "provisional": pub.provisional,
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
