"""The plan app's registry of audit action names (passed to ``record_event``)."""

from __future__ import annotations

from django.db import models


class PlanAction(models.TextChoices):
    MEASURE_CREATED = "plan.measure.created"
    MEASURE_UPDATED = "plan.measure.updated"
    MEASURE_DELETED = "plan.measure.deleted"
    SNAPSHOT_TAKEN = "plan.snapshot.taken"
    CONTEXT_LOADED = "plan.context.loaded"
