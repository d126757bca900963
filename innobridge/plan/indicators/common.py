"""Helpers the indicator modules share: ratios of two figures, cell by cell, and a
conversion of amounts in several currencies to one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from innobridge.core.figures import Row
from innobridge.core.money import Money, NoRateError, rate_on

HUNDRED = Decimal(100)
ONE_DP = Decimal("0.1")

Figure = Callable[[dt.datetime, str | None], list[Row]]


def percent(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator in per cent to one decimal place; None when undefined."""
    if numerator is None or not denominator:
        return None
    return (numerator * HUNDRED / denominator).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def ratio(numerator: Figure, denominator: Figure) -> Figure:
    """A percentage figure: numerator over denominator, in total and cell by cell (cells of
    the denominator without a numerator count as 0)."""

    def compute(as_of: dt.datetime, by: str | None) -> list[Row]:
        num = {r.key: r.value for r in numerator(as_of, by)}
        rows = []
        for d in denominator(as_of, by):
            rows.append(Row(d.key, d.label, percent(num.get(d.key) or Decimal(0), d.value)))
        if by is None and not rows:
            rows = [Row("", "", None)]
        return rows

    return compute


def converted_total(parts: dict[str, Figure], to: str) -> Figure:
    """The sum of figures in several currencies converted to ``to`` at the rate in force
    on the day of ``as_of`` (None when a rate is missing)."""

    def compute(as_of: dt.datetime, by: str | None) -> list[Row]:
        cells: dict[str, tuple[str, Decimal | None]] = {}
        for currency, figure in parts.items():
            try:  # one look-up per currency, as ``convert`` would find for each amount
                rate: Decimal | None = rate_on(currency, to, as_of.date())
            except NoRateError:
                rate = None
            for r in figure(as_of, by):
                label, acc = cells.get(r.key, (r.label, Decimal(0)))
                if acc is None or r.value is None or rate is None:
                    cells[r.key] = (label, None)
                    continue
                amount = Money(r.value * rate, to.upper()).rounded().amount
                cells[r.key] = (label, acc + amount)
        rows = [Row(k, lbl, v) for k, (lbl, v) in cells.items()]
        if by is None:
            return rows[:1] or [Row("", "", Decimal(0))]
        rows.sort(key=lambda r: (-(r.value or 0), r.label))
        return rows

    return compute


def now_only(figure: Callable[[str | None], list[Row]]) -> Figure:
    """A figure of the current state (no moment): ``as_of`` is ignored, which is why such
    an indicator is marked ``historical=False``."""

    def compute(as_of: dt.datetime, by: str | None) -> list[Row]:
        return figure(by)

    return compute
