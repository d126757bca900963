"""The plan demo (run by ``innobridge demo`` after the pillars' demos): the seeded
measures and context figures (``services.seed_all``), today's snapshot of every indicator,
and a few quarters of history so the overview has sparklines.

History is honest where it can be: for an indicator computed from dated events
(``historical``) each past quarter's snapshot is what the data said at the end of that
quarter. An indicator of a current state (a project's status, fellows on site) has no
past the data can tell; for those the demo writes a made-up ramp up to today's value,
stored with ``is_demo`` — every page, download and API answer marks it "demo history".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

from django.db import transaction

from innobridge.core.models import ExchangeRate
from innobridge.core.services import set_exchange_rate

from .indicators import registry
from .indicators.base import Indicator, Unit
from .models import IndicatorSnapshot
from .selectors import previous_quarter_end
from .services import seed_all, take_snapshot, today_hk
from .services.snapshots import snapshot_rows

QUARTERS = 6
ACTOR = "system:plan_demo"

# Published HKD → CNY rates (one Hong Kong dollar in renminbi), each with its source, so
# that "funding committed, both sides, in HKD" can convert the Mainland side's renminbi.
# Real figures, not invented ones: the Inland Revenue Department's average for the
# year to 31 March 2024 (HK$100 = RMB 90.8419), in force from 1 April 2024, and the
# China Foreign Exchange Trade System's central parity of 25 February 2025
# (HK$100 = RMB 92.245), in force from that day. An operator records newer rates in the
# admin (core.ExchangeRate); the demo adds these only when the pair has no rate yet.
PUBLISHED_RATES = (
    (
        dt.date(2024, 4, 1),
        Decimal("0.908419"),
        "HK Inland Revenue Dept, average rate for the year to 31 Mar 2024: HK$100 = "
        "RMB 90.8419, https://www.ird.gov.hk/eng/tax/bus_aer24.htm",
    ),
    (
        dt.date(2025, 2, 25),
        Decimal("0.92245"),
        "CFETS central parity of 25 Feb 2025: HK$100 = RMB 92.245 (Xinhua), "
        "http://china.org.cn/china/Off_the_Wire/2025-02/25/content_117731713.htm",
    ),
)


def seed_rates() -> int:
    """The published HKD/CNY rates above, unless the pair already has a rate (either
    way round); returns how many were recorded."""
    pair = ExchangeRate.objects.filter(base="HKD", quote="CNY") | ExchangeRate.objects.filter(
        base="CNY", quote="HKD"
    )
    if pair.exists():
        return 0
    for valid_from, rate, source in PUBLISHED_RATES:
        set_exchange_rate(
            ACTOR, base="HKD", quote="CNY", rate=rate, valid_from=valid_from, source=source
        )
    return len(PUBLISHED_RATES)


def past_quarter_ends(today: dt.date, n: int = QUARTERS) -> list[dt.date]:
    """The last days of the ``n`` quarters before today's, oldest first."""
    ends = []
    day = today
    for _ in range(n):
        day = previous_quarter_end(day)
        ends.append(day)
    return sorted(ends)


def _ramp(value: Decimal | None, unit: str, step: int, steps: int) -> Decimal | None:
    """A demo value for the ``step``-th of ``steps`` past quarters, rising to ``value``."""
    if value is None:
        return None
    if unit in (Unit.PERCENT, Unit.DAYS):
        factor = Decimal("0.8") + Decimal("0.2") * Decimal(step + 1) / Decimal(steps + 1)
        return (value * factor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    factor = Decimal(step + 1) / Decimal(steps + 1)
    places = Decimal(1) if unit == Unit.COUNT else Decimal("0.01")
    return (value * factor).quantize(places, rounding=ROUND_HALF_UP)


def demo_history(ind: Indicator, days: list[dt.date], today: dt.date) -> list[IndicatorSnapshot]:
    """Rows of made-up history (``is_demo``) for a current-state indicator."""
    current = snapshot_rows(ind, today)
    rows = []
    for step, day in enumerate(days):
        for r in current:
            rows.append(
                IndicatorSnapshot(
                    indicator_key=r.indicator_key,
                    taken_on=day,
                    dimension=r.dimension,
                    key=r.key,
                    label=r.label,
                    value=_ramp(r.value, ind.unit, step, len(days)),
                    method_version=r.method_version,
                    is_demo=True,
                )
            )
    return rows


def seed(stdout: TextIO, *, seed: int = 2026) -> None:
    report = seed_all()
    stdout.write(
        f"plan: {len(report.created)} measures created, {report.series} context series, "
        f"{report.values} context values\n"
    )
    rates = seed_rates()
    if rates:
        stdout.write(f"plan: {rates} published HKD/CNY rates recorded (with their sources)\n")
    today = today_hk()
    rows = take_snapshot(ACTOR)
    stdout.write(f"plan: today's snapshot, {rows} values\n")
    if IndicatorSnapshot.objects.filter(taken_on__lt=today).exists():
        stdout.write("plan: history already present\n")
        return
    days = past_quarter_ends(today)
    honest = made_up = 0
    for day in days:
        honest += take_snapshot(ACTOR, day=day)
    with transaction.atomic():
        for ind in registry.all_indicators():
            if ind.historical:
                continue
            batch = demo_history(ind, days, today)
            IndicatorSnapshot.objects.bulk_create(batch)
            made_up += len(batch)
    stdout.write(
        f"plan: history of {len(days)} quarters — {honest} values as the data stood then, "
        f"{made_up} made-up values of current-state indicators (marked demo)\n"
    )
