from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from innobridge.core.admin import (
    DeletesThroughService,
    InlinesThroughServices,
    NoBulkDelete,
    ReadOnlyAdmin,
    ServiceInline,
    each_through_service,
)

from . import services
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
from .services.programmes import PROGRAMME_FIELDS


class StipendInline(ServiceInline):
    """Added and removed by the programme services (refused once fellows have
    instalments of it); a part is not changed in place, as on the programme's page."""

    model = StipendComponent

    def add_row(self, request: HttpRequest, parent: Any, obj: Any) -> None:
        services.add_stipend(
            request.user,
            parent,
            paid_by=obj.paid_by,
            currency=obj.currency,
            amount=obj.amount,
            schedule=obj.schedule,
        )

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        services.remove_stipend(request.user, obj)


class ChecklistInline(ServiceInline):
    """Steps are added, changed and removed by the programme services (audited); a stay
    keeps its own copy of the steps, so neither a change nor a removal touches the
    stays already made (see ``services.programmes``)."""

    model = ChecklistTemplate

    def add_row(self, request: HttpRequest, parent: Any, obj: Any) -> None:
        services.add_checklist_step(
            request.user,
            parent,
            host_region=obj.host_region,
            title=obj.title,
            days_before_arrival=obj.days_before_arrival,
        )

    def change_row(self, request: HttpRequest, parent: Any, obj: Any, changed: list[str]) -> None:
        services.update_checklist_step(
            request.user, obj, **{name: getattr(obj, name) for name in changed}
        )

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        services.remove_checklist_step(request.user, obj)


@admin.register(Programme)
class ProgrammeAdmin(InlinesThroughServices, NoBulkDelete):
    """A programme is created and changed through ``services.create_programme`` and
    ``services.update_programme`` (audited; a refusal is a message on the page); what
    they do not take (its officers: the creator is its first) is read-only here."""

    list_display = ["title", "kind", "direction", "places", "applications_close", "is_demo"]
    list_filter = ["kind", "direction", "is_demo"]
    search_fields = ["title", "title_zh"]
    inlines = [StipendInline, ChecklistInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        taken = PROGRAMME_FIELDS
        return [
            f.name
            for f in [*Programme._meta.concrete_fields, *Programme._meta.many_to_many]
            if f.editable and not f.primary_key and f.name not in taken
        ]

    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        taken = PROGRAMME_FIELDS
        if not change:
            fields = {k: v for k, v in form.cleaned_data.items() if k in taken}
            made = services.create_programme(request.user, **fields)
            obj.pk = made.pk  # the inlines, the admin's messages and log name this row
            obj._state.adding = False
            return
        stored = Programme.objects.get(pk=obj.pk)  # the form has changed ``obj`` already
        fields = {
            k: form.cleaned_data[k]
            for k in form.changed_data
            if k in taken and form.cleaned_data[k] != getattr(stored, k)
        }
        if fields:  # a page posted back unchanged writes nothing
            services.update_programme(request.user, stored, **fields)


@admin.action(description=_("Close the selected placements"))
def close_placements(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Placement]) -> None:
    """Each selected placement closed through ``services.move_placement`` (the table's
    rule: an approved placement, by its coordinator or an officer; audited). All or
    nothing: a placement refused rolls the others back and is named in the message."""
    closed = each_through_service(
        modeladmin,
        request,
        queryset.select_related("programme"),
        lambda placement: services.move_placement(request.user, placement, "close"),
    )
    if closed is None:
        return
    modeladmin.message_user(
        request,
        ngettext("%(n)d placement closed.", "%(n)d placements closed.", closed) % {"n": closed},
        messages.SUCCESS,
    )


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    """A placement is proposed on the platform (``services.propose_placement``: the host's
    region, the programme's dates) and moves through its lifecycle
    (``workflow.PLACEMENT_FLOW``) only by ``services.move_placement``, which checks who
    may, locks the row and audits: the admin shows placements and closes the selected
    ones by the action; it adds, edits and deletes none."""

    list_display = ["title", "programme", "organisation", "supervisor", "seats", "state"]
    list_filter = ["state", "programme"]
    search_fields = ["title"]
    raw_id_fields = ["supervisor", "organisation"]
    actions = [close_placements]


