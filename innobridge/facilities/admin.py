from django.contrib import admin
from django.http import HttpRequest

from innobridge.core.admin import DeletesThroughService, NoBulkDelete

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


class TariffInline(admin.TabularInline):
    model = Tariff
    extra = 0


class MaintenanceInline(admin.TabularInline):
    model = MaintenanceBlock
    extra = 0


@admin.register(Facility)
class FacilityAdmin(NoBulkDelete):
    list_display = ["name", "organisation", "region", "city", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["name", "name_zh", "organisation__name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["managers"]


@admin.register(Resource)
class ResourceAdmin(NoBulkDelete):
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
    readonly_fields = ["search_text"]
    inlines = [TariffInline, MaintenanceInline]


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
class CalendarFeedAdmin(admin.ModelAdmin):
    """Administrators can see who subscribes and turn a subscription off (delete); the
    secret itself is never shown."""

    list_display = ["person", "created_at", "last_used_at"]
    search_fields = ["person__username", "person__email"]
    exclude = ["token"]
    readonly_fields = ["person", "created_at", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
