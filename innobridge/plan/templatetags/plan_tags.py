"""Template filters of the plan dashboard: a value in its unit, a change with its sign."""

from __future__ import annotations

from decimal import Decimal

from django import template

from ..indicators.base import Unit

register = template.Library()


@register.filter
def plan_value(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == Unit.COUNT:
        return f"{int(value):,}"
    if unit in (Unit.HKD, Unit.CNY):
        return f"{unit} {value:,.0f}"
    if unit == Unit.PERCENT:
        return f"{value:,.1f} %"
    return f"{value:,.1f}"


@register.filter
def plan_change(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "±0"
    sign = "+" if value > 0 else "−"
    text = plan_value(abs(value), unit)
    if unit == Unit.PERCENT:
        text = text.replace(" %", " pp")
    return f"{sign}{text}"


@register.filter
def plan_dimension(dimension: str) -> str:
    from ..indicators.base import DIMENSION_LABELS

    return str(DIMENSION_LABELS.get(dimension, dimension))
