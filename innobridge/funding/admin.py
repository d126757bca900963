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
class CallAdmin(InlinesThroughServices, DeletesThroughService):
    """A call is changed through ``services.update_call`` (the call's officers or an
    administrator; what it refuses, such as the rules of a call that has opened, is a
    message on the page): the fields it does not take are shown read-only. A call is
    created with its sides on the platform's page (``services.create_call``), not here,
    and deleted through ``services.delete_call`` (only one never opened, without
    proposals; audited)."""

    list_display = ["title", "scheme", "opens_at", "closes_at"]
    inlines = [CallSideInline, CriterionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        taken = set(services.CALL_FIELDS)
        return ["platform_page"] + [
            f.name
            for f in models.Call._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in taken
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created with its sides by services.create_call, on the platform

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.CALL_FIELDS
        }
        services.update_call(request.user, obj, **fields)  # audited; refusals as messages

    def delete_model(self, request: HttpRequest, obj: models.Call) -> None:
        services.delete_call(request.user, obj)  # audited; refusals as messages

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
