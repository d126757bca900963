from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import BaseModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

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


def refusal_messages(exc: Exception) -> list[str] | None:
    """The messages of a service's refusal (a ``ValidationError``, or a
    ``PermissionDenied`` saying why), or None for anything else (Django's own bare
    ``PermissionDenied``, which stays a 403)."""
    if isinstance(exc, ValidationError):
        return service_error_messages(exc)
    if isinstance(exc, PermissionDenied) and str(exc):
        return [str(exc)]
    return None


def each_through_service(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    rows: Iterable[Any],
    write: Callable[[Any], Any],
) -> int | None:
    """An admin action's work: ``write(row)`` (a service call) for each row, in one
    transaction. All or nothing: a row the service refuses rolls back the rows already
    written, and its refusal is shown naming that row. Returns how many rows were written,
    or None when one was refused (the action then says nothing more)."""
    done, row = 0, None
    try:
        with transaction.atomic():
            for row in rows:
                write(row)
                done += 1
    except (PermissionDenied, ValidationError) as exc:
        found = refusal_messages(exc)
        if found is None:
            raise
        for message in found:
            modeladmin.message_user(
                request,
                _("%(row)s: %(problem)s") % {"row": row, "problem": message},
                messages.ERROR,
            )
        return None
    return done


class RefusalsAsMessages(admin.ModelAdmin):
    """A service refusing a save or a delete made on an admin page (its add, change or
    delete page) rolls that page's transaction back and comes back as an error message
    on the page the administrator came from, as "Delete selected" does, not as an error
    page."""

    def _unless_refused(
        self, request: HttpRequest, view: Callable[[], HttpResponse]
    ) -> HttpResponse | None:
        """``view()`` in a transaction; None when a service refused (its messages shown,
        nothing written)."""
        try:
            with transaction.atomic():
                return view()
        except (PermissionDenied, ValidationError) as exc:
            found = refusal_messages(exc)
            if found is None:
                raise
        for message in found:
            self.message_user(request, message, messages.ERROR)
        return None

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = self._unless_refused(
            request,
            lambda: super(RefusalsAsMessages, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )
        if response is not None:
            return response
        return HttpResponseRedirect(request.get_full_path())

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = self._unless_refused(
            request,
            lambda: super(RefusalsAsMessages, self).delete_view(request, object_id, extra_context),
        )
        if response is not None:
            return response
        opts = self.opts
        change = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[object_id],
            current_app=self.admin_site.name,
        )
        return HttpResponseRedirect(change)


class DeletesThroughService(RefusalsAsMessages):
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


# --- Inline rows in the admin ----------------------------------------------------------
# An inline (the rows of a model edited on its parent's page) saves and deletes its rows
# with ``formset.save()``: no service, no audit event. The inline of a model the app's
# services write takes ``ServiceInline``: it offers only what the app's services do
# (``add_row``, ``change_row``, ``delete_row``, each calling a service), and its parent
# admin, an ``InlinesThroughServices``, calls them in the page's transaction. An inline
# defining none of them is read-only: the rows are written on the platform's own pages
# (tests/core/test_admin_deletes.py checks every registered admin's inlines).


class ServiceInline(admin.TabularInline):
    extra = 0

    def add_row(self, request: HttpRequest, parent: Model, obj: Model) -> None:
        """Create ``obj`` (unsaved, its fields from the form) through the service."""
        raise NotImplementedError

    def change_row(
        self, request: HttpRequest, parent: Model, obj: Model, changed: list[str]
    ) -> None:
        """Save the ``changed`` fields of ``obj`` through the service."""
        raise NotImplementedError

    def delete_row(self, request: HttpRequest, obj: Model) -> None:
        """Delete ``obj`` through the service."""
        raise NotImplementedError

    @classmethod
    def offers(cls, method: str) -> bool:
        """Whether the subclass defines ``method`` (``add_row`` …): what it offers."""
        return getattr(cls, method) is not getattr(ServiceInline, method)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.offers("add_row") and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.offers("change_row") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.offers("delete_row") and super().has_delete_permission(request, obj)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.service_inline = self  # type: ignore[attr-defined]  # for save_formset
        return formset


class ReadOnlyInline(ServiceInline):
    """Rows shown on their parent's admin page but written only on the platform's own
    pages (where the service checks them as a whole): no add, change or delete here."""


def platform_page_link(url: str) -> str:
    """A link to the platform page where what an admin page shows read-only is edited."""
    return format_html('<a href="{}">{}</a>', url, _("Edit on the platform"))


class InlinesThroughServices(RefusalsAsMessages):
    """The parent admin of ``ServiceInline``s: their rows are deleted, changed and added
    (in that order) through the services, in the page's transaction; a refusal rolls
    the whole save back and is shown as a message naming the row."""

    def save_formset(
        self, request: HttpRequest, form: BaseModelForm[Any], formset: Any, change: bool
    ) -> None:
        inline = getattr(formset, "service_inline", None)
        if inline is None:
            super().save_formset(request, form, formset, change)
            return
        parent = form.instance
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            _naming_the_row(obj, lambda obj=obj: inline.delete_row(request, obj))
        for obj, changed in formset.changed_objects:
            _naming_the_row(
                obj, lambda obj=obj, ch=changed: inline.change_row(request, parent, obj, ch)
            )
        for obj in formset.new_objects:
            _naming_the_row(obj, lambda obj=obj: inline.add_row(request, parent, obj))


def _naming_the_row(obj: Model, write: Any) -> None:
    try:
        write()
    except ValidationError as exc:
        raise ValidationError(
            [
                _("%(row)s: %(problem)s") % {"row": obj, "problem": problem}
                for problem in service_error_messages(exc)
            ]
        ) from exc


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
class ExchangeRateAdmin(DeletesThroughService):
    """Rates are set (or corrected) and deleted through the core services (an
    administrator's, audited). A recorded rate's pair and day are not changed in place:
    the service corrects the rate of a pair and day, so a rate for another day is added,
    and a wrong one deleted."""

    list_display = ["base", "quote", "rate", "valid_from", "source"]
    list_filter = ["base", "quote"]
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "base", "quote", "valid_from"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .services import set_exchange_rate

        saved = set_exchange_rate(
            request.user,
            base=obj.base,
            quote=obj.quote,
            rate=obj.rate,
            valid_from=obj.valid_from,
            source=obj.source,
        )
        obj.pk = saved.pk  # the admin's log and its next page name the saved row

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from .services import delete_exchange_rate

        delete_exchange_rate(request.user, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record written only by the platform (audit events, personal-data views, API
    tokens): the admin lists and shows it, and adds, changes or deletes nothing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_repr", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "actor_repr", "object_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    list_display = ["viewed_at", "viewer_repr", "viewer_role", "viewer_region", "item"]
    list_filter = ["viewer_role", "viewer_region", "subject_region", "object_type"]
    search_fields = ["viewer_repr", "item", "object_id"]
    date_hierarchy = "viewed_at"
    readonly_fields = [f.name for f in PersonalDataView._meta.fields]


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
