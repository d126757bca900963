"""Measures of the Plan, edited by programme officers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from innobridge.core.services import record_event, snapshot

from ..audit import PlanAction
from ..models import Measure
from ..permissions import require_edit_measure

EDITABLE_FIELDS = [
    "area",
    "code",
    "title_en",
    "title_zh_hant",
    "title_zh_hans",
    "description_en",
    "description_zh_hant",
    "description_zh_hans",
    "source_name",
    "source_url",
    "responsible_sides",
    "period_start",
    "period_end",
    "indicator_keys",
    "order",
]


def _apply(measure: Measure, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in data.items():
        setattr(measure, name, value)


@transaction.atomic
def create_measure(actor: Any, **data: Any) -> Measure:
    """A new measure; validated against the model (and the indicator registry)."""
    if not isinstance(actor, str):
        require_edit_measure(actor)
    measure = Measure()
    _apply(measure, data)
    measure.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    measure.full_clean()
    measure.save()
    record_event(actor, PlanAction.MEASURE_CREATED, measure, after=snapshot(measure))
    return measure


@transaction.atomic
def update_measure(actor: Any, measure: Measure, **data: Any) -> Measure:
    require_edit_measure(actor)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    before = snapshot(measure)
    _apply(measure, data)
    measure.updated_by = actor
    measure.full_clean()
    measure.save()
    record_event(actor, PlanAction.MEASURE_UPDATED, measure, before=before, after=snapshot(measure))
    return measure


@transaction.atomic
def delete_measure(actor: Any, measure: Measure) -> None:
    require_edit_measure(actor)
    before = snapshot(measure)
    record_event(actor, PlanAction.MEASURE_DELETED, measure, before=before)
    measure.delete()
