"""What the quarterly report shows, gathered from the snapshots (the record of each
indicator's history), the measures and the context series — no pillar app is read here.

A quarter's value of an indicator is its last snapshot taken in that quarter; for the
current quarter, an indicator without a snapshot yet is computed live (and marked so).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from ..indicators import registry
from ..indicators.base import Indicator
from ..models import AREA_ORDER, Area, ContextSeries, IndicatorSnapshot, Measure
from ..services.snapshots import end_of_day, today_hk

QUARTER_RE = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
HISTORY_QUARTERS = 8
# The breakdown shown in the report for an indicator: the first of these it supports.
PREFERRED_BREAKDOWNS = ("region", "institution", "direction", "kind", "status", "discipline")
TOP_ROWS = 8


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026Q3`` or ``2026-Q3``; ``ValueError`` with a message otherwise."""
        m = QUARTER_RE.match(text or "")
        if not m:
            raise ValueError(_("Give a quarter as YYYYQn, e.g. 2026Q3."))
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            raise ValueError(_("Give a quarter as YYYYQn, e.g. 2026Q3."))
        return cls(year, int(m.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        nxt = self.next()
        return dt.date(nxt.year, 3 * nxt.number - 2, 1) - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + (self.number == 4), self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.number}"

    def label(self) -> str:
        return _("%(year)s Q%(number)s") % {"year": self.year, "number": self.number}

    def __str__(self) -> str:
        return self.key


def recent_quarters(count: int = HISTORY_QUARTERS, today: dt.date | None = None) -> list[Quarter]:
    """The current quarter and the ``count - 1`` before it, newest first."""
    q = Quarter.of(today or today_hk())
    out = [q]
    for _i in range(count - 1):
        q = q.previous()
        out.append(q)
    return out


@dataclass
class QuarterPoint:
    quarter: Quarter
    value: Decimal | None
    day: dt.date | None = None
    method_version: int | None = None
    is_demo: bool = False
    live: bool = False


@dataclass
class BreakdownCell:
    label: str
    value: Decimal | None


@dataclass
class IndicatorSection:
    indicator: Indicator
    points: list[QuarterPoint]
    dimension: str = ""
    cells: list[BreakdownCell] = field(default_factory=list)
    more_cells: int = 0

    @property
    def current(self) -> QuarterPoint:
        return self.points[-1]

    @property
    def previous(self) -> QuarterPoint:
        return self.points[-2]

    @property
    def change(self) -> Decimal | None:
        if self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value

    @property
    def breaks(self) -> set[int]:
        """Indexes where the method changed from the previous known point."""
        out: set[int] = set()
        last: int | None = None
        for i, p in enumerate(self.points):
            if p.method_version is None:
                continue
            if last is not None and p.method_version != last:
                out.add(i)
            last = p.method_version
        return out


@dataclass
class AreaSection:
    area: Area
    measures: list[Measure]
    indicators: list[IndicatorSection]


@dataclass
class ReportData:
    quarter: Quarter
    generated_at: dt.datetime
    areas: list[AreaSection]
    context: list[ContextSeries]
    has_demo: bool = False
    has_live: bool = False


def _quarter_points(ind: Indicator, quarters: list[Quarter], today: dt.date) -> list[QuarterPoint]:
    """The last total snapshot taken in each quarter (oldest first)."""
    first, last = quarters[0].start, quarters[-1].end
    latest: dict[Quarter, IndicatorSnapshot] = {}
    for snap in IndicatorSnapshot.objects.filter(
        indicator_key=ind.key, dimension="", taken_on__gte=first, taken_on__lte=last
    ).order_by("taken_on"):
        latest[Quarter.of(snap.taken_on)] = snap
    points = []
    for q in quarters:
        s = latest.get(q)
        if s is not None:
            points.append(QuarterPoint(q, s.value, s.taken_on, s.method_version, s.is_demo))
        elif q.start <= today <= q.end:
            value = ind.total(end_of_day(today))
            points.append(QuarterPoint(q, value, today, ind.method_version, live=True))
        else:
            points.append(QuarterPoint(q, None))
    return points


def _breakdown(ind: Indicator, point: QuarterPoint) -> tuple[str, list[BreakdownCell], int]:
    dimension = next((d for d in PREFERRED_BREAKDOWNS if d in ind.breakdowns), "")
    if not dimension and ind.breakdowns:
        dimension = next((d for d in ind.breakdowns if d != "quarter"), "")
    if not dimension or point.day is None:
        return "", [], 0
    if point.live:
        rows = [(r.key, r.label, r.value) for r in ind.breakdown(end_of_day(point.day), dimension)]
    else:
        rows = list(
            IndicatorSnapshot.objects.filter(
                indicator_key=ind.key, dimension=dimension, taken_on=point.day
            ).values_list("key", "label", "value")
        )
    label_of = ind.label_for(dimension)
    cells = [
        BreakdownCell(label_of(key) if label_of else (label or key), value)
        for key, label, value in rows
    ]
    cells.sort(key=lambda c: (-(c.value or 0), c.label))
    return dimension, cells[:TOP_ROWS], max(0, len(cells) - TOP_ROWS)


def gather(quarter: Quarter, *, now: dt.datetime | None = None) -> ReportData:
    """Everything the report of ``quarter`` shows."""
    from django.utils import timezone

    today = today_hk()
    quarters = [quarter]
    for _i in range(HISTORY_QUARTERS - 1):
        quarters.insert(0, quarters[0].previous())
    areas: list[AreaSection] = []
    has_demo = has_live = False
    measures = list(Measure.objects.all())
    for area_value in AREA_ORDER:
        sections = []
        for ind in registry.for_area(area_value):
            points = _quarter_points(ind, quarters, today)
            dimension, cells, more = _breakdown(ind, points[-1])
            sections.append(IndicatorSection(ind, points, dimension, cells, more))
            has_demo = has_demo or any(p.is_demo for p in points)
            has_live = has_live or points[-1].live
        areas.append(
            AreaSection(
                Area(area_value),
                [m for m in measures if m.area == area_value],
                sections,
            )
        )
    context = list(ContextSeries.objects.prefetch_related("values").order_by("area", "key"))
    return ReportData(
        quarter=quarter,
        generated_at=now or timezone.now(),
        areas=areas,
        context=context,
        has_demo=has_demo,
        has_live=has_live,
    )
