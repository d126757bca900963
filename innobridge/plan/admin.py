from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from innobridge.core.admin import (
    DeletesThroughService,
    InlinesThroughServices,
    ReadOnlyAdmin,
    ReadOnlyInline,
)

from .models import ContextSeries, ContextValue, IndicatorSnapshot, Measure
from .services import create_measure, delete_measure, update_measure
from .services.measures import EDITABLE_FIELDS


@admin.register(Measure)
class MeasureAdmin(DeletesThroughService):
    list_display = ["code", "area", "title_en", "source_name", "period_start", "period_end"]
    list_filter = ["area"]
    search_fields = ["code", "title_en", "title_zh_hant", "title_zh_hans"]
    readonly_fields = ["updated_by"]  # set by the services: who changed it last

    def save_model(self, request: HttpRequest, obj: Measure, form: Any, change: bool) -> None:
        """Created and changed through ``create_measure``/``update_measure`` (programme
        officers; audited; a refusal is a message on the page, nothing written)."""
        taken = [name for name in form.cleaned_data if name in EDITABLE_FIELDS]
        if not change:
            made = create_measure(request.user, **{k: form.cleaned_data[k] for k in taken})
            obj.pk = made.pk  # the admin's messages and log name this row
            obj._state.adding = False
            return
        stored = Measure.objects.get(pk=obj.pk)  # the form has changed ``obj`` already
        fields = {
            k: form.cleaned_data[k]
            for k in taken
            if k in form.changed_data and form.cleaned_data[k] != getattr(stored, k)
        }
        if fields:  # a page posted back unchanged writes nothing
            update_measure(request.user, stored, **fields)

    def delete_model(self, request: HttpRequest, obj: Measure) -> None:
        delete_measure(request.user, obj)  # audited


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(ReadOnlyAdmin):
    """Snapshots are written only by ``services.take_snapshot`` (daily by
    ``plan_snapshot``, or by an officer on the plan's page; audited): it computes every
    value from the platform's data for the day and replaces that day's rows as a whole.
    A row typed or deleted here would be a figure no data gives, or a hole in a series
    the report cites, with no audit event: the admin only shows them."""

    list_display = ["indicator_key", "taken_on", "dimension", "key", "value", "is_demo"]
    list_filter = ["indicator_key", "dimension", "is_demo"]
    date_hierarchy = "taken_on"


class ContextValueInline(ReadOnlyInline):
    """A context series' values come from its cited source, loaded by ``innobridge
    plan_seed`` from the committed CSV files; an edit here would no longer match the source
    the report cites, so the admin shows them read-only."""

    model = ContextValue


@admin.register(ContextSeries)
class ContextSeriesAdmin(InlinesThroughServices, ReadOnlyAdmin):
    """A context series (its name, unit, source and licence) is loaded with its values
    from the committed CSV files by ``services.load_context`` (``innobridge plan_seed``,
    audited): the files are the record, and the next load would undo an edit made here.
    No service adds, changes or deletes one series, so the admin shows them read-only;
    a series is corrected in ``plan/data/context/series.csv`` and loaded again."""

    list_display = ["key", "area", "name_en", "unit", "source_name", "licence"]
    inlines = [ContextValueInline]
