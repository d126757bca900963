from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innobridge.core.forms import ActionForm, apply_service_errors, service_error_messages

from .. import selectors, services
from ..forms import (
    AdjustForm,
    ChecklistStepForm,
    ConflictForm,
    CriterionForm,
    ReportForm,
    ReviewForm,
    RunMatchingForm,
    StipendForm,
    picked_or_404,
)
from ..matching import pair_level
from ..models import (
    ApplicationState,
    ChecklistItem,
    ChecklistTemplate,
    MatchingMethod,
    MatchingRun,
    PlacementState,
    Programme,
    Review,
    RubricCriterion,
    StayReport,
    StipendComponent,
)
from ..permissions import can_review, require, require_manage_programme
from ..workflow import REPORT_FLOW, STAY_FLOW, actions
from .common import attempt

MANAGE_ACTIONS = (
    "checklist",
    "change_checklist",
    "remove_checklist",
    "stipend",
    "criterion",
    "remove_stipend",
    "remove_criterion",
)
MATCHING_ACTIONS = ("run", "close_waiting_list", "choose", "send", "adjust")
STAY_ACTIONS = (*STAY_FLOW.actions, "tick", "report", "accept_report", "return_report")


def _save(request: HttpRequest, form: Any, fn: Any) -> bool:
    """A valid form through its service; the service's errors go onto the form."""
    if not form.is_valid():
        return False
    try:
        fn(form)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    messages.success(request, _("Saved."))
    return True


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme, pk=pk)
    require_manage_programme(request.user, p)
    action: str | None = ""
    if request.method == "POST":
        action = ActionForm(request.POST, choices=MANAGE_ACTIONS).chosen(default="checklist")
    post = request.POST or None
    form = ChecklistStepForm(post if action == "checklist" else None)
    stipend_form = StipendForm(post if action == "stipend" else None, prefix="stipend")
    criterion_form = CriterionForm(post if action == "criterion" else None, prefix="criterion")
    # Each step of the checklist has its own form (changed in place), prefixed by its id.
    changing = (
        picked_or_404(request.POST, "item", ChecklistTemplate.objects.filter(programme=p))
        if action in ("change_checklist", "remove_checklist")
        else None
    )
    step_forms = [
        (
            step,
            ChecklistStepForm(post, prefix=f"step-{step.pk}")
            if changing is not None and step.pk == changing.pk and action == "change_checklist"
            else ChecklistStepForm(
                prefix=f"step-{step.pk}",
                initial={f: getattr(step, f) for f in services.CHECKLIST_STEP_FIELDS},
            ),
        )
        for step in p.checklist.all()
    ]
    done = False
    if action == "checklist":
        done = _save(
            request, form, lambda f: services.add_checklist_step(request.user, p, **f.cleaned_data)
        )
    elif action == "change_checklist" and changing is not None:
        step, step_form = next((s, f) for s, f in step_forms if s.pk == changing.pk)
        done = _save(
            request,
            step_form,
            lambda f: services.update_checklist_step(request.user, step, **f.cleaned_data),
        )
    elif action == "remove_checklist" and changing is not None:
        step = changing
        done = bool(
            attempt(
                request, lambda: services.remove_checklist_step(request.user, step), _("Removed.")
            )
        )
    elif action == "stipend":
        done = _save(
            request,
            stipend_form,
            lambda f: services.add_stipend(
                request.user,
                p,
                paid_by=f.cleaned_data["paid_by"],
                currency=f.cleaned_data["currency"],
                amount=f.cleaned_data["amount"],
                schedule=f.schedule(),
            ),
        )
    elif action == "criterion":
        done = _save(
            request,
            criterion_form,
            lambda f: services.add_criterion(request.user, p, **f.cleaned_data),
        )
    elif action == "remove_stipend":
        comp = picked_or_404(request.POST, "item", StipendComponent.objects.filter(programme=p))
        done = bool(
            attempt(request, lambda: services.remove_stipend(request.user, comp), _("Removed."))
        )
    elif action == "remove_criterion":
        crit = picked_or_404(request.POST, "item", RubricCriterion.objects.filter(programme=p))
        done = bool(
            attempt(request, lambda: services.remove_criterion(request.user, crit), _("Removed."))
        )
    if done or (action or "").startswith("remove_"):
        return redirect("exchange:manage", p.pk)
    status = 200 if action == "" else 400
    return render(
        request,
        "exchange/manage.html",
        {
            "programme": p,
            "applications": selectors.programme_applications(request.user, p),
            "proposed": p.placements.exclude(state=PlacementState.APPROVED),
            "checklist": p.checklist.all(),
            "checklist_steps": step_forms,
            "checklist_form": form,
            "stipends": p.stipends.all(),
            "stipend_form": stipend_form,
            "rubric": p.rubric.all(),
            "criterion_form": criterion_form,
        },
        status=status,
    )


