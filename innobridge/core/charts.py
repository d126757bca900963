"""Plotly figures on pages under the strict Content-Security-Policy: the figure goes out as
an empty ``<div>`` plus its data in a JSON data block (never run as a script), and
``static/innobridge/charts.js`` draws it; the page includes ``_plotly_head.html`` in its
``head`` block (Plotly's style rules from a file, so no inline style either). The size
comes from the ``plotly-chart`` class in site.css, not a style attribute."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html, json_script

CONFIG = {"displaylogo": False, "responsive": True}


def plotly_html(fig: Any, div_id: str, config: dict[str, Any] | None = None) -> str:
    figure = json.loads(fig.to_json())
    data_id = f"{div_id}-data"
    div = format_html(
        '<div id="{}" class="plotly-chart" data-plotly-figure="{}"></div>', div_id, data_id
    )
    return str(div + json_script({**figure, "config": config or CONFIG}, data_id))
