"""Snapshots: a dated copy of every indicator's total and every breakdown cell, so that
the time series survive later changes of the data. Taken daily (``plan_snapshot`` from
cron) and on demand by an officer."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from innobridge.core.figures import batch
from innobridge.core.services import record_event

from ..audit import PlanAction
from ..indicators import registry
from ..indicators.base import Indicator
from ..models import IndicatorSnapshot
from ..permissions import require_take_snapshot

logger = logging.getLogger(__name__)
HK = ZoneInfo("Asia/Hong_Kong")


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` in Hong Kong (an "as of" for that day's snapshot)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=HK)


def today_hk() -> dt.date:
    return timezone.now().astimezone(HK).date()


def snapshot_rows(
    ind: Indicator, day: dt.date, *, is_demo: bool = False
) -> list[IndicatorSnapshot]:
    """The unsaved snapshot rows of one indicator for ``day``: total and each breakdown."""
    as_of = end_of_day(day)
    common = {
        "indicator_key": ind.key,
        "taken_on": day,
        "method_version": ind.method_version,
        "is_demo": is_demo,
    }
    rows = [IndicatorSnapshot(value=ind.total(as_of), **common)]
    for dim in ind.breakdowns:
        for cell in ind.breakdown(as_of, dim):
            rows.append(
                IndicatorSnapshot(
                    dimension=dim,
                    key=cell.key[:100],
                    label=cell.label[:300],
                    value=cell.value,
                    **common,
                )
            )
    return rows


def take_snapshot(
    actor: Any = None,
    *,
    day: dt.date | None = None,
    keys: Iterable[str] | None = None,
    past: bool = False,
    is_demo: bool = False,
) -> int:
    """Store the snapshot of ``day`` (default today in Hong Kong) for every indicator (or
    those in ``keys``), replacing that day's earlier snapshot; returns the rows written.

    ``past``: a snapshot of a day gone by, computed "as of" that day — only the indicators
    whose values can be computed honestly for a past moment (``historical``) are taken;
    the others keep only what was snapshotted on the day itself. A day in the future is
    refused. An actor given (an officer asking from the page) must hold the right."""
    if actor is not None and not isinstance(actor, str):
        require_take_snapshot(actor)
    today = today_hk()
    day = day or today
    if day > today:
        raise ValueError("A snapshot cannot be taken for a day in the future.")
    if day < today:
        past = True
    selected = [registry.get(k) for k in keys] if keys is not None else registry.all_indicators()
    if past:
        selected = [i for i in selected if i.historical]
    # One batch: a figure several indicators read (the facilities' usage, a percentage's
    # numerator and denominator) is computed once for the day.
    with transaction.atomic(), batch():
        rows = [r for ind in selected for r in snapshot_rows(ind, day, is_demo=is_demo)]
        IndicatorSnapshot.objects.filter(
            indicator_key__in=[i.key for i in selected], taken_on=day
        ).delete()
        IndicatorSnapshot.objects.bulk_create(rows, batch_size=5000)
        written = len(rows)
        record_event(
            actor,
            PlanAction.SNAPSHOT_TAKEN,
            object_type="plan.snapshot",
            object_id=day.isoformat(),
            after={
                "day": day.isoformat(),
                "indicators": [i.key for i in selected],
                "rows": written,
                "past": past,
                "demo": is_demo,
            },
        )
    logger.info("plan snapshot of %s: %d rows", day, written)
    return written
