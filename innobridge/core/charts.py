"""Plotly figures on a page under a strict Content-Security-Policy: the figure goes out as
an empty ``<div>`` and its data as a JSON data block (never run as a script);
``static/innobridge/charts.js`` draws it with the project's own copy of plotly.min.js
(``static/vendor/plotly``), so no inline script and no CDN."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html, json_script

CONFIG = {"displaylogo": False, "responsive": True}
FONT = {"family": "system-ui, 'Noto Sans CJK SC', 'Noto Sans CJK TC', sans-serif"}


def plotly_div(fig: Any, div_id: str, height: int = 360) -> str:
    """The figure as a ``<div>`` plus its JSON data block (see the module's doc)."""
    figure = json.loads(fig.to_json())
    data_id = f"{div_id}-data"
    div = format_html(
        '<div id="{}" class="plotly-chart" data-plotly-figure="{}" '
        'style="height: {}px; width: 100%"></div>',
        div_id,
        data_id,
        height,
    )
    return str(div + json_script({**figure, "config": CONFIG}, data_id))
