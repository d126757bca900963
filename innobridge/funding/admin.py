from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innobridge.core.admin import (
    DeletesThroughService,
    InlinesThroughServices,
    NoBulkDelete,
    ReadOnlyAdmin,
    ReadOnlyInline,
    RefusalsAsMessages,
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
class FunderAdmin(RefusalsAsMessages):
    """A funder is added and changed through ``services.create_funder`` and
    ``services.update_funder`` (an administrator's, audited; a refusal, such as a new
    currency for a funder with a side in a call, is a message, nothing written). Its
    reviewer pool is its officers', kept on the platform's pool page through
    ``add_to_pool``/``remove_from_pool``: read-only here. A funder is not deleted: its
    calls' sides, decisions and instalments name it."""

    list_display = ["name", "side", "currency"]
    filter_horizontal = ["officers"]
    readonly_fields = ["reviewer_pool", "is_demo"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pass  # written with its officers by the service in save_related

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        taken = set(services.FUNDER_FIELDS)
        if change:
            fields = {n: form.cleaned_data[n] for n in form.changed_data if n in taken}
            if fields:
                services.update_funder(request.user, form.instance, **fields)
        else:
            fields = {n: form.cleaned_data[n] for n in taken if n in form.cleaned_data}
            saved = services.create_funder(request.user, **fields)
            form.instance.pk = saved.pk  # the admin's log and next page name the saved row


@admin.register(models.Scheme)
class SchemeAdmin(DeletesThroughService):
    """A scheme is added, changed and deleted through ``services.create_scheme``,
    ``update_scheme`` and ``delete_scheme`` (a programme officer of one of its funders or
    an administrator; audited; only a scheme no call uses is deleted; a refusal is a
    message, nothing written)."""

    list_display = ["name"]
    readonly_fields = ["is_demo"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pass  # written with its funders by the service in save_related

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        taken = ("name", "name_zh", "description", "funders")
        if change:
            fields = {n: form.cleaned_data[n] for n in form.changed_data if n in taken}
            if "funders" in fields:
                fields["funders"] = list(fields["funders"])
            if fields:
                services.update_scheme(request.user, form.instance, **fields)
        else:
            fields = {n: form.cleaned_data[n] for n in taken}
            fields["funders"] = list(fields["funders"])
            saved = services.create_scheme(request.user, **fields)
            form.instance.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: models.Scheme) -> None:
        services.delete_scheme(request.user, obj)  # audited; refusals as messages


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


@admin.register(models.ConflictOfInterest)
class ConflictOfInterestAdmin(ReadOnlyAdmin):
    """Conflicts are found by the platform (``refresh_conflicts``, ``recheck_conflicts``:
    co-authors, shared institutions, team members) or declared by the reviewer
    (``declare_conflict``, which releases and refills their assignment): a row added or
    removed here would do neither, nor be audited, so the admin only shows them."""

    list_display = ["proposal", "reviewer", "kind", "created_at"]
    list_filter = ["kind"]


@admin.register(models.ReviewAssignment)
class ReviewAssignmentAdmin(DeletesThroughService):
    def delete_model(self, request: HttpRequest, obj: models.ReviewAssignment) -> None:
        services.remove_assignment(request.user, obj)  # the workflow's rule, audited
