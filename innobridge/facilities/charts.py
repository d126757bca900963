"""Report charts drawn with Plotly: the figures are built here (labels through gettext)
and rendered as <div>s without the library; the page loads plotly.min.js from the
project's static files (never a CDN). The tables beside them stay as the no-JS view.

For a reader: weeks that have not started yet are not plotted (a future week is not 0 %
used — it has not happened), the week labels are written here in the reader's language
(Plotly would name months in English), the colours are the colour-blind-safe palette of
``core.charts`` with a marker shape per line as well, and every axis says what it counts
and in which unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from innobridge.core.charts import FONT, PALETTE, SYMBOLS, plotly_div

from .selectors import WeeklySeries


def _html(fig: Any, div_id: str) -> str:
    """The figure as an empty ``<div>`` and its JSON data block, drawn by
    ``static/innobridge/charts.js`` (no inline script or style: core.charts)."""
    return plotly_div(fig, div_id)


def started_weeks(series: WeeklySeries, today: dt.date | None = None) -> int:
    """How many of the series' weeks have started by ``today`` (Hong Kong's date)."""
    today = today or timezone.localdate()
    return sum(1 for w in series.weeks if w <= today)


def week_labels(weeks: list[dt.date]) -> list[str]:
    """Each week's Monday in the reader's language ("2 Mar" / "3月2日"), with the year
    when the weeks run over more than one calendar year."""
    if len({w.year for w in weeks}) > 1:
        fmt = pgettext("chart week label with year", "j M Y")
    else:
        fmt = pgettext("chart week label", "j M")
    return [date_format(w, fmt) for w in weeks]


def _layout(fig: Any, title: str, y_title: str, shown: int, total: int) -> None:
    fig.update_layout(
        title={"text": title},
        xaxis={"title": {"text": _("Week starting (Monday)")}, "type": "category"},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.3},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        font=FONT,
        hovermode="x unified",
    )
    if shown < total:
        fig.add_annotation(
            text=_("%(n)d later week(s) not yet started: not plotted") % {"n": total - shown},
            xref="paper",
            yref="paper",
            x=1,
            y=1.06,
            xanchor="right",
            showarrow=False,
            font={"size": 11},
        )


def utilisation_chart(series: WeeklySeries, today: dt.date | None = None) -> str:
    """Utilisation (% of open hours booked) per resource, one line each, per week that
    has started."""
    import plotly.graph_objects as go

    n = started_weeks(series, today)
    x = week_labels(series.weeks[:n])
    fig = go.Figure()
    for i, (name, values) in enumerate(series.utilisation.items()):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=values[:n],
                mode="lines+markers",
                name=name,
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 7},
                hovertemplate="%{y:.1f}%<extra>" + name.replace("<", "&lt;") + "</extra>",
            )
        )
    _layout(
        fig,
        _("Utilisation per resource per week"),
        _("Utilisation: booked share of open hours (%)"),
        n,
        len(series.weeks),
    )
    fig.update_yaxes(ticksuffix="%")
    return _html(fig, "fac-chart-utilisation")


def cross_border_chart(series: WeeklySeries, today: dt.date | None = None) -> str:
    """Hours booked per started week split by side, with the cross-border share as a
    line (no point for a week with no hours booked: a share of nothing is not 0 %)."""
    import plotly.graph_objects as go

    n = started_weeks(series, today)
    x = week_labels(series.weeks[:n])
    booked, cross = series.booked_hours[:n], series.cross_hours[:n]
    same = [round(b - c, 2) for b, c in zip(booked, cross, strict=True)]
    share = [s if b else None for s, b in zip(series.cross_share[:n], booked, strict=True)]
    hours = _("%(value)s h")
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=x,
            y=same,
            name=_("Hours by users from the same side"),
            marker={"color": PALETTE[0]},
            hovertemplate=hours % {"value": "%{y:.1f}"},
        )
    )
    fig.add_trace(
        go.Bar(
            x=x,
            y=cross,
            name=_("Hours by users from the other side"),
            marker={"color": PALETTE[1], "pattern": {"shape": "/"}},
            hovertemplate=hours % {"value": "%{y:.1f}"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=share,
            name=_("Cross-border share (%)"),
            mode="lines+markers",
            yaxis="y2",
            line={"color": PALETTE[6], "dash": "dot", "width": 2},
            marker={"symbol": "diamond", "size": 8},
            hovertemplate="%{y:.1f}%",
        )
    )
    _layout(fig, _("Cross-border share over time"), _("Hours booked (h)"), n, len(series.weeks))
    fig.update_layout(
        barmode="stack",
        yaxis2={
            "title": {"text": _("Cross-border share (%)")},
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "ticksuffix": "%",
            "showgrid": False,
        },
        margin={"r": 60},
    )
    return _html(fig, "fac-chart-cross-border")
