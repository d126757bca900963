from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from innobridge.core.admin import DeletesThroughService, NoBulkDelete

from . import models, services


class CallSideInline(admin.TabularInline):
    model = models.CallSide
    extra = 0


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


@admin.register(models.Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "side", "currency"]
    filter_horizontal = ["officers", "reviewer_pool"]


@admin.register(models.Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(models.Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "scheme", "opens_at", "closes_at"]
    inlines = [CallSideInline, CriterionInline]


class MemberInline(admin.TabularInline):
    model = models.TeamMember
    extra = 0


class BudgetInline(admin.TabularInline):
    model = models.BudgetLine
    extra = 0


@admin.register(models.Proposal)
class ProposalAdmin(NoBulkDelete):
    list_display = ["title", "call", "lead", "state"]
    list_filter = ["state", "call"]
    inlines = [MemberInline, BudgetInline]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # state changes go through the services (audited)


@admin.register(models.Project)
class ProjectAdmin(NoBulkDelete):
    list_display = ["title", "status", "start_date", "end_date"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.register(models.ConflictOfInterest)


@admin.register(models.ReviewAssignment)
class ReviewAssignmentAdmin(DeletesThroughService):
    def delete_model(self, request: HttpRequest, obj: models.ReviewAssignment) -> None:
        services.remove_assignment(request.user, obj)  # the workflow's rule, audited