@admin.register(Application)
class ApplicationAdmin(NoBulkDelete):
    """An application is written by its applicant's services and moves through its
    lifecycle (``workflow.APPLICATION_FLOW``) only by the transition services (nomination,
    shortlisting, offers; each checks who may and is audited): the admin shows it and
    does not add or edit one. Deleting one on its delete page deletes its files with it."""

    list_display = ["applicant", "programme", "state", "review_score", "submitted_at", "is_demo"]
    list_filter = ["state", "programme"]
    raw_id_fields = ["applicant", "home_organisation"]
    # Referee letters are not shown here: they are files for officers and reviewers only.

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Coordinator)
class CoordinatorAdmin(DeletesThroughService):
    """Named and removed through the services (the officer's check, the role, the audit
    event); a coordination is not changed in place: remove it and name another."""

    list_display = ["person", "organisation"]
    raw_id_fields = ["person", "organisation"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Coordinator, form: Any, change: bool) -> None:
        made = services.add_coordinator(request.user, obj.person, obj.organisation)
        obj.pk = made.pk  # the admin's messages and log name the row the service made
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Coordinator) -> None:
        services.remove_coordinator(request.user, obj)  # audited


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """A review is assigned by an officer on the application's page
    (``services.assign_reviewer``: no conflict of interest, once per reviewer) and written
    only by its reviewer on the review's page (``services.submit_review``, which weighs
    the scores by the rubric and sets the application's mean score, or
    ``services.declare_conflict``); each is audited. A score typed here would leave the
    application's mean behind: the admin only shows reviews."""

    list_display = ["application", "reviewer", "state", "total", "updated_at"]
    list_filter = ["state", "application__programme"]
    list_select_related = ["application__applicant", "application__programme", "reviewer"]
    search_fields = [
        "application__applicant__username",
        "application__applicant__display_name",
        "reviewer__username",
        "reviewer__display_name",
    ]


@admin.register(MatchingRun)
class MatchingRunAdmin(ReadOnlyAdmin):
    """A matching run is computed by ``services.run_matching`` on the programme's
    matching page, chosen (``services.choose_run``), adjusted (``services.adjust``, which
    flags the blocking pairs it creates) and turned into offers (``services.send_offers``)
    there by an officer; each is audited. Its pairs and figures come from the
    algorithm: the admin only shows runs."""

    list_display = ["__str__", "programme", "run_by", "chosen", "adjusted", "created_at"]
    list_filter = ["method", "chosen", "adjusted", "programme"]
    list_select_related = ["programme", "run_by"]
    search_fields = ["programme__title", "programme__title_zh"]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    """An offer is made by ``services.send_offers`` (the chosen matching run) or from the
    waiting list when a seat is freed, and moves through its lifecycle
    (``workflow.OFFER_FLOW``) only by the applicant's reply on the offer's page
    (``services.accept_offer``, which makes the stay, or ``services.decline_offer``) or by
    ``services.lapse_overdue`` (the ``exchange_reminders`` command); each moves the
    application with it and is audited. The admin only shows offers."""

    list_display = ["application", "placement", "state", "reply_by", "from_waiting_list"]
    list_filter = ["state", "from_waiting_list", "placement__programme"]
    list_select_related = ["application__applicant", "application__programme", "placement"]
    search_fields = [
        "application__applicant__username",
        "application__applicant__display_name",
        "placement__title",
    ]


@admin.register(Stay)
class StayAdmin(ReadOnlyAdmin):
    """A stay is made when its offer is accepted (``services.accept_offer``: its
    checklist and stipend instalments with it) and moves through its lifecycle
    (``workflow.STAY_FLOW``) only on the stay's page, by its supervisor, fellow or an
    officer (``services.move_stay``, which releases or cancels the instalments, and
    ``services.set_planned_dates``); each is audited. The admin only shows stays."""

    list_display = ["__str__", "placement", "state", "planned_arrival", "planned_departure"]
    list_filter = ["state", "placement__programme"]
    list_select_related = ["application__applicant", "placement__organisation"]
    search_fields = [
        "application__applicant__username",
        "application__applicant__display_name",
        "placement__title",
    ]


@admin.register(StayReport)
class StayReportAdmin(ReadOnlyAdmin):
    """A report is written by the stay's fellow or supervisor on the stay's page
    (``services.submit_report``) and accepted or returned there by an officer
    (``services.review_report``, ``workflow.REPORT_FLOW``: accepting releases the
    stipend instalments waiting for it); each is audited. The admin only shows reports."""

    list_display = ["__str__", "stay", "state", "due_on", "updated_at"]
    list_filter = ["kind", "author_role", "state"]
    list_select_related = ["stay__application__applicant", "stay__placement__organisation"]
    search_fields = [
        "stay__application__applicant__username",
        "stay__application__applicant__display_name",
    ]
