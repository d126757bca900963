"""Reads of the plan dashboard: quarterly series from the snapshots with today's live
value, the overview of an area, breakdown tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, QuerySet
from django.db.models.functions import TruncQuarter

from innobridge.core.figures import Row, quarter_key, region_label

from .indicators import registry
from .indicators.base import Indicator
from .models import AREA_ORDER, Area, ContextSeries, IndicatorSnapshot, Measure
from .services.snapshots import end_of_day, today_hk


def quarter_end(day: dt.date) -> dt.date:
    q_last_month = ((day.month - 1) // 3 + 1) * 3
    nxt = dt.date(day.year + (q_last_month == 12), q_last_month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def previous_quarter_end(day: dt.date) -> dt.date:
    """The last day of the quarter before the one ``day`` is in."""
    first = dt.date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)
    return first - dt.timedelta(days=1)


@dataclass
class Point:
    day: dt.date
    label: str  # "2026-Q1", or "today"
    value: Decimal | None
    is_demo: bool = False
    live: bool = False


@dataclass
class Series:
    indicator: Indicator
    dimension: str
    key: str
    points: list[Point] = field(default_factory=list)

    @property
    def values(self) -> list[Decimal | None]:
        return [p.value for p in self.points]


def _snapshots(ind: Indicator, dimension: str = "", key: str = "") -> QuerySet[IndicatorSnapshot]:
    return IndicatorSnapshot.objects.filter(
        indicator_key=ind.key, dimension=dimension, key=key
    ).order_by("taken_on")


def quarterly_series(
    ind: Indicator, *, dimension: str = "", key: str = "", live: bool = True
) -> Series:
    """Per quarter, the last snapshot taken in it (a quarter without any is left out);
    then, with ``live``, today's value computed now (total only) — or, when not live,
    today's snapshot if there is one."""
    today = today_hk()
    last_by_quarter: dict[str, IndicatorSnapshot] = {}
    for s in _snapshots(ind, dimension, key):
        if s.taken_on >= today:
            continue
        last_by_quarter[quarter_key(s.taken_on)] = s
    points = [Point(s.taken_on, q, s.value, s.is_demo) for q, s in sorted(last_by_quarter.items())]
    if live and not dimension:
        points.append(Point(today, "today", ind.total(end_of_day(today)), live=True))
    else:
        s_today = _snapshots(ind, dimension, key).filter(taken_on=today).first()
        if s_today is not None:
            points.append(Point(today, "today", s_today.value, s_today.is_demo))
    return Series(ind, dimension, key, points)


@dataclass
class Card:
    """One indicator on an area's overview."""

    indicator: Indicator
    value: Decimal | None
    as_of: dt.date | None
    previous: Decimal | None
    previous_day: dt.date | None
    sparkline: list[Decimal | None]
    measures: list[Measure] = field(default_factory=list)

    @property
    def spark(self) -> str:
        from .charts import sparkline

        return sparkline(self.sparkline, str(self.indicator.name))

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def _latest_totals(keys: list[str]) -> dict[str, IndicatorSnapshot]:
    latest = (
        IndicatorSnapshot.objects.filter(indicator_key__in=keys, dimension="")
        .values("indicator_key")
        .annotate(day=Max("taken_on"))
    )
    wanted = {(r["indicator_key"], r["day"]) for r in latest}
    out: dict[str, IndicatorSnapshot] = {}
    if not wanted:
        return out
    for s in IndicatorSnapshot.objects.filter(
        indicator_key__in=keys, dimension="", taken_on__in={d for _, d in wanted}
    ):
        if (s.indicator_key, s.taken_on) in wanted:
            out[s.indicator_key] = s
    return out


def _quarter_end_totals(
    keys: list[str], today: dt.date, quarters: int
) -> dict[str, list[IndicatorSnapshot]]:
    """Per indicator, the last total snapshot of each of the last ``quarters`` quarters
    (oldest first). The database picks the days (one GROUP BY), so a page reads at most
    ``quarters`` rows per indicator however many daily snapshots have piled up."""
    first = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    for _i in range(max(quarters, 2) - 1):
        first = dt.date(first.year - (first.month == 1), (first.month - 4) % 12 + 1, 1)
    base = IndicatorSnapshot.objects.filter(
        indicator_key__in=keys, dimension="", taken_on__gte=first
    )
    last_days = (
        base.annotate(q=TruncQuarter("taken_on"))
        .values("indicator_key", "q")
        .annotate(day=Max("taken_on"))
        .values_list("indicator_key", "day")
    )
    wanted = set(last_days)
    history: dict[str, list[IndicatorSnapshot]] = {k: [] for k in keys}
    if not wanted:
        return history
    for s in base.filter(taken_on__in={d for _, d in wanted}).order_by("taken_on"):
        if (s.indicator_key, s.taken_on) in wanted:
            history[s.indicator_key].append(s)
    return history