@login_required
def personal_data_views(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's register of who saw applicants' personal data, as CSV."""
    import csv
    import io

    from django.utils import timezone

    from innobridge.core.exports import csv_response

    p = get_object_or_404(Programme, pk=pk)
    rows = selectors.programme_views(request.user, p)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            _("time (Hong Kong)"),
            _("application"),
            _("whose data"),
            _("their side"),
            _("viewer"),
            _("viewer's role"),
            _("viewer's side"),
            _("item"),
            _("across the boundary"),
        ]
    )
    subjects = dict(p.applications.values_list("pk", "applicant__username"))
    for v in rows:
        w.writerow(
            [
                timezone.localtime(v.viewed_at).strftime("%Y-%m-%d %H:%M:%S"),
                v.object_id,
                subjects.get(int(v.object_id), ""),
                v.subject_region,
                v.viewer_repr,
                v.viewer_role,
                v.viewer_region,
                v.item,
                _("yes") if v.crosses_boundary else _("no"),
            ]
        )
    return csv_response(buf.getvalue(), f"programme-{p.pk}-personal-data-views.csv")


def _runner(request: HttpRequest, p: Programme, method: str, balance: bool) -> Any:
    return lambda: services.run_matching(request.user, p, method, balance=balance)


@login_required
def matching(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme, pk=pk)
    require_manage_programme(request.user, p)
    if request.method == "POST":
        action = ActionForm(request.POST, choices=MATCHING_ACTIONS).chosen()
        if action == "run":
            run_form = RunMatchingForm(request.POST)
            balance = bool(run_form.is_valid() and run_form.cleaned_data["balance"])
            chosen = run_form.methods()
            if not chosen:
                messages.error(request, _("Choose at least one method."))
            for method in chosen:
                attempt(request, _runner(request, p, method, balance))
        elif action == "close_waiting_list":
            closed = attempt(request, lambda: services.close_waiting_list(request.user, p))
            if closed:
                messages.success(
                    request,
                    _("Waiting list closed: %(n)s applications closed as unsuccessful.")
                    % {"n": len(closed) if isinstance(closed, list) else 0},
                )
        elif action in {"choose", "send", "adjust"}:
            run = picked_or_404(request.POST, "run", MatchingRun.objects.filter(programme=p))
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
            aff = (latest.options or {}).get("affinity", {})
            rows = [
                (
                    a,
                    names.get(a, a),
                    places.get(pl),
                    aff.get(f"{a}:{pl}"),
                    pair_level(aff.get(f"{a}:{pl}")),
                )
                for a, pl in latest.pairs
            ]
            columns.append({"run": latest, "m": latest.metrics, "rows": rows})
    return render(
        request,
        "exchange/matching.html",
        {
            "programme": p,
            "columns": columns,
            "adjust_form": AdjustForm(),
            "methods": MatchingMethod.choices,
            "waiting": p.applications.filter(state=ApplicationState.SHORTLISTED).count(),
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
        action = ActionForm(request.POST, choices=("conflict", "score")).chosen()
        if action == "conflict" and conflict_form.is_valid():
            attempt(
                request,
                lambda: services.declare_conflict(
                    request.user, r, conflict_form.cleaned_data["conflict_reason"]
                ),
                _("Conflict declared."),
            )
            return redirect("exchange:home")
        if (
            action == "score"
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
        action = ActionForm(request.POST, choices=STAY_ACTIONS).chosen() or ""
        if action in STAY_FLOW.actions:
            attempt(request, lambda: services.move_stay(request.user, s, action), _("Saved."))
        elif action == "tick":
            item = picked_or_404(request.POST, "item", ChecklistItem.objects.filter(stay=s))
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
            rep = picked_or_404(request.POST, "report", StayReport.objects.filter(stay=s))
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
