from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from innobridge.core.admin import (
    DeletesThroughService,
    InlinesThroughServices,
    NoBulkDelete,
    ReadOnlyAdmin,
    RefusalsAsMessages,
    ServiceInline,
    each_through_service,
)

from . import services
from .models import (
    Booking,
    CalendarFeed,
    Charge,
    Dispute,
    Facility,
    MaintenanceBlock,
    Resource,
    Tariff,
    TrainingCertificate,
    UsageRecord,
)


class TariffInline(ServiceInline):
    """Set and removed by the tariff services (the manager's check, the audit event)."""

    model = Tariff

    def add_row(self, request: HttpRequest, parent: Any, obj: Any) -> None:
        fields = {name: getattr(obj, name) for name in services.TARIFF_FIELDS}
        services.set_tariff(request.user, parent, obj.category, **fields)

    def change_row(self, request: HttpRequest, parent: Any, obj: Any, changed: list[str]) -> None:
        if "category" in changed:  # another category's tariff: the old one goes
            services.remove_tariff(request.user, Tariff.objects.get(pk=obj.pk))
        self.add_row(request, parent, obj)

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        services.remove_tariff(request.user, obj)


class MaintenanceInline(ServiceInline):
    """Added (refused over live bookings) and removed by the maintenance services; a
    block is not changed in place (remove it and add another), as on the resource's
    page."""

    model = MaintenanceBlock

    def add_row(self, request: HttpRequest, parent: Any, obj: Any) -> None:
        services.add_maintenance(request.user, parent, obj.starts_at, obj.ends_at, obj.reason)

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        services.remove_maintenance(request.user, obj)


