"""Every table of the dashboard as CSV (UTF-8 with a byte-order mark, so Excel reads
Chinese; ``core.exports.csv_response``) or XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.translation import gettext as _

from innobridge.core.exports import csv_response

from . import selectors
from .indicators.base import DIMENSION_LABELS, UNIT_LABELS, Indicator

Table = list[list[object]]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _num(value: object) -> object:
    return "" if value is None else value


def series_table(ind: Indicator) -> Table:
    s = selectors.quarterly_series(ind)
    rows: Table = [[_("Period"), _("Date"), ind.name.get(), _("Demo history")]]
    for p in s.points:
        rows.append(
            [
                _("today") if p.live else p.label,
                p.day.isoformat(),
                _num(p.value),
                _("yes") if p.is_demo else "",
            ]
        )
    return rows


def breakdown_table(ind: Indicator, dimension: str) -> Table:
    rows: Table = [[str(DIMENSION_LABELS.get(dimension, dimension)), _("Key"), ind.name.get()]]
    for r in selectors.breakdown_table(ind, dimension):
        rows.append([selectors.cell_label(ind, dimension, r.key, r.label), r.key, _num(r.value)])
    return rows


def with_notes(ind: Indicator, table: Table) -> Table:
    """The table followed by the indicator's unit, definition, method and source."""
    return [
        *table,
        [],
        [_("Unit"), str(UNIT_LABELS.get(ind.unit, ind.unit))],
        [_("Definition"), ind.definition.get()],
        [_("How it is computed"), ind.method.get()],
        [_("Source"), ind.source.get()],
    ]


def to_csv(rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


def to_xlsx(rows: Sequence[Sequence[object]], title: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = (title or "table")[:31]
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def response(rows: Table, filename: str, fmt: str, sheet: str) -> HttpResponse:
    if fmt == "csv":
        return csv_response(to_csv(rows), f"{filename}.csv")
    resp = HttpResponse(to_xlsx(rows, sheet), content_type=XLSX_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return resp
