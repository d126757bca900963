"""A person's transfer page (their offers, demands, deals, new matches, what waits for
their decision, preferences), the TTO funnel with chart and exports, NDA texts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innobridge.people.models import Organisation

from .. import charts, exports, selectors, services
from .. import permissions as perm
from ..forms import NdaForm, PreferenceForm
from ..models import Offer
from ..services.matches import preferences, set_preferences
from .common import attempt


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    pref = preferences(user)
    form = PreferenceForm(
        request.POST or None, initial={"in_app": pref.in_app, "daily_digest": pref.daily_digest}
    )
    if request.method == "POST" and form.is_valid():
        set_preferences(user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("transfer:mine")
    ctx: dict[str, Any] = {
        "offers": selectors.my_offers(user),
        "demands": selectors.my_demands(user),
        "deals": selectors.my_deals(user),
        "notices": selectors.my_notices(user)[:30],
        "queue": selectors.moderation_queue(user),
        "pref_form": form,
        "tto_orgs": Organisation.objects.filter(pk__in=perm.tto_organisation_ids(user)),
        "can_offer": perm.can_create_offer(user),
        "can_demand": perm.can_post_demand(user),
    }
    return render(request, "transfer/mine.html", ctx)


def _funnel_response(
    request: HttpRequest, f: selectors.Funnel, title: str, name: str
) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        resp = HttpResponse(exports.funnel_csv(f), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return resp
    if fmt == "xlsx":
        resp = HttpResponse(
            exports.funnel_xlsx(f),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        resp["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return resp
    labels = selectors.stage_labels()
    stages = [
        {
            "key": s,
            "label": labels[s],
            "count": f.counts[s],
            "conversion": f.conversion[s],
            "median": f.median_days[s],
        }
        for s in selectors.STAGES
    ]
    return render(
        request,
        "transfer/funnel.html",
        {"title": title, "funnel": f, "stages": stages, "chart": charts.funnel_chart(f)},
    )


@login_required
def offer_funnel(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    if not perm.can_view_funnel_offer(request.user, offer):
        raise Http404
    return _funnel_response(request, selectors.funnel([offer]), offer.title, f"funnel-offer-{pk}")


@login_required
def organisation_funnel(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    if pk not in perm.tto_organisation_ids(request.user) and not perm.is_officer(request.user):
        raise Http404
    f = selectors.funnel(selectors.organisation_offers(pk))
    return _funnel_response(request, f, org.name, f"funnel-organisation-{pk}")


@login_required
def nda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    if pk not in perm.tto_organisation_ids(request.user):
        raise Http404
    from ..models import NdaText

    current = NdaText.objects.filter(organisation=org).order_by("-version").first()
    initial = (
        {
            "text_en": current.text_en,
            "text_zh_hant": current.text_zh_hant,
            "text_zh_hans": current.text_zh_hans,
        }
        if current
        else {}
    )
    form = NdaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        nda = attempt(
            request, lambda: services.publish_nda(request.user, org, **form.cleaned_data), form
        )
        if nda is not None:
            messages.success(request, _("NDA version %(v)s published.") % {"v": nda.version})
            return redirect("transfer:mine")
    return render(
        request, "transfer/nda_form.html", {"form": form, "organisation": org, "current": current}
    )
