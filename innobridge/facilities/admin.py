from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from innobridge.core.admin import (
    DeletesThroughService,
    InlinesThroughServices,
    NoBulkDelete,
    ServiceInline,
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
class FacilityAdmin(NoBulkDelete):
    list_display = ["name", "organisation", "region", "city", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["name", "name_zh", "organisation__name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["managers"]


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


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["resource", "booker", "starts_at", "ends_at", "status", "price", "currency"]
    list_filter = ["status", "category"]
    search_fields = ["resource__name", "booker__username"]
    date_hierarchy = "starts_at"


@admin.register(TrainingCertificate)
class TrainingCertificateAdmin(DeletesThroughService):
    def delete_model(self, request: HttpRequest, obj: TrainingCertificate) -> None:
        services.revoke_certificate(request.user, obj)  # audited


admin.site.register(UsageRecord)
admin.site.register(Charge)
admin.site.register(Dispute)


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
