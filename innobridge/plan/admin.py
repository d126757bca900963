from django.contrib import admin
from django.http import HttpRequest

from innobridge.core.admin import (
    DeletesThroughService,
    InlinesThroughServices,
    ReadOnlyAdmin,
    ReadOnlyInline,
)

from .models import ContextSeries, ContextValue, IndicatorSnapshot, Measure
from .services import delete_measure


@admin.register(Measure)
class MeasureAdmin(DeletesThroughService):
    list_display = ["code", "area", "title_en", "source_name", "period_start", "period_end"]
    list_filter = ["area"]
    search_fields = ["code", "title_en", "title_zh_hant", "title_zh_hans"]

    def delete_model(self, request: HttpRequest, obj: Measure) -> None:
        delete_measure(request.user, obj)  # audited


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(admin.ModelAdmin):
    list_display = ["indicator_key", "taken_on", "dimension", "key", "value", "is_demo"]
    list_filter = ["indicator_key", "dimension", "is_demo"]
    date_hierarchy = "taken_on"

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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
