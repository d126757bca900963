"""Pages of the funded project: milestones, reports, disbursements, changes, termination."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.language import name_in_language
from innobridge.core.personpages import person_page

from .. import permissions, selectors, services
from ..forms import (
    ChangeRequestForm,
    DecideChangeForm,
    InstalmentForm,
    MilestoneForm,
    RatingForm,
    ReportForm,
    TerminateForm,
)
from ..models import (
    ApprovalSubject,
    BudgetCategory,
    BudgetSource,
    ChangeKind,
    ChangeRequest,
    Disbursement,
    InvitationStatus,
    MemberRole,
    Project,
    ProjectStatus,
    Report,
)
from ..workflow import CHANGE_FLOW, PROJECT_FLOW
from ._helpers import CHOICES, act, act_on_form


@person_page("funding.projects")
def project_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.public_projects()
    mine = set(selectors.visible_projects(request.user).values_list("pk", flat=True))
    lang = translation.get_language() or ""
    for row in rows:
        row["can_open"] = row["id"] in mine
        for o in row["partners"]:  # institutions in the UI's language and script
            o["shown"] = name_in_language(o["name"], o["name_zh"] or "", lang)
    return render(request, "funding/projects.html", {"projects": rows})


def _project(request: HttpRequest, pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("proposal", "proposal__call"), pk=pk)
    if not selectors.can_view_project(request.user, project):
        raise Http404
    return project


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    call = project.proposal.call
    milestones = list(project.milestones.all())
    today = timezone.localdate()
    ctx = {
        "project": project,
        "status": project.current_status(today),  # as of today; the stored one catches up daily
        "p": project.proposal,
        "members": project.proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related(
            "person", "organisation"
        ),
        "milestones": [
            {"m": m, "overdue": m.is_overdue(today), "reports": m.reports.all()} for m in milestones
        ],
        "disbursements": project.disbursements.select_related("depends_on", "funder"),
        "changes": project.change_requests.all(),
        # the buttons: what the transition tables let this user do now
        "actions": PROJECT_FLOW.allowed_actions(request.user, project),
        "decidable_changes": {
            c.pk
            for c in project.change_requests.all()
            if CHANGE_FLOW.allowed_actions(request.user, c)
        },
        "termination_approvals": project.approvals.filter(
            subject=ApprovalSubject.TERMINATION
        ).select_related("funder"),
        "decisions": project.proposal.decisions.select_related("funder"),
        "is_team": permissions.can_work_on_proposal(request.user, project.proposal),
        "is_officer": permissions.can_manage_call(request.user, call),
        "my_funder_ids": {
            cs.funder_id
            for cs in call.sides.all()
            if permissions.can_act_for_funder(request.user, cs.funder)
        },
        "my_sides": {
            cs.side
            for cs in call.sides.all()
            if permissions.can_act_for_funder(request.user, cs.funder)
        },
        "sides": call.sides.select_related("funder"),
        "change_kinds": ChangeKind.choices,
        "categories": BudgetCategory.choices,
        "sources": BudgetSource.choices,
        "roles": [c for c in MemberRole.choices if c[0] != MemberRole.LEAD],
        "line_rows": range(4),
        "my_funders": [
            cs.funder
            for cs in call.sides.all()
            if permissions.can_act_for_funder(request.user, cs.funder)
        ],
    }
    return render(request, "funding/project_detail.html", CHOICES | ctx)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return act_on_form(
        request,
        MilestoneForm(request.POST),
        lambda d: services.add_milestone(
            request.user, project, title=d["title"], due_date=d["due_date"]
        ),
        _("Milestone added."),
        project.get_absolute_url(),
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return act_on_form(
        request,
        ReportForm(request.POST, project=project),
        lambda d: services.submit_report(
            request.user,
            project,
            milestone=d["milestone"],
            summary=d["summary"],
            files=request.FILES.getlist("files"),
        ),
        _("Report submitted."),
        project.get_absolute_url(),
    )


@login_required
@require_POST
def report_rate(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    return act_on_form(
        request,
        RatingForm(request.POST),
        lambda d: services.rate_report(
            request.user, report, rating=d["rating"], comment=d["comment"]
        ),
        _("Assessment recorded."),
        report.project.get_absolute_url(),
    )


@login_required
@require_POST
def disbursement_release(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_object_or_404(Disbursement, pk=pk)
    return act(
        request,
        lambda: services.release_disbursement(request.user, d),
        _("Instalment released."),
        d.project.get_absolute_url(),
    )


@login_required
@require_POST
def change_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = ChangeRequestForm(request.POST, project=project)
    return act_on_form(
        request,
        form,
        lambda d: services.request_change(
            request.user,
            project,
            kind=d["kind"],
            side=d["side"],
            description=d["description"],
            new_end_date=d["new_end_date"],
            new_budget=form.new_budget(),
            remove_member=d["remove_member"],
            add_person=d["add_person"],
            add_role=d["add_role"] or MemberRole.CO_INVESTIGATOR,
        ),
        _("Change request sent to the funder."),
        project.get_absolute_url(),
    )


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(ChangeRequest, pk=pk)
    return act_on_form(
        request,
        DecideChangeForm(request.POST),
        lambda d: services.decide_change(request.user, c, approve=d["approve"], note=d["note"]),
        _("Decision recorded."),
        c.project.get_absolute_url(),
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.mark_notifications_read(request.user)
        return redirect("funding:notifications")
    items = selectors.notifications_of(request.user)[:100]
    return render(request, "funding/notifications.html", {"items": items})


@login_required
@require_POST
def disbursement_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return act_on_form(
        request,
        InstalmentForm(request.POST, project=project),
        lambda d: services.schedule_disbursement(
            request.user, project, d["funder"], amount=d["amount"], depends_on=d["depends_on"]
        ),
        _("Instalment scheduled."),
        project.get_absolute_url(),
    )


@login_required
@require_POST
def project_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def run(d: dict[str, Any]) -> None:
        p = services.terminate_project(request.user, project, reason=d["reason"])
        if p.status == ProjectStatus.TERMINATED:
            messages.success(request, _("The project was terminated."))
        else:
            messages.success(
                request, _("Your funder's agreement was recorded; the other funder must agree too.")
            )

    return act_on_form(request, TerminateForm(request.POST), run, "", project.get_absolute_url())
