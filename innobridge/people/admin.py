from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Organisation, Person, Publication, ResearcherProfile


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["username", "display_name", "email", "is_demo", "is_staff"]
    list_filter = [*UserAdmin.list_filter, "is_demo"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("InnoBridge", {"fields": ("display_name", "preferred_language", "is_demo")}),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "region", "primary_type", "city", "ror_id", "status"]
    list_filter = ["region", "primary_type", "status"]
    search_fields = ["name", "name_zh", "ror_id", "search_text"]
    filter_horizontal = ["parents"]
    readonly_fields = ["search_text"]


@admin.register(ResearcherProfile)
class ResearcherProfileAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation", "region", "career_stage", "orcid", "is_public"]
    list_filter = ["region", "career_stage", "is_public"]
    search_fields = ["person__display_name", "person__username", "orcid", "search_text"]
    raw_id_fields = ["person", "organisation"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "venue", "doi", "source"]
    list_filter = ["source", "language", "year"]
    search_fields = ["title", "doi", "source_id"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["person", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
