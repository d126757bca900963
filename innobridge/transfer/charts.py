"""The TTO funnel drawn with Plotly: figures built here (labels through gettext) and
rendered as <div>s without the library; the page loads plotly.min.js from the project's
static files (never a CDN). The table beside the chart stays as the no-JS view."""

from __future__ import annotations

from django.utils.translation import gettext as _

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
    return str(
        fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            config=CONFIG,
            div_id=div_id,
            default_height="360px",
            default_width="100%",
        )
    )
