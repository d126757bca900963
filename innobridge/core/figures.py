"""Grouped figures for dashboards: one aggregate over a queryset, in total or broken down
by one dimension, as rows of (key, label, value). The pillar apps' selectors use it to
offer the Action Plan dashboard their counts and sums without the dashboard reaching
into their models; it is computed in the database (one GROUP BY), so it stays fast at
a million rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, Count, QuerySet
from django.db.models.functions import TruncQuarter

HK = ZoneInfo("Asia/Hong_Kong")


@dataclass(frozen=True)
class Row:
    """One cell of a breakdown (``key`` and ``label`` empty for the total)."""

    key: str
    label: str
    value: Decimal | None


@dataclass(frozen=True)
class Dim:
    """How to group by one dimension: the field path of the key, optionally the field
    path of a label (an organisation's name) or a function from key to label (the label
    of a choice), and whether the key is a date to be grouped by quarter."""

    field: str
    label_field: str = ""
    label: Callable[[str], str] | None = None
    quarter: bool = False


def quarter_key(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _number(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, dt.timedelta):
        return Decimal(str(value.total_seconds()))
    return Decimal(str(value))


def grouped(
    qs: QuerySet[Any],
    dims: Mapping[str, Dim],
    by: str | None = None,
    *,
    value: Aggregate | None = None,
) -> list[Row]:
    """``value`` (default: distinct count of rows) over ``qs``, in total (``by`` None:
    one row with empty key) or per key of dimension ``by`` (one of ``dims``), largest
    first. Rows whose key is empty (no organisation, no city) are grouped under "".
    Raises ``KeyError`` for a dimension the figure does not support."""
    agg = value if value is not None else Count("pk", distinct=True)
    if by is None:
        result = qs.aggregate(v=agg)["v"]
        return [Row("", "", _number(result))]
    dim = dims[by]
    if dim.quarter:
        rows = (
            qs.annotate(_q=TruncQuarter(dim.field, tzinfo=HK))
            .values("_q")
            .annotate(v=agg)
            .order_by("_q")
        )
        out: dict[str, Decimal] = {}
        for r in rows:
            if r["_q"] is None:
                continue
            day = r["_q"].date() if isinstance(r["_q"], dt.datetime) else r["_q"]
            k = quarter_key(day)
            out[k] = out.get(k, Decimal(0)) + _number(r["v"])
        return [Row(k, k, v) for k, v in sorted(out.items())]
    fields = [dim.field] + ([dim.label_field] if dim.label_field else [])
    rows = qs.values(*fields).annotate(v=agg).order_by(dim.field)
    merged: dict[str, tuple[str, Decimal]] = {}
    for r in rows:
        key = "" if r[dim.field] is None else str(r[dim.field])
        if dim.label_field:
            label = str(r[dim.label_field] or "")
        elif dim.label is not None:
            label = dim.label(key) if key else ""
        else:
            label = key
        prev = merged.get(key)
        merged[key] = (label, (prev[1] if prev else Decimal(0)) + _number(r["v"]))
    result_rows = [Row(k, lbl, v) for k, (lbl, v) in merged.items()]
    result_rows.sort(key=lambda row: (-(row.value or 0), row.label, row.key))
    return result_rows


def region_label(key: str) -> str:
    from .models import Region

    return str(dict(Region.choices).get(key, key))
