"""``{% load charts %}``: whether a page draws a chart, so that it loads Plotly's 4.8 MB
library (``_plotly_head.html``) only then::

    {% block head %}{% if series_chart|has_chart or tables|has_chart:"chart" %}
    {% include "_plotly_head.html" %}{% endif %}{% endblock %}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from innobridge.core.charts import CHART_MARK

register = template.Library()


def _item(row: Any, key: Any) -> Any:
    if isinstance(row, dict):
        return row.get(key)
    if isinstance(row, list | tuple):
        return row[int(key)] if -len(row) <= int(key) < len(row) else None
    return getattr(row, str(key), None)


@register.filter
def has_chart(value: Any, key: Any = None) -> bool:
    """True when ``value`` is a chart from ``core.charts.plotly_div`` — or, given ``key``,
    when ``value`` is a list of rows (dicts, tuples by index, objects by attribute) one of
    which holds a chart under ``key``."""
    if key is None:
        return CHART_MARK in str(value or "")
    if not isinstance(value, Iterable) or isinstance(value, str):
        return False
    return any(CHART_MARK in str(_item(row, key) or "") for row in value)
