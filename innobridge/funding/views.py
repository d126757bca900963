"""Web pages of the funding app: thin — parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.language import name_in_language
from innobridge.core.permissions import Role, has_role
from innobridge.people.models import Organisation, Person
from innobridge.people.selectors import person_by_handle

from . import selectors, services
from .forms import CallEditForm, CallForm, ReviewForm, SchemeForm
from .models import (
    Attachment,
    BudgetCategory,
    BudgetLine,
    BudgetSource,
    Call,
    ChangeKind,
    ChangeRequest,
    Disbursement,
    Funder,
    MemberRole,
    Milestone,
    Notification,
    Project,
    Proposal,
    ProposalState,
    Report,
    ReviewAssignment,
    TeamMember,
)


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """A service's errors on the form: beside their field when the form has it."""
    if not hasattr(exc, "error_dict"):
        for m in exc.messages:
            form.add_error(None, m)
        return
    for field, msgs in exc.message_dict.items():
        target = field if field in form.fields and not form.fields[field].disabled else None
        for m in msgs:
            form.add_error(target, m)


def _act(request: HttpRequest, fn: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run a service; show its success message or every error it gave, then go back."""
    try:
        fn()
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    else:
        if done:
            messages.success(request, done)
    return HttpResponseRedirect(back)


def _person(request: HttpRequest, field: str = "person") -> Person:
    """A person named by username or e-mail in a form field."""
    person = person_by_handle(request.POST.get(field) or "")
    if person is None:
        raise ValidationError({field: _("No account with that user name or e-mail.")})
    return person


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    ctx = {
        "open_calls": selectors.open_calls(),
        "calls": selectors.visible_calls(user)[:20],
        "my_proposals": selectors.my_proposals(user),
        "my_assignments": selectors.my_assignments(user).exclude(status="submitted"),
        "officer_calls": selectors.officer_calls(user),
        "officer_schemes": selectors.officer_schemes(user),
        "is_officer": selectors.officer_funders(user).exists(),
        "my_funders": list(selectors.officer_funders(user).order_by("side", "name")),
        "my_projects": selectors.visible_projects(user)[:20],
        "unread": selectors.unread_notifications(user).count(),
        "is_researcher": has_role(user, Role.RESEARCHER),
    }
    return render(request, "funding/home.html", ctx)


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.visible_calls(request.user), pk=pk)
    return render(
        request,
        "funding/call_detail.html",
        {
            "call": call,
            "sides": call.sides.select_related("funder"),
            "criteria": call.criteria.select_related("funder"),
            "is_open": call.is_open(),
            "can_apply": call.is_open() and has_role(request.user, Role.RESEARCHER),
            "is_officer": services.is_call_officer(request.user, call),
        },
    )


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    schemes = selectors.officer_schemes(request.user)
    if not schemes.exists():
        raise PermissionDenied(_("Only programme officers of a scheme's funders may create calls."))
    form = CallForm(request.POST or None, schemes=schemes)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        scheme = d["scheme"]
        sides: list[Mapping[str, Any]] = []
        for f in scheme.funders.all():
            sides.append(
                {
                    "funder": f,
                    "budget": d[f"budget_{f.side}"],
                    "project_cap": d[f"cap_{f.side}"],
                    "reviewers_per_proposal": d["reviewers_per_proposal"],
                }
            )
        try:
            call = services.create_call(
                request.user,
                scheme,
                title=d["title"],
                title_zh=d["title_zh"],
                description=d["description"],
                opens_at=d["opens_at"],
                closes_at=d["closes_at"],
                sides=sides,
                min_duration_months=d["min_duration_months"],
                max_duration_months=d["max_duration_months"],
                min_industry_share=d["min_industry_share"],
                one_application_per_person=d["one_application_per_person"],
                review_deadline=d["review_deadline"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The call was created."))
            return redirect(call)
    return render(request, "funding/call_form.html", {"form": form})


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    try:
        org_id = request.POST.get("organisation")
        org = Organisation.objects.filter(pk=org_id).first() if org_id else None
        p = services.create_proposal(
            request.user,
            call,
            organisation=org,
            title_en=request.POST.get("title_en", ""),
            title_zh=request.POST.get("title_zh", ""),
        )
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
        return redirect(call)
    messages.success(
        request, _("Your draft proposal was created. Invite your partners and add the budget.")
    )
    return redirect(p)


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    return get_object_or_404(
        selectors.visible_proposals(request.user).select_related("call", "lead"), pk=pk
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    role = selectors.proposal_role(request.user, p)
    call = p.call
    ctx: dict[str, Any] = {
        "p": p,
        "role": role,
        "call": call,
        "members": p.members.select_related("person", "organisation"),
        "my_invitation": p.members.filter(person_id=request.user.pk or 0, status="invited").first(),
        "budget": p.budget_lines.all(),
        "totals": services.side_totals(p),
        "sides": call.sides.select_related("funder"),
        "attachments": p.attachments.all(),
        "editable": role == "team"
        and p.lead_id == request.user.pk
        and p.state == ProposalState.DRAFT
        and not call.is_closed(),
        "problems": services.submission_problems(p)
        if p.state == ProposalState.DRAFT and role == "team"
        else [],
        "reviews": selectors.visible_reviews(request.user, p),
        "decisions": selectors.decisions_for(request.user, p),
        "categories": BudgetCategory.choices,
        "sources": BudgetSource.choices,
        "roles": [c for c in MemberRole.choices if c[0] != MemberRole.LEAD],
        "can_withdraw": p.lead_id == request.user.pk and p.state in services.WITHDRAWABLE,
        "screenings": p.screenings.select_related("funder").order_by("side")
        if role in ("officer", "team")
        else [],
    }
    if role == "officer":
        ctx["assignments"] = p.assignments.select_related("reviewer", "funder")
        ctx["conflicts"] = p.conflicts.select_related("reviewer")
        ctx["officer_funders"] = [
            cs.funder
            for cs in call.sides.select_related("funder")
            if services.is_funder_officer(request.user, cs.funder)
        ]
        for f in ctx["officer_funders"]:  # what is left of the budget, beside the decision
            cs = call.sides.get(funder=f)
            f.budget_left = cs.budget - services.committed_amount(call, f)
            f.side_currency = cs.currency
        ctx["decided_funders"] = set(p.decisions.values_list("funder_id", flat=True))
        ctx["screen_funders"] = services.screenable_funders(request.user, p)
    if role == "reviewer":
        ctx["my_assignment"] = p.assignments.filter(reviewer_id=request.user.pk).first()
    if hasattr(p, "project"):
        ctx["project"] = p.project
    return render(request, "funding/proposal_detail.html", ctx)


@login_required
@require_POST
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    kw = [
        k.strip()
        for k in request.POST.get("keywords", "").replace("，", ",").split(",")
        if k.strip()
    ]

    def run() -> None:
        try:
            duration = int(request.POST.get("duration_months") or p.duration_months)
        except ValueError as exc:
            raise ValidationError(
                {"duration_months": _("Give the duration in whole months.")}
            ) from exc
        services.update_proposal(
            request.user,
            p,
            title_en=request.POST.get("title_en", ""),
            title_zh=request.POST.get("title_zh", ""),
            abstract_en=request.POST.get("abstract_en", ""),
            abstract_zh=request.POST.get("abstract_zh", ""),
            keywords=kw,
            duration_months=duration,
        )

    return _act(request, run, _("Draft saved."), p.get_absolute_url())


@login_required
@require_POST
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)

    def run() -> None:
        person = _person(request)
        org_id = request.POST.get("organisation")
        org = Organisation.objects.filter(pk=org_id).first() if org_id else None
        services.invite_member(
            request.user, p, person, organisation=org, role=request.POST.get("role", "partner_lead")
        )

    return _act(request, run, _("Invitation sent."), p.get_absolute_url())


@login_required
@require_POST
def member_respond(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(TeamMember, pk=pk, person_id=request.user.pk)
    accept = request.POST.get("accept") == "1"
    return _act(
        request,
        lambda: services.respond_invitation(request.user, m, accept=accept),
        _("You joined the team.") if accept else _("You declined the invitation."),
        m.proposal.get_absolute_url() if accept else "/funding/",
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(TeamMember, pk=pk)
    return _act(
        request,
        lambda: services.remove_member(request.user, m),
        _("Removed from the team."),
        m.proposal.get_absolute_url(),
    )


@login_required
@require_POST
def budget_add(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return _act(
        request,
        lambda: services.add_budget_line(
            request.user,
            p,
            side=request.POST.get("side", ""),
            category=request.POST.get("category", ""),
            source=request.POST.get("source", "funder"),
            amount=request.POST.get("amount", ""),
            description=request.POST.get("description", ""),
        ),
        _("Budget line added."),
        p.get_absolute_url() + "#budget",
    )


@login_required
@require_POST
def budget_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BudgetLine, pk=pk)
    return _act(
        request,
        lambda: services.remove_budget_line(request.user, line),
        _("Budget line removed."),
        line.proposal.get_absolute_url() + "#budget",
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    upload = request.FILES.get("file")

    def run() -> None:
        if upload is None:
            raise ValidationError({"file": _("Choose a PDF file.")})
        services.add_attachment(request.user, p, upload)

    return _act(request, run, _("File added."), p.get_absolute_url() + "#attachments")


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    att = get_object_or_404(Attachment, pk=pk)
    if att.proposal is not None:
        _proposal(request, att.proposal.pk)  # 404 unless visible
    elif att.report is not None and not selectors.can_view_project(
        request.user, att.report.project
    ):
        raise Http404
    return FileResponse(
        att.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=att.original_name,
    )


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    att = get_object_or_404(Attachment, pk=pk, proposal__isnull=False)
    back = att.proposal.get_absolute_url() if att.proposal else "/funding/"
    return _act(
        request, lambda: services.remove_attachment(request.user, att), _("File removed."), back
    )


@login_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return _act(
        request,
        lambda: services.submit_proposal(request.user, p),
        _("Your proposal was submitted."),
        p.get_absolute_url(),
    )


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return _act(
        request,
        lambda: services.withdraw_proposal(request.user, p, reason=request.POST.get("reason", "")),
        _("The proposal was withdrawn."),
        p.get_absolute_url(),
    )


@login_required
@require_POST
def proposal_screen(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    eligible = request.POST.get("eligible") == "1"
    funder_id = request.POST.get("funder")
    funder = get_object_or_404(Funder, pk=funder_id) if funder_id else None
    return _act(
        request,
        lambda: services.screen_proposal(
            request.user, p, funder, eligible=eligible, reason=request.POST.get("reason", "")
        ),
        _("Screening recorded."),
        request.POST.get("next") or p.get_absolute_url(),
    )


@login_required
@require_POST
def proposal_panel(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return _act(
        request,
        lambda: services.move_to_panel(request.user, p),
        _("The proposal is at the panel."),
        request.POST.get("next") or p.get_absolute_url(),
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    funder = get_object_or_404(Funder, pk=request.POST.get("funder") or 0)
    return _act(
        request,
        lambda: services.record_decision(
            request.user,
            p,
            funder,
            decision=request.POST.get("decision", ""),
            reasons=request.POST.get("reasons", ""),
        ),
        _("Decision recorded."),
        request.POST.get("next") or p.get_absolute_url(),
    )


@login_required
@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return _act(
        request,
        lambda: services.declare_conflict(request.user, p, detail=request.POST.get("detail", "")),
        _("Conflict declared; the proposal is no longer assigned to you."),
        "/funding/reviews/",
    )


@login_required
def call_manage(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    services.require_call_officer(request.user, call)
    proposals = list(
        call.proposals.exclude(state=ProposalState.DRAFT).select_related("lead").order_by("pk")
    )
    for p in proposals:
        p.my_screens = services.screenable_funders(request.user, p)  # type: ignore[attr-defined]
    sides = list(call.sides.select_related("funder"))
    assignments = (
        ReviewAssignment.objects.filter(proposal__call=call)
        .exclude(status="declined")
        .select_related("proposal", "reviewer", "funder")
        .order_by("proposal_id", "funder__side", "-affinity")
    )
    pools = {cs.side: cs.funder.reviewer_pool.order_by("username") for cs in sides}
    ctx = {
        "call": call,
        "proposals": proposals,
        "sides": sides,
        "assignments": assignments,
        "has_proposed": assignments.filter(status="proposed").exists(),
        "outstanding": assignments.filter(
            status__in=["invited", "accepted"], proposal__state=ProposalState.IN_REVIEW
        ).count(),
        "now": timezone.now(),
        "pools": pools,
        "rankings": [
            (cs, selectors.ranking(call, cs.funder), services.committed_amount(call, cs.funder))
            for cs in sides
        ],
        "portfolio": selectors.suggested_portfolio(call),
        "obstacles": request.session.pop(f"funding_obstacles_{call.pk}", None),
        "my_funders": [
            cs.funder for cs in sides if services.is_funder_officer(request.user, cs.funder)
        ],
        "default_deadline": (call.review_deadline or timezone.now() + dt.timedelta(days=21)),
    }
    return render(request, "funding/call_manage.html", ctx)


@login_required
@require_POST
def call_remind(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)

    def run() -> None:
        n = services.remind_reviewers(request.user, call)
        if n:
            messages.success(request, _("%(n)s reminders sent.") % {"n": n})
        else:
            messages.info(
                request,
                _("No reviewer to remind (each is reminded at most once a day)."),
            )

    return _act(request, run, "", call.get_absolute_url() + "manage/")


@login_required
@require_POST
def call_conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    back = call.get_absolute_url() + "manage/"
    return _act(
        request,
        lambda: services.refresh_conflicts(request.user, call),
        _("Conflicts of interest updated."),
        back,
    )


@login_required
@require_POST
def call_assign(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    summary = services.run_assignment(
        request.user,
        call,
        fair=request.POST.get("fair") == "1",
        cross_border=request.POST.get("cross_border") == "1",
    )
    obstacles = [o["message"] for s in summary.values() for o in s["obstacles"]]
    if obstacles:
        request.session[f"funding_obstacles_{call.pk}"] = obstacles
        messages.error(request, _("Some reviewers could not be assigned; see why below."))
    else:
        messages.success(
            request, _("Assignment proposed: check it, adjust by hand, then send the invitations.")
        )
    return redirect("funding:call_manage", pk=call.pk)


@login_required
@require_POST
def call_assign_by_hand(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)

    def run() -> None:
        p = get_object_or_404(Proposal, pk=request.POST.get("proposal") or 0, call=call)
        funder = get_object_or_404(Funder, pk=request.POST.get("funder") or 0)
        reviewer = get_object_or_404(Person, pk=request.POST.get("reviewer") or 0)
        services.assign_by_hand(request.user, p, reviewer, funder)

    return _act(request, run, _("Reviewer added."), call.get_absolute_url() + "manage/")


@login_required
@require_POST
def call_invite(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)

    def run() -> None:
        raw = request.POST.get("deadline", "")
        try:
            deadline = timezone.make_aware(dt.datetime.fromisoformat(raw)) if raw else None
        except ValueError as exc:
            raise ValidationError({"deadline": _("Give the deadline as a date and time.")}) from exc
        n = services.send_invitations(request.user, call, deadline=deadline)
        messages.success(request, _("%(n)s invitations sent.") % {"n": n})

    return _act(request, run, "", call.get_absolute_url() + "manage/")


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(ReviewAssignment, pk=pk)
    return _act(
        request,
        lambda: services.remove_assignment(request.user, a),
        _("Reviewer removed."),
        a.proposal.call.get_absolute_url() + "manage/",
    )


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "funding/reviews.html",
        {"assignments": selectors.my_assignments(request.user), "now": timezone.now()},
    )


@login_required
@require_POST
def assignment_respond(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(ReviewAssignment, pk=pk, reviewer_id=request.user.pk)
    accept = request.POST.get("accept") == "1"
    return _act(
        request,
        lambda: services.respond_assignment(request.user, a, accept=accept),
        _("Thank you: the review is yours.")
        if accept
        else _("You declined; another reviewer will be invited."),
        "/funding/reviews/",
    )


@login_required
def review_form(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(
        ReviewAssignment.objects.select_related("proposal", "funder"), pk=pk, reviewer=request.user
    )
    criteria = list(selectors.criteria_for(a))
    form = ReviewForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_review(
                request.user,
                a,
                scores={c.pk: form.cleaned_data[f"score_{c.pk}"] for c in criteria},
                comments=form.cleaned_data["comments"],
                criterion_comments={
                    c.pk: form.cleaned_data.get(f"comment_{c.pk}", "") for c in criteria
                },
            )
        except ValidationError as exc:
            for m in _errors(exc):
                form.add_error(None, m)
        else:
            messages.success(request, _("Your review was submitted."))
            return redirect(a.proposal)
    return render(
        request,
        "funding/review_form.html",
        {"a": a, "p": a.proposal, "form": form, "attachments": a.proposal.attachments.all()},
    )


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
        "members": project.proposal.members.filter(status="accepted").select_related(
            "person", "organisation"
        ),
        "milestones": [
            {"m": m, "overdue": m.is_overdue(today), "reports": m.reports.all()} for m in milestones
        ],
        "disbursements": project.disbursements.select_related("depends_on", "funder"),
        "changes": project.change_requests.all(),
        "decisions": project.proposal.decisions.select_related("funder"),
        "is_team": services.is_team_member(request.user, project.proposal),
        "is_officer": services.is_call_officer(request.user, call),
        "my_funder_ids": {
            cs.funder_id
            for cs in call.sides.all()
            if services.is_funder_officer(request.user, cs.funder)
        },
        "my_sides": {
            cs.side
            for cs in call.sides.all()
            if services.is_funder_officer(request.user, cs.funder)
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
            if services.is_funder_officer(request.user, cs.funder)
        ],
        "is_closed": project.status in ("completed", "terminated"),
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

    return _act(request, run, _("Milestone added."), project.get_absolute_url())


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

    return _act(request, run, _("Report submitted."), project.get_absolute_url())


@login_required
@require_POST
def report_rate(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    return _act(
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
    return _act(
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
        add = _person(request, "add_person") if request.POST.get("add_person") else None
        if kind == "team" and remove_id and remove is None:
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

    return _act(request, run, _("Change request sent to the funder."), project.get_absolute_url())


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(ChangeRequest, pk=pk)
    return _act(
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

    return _act(request, run, _("Instalment scheduled."), project.get_absolute_url())


@login_required
@require_POST
def project_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return _act(
        request,
        lambda: services.terminate_project(
            request.user, project, reason=request.POST.get("reason", "")
        ),
        _("The project was terminated."),
        project.get_absolute_url(),
    )


# --------------------------------------------------------------------------- officers: set-up


@login_required
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a call before it opens (after: only its description and review deadline), each
    funder's side (budget, cap, reviewers) and, per funder, its rubric."""
    call = get_object_or_404(Call, pk=pk)
    services.require_call_officer(request.user, call)
    sides = list(call.sides.select_related("funder").order_by("side"))
    mine = {cs.funder_id for cs in sides if services.is_funder_officer(request.user, cs.funder)}
    initial: dict[str, Any] = {f: getattr(call, f) for f in services.CALL_FIELDS}
    for f in ("opens_at", "closes_at", "review_deadline"):  # the form shows minutes
        if initial[f] is not None:
            initial[f] = initial[f].replace(second=0, microsecond=0)
    initial["eligible_org_types"] = ", ".join(call.eligible_org_types)
    for cs in sides:
        initial.update(
            {
                f"budget_{cs.funder_id}": cs.budget,
                f"cap_{cs.funder_id}": cs.project_cap,
                f"reviewers_{cs.funder_id}": cs.reviewers_per_proposal,
                f"load_{cs.funder_id}": cs.max_reviewer_load,
            }
        )
    opened = call.opens_at <= timezone.now()
    form = CallEditForm(request.POST or None, initial=initial, sides=sides, mine=mine)
    if opened:  # applicants rely on the rest: shown, not editable
        side_names = {n for _cs, names in form.side_fields for n in names}
        for name, field in form.fields.items():
            if name in side_names or name not in services.CALL_FIELDS_AFTER_OPENING:
                field.disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # only what the officer changed (a round trip through the form drops seconds)
        fields = {f: d[f] for f in services.CALL_FIELDS if f in form.changed_data}
        if "eligible_org_types" in fields:
            fields["eligible_org_types"] = [
                t.strip() for t in d["eligible_org_types"].split(",") if t.strip()
            ]
        for f in ("accepted_languages", "eligible_regions", "required_sides"):
            if f in fields:
                fields[f] = list(d[f])
        try:
            with transaction.atomic():
                services.update_call(request.user, call, **fields)
                for cs in sides:
                    if cs.funder_id not in mine:
                        continue
                    changed = (
                        d[f"budget_{cs.funder_id}"] != cs.budget
                        or d[f"cap_{cs.funder_id}"] != cs.project_cap
                        or d[f"reviewers_{cs.funder_id}"] != cs.reviewers_per_proposal
                        or d[f"load_{cs.funder_id}"] != cs.max_reviewer_load
                    )
                    if changed:
                        services.update_call_side(
                            request.user,
                            call,
                            cs.funder,
                            budget=d[f"budget_{cs.funder_id}"],
                            project_cap=d[f"cap_{cs.funder_id}"],
                            reviewers_per_proposal=d[f"reviewers_{cs.funder_id}"],
                            max_reviewer_load=d[f"load_{cs.funder_id}"],
                        )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The call was saved."))
            return redirect("funding:call_edit", pk=call.pk)
    rubrics = []
    for cs in sides:
        crits = list(call.criteria.filter(funder=cs.funder).order_by("order", "id"))
        rows = [
            {"name": c.name, "name_zh": c.name_zh, "weight": c.weight, "max_score": c.max_score}
            for c in crits
        ]
        rows += [{"name": "", "name_zh": "", "weight": "", "max_score": 5}] * 2
        rubrics.append(
            {
                "side": cs,
                "rows": rows,
                "total": sum((c.weight for c in crits), 0),
                "editable": cs.funder_id in mine,
            }
        )
    return render(
        request,
        "funding/call_edit.html",
        {
            "call": call,
            "form": form,
            "rubrics": rubrics,
            "opened": opened,
        },
    )


@login_required
@require_POST
def call_rubric(request: HttpRequest, pk: int, funder_id: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    funder = get_object_or_404(Funder, pk=funder_id)
    rows = [
        {"name": n, "name_zh": z, "weight": w, "max_score": m or 5}
        for n, z, w, m in zip(
            request.POST.getlist("name"),
            request.POST.getlist("name_zh"),
            request.POST.getlist("weight"),
            request.POST.getlist("max_score"),
            strict=False,
        )
    ]
    return _act(
        request,
        lambda: services.set_rubric(request.user, call, funder, rows),
        _("The rubric of %(funder)s was saved.") % {"funder": funder.name},
        reverse("funding:call_edit", args=[call.pk]) + f"#rubric-{funder.pk}",
    )


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = selectors.officer_schemes(request.user).prefetch_related("funders", "calls")
    if not selectors.officer_funders(request.user).exists():
        raise PermissionDenied(_("Only programme officers manage schemes."))
    return render(request, "funding/schemes.html", {"schemes": schemes})


@login_required
def scheme_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not selectors.officer_funders(request.user).exists():
        raise PermissionDenied(_("Only programme officers manage schemes."))
    scheme = get_object_or_404(selectors.officer_schemes(request.user), pk=pk) if pk else None
    initial = (
        {
            "name": scheme.name,
            "name_zh": scheme.name_zh,
            "description": scheme.description,
            "funders": list(scheme.funders.all()),
        }
        if scheme
        else {"funders": list(selectors.officer_funders(request.user))}
    )
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        funders = list(d["funders"])
        try:
            if scheme is None:
                services.create_scheme(
                    request.user,
                    name=d["name"],
                    name_zh=d["name_zh"],
                    description=d["description"],
                    funders=funders,
                )
            else:
                services.update_scheme(
                    request.user,
                    scheme,
                    name=d["name"],
                    name_zh=d["name_zh"],
                    description=d["description"],
                    funders=funders,
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The scheme was saved."))
            return redirect("funding:schemes")
    return render(request, "funding/scheme_form.html", {"form": form, "scheme": scheme})


# --------------------------------------------------------------------------- reviewer pools


@login_required
def funder_pool(request: HttpRequest, pk: int) -> HttpResponse:
    """A funder's reviewer pool: its officers add researchers and take them out."""
    funder = get_object_or_404(Funder, pk=pk)
    services.require_funder_officer(request.user, funder)
    if request.method == "POST":
        back = reverse("funding:funder_pool", args=[funder.pk])
        if "remove" in request.POST:
            person = get_object_or_404(Person, pk=request.POST.get("remove") or 0)

            def remove() -> None:
                left = services.remove_from_pool(request.user, funder, person)
                messages.success(request, _("%(person)s left the pool.") % {"person": person})
                if left:
                    messages.info(
                        request,
                        _("%(n)s invitations already sent stay open.") % {"n": left},
                    )

            return _act(request, remove, "", back)
        return _act(
            request,
            lambda: services.add_to_pool(request.user, funder, _person(request)),
            _("Added to the pool."),
            back,
        )
    pool = list(
        funder.reviewer_pool.select_related("researcher_profile__organisation").order_by(
            "last_name", "username"
        )
    )
    load = {
        row["reviewer"]: row["n"]
        for row in ReviewAssignment.objects.filter(
            funder=funder, status__in=["invited", "accepted"]
        )
        .values("reviewer")
        .annotate(n=Count("id"))
    }
    rows = [(p, load.get(p.pk, 0)) for p in pool]
    return render(request, "funding/pool.html", {"funder": funder, "rows": rows})
