"""Charts drawn with fpdf2 primitives: gaps are gaps, breaks are not joined, axes readable."""

from __future__ import annotations

import re

from innobridge.core.pdf import new_pdf, pdf_bytes
from innobridge.core.pdfcharts import PALETTE, bar_chart, format_number, line_chart, nice_ticks
from tests.pdf_text import pdf_text


def _page_stream(
    values: list[float | None], breaks: frozenset[int] = frozenset()
) -> tuple[str, bytes]:
    pdf = new_pdf(lang="en")
    pdf.set_compression(False)
    pdf.add_page()
    labels = [f"2026-Q{i + 1}" for i in range(len(values))]
    line_chart(pdf, 10, 10, 150, 60, labels, values, breaks=breaks, y_title="count")
    data = pdf_bytes(pdf)
    return data.decode("latin-1"), data


def test_ticks_are_round_and_cover_the_values() -> None:
    assert nice_ticks(0, 17) == [0, 5, 10, 15, 20]
    assert nice_ticks(0, 0.9)[-1] >= 0.9
    assert nice_ticks(-3, 7)[0] <= -3


def test_a_missing_value_is_a_gap_not_a_zero() -> None:
    stream, data = _page_stream([3, None, 5, 8])
    # One marker (a filled square) per known value: three, not four.
    assert stream.count(" re f") == 3
    # No polyline through the gap: the first value stands alone, 5 → 8 is one segment.
    assert stream.count(" l S") + stream.count(" l\nS") >= 1
    text = pdf_text(data)
    assert "2026-Q1" in text and "2026-Q4" in text and "count" in text


def test_a_method_break_starts_a_new_line_and_is_marked() -> None:
    joined, _ = _page_stream([1, 2, 3, 4])
    broken, _ = _page_stream([1, 2, 3, 4], breaks=frozenset({2}))
    # The dashed vertical mark appears only with the break.
    assert "] 0 d" in broken and "] 0 d" not in joined.replace("[] 0 d", "")


def test_bars_use_distinct_colours_and_print_given_value_labels() -> None:
    pdf = new_pdf(lang="zh-hans")
    pdf.set_compression(False)
    pdf.add_page()
    height = bar_chart(
        pdf, 10, 10, 180, ["香港", "内地", "澳门"], [12, 7, None], value_labels=["12", "7", "<5"]
    )
    assert height > 0
    data = pdf_bytes(pdf)
    stream = data.decode("latin-1")
    fills = re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", stream)
    colours = {tuple(round(float(c) * 255) for c in fill) for fill in fills}
    assert PALETTE[0] in colours and PALETTE[1] in colours  # one colour per bar
    text = pdf_text(data)
    assert "香港" in text and "<5" in text


def test_numbers_are_grouped() -> None:
    assert format_number(1234567) == "1,234,567"
    assert format_number(None) == "—"
    assert format_number(12.5) == "12.5"
