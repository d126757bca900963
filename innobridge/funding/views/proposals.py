"""Pages of a proposal: applying, editing, the team, budget and attachments, submission,
screening, the panel and the decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.forms import flash_form_errors, service_error_messages
from innobridge.core.personpages import person_page
from innobridge.people import selectors as people_selectors
from innobridge.people.models import Person

from .. import permissions, selectors, services
from ..forms import (
    AnswerForm,
    ApplyForm,
    BudgetLineForm,
    ConflictForm,
    DecisionForm,
    MemberInviteForm,
    NextForm,
    ProposalTextForm,
    ReasonForm,
    ScreenForm,
)
from ..models import (
    Attachment,
    BudgetCategory,
    BudgetLine,
    BudgetSource,
    Call,
    Funder,
    InvitationStatus,
    MemberRole,
    Proposal,
    ProposalRole,
    ProposalState,
    TeamMember,
)
from ..workflow import allowed_actions
from ._helpers import CHOICES, act, act_on_form, bounce, person_named


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        return bounce(request, form, call.get_absolute_url())
    d = form.cleaned_data
    try:
        p = services.create_proposal(
            request.user,
            call,
            organisation=d["organisation"],
            title_en=d["title_en"],
            title_zh=d["title_zh"],
        )
    except ValidationError as exc:
        for m in service_error_messages(exc):
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
@person_page("funding.proposal")
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Who may open the page is who has a role on the proposal — the same people as
    # ``selectors.visible_proposals`` — and the page needs the role anyway: read the
    # proposal by its key and ask, instead of building and running the visibility query
    # (its joins and subquery cost ~2 ms of CPU a page, issue #17).
    p = get_object_or_404(
        Proposal.objects.select_related("call", "lead", "award", "project"), pk=pk
    )
    selectors.prefetch_call_sides(p.call)
    role = selectors.proposal_role(request.user, p)
    if role == ProposalRole.NONE:
        raise Http404
    selectors.prefetch_proposal_page(p)
    call = p.call
    sides = selectors.call_sides(call)
    totals = services.side_totals(p)
    actions = allowed_actions(request.user, p)
    ctx: dict[str, Any] = {
        "p": p,
        "role": role,
        "call": call,
        "members": selectors.team_of(p),
        "my_invitation": next(
            (
                m
                for m in selectors.team_of(p)
                if m.person_id == request.user.pk and m.status == InvitationStatus.INVITED
            ),
            None,
        ),
        "budget": p.budget_lines.all(),
        "totals": totals,
        "sides": sides,
        "attachments": p.attachments.all(),
        "actions": actions,
        "editable": "edit" in actions,
        "text_editable": "edit" in actions or "revise" in actions,
        "can_answer": "answer" in actions,
        "info_requests": p.info_requests.select_related("funder").order_by("requested_at")
        if role in (ProposalRole.OFFICER, ProposalRole.TEAM)
        else [],
        "now": timezone.now(),
        "problems": services.submission_problems(p)
        if p.state == ProposalState.DRAFT and role == ProposalRole.TEAM
        else [],
        "reviews": selectors.visible_reviews(request.user, p),
        "decisions": selectors.decisions_for(request.user, p),
        "categories": BudgetCategory.choices,
        "sources": BudgetSource.choices,
        "roles": [c for c in MemberRole.choices if c[0] != MemberRole.LEAD],
        "can_withdraw": "withdraw" in actions,
        # People the lead found (shortlist, accepted introductions): invite by choosing.
        "contacts": people_selectors.contact_choices(request.user) if "edit" in actions else [],
        "screenings": p.screenings.select_related("funder").order_by("side")
        if role in (ProposalRole.OFFICER, ProposalRole.TEAM)
        else [],
    }
    if role == ProposalRole.OFFICER:
        ctx["assignments"] = p.assignments.select_related("reviewer", "funder")
        ctx["conflicts"] = p.conflicts.select_related("reviewer")
        officer_sides = [
            cs for cs in sides if permissions.can_act_for_funder(request.user, cs.funder)
        ]
        ctx["officer_funders"] = [cs.funder for cs in officer_sides]
        committed = (
            services.committed_amounts(call, [cs.funder for cs in officer_sides])
            if officer_sides
            else {}
        )
        for cs in officer_sides:  # what is left of the budget, beside the decision
            f: Any = cs.funder
            f.budget_left = cs.budget - committed.get(cs.funder_id, Decimal(0))
            f.side_currency = cs.currency
            f.requested = totals.get(cs.side, {}).get("funder", 0)
        ctx["can_request_info"] = "request_info" in actions
        ctx["can_resume_screening"] = "resume_screening" in actions
        ctx["decided_funders"] = set(p.decisions.values_list("funder_id", flat=True))
        ctx["screen_funders"] = services.screenable_funders(request.user, p)
    if role == ProposalRole.REVIEWER:
        ctx["my_assignment"] = p.assignments.filter(reviewer_id=request.user.pk).first()
    award = _related_or_none(p, "award")  # both read with the proposal
    if award is not None and role in (ProposalRole.OFFICER, ProposalRole.TEAM):
        ctx["award"] = award
        ctx["award_actions"] = services.award_actions(request.user, award)
    project = _related_or_none(p, "project")
    if project is not None and selectors.can_view_project(request.user, project):
        ctx["project"] = project  # a reviewer sees the proposal, not the project
    return render(request, "funding/proposal_detail.html", CHOICES | ctx)


def _related_or_none(p: Proposal, name: str) -> Any:
    try:
        return getattr(p, name)
    except ObjectDoesNotExist:
        return None


def _save_draft(request: HttpRequest, p: Proposal) -> None:
    """Save the editor's text fields as posted (the one editor form posts them with every
    button, so adding a budget line never loses what was typed). The form's errors are
    raised as the service's would be."""
    form = ProposalTextForm(request.POST, proposal=p)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    d = form.cleaned_data
    services.update_proposal(
        request.user,
        p,
        title_en=d["title_en"],
        title_zh=d["title_zh"],
        abstract_en=d["abstract_en"],
        abstract_zh=d["abstract_zh"],
        keywords=d["keywords"],
        duration_months=d["duration_months"],
    )