def area_cards(area: str, *, quarters: int = 8) -> list[Card]:
    """The overview of one area from the snapshots: each indicator's latest value (none
    when it has never been snapshotted), the value at the end of the previous quarter
    and the last quarters' values for a sparkline."""
    return _cards(registry.for_area(area), quarters)


def overview_cards(*, quarters: int = 8) -> dict[str, list[Card]]:
    """``area_cards`` of every area at once (the same few queries for all of them)."""
    out: dict[str, list[Card]] = {a: [] for a in AREA_ORDER}
    for card in _cards(registry.all_indicators(), quarters):
        out.setdefault(card.indicator.area, []).append(card)
    return out


def _cards(inds: list[Indicator], quarters: int) -> list[Card]:
    keys = [i.key for i in inds]
    today = today_hk()
    prev_end = previous_quarter_end(today)
    measures = list(Measure.objects.all())
    history = _quarter_end_totals(keys, today, quarters)
    # The latest snapshot is the last of the window's; only an indicator with none in
    # the window needs the (whole-history) look-up.
    latest = {k: h[-1] for k, h in history.items() if h}
    missing = [k for k in keys if k not in latest]
    if missing:
        latest.update(_latest_totals(missing))
    cards = []
    for ind in inds:
        # From the snapshots only, never recomputed here: an indicator not snapshotted
        # yet shows no value (the page says so) until the daily job or an officer takes one.
        snap = latest.get(ind.key)
        value, as_of = (snap.value, snap.taken_on) if snap is not None else (None, None)
        by_q: dict[str, IndicatorSnapshot] = {}
        previous = previous_day = None
        for s in history[ind.key]:
            by_q[quarter_key(s.taken_on)] = s
            if s.taken_on <= prev_end:
                previous, previous_day = s.value, s.taken_on
        spark = [s.value for _, s in sorted(by_q.items())][-quarters:]
        cards.append(
            Card(
                ind,
                value,
                as_of,
                previous,
                previous_day,
                spark,
                [m for m in measures if ind.key in (m.indicator_keys or [])],
            )
        )
    return cards


def breakdown_table(ind: Indicator, dimension: str, *, live: bool = True) -> list[Row]:
    """The cells of one breakdown: computed now, or from the latest snapshot."""
    if live:
        return ind.breakdown(end_of_day(today_hk()), dimension)
    day = (
        IndicatorSnapshot.objects.filter(indicator_key=ind.key, dimension=dimension)
        .aggregate(d=Max("taken_on"))
        .get("d")
    )
    if day is None:
        return ind.breakdown(end_of_day(today_hk()), dimension)
    return [
        Row(s.key, s.label, s.value)
        for s in IndicatorSnapshot.objects.filter(
            indicator_key=ind.key, dimension=dimension, taken_on=day
        ).order_by("-value", "label")
    ]


def latest_snapshot_day(ind: Indicator) -> dt.date | None:
    return (
        IndicatorSnapshot.objects.filter(indicator_key=ind.key, dimension="")
        .aggregate(d=Max("taken_on"))
        .get("d")
    )


def snapshot_cells(ind: Indicator, dimension: str, day: dt.date) -> list[Row]:
    """The cells of one breakdown as snapshotted on ``day``."""
    return [
        Row(s.key, s.label, s.value)
        for s in IndicatorSnapshot.objects.filter(
            indicator_key=ind.key, dimension=dimension, taken_on=day
        ).order_by("-value", "label")
    ]


@dataclass
class Latest:
    """An indicator's latest snapshot: its day, total and cells by breakdown."""

    day: dt.date
    total: Decimal | None
    is_demo: bool
    cells: dict[str, list[Row]] = field(default_factory=dict)


