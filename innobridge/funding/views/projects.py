"""Pages of the funded project: milestones, reports, disbursements, changes, termination."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.language import name_in_language

from .. import permissions, selectors, services
from ..models import (
    ApprovalSubject,
    BudgetCategory,
    BudgetSource,
    ChangeKind,
    ChangeRequest,
    Disbursement,
    Funder,
    InvitationStatus,
    MemberRole,
    Milestone,
    Notification,
    Project,
    ProjectStatus,
    Report,
    TeamMember,
)
from ..workflow import CHANGE_FLOW, PROJECT_FLOW
from ._helpers import act, person_named


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
    services.refresh_project_status(project)
    call = project.proposal.call
    milestones = list(project.milestones.all())
    today = timezone.localdate()
    ctx = {
        "project": project,
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
    return render(request, "funding/project_detail.html", ctx)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def run() -> None:
        try:
            due = dt.date.fromisoformat(request.POST.get("due_date", ""))
        except ValueError as exc:
            raise ValidationError({"due_date": _("Give a due date.")}) from exc
        services.add_milestone(
            request.user, project, title=request.POST.get("title", ""), due_date=due
        )

    return act(request, run, _("Milestone added."), project.get_absolute_url())


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def run() -> None:
        milestone = get_object_or_404(
            Milestone, pk=request.POST.get("milestone") or 0, project=project
        )
        services.submit_report(
            request.user,
            project,
            milestone=milestone,
            summary=request.POST.get("summary", ""),
            files=request.FILES.getlist("files"),
        )

    return act(request, run, _("Report submitted."), project.get_absolute_url())


@login_required
@require_POST
def report_rate(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    return act(
        request,
        lambda: services.rate_report(
            request.user,
            report,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
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

    def run() -> None:
        raw = request.POST.get("new_end_date", "")
        try:
            end = dt.date.fromisoformat(raw) if raw else None
        except ValueError as exc:
            raise ValidationError({"new_end_date": _("Give a date.")}) from exc
        kind = request.POST.get("kind", "")
        lines = []
        for cat, src, amount, desc in zip(
            request.POST.getlist("line_category"),
            request.POST.getlist("line_source"),
            request.POST.getlist("line_amount"),
            request.POST.getlist("line_description"),
            strict=False,
        ):
            if amount.strip():
                lines.append(
                    {"category": cat, "source": src, "amount": amount, "description": desc}
                )
        remove_id = request.POST.get("remove_member")
        remove = (
            TeamMember.objects.filter(pk=remove_id, proposal=project.proposal).first()
            if remove_id
            else None
        )
        add = (
            person_named(request.POST.get("add_person", ""), "add_person")
            if request.POST.get("add_person")
            else None
        )
        if kind == ChangeKind.TEAM and remove_id and remove is None:
            raise ValidationError({"remove_member": _("That person is not on the project team.")})
        services.request_change(
            request.user,
            project,
            kind=kind,
            side=request.POST.get("side", ""),
            description=request.POST.get("description", ""),
            new_end_date=end,
            new_budget=lines,
            remove_member=remove,
            add_person=add,
            add_role=request.POST.get("add_role") or MemberRole.CO_INVESTIGATOR,
        )

    return act(request, run, _("Change request sent to the funder."), project.get_absolute_url())


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(ChangeRequest, pk=pk)
    return act(
        request,
        lambda: services.decide_change(
            request.user,
            c,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        ),
        _("Decision recorded."),
        c.project.get_absolute_url(),
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.mark_notifications_read(request.user)
        return redirect("funding:notifications")
    items = Notification.objects.filter(recipient_id=request.user.pk)[:100]
    return render(request, "funding/notifications.html", {"items": items})


@login_required
@require_POST
def disbursement_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def run() -> None:
        funder = get_object_or_404(Funder, pk=request.POST.get("funder") or 0)
        dep_id = request.POST.get("depends_on")
        dep = get_object_or_404(Milestone, pk=dep_id, project=project) if dep_id else None
        services.schedule_disbursement(
            request.user, project, funder, amount=request.POST.get("amount", ""), depends_on=dep
        )

    return act(request, run, _("Instalment scheduled."), project.get_absolute_url())


@login_required
@require_POST
def project_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def run() -> None:
        p = services.terminate_project(request.user, project, reason=request.POST.get("reason", ""))
        if p.status == ProjectStatus.TERMINATED:
            messages.success(request, _("The project was terminated."))
        else:
            messages.success(
                request, _("Your funder's agreement was recorded; the other funder must agree too.")
            )

    return act(request, run, "", project.get_absolute_url())
