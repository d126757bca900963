from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innobridge.core.forms import service_error_messages

from .. import selectors, services
from ..forms import AdjustForm, ChecklistStepForm, ConflictForm, ReportForm, ReviewForm
from ..models import ChecklistItem, MatchingMethod, MatchingRun, Programme, Review, StayReport
from ..permissions import can_review, require, require_manage_programme
from ..workflow import REPORT_FLOW, STAY_FLOW, actions
from .common import attempt


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme, pk=pk)
    require_manage_programme(request.user, p)
    form = ChecklistStepForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            attempt(
                request,
                lambda: services.add_checklist_step(request.user, p, **form.cleaned_data),
                _("Saved."),
            )
        else:
            messages.error(request, _("Give the step, its host region and when it is due."))
        return redirect("exchange:manage", p.pk)
    return render(
        request,
        "exchange/manage.html",
        {
            "programme": p,
            "applications": selectors.programme_applications(request.user, p),
            "proposed": p.placements.exclude(state="approved"),
            "checklist": p.checklist.all(),
            "checklist_form": form,
        },
    )


def _runner(request: HttpRequest, p: Programme, method: str, balance: bool) -> Any:
    return lambda: services.run_matching(request.user, p, method, balance=balance)


@login_required
def matching(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme, pk=pk)
    require_manage_programme(request.user, p)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "run":
            balance = request.POST.get("balance") == "on"
            chosen = [m for m in MatchingMethod.values if request.POST.get(f"m_{m}") == "on"]
            if not chosen:
                messages.error(request, _("Choose at least one method."))
            for method in chosen:
                attempt(request, _runner(request, p, method, balance))
        elif action in {"choose", "send", "adjust"}:
            run = get_object_or_404(MatchingRun, pk=request.POST.get("run"), programme=p)
            if action == "choose":
                attempt(
                    request, lambda: services.choose_run(request.user, run), _("Result chosen.")
                )
            elif action == "send":
                attempt(request, lambda: services.send_offers(request.user, run), _("Offers sent."))
            else:
                form = AdjustForm(request.POST)
                if form.is_valid():
                    try:
                        flags = services.adjust(
                            request.user,
                            run,
                            form.cleaned_data["application"],
                            form.cleaned_data["placement"],
                        )
                    except ValidationError as exc:
                        for m in service_error_messages(exc):
                            messages.error(request, m)
                    else:
                        for f in flags:
                            messages.warning(
                                request, _("Creates a blocking pair: %(f)s") % {"f": f}
                            )
                        if not flags:
                            messages.success(request, _("Saved."))
        return redirect("exchange:matching", p.pk)
    runs = selectors.latest_runs(p)
    names = {a.pk: str(a.applicant) for a in p.applications.select_related("applicant")}
    places = {pl.pk: pl for pl in p.placements.select_related("organisation")}
    columns = []
    for method in MatchingMethod.values:
        latest = runs.get(method)
        if latest is not None:
            rows = [(a, names.get(a, a), places.get(pl)) for a, pl in latest.pairs]
            columns.append({"run": latest, "m": latest.metrics, "rows": rows})
    return render(
        request,
        "exchange/matching.html",
        {
            "programme": p,
            "columns": columns,
            "adjust_form": AdjustForm(),
            "methods": MatchingMethod.choices,
            "offers": [
                o
                for r in p.matching_runs.all()
                for o in r.offers.select_related("application__applicant", "placement")
            ],
        },
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_object_or_404(Review.objects.select_related("application__programme"), pk=pk)
    require(r.reviewer_id == request.user.pk)
    criteria = list(r.application.programme.rubric.all())
    form = ReviewForm(request.POST or None, criteria=criteria)
    conflict_form = ConflictForm(request.POST or None)
    if request.method == "POST" and can_review(request.user, r):
        if request.POST.get("action") == "conflict" and conflict_form.is_valid():
            attempt(
                request,
                lambda: services.declare_conflict(
                    request.user, r, conflict_form.cleaned_data["conflict_reason"]
                ),
                _("Conflict declared."),
            )
            return redirect("exchange:home")
        if (
            request.POST.get("action") == "score"
            and form.is_valid()
            and attempt(
                request,
                lambda: services.submit_review(
                    request.user, r, scores=form.scores(), comment=form.cleaned_data["comment"]
                ),
                _("Review submitted."),
            )
        ):
            return redirect("exchange:home")
    return render(
        request,
        "exchange/review.html",
        {
            "review": r,
            "app": r.application,
            "form": form,
            "conflict_form": conflict_form,
            "letters": r.application.referees.exclude(letter=""),
            "open": can_review(request.user, r),
        },
    )


@login_required
def stay(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.stay_for(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in STAY_FLOW.actions:
            attempt(request, lambda: services.move_stay(request.user, s, action), _("Saved."))
        elif action == "tick":
            item = get_object_or_404(ChecklistItem, pk=request.POST.get("item"), stay=s)
            attempt(request, lambda: services.tick_checklist(request.user, item), _("Saved."))
        elif action == "report":
            form = ReportForm(request.POST)
            if form.is_valid():
                attempt(
                    request,
                    lambda: services.submit_report(request.user, s, **form.cleaned_data),
                    _("Report submitted."),
                )
            else:
                messages.error(request, _("Write the report."))
        elif action in {"accept_report", "return_report"}:
            rep = get_object_or_404(StayReport, pk=request.POST.get("report"), stay=s)
            attempt(
                request,
                lambda: services.review_report(request.user, rep, accept=action == "accept_report"),
                _("Saved."),
            )
        return redirect("exchange:stay", s.pk)
    return render(
        request,
        "exchange/stay.html",
        {
            "stay": s,
            "actions": actions(STAY_FLOW, request.user, s),
            "checklist": s.checklist.all(),
            "reports": [(r, actions(REPORT_FLOW, request.user, r)) for r in s.reports.all()],
            "instalments": s.instalments.all(),
            "report_form": ReportForm(),
        },
    )
