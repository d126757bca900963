"""Grouped figures for dashboards: one aggregate over a queryset, in total or broken down
by one dimension, as rows of (key, label, value). The pillar apps' selectors use it to
offer the Action Plan dashboard their counts and sums without the dashboard reaching
into their models; it is computed in the database (one GROUP BY), so it stays fast at
a million rows.

Within ``batch()`` (a dashboard snapshot computing every indicator for one moment), a
figure asked for twice — a percentage re-asking its numerator and denominator, several
indicators read off one aggregate — is computed once: ``grouped`` remembers its result by
the query's SQL and parameters, and a selector decorated with ``memoised`` by its
arguments. Outside ``batch()`` nothing is remembered. Nothing may be written to the data
the figures read inside the block.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, Count, QuerySet
from django.db.models.functions import TruncQuarter

HK = ZoneInfo("Asia/Hong_Kong")
P = ParamSpec("P")
R = TypeVar("R")

_BATCH: ContextVar[dict[Any, Any] | None] = ContextVar("figures_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Remember figures computed inside the block (see the module's doc); nested blocks
    share the outer one's memory."""
    if _BATCH.get() is not None:
        yield
        return
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


def memoised(fn: Callable[P, R]) -> Callable[P, R]:
    """Inside ``batch()``, call ``fn`` once per distinct (hashable) arguments."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        memory = _BATCH.get()
        if memory is None:
            return fn(*args, **kwargs)
        key = (fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in memory:
            memory[key] = fn(*args, **kwargs)
        result: R = memory[key]
        return result

    return wrapper


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
    memory = _BATCH.get()
    if memory is None:
        return _grouped(qs, dims, by, value)
    try:
        sql, params = qs.query.sql_with_params()
    except Exception:  # an empty result set (``.none()``): nothing worth remembering
        return _grouped(qs, dims, by, value)
    dim = dims[by] if by is not None else None
    key = ("grouped", sql, repr(params), by, dim, repr(value))
    if key not in memory:
        memory[key] = _grouped(qs, dims, by, value)
    return list(memory[key])


def _grouped(
    qs: QuerySet[Any], dims: Mapping[str, Dim], by: str | None, value: Aggregate | None
) -> list[Row]:
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
