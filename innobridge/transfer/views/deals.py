"""Deal pages: expressing interest, taking a published licence, and one page per deal
with the steps the table allows the reader (accept, NDA, meetings, term sheet, sign,
close)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import (
    CloseForm,
    InterestDemandForm,
    InterestForm,
    MeetingForm,
    NdaVersionForm,
    SignForm,
    TakeTermsForm,
    TermSheetForm,
)
from ..models import Deal, DealState, Offer
from ..workflow import DEAL_FLOW
from .common import attempt


@login_required
@require_POST
def interest(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    form = InterestForm(request.POST)
    demand_form = InterestDemandForm(request.POST)
    if not demand_form.is_valid():
        raise Http404
    demand = demand_form.cleaned_data["demand"]
    if not form.is_valid():
        messages.error(request, _("Tell the owner what you would use it for."))
        return redirect(offer)
    deal = attempt(
        request,
        lambda: services.express_interest(
            request.user, offer, message=form.cleaned_data["message"], demand=demand
        ),
    )
    if deal is None:
        return redirect(offer)
    messages.success(request, _("Your interest was sent to the owner."))
    return redirect(deal)


@login_required
@require_POST
def take_terms(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    terms = TakeTermsForm(request.POST)
    mode = terms.cleaned_data["mode"] if terms.is_valid() else ""
    deal = attempt(request, lambda: services.take_published_terms(request.user, offer, mode=mode))
    if deal is None:
        return redirect(offer)
    messages.success(request, _("Licence granted on the published terms."))
    return redirect(deal)


def _deal(request: HttpRequest, pk: int) -> Deal:
    try:
        return selectors.deal_for(request.user, pk)
    except Deal.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    nda = services.current_nda(deal.offer)
    ctx: dict[str, Any] = {
        "deal": deal,
        "DealState": DealState,  # the template compares with members
        "offer": deal.offer,
        "actions": DEAL_FLOW.allowed_actions(request.user, deal),
        "nda": nda,
        "nda_text": nda.text_in(get_language()) if nda else "",
        "meeting_form": MeetingForm(),
        "terms_form": TermSheetForm(initial={"currency": deal.offer.licence_currency}),
        "sign_form": SignForm(initial={"currency": deal.offer.licence_currency}),
        "close_form": CloseForm(),
        "meetings": deal.meetings.all(),
        "term_sheets": deal.term_sheets.all(),
        "acceptances": deal.nda_acceptances.select_related("nda", "person"),
    }
    return render(request, "transfer/deal.html", ctx)


FORMS = {"meet": MeetingForm, "propose_terms": TermSheetForm, "sign": SignForm, "close": CloseForm}


@login_required
@require_POST
def deal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    deal = _deal(request, pk)
    user = request.user
    if action == "accept":
        attempt(request, lambda: services.accept_deal(user, deal))
    elif action == "accept_nda":
        version = NdaVersionForm(request.POST).read()
        attempt(
            request,
            lambda: services.accept_nda(user, deal, version=version, language=get_language()),
        )
    elif action in FORMS:
        form = FORMS[action](request.POST)
        if not form.is_valid():
            for errs in form.errors.values():
                for e in errs:
                    messages.error(request, str(e))
            return redirect(deal)
        data = form.cleaned_data
        calls = {
            "meet": lambda: services.record_meeting(user, deal, **data),
            "propose_terms": lambda: services.propose_terms(user, deal, **data),
            "sign": lambda: services.sign_deal(user, deal, **data),
            "close": lambda: services.close_deal(user, deal, **data),
        }
        attempt(request, calls[action])
    else:
        raise Http404
    return redirect(deal)
