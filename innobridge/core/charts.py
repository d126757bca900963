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
# Okabe and Ito's qualitative palette, which readers with any common colour-vision
# deficiency can tell apart (yellow last: it is faint on white). Every chart's default
# ``colorway``; a chart with more lines than colours gives each a marker shape as well
# (SYMBOLS has five, so colour and shape together tell 40 lines apart).
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#F0E442",
)
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x")
# What marks a chart in a page's HTML (templatetags/charts.py: load Plotly only then).
CHART_MARK = "data-plotly-figure="


def plotly_div(
    fig: Any, div_id: str, height: int | None = None, config: dict[str, Any] | None = None
) -> str:
    """The figure as a ``<div>`` plus its JSON data block (see the module's doc)."""
    figure = json.loads(fig.to_json())
    layout = figure.setdefault("layout", {})
    layout.setdefault("colorway", list(PALETTE))
    if height is not None:
        layout.setdefault("height", height)
    data_id = f"{div_id}-data"
    div = format_html(
        '<div id="{}" class="plotly-chart" data-plotly-figure="{}"></div>', div_id, data_id
    )
    return str(div + json_script({**figure, "config": config or CONFIG}, data_id))
