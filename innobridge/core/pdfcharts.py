"""Simple charts drawn with fpdf2's own primitives (lines, rectangles, text): no image
rendering, no browser, nothing downloaded — a line chart of a series over periods and a
horizontal bar chart of a breakdown, with readable axes and distinguishable colours.

Both take the document, a box (x, y, width, height in the document's unit, mm by
default) and plain values; ``None`` is a gap (never drawn as 0), and a ``breaks`` set of
indexes starts a new line segment (a method break is never joined to the values before
it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

Number = int | float | Decimal

# Okabe–Ito palette: distinguishable also for colour-blind readers.
PALETTE: list[tuple[int, int, int]] = [
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (240, 228, 66),
    (0, 0, 0),
]
GRID = (220, 220, 220)
AXIS = (90, 90, 90)


def nice_ticks(low: float, high: float, count: int = 4, *, integer: bool = False) -> list[float]:
    """Round tick values covering [low, high] (low is 0 unless values are negative);
    with ``integer`` (counts) the step is a whole number."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    if integer:
        raw = max(raw, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    t = start
    while t < high + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def format_number(value: Number | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    v = float(value)
    if digits == 0 and abs(v - round(v)) > 1e-9:
        digits = 1 if abs(v) >= 10 else 2
    return f"{v:,.{digits}f}"


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text cut with an ellipsis to fit the width at the current font size."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def line_chart(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    breaks: set[int] | frozenset[int] = frozenset(),
    colour: tuple[int, int, int] = PALETTE[0],
    y_title: str = "",
    integer: bool = False,
) -> None:
    """A line chart of ``values`` at ``labels``; gaps at ``None``; no line across a break;
    ``integer`` for counts (whole-number ticks)."""
    size = pdf.font_size_pt
    numbers = [float(v) for v in values if v is not None]
    low = min([0.0, *numbers])
    high = max([*numbers, 0.0]) or 1.0
    ticks = nice_ticks(low, high, integer=integer)
    low, high = ticks[0], ticks[-1]
    pdf.set_font_size(7)
    left = max(pdf.get_string_width(format_number(t)) for t in ticks) + 2
    plot_x, plot_y, plot_w, plot_h = x + left, y + 4, w - left - 2, h - 12
    if y_title:
        pdf.set_text_color(*AXIS)
        pdf.text(x, y + 2.5, _fit(pdf, y_title, w))
    # Grid and y axis labels.
    pdf.set_line_width(0.1)
    for t in ticks:
        ty = plot_y + plot_h - (t - low) / (high - low) * plot_h
        pdf.set_draw_color(*GRID)
        pdf.line(plot_x, ty, plot_x + plot_w, ty)
        label = format_number(t)
        pdf.set_text_color(*AXIS)
        pdf.text(plot_x - 1 - pdf.get_string_width(label), ty + 1, label)
    pdf.set_draw_color(*AXIS)
    pdf.line(plot_x, plot_y + plot_h, plot_x + plot_w, plot_y + plot_h)
    n = max(len(labels), 1)
    step = plot_w / n

    def px(i: int) -> float:
        return plot_x + step * (i + 0.5)

    def py(v: float) -> float:
        return plot_y + plot_h - (v - low) / (high - low) * plot_h

    # X labels: every one when they fit, else every k-th.
    widest = max((pdf.get_string_width(lbl) for lbl in labels), default=0)
    every = max(1, math.ceil((widest + 2) / step)) if step else 1
    for i, lbl in enumerate(labels):
        if i % every == 0 or i == n - 1:
            pdf.text(px(i) - pdf.get_string_width(lbl) / 2, plot_y + plot_h + 4, lbl)
    # The line, in segments: a None or a break ends a segment.
    pdf.set_draw_color(*colour)
    pdf.set_fill_color(*colour)
    pdf.set_line_width(0.5)
    segment: list[tuple[float, float]] = []
    for i, v in enumerate(values):
        if i in breaks or v is None:
            if len(segment) > 1:
                pdf.polyline(segment)
            segment = []
        if v is not None:
            segment.append((px(i), py(float(v))))
            pdf.rect(px(i) - 0.7, py(float(v)) - 0.7, 1.4, 1.4, style="F")
    if len(segment) > 1:
        pdf.polyline(segment)
    for i in sorted(breaks):
        if 0 < i < n:  # a dashed vertical mark where the method changed
            pdf.set_draw_color(*AXIS)
            pdf.set_line_width(0.2)
            pdf.set_dash_pattern(dash=1, gap=1)
            bx = plot_x + step * i
            pdf.line(bx, plot_y, bx, plot_y + plot_h)
            pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font_size(size)


def bar_chart(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    bar_height: float = 5,
    label_width: float | None = None,
    value_labels: Sequence[str] | None = None,
) -> float:
    """Horizontal bars, one per label, each in its own colour, with its value printed;
    returns the height used. ``value_labels`` overrides the printed value (e.g. "<5")."""
    size = pdf.font_size_pt
    pdf.set_font_size(7)
    label_w = label_width if label_width is not None else min(w * 0.4, 60)
    value_w = 22
    bar_w = w - label_w - value_w
    top = max([float(v) for v in values if v is not None] + [0.0]) or 1.0
    for i, (lbl, v) in enumerate(zip(labels, values, strict=True)):
        row_y = y + i * (bar_height + 1.5)
        pdf.set_text_color(0, 0, 0)
        pdf.text(x, row_y + bar_height * 0.75, _fit(pdf, lbl, label_w - 2))
        if v is not None and float(v) > 0:
            pdf.set_fill_color(*PALETTE[i % len(PALETTE)])
            pdf.rect(x + label_w, row_y, bar_w * float(v) / top, bar_height, style="F")
        shown = value_labels[i] if value_labels is not None else format_number(v)
        pdf.text(x + w - value_w + 1, row_y + bar_height * 0.75, shown)
    pdf.set_font_size(size)
    return len(labels) * (bar_height + 1.5)
