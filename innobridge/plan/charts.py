"""The dashboard's charts: sparklines as small inline SVGs (no script at all), time series
and breakdowns with Plotly (``core.charts.plotly_div``: no inline script, plotly.min.js
from the project's static files). Each chart sits beside its table, the no-JS view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from innobridge.core.charts import FONT, plotly_div
from innobridge.core.figures import Row

from .indicators.base import UNIT_LABELS, Indicator

if TYPE_CHECKING:
    from .models import ContextSeries
    from .selectors import Series


def sparkline(
    values: list[Decimal | None], title: str = "", width: int = 120, height: int = 28
) -> SafeString | str:
    """An inline SVG polyline of the values (gaps where a value is missing)."""
    pts = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return ""
    lo = min(v for _, v in pts)
    hi = max(v for _, v in pts)
    span = hi - lo or 1.0
    n = max(len(values) - 1, 1)
    coords = " ".join(
        f"{2 + i * (width - 4) / n:.1f},{height - 2 - (v - lo) * (height - 4) / span:.1f}"
        for i, v in pts
    )
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}"><polyline fill="none" stroke="currentColor" stroke-width="1.5" '
        'points="{}"/></svg>',
        width,
        height,
        width,
        height,
        title,
        coords,
    )


def _layout(fig: object, title: str, y_title: str) -> None:
    fig.update_layout(  # type: ignore[attr-defined]
        title={"text": title},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero"},
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        font=FONT,
        legend={"orientation": "h", "y": -0.25},
    )


def series_chart(ind: Indicator, series: Series) -> str:
    """The quarterly series (snapshots), today's live value as its last point; demo
    history drawn dashed."""
    import plotly.graph_objects as go

    pts = series.points
    if not pts:
        return ""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[p.day.isoformat() for p in pts],
            y=[float(p.value) if p.value is not None else None for p in pts],
            mode="lines+markers",
            name=ind.name.get(),
            text=[_("today") if p.live else p.label for p in pts],
            hovertemplate="%{text}: %{y}<extra></extra>",
            line={"dash": "dash" if any(p.is_demo for p in pts) else "solid"},
        )
    )
    _layout(fig, ind.name.get(), str(UNIT_LABELS.get(ind.unit, ind.unit)))
    # Plotly writes a date axis's month names in English: the ticks are the points' own
    # days, labelled on the server in the reader's language ("31 Mar 2026" / "2026年3月31日").
    fig.update_xaxes(
        tickmode="array",
        tickvals=[p.day.isoformat() for p in pts],
        ticktext=point_labels([p.day for p in pts]),
    )
    return plotly_div(fig, f"plan-series-{ind.key}")


def point_labels(days: list[dt.date]) -> list[str]:
    """The series points' dates in the reader's language and usual form."""
    fmt = pgettext("chart date label", "j M Y")
    return [date_format(d, fmt) for d in days]


def breakdown_chart(
    ind: Indicator, dimension: str, rows: list[Row], labels: dict[str, str] | None = None
) -> str:
    import plotly.graph_objects as go

    if not rows:
        return ""
    labels = labels or {}
    fig = go.Figure(
        go.Bar(
            x=[labels.get(r.key, r.label or r.key or "—") for r in rows],
            y=[float(r.value) if r.value is not None else None for r in rows],
        )
    )
    _layout(fig, "", str(UNIT_LABELS.get(ind.unit, ind.unit)))
    fig.update_layout(margin={"l": 60, "r": 20, "t": 20, "b": 120})
    return plotly_div(fig, f"plan-breakdown-{ind.key}-{dimension}", height=320)


def context_chart(series: ContextSeries) -> str:
    """A context series, one line per stretch between method breaks: values either side of
    a break are not comparable, so they are never joined."""
    import plotly.graph_objects as go

    values = list(series.values.all())
    if not values:
        return ""
    segments: list[list[object]] = [[]]
    for v in values:
        if v.method_break and segments[-1]:
            segments.append([])
        segments[-1].append(v)
    fig = go.Figure()
    for i, seg in enumerate(segments):
        fig.add_trace(
            go.Scatter(
                x=[v.period for v in seg],  # type: ignore[attr-defined]
                y=[float(v.value) for v in seg],  # type: ignore[attr-defined]
                mode="lines+markers",
                name=(_("method %(n)d") % {"n": i + 1}) if len(segments) > 1 else series.name(),
            )
        )
    _layout(fig, series.name(), series.unit)
    fig.update_xaxes(type="category")
    return plotly_div(fig, f"plan-context-{series.key}", height=300)
