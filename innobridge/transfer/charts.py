"""The TTO funnel drawn with Plotly: figures built here (labels through gettext) and
rendered as a <div> and a JSON data block (core.charts); the page loads plotly.min.js from
the project's static files (never a CDN). The table beside the chart stays as the no-JS view."""

from __future__ import annotations

from django.utils.translation import gettext as _

from innobridge.core.charts import plotly_div

from .selectors import STAGES, Funnel, stage_labels

CONFIG = {"displaylogo": False, "responsive": True}


def funnel_chart(f: Funnel, div_id: str = "transfer-funnel") -> str:
    import plotly.graph_objects as go

    labels = stage_labels()
    fig = go.Figure(
        go.Funnel(
            y=[labels[s] for s in STAGES],
            x=[f.counts[s] for s in STAGES],
            textinfo="value+percent previous",
        )
    )
    fig.update_layout(
        title={"text": _("From listing to signed agreement")},
        margin={"l": 90, "r": 20, "t": 50, "b": 30},
        font={"family": "system-ui, 'Noto Sans CJK SC', 'Noto Sans CJK TC', sans-serif"},
    )
    # An empty <div> and a JSON data block drawn by static/innobridge/charts.js: no
    # inline script (fig.to_html's would be refused by the Content-Security-Policy).
    return plotly_div(fig, div_id, config=CONFIG)
