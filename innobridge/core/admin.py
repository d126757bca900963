from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from .forms import service_error_messages
from .models import AuditEvent, ExchangeRate, PersonalDataView
from .uploads import delete_file_on_commit, files_deleted_with

# --- Deleting rows in the admin --------------------------------------------------------
# Django's "Delete selected" action deletes the rows with one ``queryset.delete()``: no
# service, no audit event, and the files of rows with uploads (and of the rows they
# cascade to) stay in storage. The admin of a model that has a delete service, or whose
# rows hold files, takes one of the two mixins below (tests/core/test_admin_deletes.py
# checks every registered admin).


@admin.action(permissions=["delete"])  # listed under Django's own description
def delete_selected_through_service(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]
) -> Any:
    """Django's action (the confirmation page, the admin log) in one transaction, the
    admin's ``delete_queryset`` deleting row by row through the service: a row the
    service refuses deletes none of them, and the list says why."""
    try:
        with transaction.atomic():
            return django_delete_selected(modeladmin, request, queryset)
    except PermissionDenied as exc:
        if not str(exc):
            raise
        modeladmin.message_user(request, str(exc), messages.ERROR)
    except ValidationError as exc:
        for message in service_error_messages(exc):
            modeladmin.message_user(request, message, messages.ERROR)
    return None


class DeletesThroughService(admin.ModelAdmin):
    """For a model deleted by a service: the subclass's ``delete_model`` calls it (the
    delete page), and "Delete selected" calls ``delete_model`` row by row, all in one
    transaction, so each deletion checks permission and writes its audit event."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        entry = actions.get("delete_selected")
        if entry is not None:  # the user may delete: the same action, through the service
            actions["delete_selected"] = (delete_selected_through_service, entry[1], entry[2])
        return actions

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class NoBulkDelete(admin.ModelAdmin):
    """For rows an administrator does not delete by the list (an account, a proposal, an
    application, a resource: each has a lifecycle with its services, and holds files, or
    rows with files, that a bulk delete would leave in storage): no "Delete selected".
    Deleting one on its delete page deletes its files, and those of the rows it takes
    with it, once the deletion is committed."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        files = files_deleted_with(obj)
        super().delete_model(request, obj)
        for storage, name in files:
            delete_file_on_commit(storage, name)


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
