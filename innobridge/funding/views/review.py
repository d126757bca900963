"""Pages of review: a call's management and assignment, reviewers' invitations and forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.forms import service_error_messages
from innobridge.core.personpages import person_page

from .. import exports, permissions, selectors, services
from ..forms import (
    AnswerForm,
    AssignmentRunForm,
    ByHandForm,
    InvitationsForm,
    ReviewForm,
    SharingForm,
)
from ..models import (
    AssignmentStatus,
    Call,
    ProposalState,
    ReviewAssignment,
)
from ..workflow import ASSIGNMENT_FLOW
from ._helpers import CHOICES, act, act_on_form


@login_required
@person_page("funding.call_manage")
def call_manage(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.prefetch_call_sides(get_object_or_404(Call, pk=pk))
    permissions.require_manage_call(request.user, call)
    proposals = list(
        call.proposals.exclude(state=ProposalState.DRAFT).select_related("lead").order_by("pk")
    )
    for p in proposals:
        p.my_screens = services.screenable_funders(request.user, p)  # type: ignore[attr-defined]
        p.open_request = (  # type: ignore[attr-defined]
            services.open_info_request(p) if p.state == ProposalState.MORE_INFO else None
        )
    sides = selectors.call_sides(call)
    assignments = list(
        ReviewAssignment.objects.filter(proposal__call=call)
        .exclude(status=AssignmentStatus.DECLINED)
        .select_related("proposal", "reviewer", "funder")
        .order_by("proposal_id", "funder__side", "-affinity")
    )
    removable = {
        a.pk for a in assignments if ASSIGNMENT_FLOW.can(request.user, a, "remove")
    }  # the Remove buttons (the table: not yet accepted, an officer of its funder)
    pools = {cs.side: cs.funder.reviewer_pool.order_by("username") for cs in sides}
    # every funder's ranking and commitments in a few reads for all of them (issue #17)
    scores = selectors.submitted_scores([p.pk for p in proposals], [cs.funder_id for cs in sides])
    rankings = selectors.rankings(call, [cs.funder for cs in sides], proposals, scores)
    committed = services.committed_amounts(call)
    ctx = {
        "call": call,
        "proposals": proposals,
        "sides": sides,
        "assignments": assignments,
        "removable": removable,
        "has_proposed": any(a.status == AssignmentStatus.PROPOSED for a in assignments),
        "outstanding": sum(
            1
            for a in assignments
            if a.status in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)
            and a.proposal.state == ProposalState.IN_REVIEW
        ),
        "now": timezone.now(),
        "pools": pools,
        "rankings": [
            (cs, rankings[cs.funder_id], committed.get(cs.funder_id, Decimal(0))) for cs in sides
        ],
        "portfolio": selectors.suggested_portfolio(call, proposals, scores),
        "obstacles": request.session.pop(f"funding_obstacles_{call.pk}", None),
        "my_funders": [
            cs.funder for cs in sides if permissions.can_act_for_funder(request.user, cs.funder)
        ],
        "default_deadline": (call.review_deadline or timezone.now() + dt.timedelta(days=21)),
        "export_tables": exports.sheet_titles(),
    }
    return render(request, "funding/call_manage.html", CHOICES | ctx)


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

    return act(request, run, "", call.get_absolute_url() + "manage/")


@login_required
@require_POST
def call_conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    back = call.get_absolute_url() + "manage/"
    return act(
        request,
        lambda: services.refresh_conflicts(request.user, call),
        _("Conflicts of interest updated."),
        back,
    )


@login_required
@require_POST
def call_assign(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    form = AssignmentRunForm(request.POST)
    if not form.is_valid():
        return act_on_form(request, form, lambda d: None, "", call.get_absolute_url() + "manage/")
    summary = services.run_assignment(
        request.user,
        call,
        fair=form.cleaned_data["fair"],
        cross_border=form.cleaned_data["cross_border"],
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
    return act_on_form(
        request,
        ByHandForm(request.POST, call=call),
        lambda d: services.assign_by_hand(request.user, d["proposal"], d["reviewer"], d["funder"]),
        _("Reviewer added."),
        call.get_absolute_url() + "manage/",
    )


@login_required
@require_POST
def call_invite(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)

    def run(d: dict[str, Any]) -> None:
        n = services.send_invitations(request.user, call, deadline=d["deadline"])
        messages.success(request, _("%(n)s invitations sent.") % {"n": n})

    form = InvitationsForm(request.POST)
    return act_on_form(request, form, run, "", call.get_absolute_url() + "manage/")


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(ReviewAssignment, pk=pk)
    return act(
        request,
        lambda: services.remove_assignment(request.user, a),
        _("Reviewer removed."),
        a.proposal.call.get_absolute_url() + "manage/",
    )


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    assignments = list(selectors.my_assignments(request.user))
    for a in assignments:  # the buttons: what the table lets the reviewer do now
        a.actions = ASSIGNMENT_FLOW.allowed_actions(request.user, a)  # type: ignore[attr-defined]
    return render(
        request,
        "funding/reviews.html",
        CHOICES | {"assignments": assignments, "now": timezone.now()},
    )


@login_required
@require_POST
def assignment_respond(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(ReviewAssignment, pk=pk, reviewer_id=request.user.pk)
    form = AnswerForm(request.POST)
    accept = form.is_valid() and form.cleaned_data["accept"]
    return act_on_form(
        request,
        form,
        lambda d: services.respond_assignment(request.user, a, accept=d["accept"]),
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
            for m in service_error_messages(exc):
                form.add_error(None, m)
        else:
            messages.success(request, _("Your review was submitted."))
            return redirect(a.proposal)
    return render(
        request,
        "funding/review_form.html",
        {"a": a, "p": a.proposal, "form": form, "attachments": a.proposal.attachments.all()},
    )


@login_required
@require_POST
def call_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """A funder's officers decide whether applicants see its reviewers' comments (and
    scores) after the decision."""
    call = get_object_or_404(Call, pk=pk)
    return act_on_form(
        request,
        SharingForm(request.POST, call=call),
        lambda d: services.set_review_sharing(
            request.user, call, d["funder"], comments=d["comments"], scores=d["scores"]
        ),
        _("Saved: what applicants see of the reviews."),
        call.get_absolute_url() + "manage/#panel",
    )
