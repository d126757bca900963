from django.contrib import admin

from innobridge.core.admin import NoBulkDelete

from .models import (
    Application,
    ChecklistTemplate,
    Coordinator,
    MatchingRun,
    Offer,
    Placement,
    Programme,
    Review,
    Stay,
    StayReport,
    StipendComponent,
)


class StipendInline(admin.TabularInline):
    model = StipendComponent
    extra = 0


class ChecklistInline(admin.TabularInline):
    model = ChecklistTemplate
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(NoBulkDelete):
    list_display = ["title", "kind", "direction", "places", "applications_close", "is_demo"]
    list_filter = ["kind", "direction", "is_demo"]
    search_fields = ["title", "title_zh"]
    inlines = [StipendInline, ChecklistInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "organisation", "supervisor", "seats", "state"]
    list_filter = ["state", "programme"]
    search_fields = ["title"]
    raw_id_fields = ["supervisor", "organisation"]


@admin.register(Application)
class ApplicationAdmin(NoBulkDelete):
    list_display = ["applicant", "programme", "state", "review_score", "submitted_at", "is_demo"]
    list_filter = ["state", "programme"]
    raw_id_fields = ["applicant", "home_organisation"]
    # Referee letters are not shown here: they are files for officers and reviewers only.


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation"]
    raw_id_fields = ["person", "organisation"]


admin.site.register(Review)
admin.site.register(MatchingRun)
admin.site.register(Offer)
admin.site.register(Stay)
admin.site.register(StayReport)
