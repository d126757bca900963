"""Pages of schemes, calls (public, and the officers' set-up) and funders' reviewer pools."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.caching import public_page
from innobridge.core.forms import apply_service_errors
from innobridge.core.permissions import Role, can_act_as
from innobridge.core.personpages import person_page
from innobridge.people.models import Person

from .. import permissions, selectors, services
from ..forms import CallEditForm, CallForm, PoolForm, RubricForm, SchemeForm
from ..models import (
    AssignmentStatus,
    Call,
    Funder,
    ReviewAssignment,
)
from ._helpers import act, act_on_form, bounce, person_named


@person_page("funding.home")
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_funders = list(selectors.officer_funders(user).order_by("side", "name"))
    ctx = {
        "open_calls": selectors.open_calls(),
        "calls": selectors.visible_calls(user)[:20],
        "my_proposals": selectors.my_proposals(user),
        "my_assignments": selectors.my_assignments(user).exclude(status=AssignmentStatus.SUBMITTED),
        "officer_calls": selectors.officer_calls(user),
        "officer_schemes": selectors.officer_schemes(user),
        "my_funders": my_funders,
        "is_officer": bool(my_funders),
        "my_projects": selectors.visible_projects(user)[:20],
        "unread": selectors.unread_notifications(user).count(),
        "is_researcher": can_act_as(user, Role.RESEARCHER),
    }
    return render(request, "funding/home.html", ctx)


@public_page("funding.call")
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
            "can_apply": call.is_open() and can_act_as(request.user, Role.RESEARCHER),
            "is_officer": permissions.can_manage_call(request.user, call),
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
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The call was created."))
            return redirect(call)
    return render(request, "funding/call_form.html", {"form": form})


# --------------------------------------------------------------------------- officers: set-up


@login_required
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a call before it opens (after: only its description and review deadline), each
    funder's side (budget, cap, reviewers) and, per funder, its rubric."""
    call = get_object_or_404(Call, pk=pk)
    permissions.require_manage_call(request.user, call)
    sides = list(call.sides.select_related("funder").order_by("side"))
    mine = {cs.funder_id for cs in sides if permissions.can_act_for_funder(request.user, cs.funder)}
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
        changed_sides = []
        for cs in sides:
            if cs.funder_id not in mine:
                continue
            values = {
                "budget": d[f"budget_{cs.funder_id}"],
                "project_cap": d[f"cap_{cs.funder_id}"],
                "reviewers_per_proposal": d[f"reviewers_{cs.funder_id}"],
                "max_reviewer_load": d[f"load_{cs.funder_id}"],
            }
            if any(values[k] != getattr(cs, k) for k in values):
                changed_sides.append((cs.funder, values))
        try:
            services.update_call_and_sides(request.user, call, sides=changed_sides, **fields)
        except ValidationError as exc:
            apply_service_errors(form, exc)
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
    return act_on_form(
        request,
        RubricForm(request.POST),
        lambda d: services.set_rubric(request.user, call, funder, RubricForm.rows_of(d)),
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
            apply_service_errors(form, exc)
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
    permissions.require_act_for_funder(request.user, funder)
    if request.method == "POST":
        back = reverse("funding:funder_pool", args=[funder.pk])
        form = PoolForm(request.POST)
        if not form.is_valid():
            return bounce(request, form, back)
        d = form.cleaned_data
        if d["remove"] is not None:
            person = get_object_or_404(Person, pk=d["remove"])

            def remove() -> None:
                left = services.remove_from_pool(request.user, funder, person)
                messages.success(request, _("%(person)s left the pool.") % {"person": person})
                if left:
                    messages.info(
                        request,
                        _("%(n)s invitations already sent stay open.") % {"n": left},
                    )

            return act(request, remove, "", back)
        return act(
            request,
            lambda: services.add_to_pool(request.user, funder, person_named(d["person"])),
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
            funder=funder, status__in=[AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED]
        )
        .values("reviewer")
        .annotate(n=Count("id"))
    }
    rows = [(p, load.get(p.pk, 0)) for p in pool]
    return render(request, "funding/pool.html", {"funder": funder, "rows": rows})
