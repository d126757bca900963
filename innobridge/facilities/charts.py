"""Report charts drawn with Plotly: the figures are built here (labels through gettext)
and rendered as <div>s without the library; the page loads plotly.min.js from the
project's static files (never a CDN). The tables beside them stay as the no-JS view."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from innobridge.core.charts import plotly_div

from .selectors import WeeklySeries


def _html(fig: Any, div_id: str) -> str:
    """The figure as an empty ``<div>`` and its JSON data block, drawn by
    ``static/innobridge/charts.js`` (no inline script or style: core.charts)."""
    return plotly_div(fig, div_id)


def _layout(fig: Any, title: str, y_title: str) -> None:
    fig.update_layout(
        title={"text": title},
        xaxis={"title": {"text": _("Week starting")}},
        yaxis={"title": {"text": y_title}},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        font={"family": "system-ui, 'Noto Sans CJK SC', 'Noto Sans CJK TC', sans-serif"},
    )


def utilisation_chart(series: WeeklySeries) -> str:
    """Utilisation (% of open hours booked) per resource, one line each, per week."""
    import plotly.graph_objects as go

    fig = go.Figure()
    x = [w.isoformat() for w in series.weeks]
    for name, values in series.utilisation.items():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=values,
                mode="lines+markers",
                name=name,
                hovertemplate="%{x}: %{y:.1f}%<extra>" + name.replace("<", "&lt;") + "</extra>",
            )
        )
    _layout(fig, _("Utilisation per resource per week"), _("Utilisation (%)"))
    fig.update_yaxes(rangemode="tozero", ticksuffix="%")
    return _html(fig, "fac-chart-utilisation")


def cross_border_chart(series: WeeklySeries) -> str:
    """Hours booked per week split by side, with the cross-border share as a line."""
    import plotly.graph_objects as go

    x = [w.isoformat() for w in series.weeks]
    same = [round(b - c, 2) for b, c in zip(series.booked_hours, series.cross_hours, strict=True)]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=same, name=_("Hours by users from the same side")))
    fig.add_trace(go.Bar(x=x, y=series.cross_hours, name=_("Hours by users from the other side")))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=series.cross_share,
            name=_("Cross-border share (%)"),
            mode="lines+markers",
            yaxis="y2",
        )
    )
    _layout(fig, _("Cross-border share over time"), _("Hours booked"))
    fig.update_layout(
        barmode="stack",
        yaxis2={
            "title": {"text": _("Share (%)")},
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "ticksuffix": "%",
        },
    )
    return _html(fig, "fac-chart-cross-border")
