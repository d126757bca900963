"""Plotly figures on pages under the strict Content-Security-Policy: the figure goes out as
an empty ``<div>`` plus its data in a JSON data block (never run as a script), and
``static/innobridge/charts.js`` draws it with the project's own copy of plotly.min.js
(``static/vendor/plotly``, no CDN); the page includes ``_plotly_head.html`` in its
``head`` block (Plotly's style rules from a file, so no inline style either). The default
size comes from the ``plotly-chart`` class in site.css; a chart that needs another height
carries it in its layout, not in a style attribute."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html, json_script

CONFIG = {"displaylogo": False, "responsive": True}
FONT = {"family": "system-ui, 'Noto Sans CJK SC', 'Noto Sans CJK TC', sans-serif"}


def plotly_div(
    fig: Any, div_id: str, height: int | None = None, config: dict[str, Any] | None = None
) -> str:
    """The figure as a ``<div>`` plus its JSON data block (see the module's doc)."""
    figure = json.loads(fig.to_json())
    if height is not None:
        figure.setdefault("layout", {}).setdefault("height", height)
    data_id = f"{div_id}-data"
    div = format_html(
        '<div id="{}" class="plotly-chart" data-plotly-figure="{}"></div>', div_id, data_id
    )
    return str(div + json_script({**figure, "config": config or CONFIG}, data_id))
