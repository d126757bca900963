"""Demand pages: the public list, the guided form, a demand's page with its matches
(offers and experts, explained) for its company, triage for officers, bounty plans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.people.models import Organisation, ResearcherProfile

from .. import matching, selectors, services
from .. import permissions as perm
from ..forms import DemandFilterForm, DemandForm, NoteForm, OfferFilterForm, PlanForm
from ..models import Demand, DemandStatus, PlanStatus, SolutionPlan
from ..workflow import DEMAND_FLOW
from .common import attempt

# What a signed-in person who may not post a demand reads, with what to do about it.
NOT_LINKED = gettext_lazy(
    "Demands are posted by enterprise users whose account is linked to their company. Ask "
    "to be linked to yours, or register it, on “My organisation”; meanwhile you can browse "
    "the technology offers and express interest in them."
)


def demand_list(request: HttpRequest) -> HttpResponse:
    form = DemandFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = selectors.public_demands(
        sector=data.get("sector") or "",
        region=data.get("region") or "",
        mode=data.get("mode") or "",
    ).select_related("organisation")
    rows = [{"demand": d, "company": selectors.demand_company(request.user, d)} for d in qs[:200]]
    return render(
        request,
        "transfer/demands.html",
        {
            "form": form,
            "rows": rows,
            "can_post": perm.can_post_demand(request.user),
            "not_linked": NOT_LINKED,
        },
    )


def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        demand = selectors.demand_for(request.user, pk)
    except Demand.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    member = perm.is_demand_member(user, demand)
    ctx: dict[str, Any] = {
        "demand": demand,
        "PlanStatus": PlanStatus,  # the template compares with members
        "company": selectors.demand_company(user, demand),
        "actions": DEMAND_FLOW.allowed(user, demand),
        "member": member,
        "note_form": NoteForm(),
        "plan_form": PlanForm(),
        "plans": demand.plans.select_related("submitted_by") if member else None,
    }
    if member and demand.state in (
        DemandStatus.PUBLISHED,
        DemandStatus.LONG_TERM,
        DemandStatus.SUBMITTED,
    ):
        fform = OfferFilterForm(request.GET or None)
        f = fform.cleaned_data if fform.is_bound and fform.is_valid() else {}
        hits = matching.offers_for_demand(
            demand,
            top_k=15,
            language=get_language(),
            **{k: f.get(k) or "" for k in ("sector", "ip_type", "mode", "region")},
            trl_min=f.get("trl_min"),
            trl_max=f.get("trl_max"),
        )
        offers = selectors.matchable_offers().select_related("owner").in_bulk([h.id for h in hits])
        ctx["offer_rows"] = [{"offer": offers[h.id], "match": h} for h in hits if h.id in offers]
        experts = matching.experts_for_demand(demand, top_k=8, language=get_language())
        profiles = ResearcherProfile.objects.select_related("person", "organisation").in_bulk(
            [e.profile_id for e in experts]
        )
        ctx["expert_rows"] = [
            {"profile": profiles[e.profile_id], "match": e}
            for e in experts
            if e.profile_id in profiles
        ]
        ctx["filter_form"] = fform
    return render(request, "transfer/demand.html", ctx)


@login_required
def demand_new(request: HttpRequest) -> HttpResponse:
    if not perm.can_post_demand(request.user):
        messages.error(request, NOT_LINKED)
        return redirect("transfer:membership_request")
    orgs = Organisation.objects.filter(pk__in=perm.enterprise_organisation_ids(request.user))
    org = orgs.first()
    form = DemandForm(
        request.POST or None,
        initial={"language": get_language(), "region": org.region if org else ""},
    )
    if request.method == "POST" and form.is_valid() and org is not None:
        demand = attempt(
            request,
            lambda: services.post_demand(request.user, organisation=org, data=form.cleaned_data),
            form,
        )
        if demand is not None:
            messages.success(request, _("Submitted. A platform officer will review it shortly."))
            return redirect(demand)
    return render(request, "transfer/demand_form.html", {"form": form, "organisation": org})


@login_required
@require_POST
def demand_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    demand = get_object_or_404(Demand, pk=pk)
    form = NoteForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    if attempt(
        request,
        lambda: services.triage_demand(
            request.user, demand, action, reason=data.get("reason", ""), note=data.get("note", "")
        ),
    ):
        messages.success(request, _("Done."))
    return redirect(demand)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(Demand, pk=pk)
    form = PlanForm(request.POST)
    if form.is_valid() and attempt(
        request, lambda: services.submit_plan(request.user, demand, **form.cleaned_data)
    ):
        messages.success(request, _("Your solution plan was sent to the company."))
    elif not form.is_valid():
        messages.error(request, _("Name your team and describe your plan."))
    return redirect(demand)


@login_required
@require_POST
def plan_select(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(SolutionPlan, pk=pk)
    if attempt(request, lambda: services.select_plan(request.user, plan)):
        messages.success(request, _("Plan selected."))
    return redirect(plan.demand)
