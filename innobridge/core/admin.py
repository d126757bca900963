from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, ExchangeRate, PersonalDataView


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["base", "quote", "rate", "valid_from", "source"]
    list_filter = ["base", "quote"]
    date_hierarchy = "valid_from"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .services import set_exchange_rate

        set_exchange_rate(
            request.user,
            base=obj.base,
            quote=obj.quote,
            rate=obj.rate,
            valid_from=obj.valid_from,
            source=obj.source,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_repr", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "actor_repr", "object_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    list_display = ["viewed_at", "viewer_repr", "viewer_role", "viewer_region", "item"]
    list_filter = ["viewer_role", "viewer_region", "subject_region", "object_type"]
    search_fields = ["viewer_repr", "item", "object_id"]
    date_hierarchy = "viewed_at"
    readonly_fields = [f.name for f in PersonalDataView._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The edit form of any model pointing at a large table (thousands of organisations and
# people) rendered a <select> with every row: 6-19 s a page. Every relation whose target
# has a searchable admin becomes an autocomplete field instead, in every app, so that a
# new admin cannot forget it.


def autocomplete_large_relations(site: admin.AdminSite | None = None) -> None:
    """Give every registered ModelAdmin (and its inlines) ``autocomplete_fields`` for its
    foreign keys and many-to-many fields to a model whose admin has ``search_fields``.
    Fields already raw-id, read-only or autocompleted are left as they are."""
    site = site or admin.site
    registry = site._registry
    searchable = {model for model, model_admin in registry.items() if model_admin.search_fields}
    for model_admin in list(registry.values()):
        _set_autocomplete(model_admin, model_admin.model, searchable)
        for inline in model_admin.inlines:
            _set_autocomplete(inline, inline.model, searchable)


def _set_autocomplete(target: Any, model: Any, searchable: set[Any]) -> None:
    keep = set(target.autocomplete_fields) | set(target.raw_id_fields)
    readonly = (
        set(target.readonly_fields) if isinstance(target.readonly_fields, list | tuple) else set()
    )
    added = []
    for field in model._meta.get_fields():
        if not (field.is_relation and (field.many_to_one or field.many_to_many)):
            continue
        if field.auto_created or not getattr(field, "editable", False):
            continue
        if field.related_model not in searchable or field.name in keep | readonly:
            continue
        added.append(field.name)
    if added:
        target.autocomplete_fields = (*target.autocomplete_fields, *added)
        # filter_horizontal / filter_vertical widgets would be replaced anyway
        target.filter_horizontal = tuple(f for f in target.filter_horizontal if f not in added)
        target.filter_vertical = tuple(f for f in target.filter_vertical if f not in added)
