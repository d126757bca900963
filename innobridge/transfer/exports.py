"""Funnel exports: CSV (UTF-8 with a byte-order mark, so Excel reads Chinese) and XLSX.
They hold counts and titles only — never a confidential part."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .selectors import STAGES, Funnel, stage_labels


def _table(f: Funnel) -> list[list[object]]:
    labels = stage_labels()
    rows: list[list[object]] = [[_("Stage"), _("Count"), _("Conversion (%)"), _("Median days")]]
    for s in STAGES:
        rows.append([labels[s], f.counts[s], f.conversion[s] or "", f.median_days[s] or ""])
    rows.append([])
    rows.append([_("Offer"), *[labels[s] for s in STAGES[1:]]])
    for r in f.rows:
        rows.append([r["offer"].title, *[r[s] for s in STAGES[1:]]])
    return rows


def funnel_csv(f: Funnel) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerows(_table(f))
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def funnel_xlsx(f: Funnel) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("Funnel")[:31]
    for row in _table(f):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
