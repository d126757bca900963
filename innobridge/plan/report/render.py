"""The quarterly report as a PDF, in English, Traditional or Simplified Chinese, with
the CJK font embedded (``innobridge.core.pdf``) and charts drawn with fpdf2's own
primitives (``innobridge.core.pdfcharts``): nothing rendered in a browser, nothing
downloaded. Figures come from ``data.gather`` (the snapshots)."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from innobridge.core.pdf import new_pdf, pdf_bytes, table_headings_style
from innobridge.core.pdfcharts import bar_chart, format_number, line_chart

from ..indicators.base import DIMENSION_LABELS, UNIT_LABELS, Indicator, TargetKind
from .data import IndicatorSection, Quarter, ReportData, gather

HK = ZoneInfo("Asia/Hong_Kong")
LANGUAGES = ("en", "zh-hant", "zh-hans")
HEADING = (0, 70, 127)
MUTED = (95, 95, 95)


def _value(ind: Indicator, value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format_number(value, 1 if ind.unit == "percent" else 0)
    return f"{text}%" if ind.unit == "percent" else text


def _change(ind: Indicator, value: Decimal | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    return sign + _value(ind, value)


class _Report:
    def __init__(self, data: ReportData, lang: str) -> None:
        self.data = data
        self.lang = lang
        q = data.quarter
        self.title = _("Joint Action Plan: quarterly report, %(quarter)s") % {"quarter": q.label()}
        self.pdf = new_pdf(lang=lang, title=self.title)
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_margins(15, 15, 15)
        self.width = self.pdf.w - 30
        footer_text = f"InnoBridge · {self.title}"

        def footer() -> None:
            self.pdf.set_y(-10)
            self.pdf.set_font_size(7)
            self.pdf.set_text_color(*MUTED)
            self.pdf.cell(0, 4, f"{footer_text} · {self.pdf.page_no()}", align="C")
            self.pdf.set_text_color(0, 0, 0)

        self.pdf.footer = footer  # type: ignore[method-assign]

    # -- text helpers -----------------------------------------------------------------
    def heading(self, text: str, size: float = 14) -> None:
        self.pdf.set_font_size(size)
        self.pdf.set_text_color(*HEADING)
        self.pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.pdf.set_text_color(0, 0, 0)
        self.pdf.set_font_size(9)
        self.pdf.ln(1)

    def para(self, text: str, size: float = 9, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.pdf.set_font_size(size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.pdf.set_text_color(0, 0, 0)
        self.pdf.set_font_size(9)

    def ensure(self, height: float) -> None:
        if self.pdf.get_y() + height > self.pdf.h - 15:
            self.pdf.add_page()

    # -- parts ------------------------------------------------------------------------
    def cover(self) -> None:
        d = self.data
        q: Quarter = d.quarter
        self.pdf.add_page()
        self.heading(self.title, 18)
        self.para(
            _("Period: %(start)s to %(end)s. Generated %(at)s (Hong Kong time).")
            % {
                "start": q.start.isoformat(),
                "end": q.end.isoformat(),
                "at": d.generated_at.astimezone(HK).strftime("%Y-%m-%d %H:%M"),
            },
            colour=MUTED,
        )
        self.pdf.ln(2)
        self.para(
            _(
                "Each indicator is computed from the platform's own data. A quarter's value "
                "is the last daily snapshot taken in that quarter; the change is against the "
                "previous quarter. Figures are exact (for programme officers); the public "
                "page shows counts below 5 as <5."
            )
        )
        if d.has_live:
            self.para(
                _(
                    "Values marked * were computed when the report was generated: no snapshot "
                    "of them had been taken in this quarter yet."
                ),
                colour=MUTED,
            )
        if d.has_demo:
            self.para(
                _("This report includes demo history generated for the demonstration."),
                colour=(170, 60, 0),
            )
        self.pdf.ln(3)
        self.summary()

    def summary(self) -> None:
        self.heading(pgettext("quarterly report", "Summary"), 13)
        headers = [
            pgettext("quarterly report", "Indicator"),
            self.data.quarter.label(),
            self.data.quarter.previous().label(),
            pgettext("quarterly report", "Change"),
            pgettext("quarterly report", "Unit"),
        ]
        with self.pdf.table(
            col_widths=(80, 25, 25, 22, 28),
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
            line_height=4.5,
            first_row_as_headings=True,
            headings_style=table_headings_style(),
        ) as table:
            table.row(headers)
            for area in self.data.areas:
                if not area.indicators:
                    continue
                row = table.row()
                row.cell(str(area.area.label), colspan=5)
                for s in area.indicators:
                    ind = s.indicator
                    star = " *" if s.current.live else ""
                    table.row(
                        [
                            ind.name.get(self.lang),
                            _value(ind, s.current.value) + star,
                            _value(ind, s.previous.value),
                            _change(ind, s.change),
                            str(UNIT_LABELS.get(ind.unit, ind.unit)),
                        ]
                    )

    def area(self, index: int) -> None:
        area = self.data.areas[index]
        self.pdf.add_page()
        self.heading(f"{index + 1}. {area.area.label}", 15)
        if area.measures:
            self.heading(pgettext("quarterly report", "Measures"), 11)
            for m in area.measures:
                self.ensure(14)
                self.para(f"{m.code}  {m.title(self.lang)}", 9.5)
                self.para(
                    _("Source: %(name)s %(url)s") % {"name": m.source_name, "url": m.source_url},
                    7.5,
                    MUTED,
                )
                self.pdf.ln(1)
        for s in area.indicators:
            self.indicator(s)
        if not area.indicators:
            self.para(_("No indicator is computed for this area yet."), colour=MUTED)

    def indicator(self, s: IndicatorSection) -> None:
        ind = s.indicator
        self.ensure(80)
        self.pdf.ln(2)
        self.heading(ind.name.get(self.lang), 11)
        unit = str(UNIT_LABELS.get(ind.unit, ind.unit))
        self.para(
            _("%(quarter)s: %(value)s (%(unit)s); previous quarter %(previous)s; change %(change)s")
            % {
                "quarter": self.data.quarter.label(),
                "value": _value(ind, s.current.value) + (" *" if s.current.live else ""),
                "unit": unit,
                "previous": _value(ind, s.previous.value),
                "change": _change(ind, s.change),
            }
        )
        y = self.pdf.get_y() + 1
        line_chart(
            self.pdf,
            self.pdf.l_margin,
            y,
            self.width * 0.55,
            45,
            [p.quarter.label() for p in s.points],
            [p.value for p in s.points],
            breaks=s.breaks,
            y_title=unit,
            integer=ind.unit in ("count", "hours", "days"),
        )
        chart_bottom = y + 46
        if s.cells:
            x = self.pdf.l_margin + self.width * 0.58
            self.pdf.set_xy(x, y)
            self.pdf.set_font_size(7.5)
            self.pdf.set_text_color(*MUTED)
            title = _("By %(dimension)s") % {
                "dimension": DIMENSION_LABELS.get(s.dimension, s.dimension)
            }
            self.pdf.text(x, y + 2.5, title)
            self.pdf.set_text_color(0, 0, 0)
            used = bar_chart(
                self.pdf,
                x,
                y + 4,
                self.width * 0.42,
                [c.label for c in s.cells],
                [c.value for c in s.cells],
                bar_height=3.5,
                label_width=self.width * 0.42 * 0.45,
                value_labels=[_value(ind, c.value) for c in s.cells],
            )
            chart_bottom = max(chart_bottom, y + 5 + used)
        self.pdf.set_y(chart_bottom + 1)
        if s.more_cells:
            self.para(
                _("%(count)s more rows in the dashboard's download.") % {"count": s.more_cells},
                7.5,
                MUTED,
            )
        self.para(_("Definition: %(text)s") % {"text": ind.definition.get(self.lang)}, 8)
        self.para(_("How it is computed: %(text)s") % {"text": ind.method.get(self.lang)}, 8)
        self.para(_("Source: %(text)s") % {"text": ind.source.get(self.lang)}, 8, MUTED)
        if ind.target is not None:
            kind = (
                pgettext("quarterly report", "reference point, not a KPI")
                if ind.target.kind == TargetKind.REFERENCE
                else pgettext("quarterly report", "target")
            )
            self.para(
                _("%(kind)s: %(value)s (%(source)s)")
                % {
                    "kind": kind,
                    "value": _value(ind, ind.target.value),
                    "source": ind.target.source_name,
                },
                8,
                MUTED,
            )
        if s.breaks:
            self.para(
                _(
                    "The method changed during this period: the line is not joined across "
                    "the change."
                ),
                8,
                MUTED,
            )

    def context(self) -> None:
        self.pdf.add_page()
        self.heading(_("Context: figures the platform does not compute"), 14)
        self.para(
            _(
                "Published statistics shown for context, with their source and licence; they "
                "are never mixed into the computed indicators. A method break means values "
                "before and after it are not comparable."
            ),
            8.5,
            MUTED,
        )
        if not self.data.context:
            self.para(_("No context figures have been loaded."), colour=MUTED)
            return
        for series in self.data.context:
            values = list(series.values.all())
            self.ensure(22)
            self.pdf.ln(1)
            self.para(f"{series.name(self.lang)} ({series.unit})", 9.5)
            shown = []
            for v in values:
                mark = " ‖" if v.method_break else ""
                shown.append(f"{mark}{v.period}: {format_number(v.value)}")
            self.para("; ".join(shown) or "—", 9)
            self.para(
                _("Source: %(name)s %(url)s")
                % {"name": series.source_name, "url": series.source_url},
                7.5,
                MUTED,
            )
            self.para(_("Licence: %(text)s") % {"text": series.licence}, 7.5, MUTED)
            if series.note:
                self.para(series.note, 7.5, MUTED)

    def render(self) -> bytes:
        self.cover()
        for i in range(len(self.data.areas)):
            self.area(i)
        self.context()
        return pdf_bytes(self.pdf)


def render_report(data: ReportData, lang: str) -> bytes:
    """The PDF of ``data`` in ``lang`` (en, zh-hant or zh-hans)."""
    if lang not in LANGUAGES:
        raise ValueError(_("Unknown language: %(lang)s") % {"lang": lang})
    with translation.override(lang):
        return _Report(data, lang).render()


def quarterly_report(quarter: Quarter, lang: str) -> bytes:
    """Gather the quarter's figures and render them in ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(_("Unknown language: %(lang)s") % {"lang": lang})
    with translation.override(lang):
        return render_report(gather(quarter), lang)


def filename(quarter: Quarter, lang: str) -> str:
    return f"innobridge-plan-{quarter.key}-{lang}.pdf"
