from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innobridge.core.admin import (
    DeletesThroughService,
    InlinesThroughServices,
    NoBulkDelete,
    ReadOnlyInline,
    platform_page_link,
)

from . import models, services

# A call's sides and each side's rubric are written by the call services on the call's
# edit page, which check them as a whole (the rubric's weights, a call not yet open);
# a row-by-row edit here could not, so the admin shows them read-only.


class CallSideInline(ReadOnlyInline):
    model = models.CallSide


class CriterionInline(ReadOnlyInline):
    model = models.Criterion


@admin.register(models.Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "side", "currency"]
    filter_horizontal = ["officers", "reviewer_pool"]


@admin.register(models.Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(models.Call)
class CallAdmin(InlinesThroughServices):
    list_display = ["title", "scheme", "opens_at", "closes_at"]
    readonly_fields = ["platform_page"]
    inlines = [CallSideInline, CriterionInline]

    @admin.display(description=_("Sides and rubric"))
    def platform_page(self, obj: models.Call) -> str:
        if obj.pk is None:
            return ""
        return platform_page_link(reverse("funding:call_edit", args=[obj.pk]))


# A proposal's team and budget are its applicants' (invitations and answers, budget
# lines while a draft, changes after the award: each a service with its own rules);
# an administrator sees them here and does not edit them.


class MemberInline(ReadOnlyInline):
    model = models.TeamMember


class BudgetInline(ReadOnlyInline):
    model = models.BudgetLine


@admin.register(models.Proposal)
class ProposalAdmin(InlinesThroughServices, NoBulkDelete):
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