@admin.register(Facility)
class FacilityAdmin(RefusalsAsMessages):
    """A facility is added and changed through ``services.create_facility`` and
    ``services.update_facility`` (facility managers and administrators; its managers
    must hold the facility manager role; audited; a refusal is a message, nothing
    written). It is not deleted here: it is taken off the platform by unticking
    "published" (audited), and its resources' bookings and charges stay the record."""

    list_display = ["name", "organisation", "region", "city", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["name", "name_zh", "organisation__name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["managers"]
    # As the facility's own form: an address typed without a scheme is https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pass  # written with its managers by the service in save_related

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        taken = (*services.FACILITY_FIELDS, "managers")
        if change:
            fields = {n: form.cleaned_data[n] for n in form.changed_data if n in taken}
            if fields:  # a page posted back unchanged writes nothing
                services.update_facility(request.user, form.instance, **fields)
        else:
            fields = {n: form.cleaned_data[n] for n in taken if n in form.cleaned_data}
            made = services.create_facility(request.user, **fields)
            form.instance.pk = made.pk  # the admin's log and next page name the saved row


@admin.register(Resource)
class ResourceAdmin(InlinesThroughServices, NoBulkDelete):
    """A resource is created and changed through ``services.save_resource`` (the
    facility's managers or an administrator; its checks, the audit event; a refusal is a
    message on the page, nothing written). What the service does not take is read-only:
    the facility once the resource exists (a resource does not move to another
    facility), its time zone."""

    list_display = [
        "name",
        "kind",
        "facility",
        "approval_required",
        "training_required",
        "is_active",
    ]
    list_filter = ["kind", "holiday_calendar", "is_active"]
    search_fields = ["name", "name_zh", "search_text"]
    inlines = [TariffInline, MaintenanceInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        taken = {*services.RESOURCE_FIELDS, *(["facility"] if obj is None else [])}
        return ["search_text"] + [
            f.name
            for f in Resource._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in taken
        ]

    def save_model(self, request: HttpRequest, obj: Resource, form: Any, change: bool) -> None:
        taken = [name for name in form.cleaned_data if name in services.RESOURCE_FIELDS]
        if not change:
            fields = {name: _service_value(name, form.cleaned_data[name]) for name in taken}
            made = services.save_resource(request.user, obj.facility, None, **fields)
            obj.pk = made.pk  # the inlines, the admin's messages and log name this row
            obj._state.adding = False
            return
        stored = Resource.objects.get(pk=obj.pk)  # the form has changed ``obj`` already
        fields = {
            name: _service_value(name, form.cleaned_data[name])
            for name in taken
            if name in form.changed_data and form.cleaned_data[name] != getattr(stored, name)
        }
        if fields:  # a page posted back unchanged writes nothing
            services.save_resource(request.user, stored.facility, stored, **fields)


def _service_value(name: str, value: Any) -> Any:
    """A value as the service takes it; for the photo: a new upload, "" when the box
    "Clear" is ticked (the form's False), None (keep the photo) otherwise."""
    if name != "photo":
        return value
    if value is False:
        return ""
    return value if hasattr(value, "read") and not getattr(value, "_committed", False) else None


def _booking_action(
    write: Callable[[Any, Booking], Any], done: Callable[[int], str]
) -> Callable[..., None]:
    """An admin action moving each selected booking with ``write`` (a transition service:
    the manager's check, the table, the audit, the booker's e-mail). All or nothing: a
    booking the service refuses rolls the others back and is named in the message."""

    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        moved = each_through_service(
            modeladmin,
            request,
            queryset.select_related("resource__facility"),
            lambda booking: write(request.user, booking),
        )
        if moved is None:
            return
        modeladmin.message_user(request, done(moved), messages.SUCCESS)

    return action


@admin.action(description=_("Approve the selected bookings"))
def approve_bookings(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
    _booking_action(
        services.approve_booking,
        lambda n: ngettext("%(n)d booking approved.", "%(n)d bookings approved.", n) % {"n": n},
    )(modeladmin, request, queryset)


@admin.action(description=_("Cancel the selected bookings"))
def cancel_bookings(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
    _booking_action(
        services.cancel_booking,
        lambda n: ngettext("%(n)d booking cancelled.", "%(n)d bookings cancelled.", n) % {"n": n},
    )(modeladmin, request, queryset)


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    """A booking moves through its lifecycle (``workflow.BOOKING_FLOW``) only by the
    transition services, which check who may, lock the row, audit and tell the booker:
    here it is shown, never edited, added or deleted, and the selected bookings are
    approved or cancelled by the actions, through ``approve_booking`` and
    ``cancel_booking``. A rejection needs a reason for the booker: it is made on the
    facility's page."""

    list_display = ["resource", "booker", "starts_at", "ends_at", "status", "price", "currency"]
    list_filter = ["status", "category"]
    search_fields = ["resource__name", "booker__username"]
    date_hierarchy = "starts_at"
    actions = [approve_bookings, cancel_bookings]


@admin.register(TrainingCertificate)
class TrainingCertificateAdmin(DeletesThroughService):
    def delete_model(self, request: HttpRequest, obj: TrainingCertificate) -> None:
        services.revoke_certificate(request.user, obj)  # audited


# Usage, charges and disputes are written by their services on the facility's pages
# (``record_usage`` and ``mark_no_show`` charge the booking, ``raise_dispute`` and
# ``resolve_dispute`` adjust a charge: each checks who may, keeps the booking, its usage
# and its charges in step, and is audited). An edit here would do none of that: the
# admin shows them only.


@admin.register(UsageRecord)
class UsageRecordAdmin(ReadOnlyAdmin):
    list_display = ["booking", "recorded_at"]


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ["booking", "kind", "amount", "currency", "status"]
    list_filter = ["kind", "status"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["charge", "status", "created_at"]
    list_filter = ["status"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(DeletesThroughService):
    """Administrators can see who subscribes and turn a subscription off (delete: the
    service revokes it, audited); the secret itself is never shown."""

    list_display = ["person", "created_at", "last_used_at"]
    search_fields = ["person__username", "person__email"]
    exclude = ["token"]
    readonly_fields = ["person", "created_at", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: CalendarFeed) -> None:
        services.revoke_calendar_feed(request.user, obj.person)  # audited