@login_required
@require_POST
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return act(request, lambda: _save_draft(request, p), _("Draft saved."), p.get_absolute_url())


def _chosen_person(request: HttpRequest, raw: str) -> Person | None:
    """The person picked from the lead's shortlist and contacts (``person_id``), if any."""
    if not raw:
        return None
    for person in people_selectors.contact_choices(request.user):
        if str(person.pk) == raw:
            return person
    raise ValidationError({"person": _("Choose someone from your shortlist or contacts.")})


@login_required
@require_POST
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)

    def run(d: dict[str, Any]) -> None:
        person = _chosen_person(request, d["person_id"]) or person_named(d["person"])
        services.invite_member(
            request.user, p, person, organisation=d["organisation"], role=d["role"]
        )

    form = MemberInviteForm(request.POST)
    return act_on_form(request, form, run, _("Invitation sent."), p.get_absolute_url())


@login_required
@require_POST
def member_respond(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(TeamMember, pk=pk, person_id=request.user.pk)
    form = AnswerForm(request.POST)
    accept = form.is_valid() and form.cleaned_data["accept"]
    return act_on_form(
        request,
        form,
        lambda d: services.respond_invitation(request.user, m, accept=d["accept"]),
        _("You joined the team.") if accept else _("You declined the invitation."),
        m.proposal.get_absolute_url() if accept else "/funding/",
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(TeamMember, pk=pk)
    return act(
        request,
        lambda: services.remove_member(request.user, m),
        _("Removed from the team."),
        m.proposal.get_absolute_url(),
    )


@login_required
@require_POST
def budget_add(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    back = p.get_absolute_url() + "#budget"
    if "abstract_en" in request.POST:  # posted from the editor: keep the draft first
        try:
            _save_draft(request, p)
        except ValidationError as exc:
            for m in service_error_messages(exc):
                messages.error(request, m)
            return redirect(back)
    form = BudgetLineForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back)
    data = form.cleaned_data
    return act(
        request,
        lambda: services.add_budget_line(
            request.user,
            p,
            side=data["side"],
            category=data["category"],
            source=data["source"] or BudgetSource.FUNDER,
            amount=data["amount"],
            currency=form.currency(),
            description=data["description"],
        ),
        _("Budget line added."),
        back,
    )


@login_required
@require_POST
def budget_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BudgetLine, pk=pk)
    return act(
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

    return act(request, run, _("File added."), p.get_absolute_url() + "#attachments")


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
    return act(
        request, lambda: services.remove_attachment(request.user, att), _("File removed."), back
    )


@login_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return act(
        request,
        lambda: services.submit_proposal(request.user, p),
        _("Your proposal was submitted."),
        p.get_absolute_url(),
    )


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return act_on_form(
        request,
        ReasonForm(request.POST),
        lambda d: services.withdraw_proposal(request.user, p, reason=d["reason"]),
        _("The proposal was withdrawn."),
        p.get_absolute_url(),
    )


@login_required
@require_POST
def proposal_screen(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    form = ScreenForm(request.POST)
    if not form.is_valid():
        return bounce(request, form, p.get_absolute_url())
    d = form.cleaned_data
    funder = get_object_or_404(Funder, pk=d["funder"]) if d["funder"] else None
    return act(
        request,
        lambda: services.screen_proposal(
            request.user, p, funder, eligible=d["eligible"], reason=d["reason"]
        ),
        _("Screening recorded."),
        d["next"] or p.get_absolute_url(),
    )


@login_required
@require_POST
def proposal_panel(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    form = NextForm(request.POST)
    back = (form.is_valid() and form.cleaned_data["next"]) or p.get_absolute_url()
    return act(
        request,
        lambda: services.move_to_panel(request.user, p),
        _("The proposal is at the panel."),
        back,
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return bounce(request, form, p.get_absolute_url())
    d = form.cleaned_data
    funder = get_object_or_404(Funder, pk=d["funder"] or 0)
    return act(
        request,
        lambda: services.record_decision(
            request.user,
            p,
            funder,
            decision=d["decision"],
            reasons=d["reasons"],
            amount=d["amount"] or None,
            conditions=d["conditions"],
        ),
        _("Decision recorded."),
        d["next"] or p.get_absolute_url(),
    )


@login_required
@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return act_on_form(
        request,
        ConflictForm(request.POST),
        lambda d: services.declare_conflict(request.user, p, detail=d["detail"]),
        _("Conflict declared; the proposal is no longer assigned to you."),
        "/funding/reviews/",
    )