def latest_snapshots(keys: list[str], dimensions: tuple[str, ...] = ()) -> dict[str, Latest]:
    """Per indicator with a snapshot, its latest one: the total and the cells of the
    breakdowns in ``dimensions`` — two queries for all indicators together."""
    last = (
        IndicatorSnapshot.objects.filter(indicator_key__in=keys, dimension="")
        .values("indicator_key")
        .annotate(day=Max("taken_on"))
        .values_list("indicator_key", "day")
    )
    wanted = dict(last)
    out: dict[str, Latest] = {}
    if not wanted:
        return out
    rows = list(
        IndicatorSnapshot.objects.filter(
            indicator_key__in=list(wanted),
            taken_on__in=set(wanted.values()),
            dimension__in=("", *dimensions),
        ).order_by("indicator_key", "dimension", "-value", "label")
    )
    for s in rows:
        if wanted.get(s.indicator_key) != s.taken_on:
            continue
        if s.dimension == "":
            out[s.indicator_key] = Latest(s.taken_on, s.value, s.is_demo)
    for s in rows:
        latest = out.get(s.indicator_key)
        if s.dimension and latest is not None and latest.day == s.taken_on:
            latest.cells.setdefault(s.dimension, []).append(Row(s.key, s.label, s.value))
    return out


@dataclass
class Period:
    """One closed quarter's last snapshot of an indicator: total and cells."""

    day: dt.date
    total: Decimal | None
    is_demo: bool
    cells: dict[str, list[Row]] = field(default_factory=dict)


def closed_quarter_snapshots(
    keys: list[str], dimensions: tuple[str, ...] = (), *, quarters: int = 4
) -> dict[str, list[Period]]:
    """Per indicator, the last snapshot of each of its last ``quarters`` closed quarters
    (before today's), oldest first, with the cells of ``dimensions`` — two queries."""
    today = today_hk()
    first = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    last_days = (
        IndicatorSnapshot.objects.filter(indicator_key__in=keys, dimension="", taken_on__lt=first)
        .annotate(q=TruncQuarter("taken_on"))
        .values("indicator_key", "q")
        .annotate(day=Max("taken_on"))
        .values_list("indicator_key", "day")
    )
    days: dict[str, list[dt.date]] = {}
    for key, day in last_days:
        days.setdefault(key, []).append(day)
    wanted = {(k, d) for k, ds in days.items() for d in sorted(ds)[-quarters:]}
    out: dict[str, list[Period]] = {}
    if not wanted:
        return out
    rows = list(
        IndicatorSnapshot.objects.filter(
            indicator_key__in=list(days),
            taken_on__in={d for _, d in wanted},
            dimension__in=("", *dimensions),
        ).order_by("indicator_key", "taken_on", "dimension", "-value", "label")
    )
    periods: dict[tuple[str, dt.date], Period] = {}
    for s in rows:
        if s.dimension == "" and (s.indicator_key, s.taken_on) in wanted:
            periods[(s.indicator_key, s.taken_on)] = Period(s.taken_on, s.value, s.is_demo)
    for s in rows:
        period = periods.get((s.indicator_key, s.taken_on))
        if s.dimension and period is not None:
            period.cells.setdefault(s.dimension, []).append(Row(s.key, s.label, s.value))
    for (key, _day), period in sorted(periods.items(), key=lambda kv: kv[0][1]):
        out.setdefault(key, []).append(period)
    return out


def latest_total(ind: Indicator) -> Decimal | None:
    """The indicator's total from its latest snapshot, computed now when it has none."""
    snap = (
        IndicatorSnapshot.objects.filter(indicator_key=ind.key, dimension="")
        .order_by("-taken_on")
        .first()
    )
    if snap is not None:
        return snap.value
    return ind.total(end_of_day(today_hk()))


def cell_label(ind: Indicator, dimension: str, key: str, stored: str) -> str:
    """The label of a breakdown cell in the UI language (a code's label), else as stored."""
    if not key:
        return "—"
    if dimension == "region":
        return region_label(key)
    fn = ind.label_for(dimension)
    if fn is not None:
        return fn(key)
    return stored or key


def measures_for(key: str) -> list[Measure]:
    return [m for m in Measure.objects.all() if key in (m.indicator_keys or [])]


def measures_by_area() -> dict[str, list[Measure]]:
    out: dict[str, list[Measure]] = {a.value: [] for a in Area}
    for m in Measure.objects.all():
        out.setdefault(m.area, []).append(m)
    return out


def context_series(area: str | None = None) -> QuerySet[ContextSeries]:
    qs = ContextSeries.objects.prefetch_related("values")
    return qs.filter(area=area) if area else qs.all()


def indicator_or_404(key: str) -> Indicator:
    from django.http import Http404

    try:
        return registry.get(key)
    except KeyError as exc:
        raise Http404(key) from exc
