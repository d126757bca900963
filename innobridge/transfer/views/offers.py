"""Offer pages: the catalogue with cross-language search, an offer's public page, its
confidential part (after an NDA, each view logged), creating and editing, moderation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.forms import NextForm
from innobridge.people.models import Organisation

from .. import matching, selectors, services
from .. import permissions as perm
from ..forms import (
    AttachmentForm,
    InterestForm,
    NoteForm,
    OfferFilterForm,
    OfferForm,
    PassForm,
)
from ..models import ConfidentialFile, DealState, Offer, OfferStatus
from ..workflow import OFFER_FLOW
from .common import attempt

OFFERS_PER_PAGE = 20


def home(request: HttpRequest) -> HttpResponse:
    """Published offers: filters, and "describe what you need" in any language."""
    form = OfferFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters: dict[str, Any] = {
        k: data.get(k) or "" for k in ("sector", "ip_type", "mode", "region")
    }
    trl: dict[str, Any] = {"trl_min": data.get("trl_min"), "trl_max": data.get("trl_max")}
    qs = selectors.public_offers(**filters, **trl)
    query = (data.get("q") or "").strip()
    explanations: dict[int, matching.Match] = {}
    offers: Any = qs
    if query:
        hits = matching.offers_for_text(query, top_k=40, language=get_language(), **filters, **trl)
        by_id = {o.pk: o for o in qs}
        offers = [by_id[h.id] for h in hits if h.id in by_id]
        explanations = {h.id: h for h in hits}
    page = Paginator(offers, OFFERS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"offer": o, "match": explanations.get(o.pk)} for o in page]
    keep = request.GET.copy()  # the filters and the search, kept in the page links
    keep.pop("page", None)
    return render(
        request,
        "transfer/home.html",
        {
            "form": form,
            "rows": rows,
            "query": query,
            "page": page,
            "query_string": keep.urlencode(),
        },
    )


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        offer = selectors.offer_for(request.user, pk)
    except Offer.DoesNotExist as exc:
        raise Http404 from exc
    services.record_view(request.user, offer)
    user = request.user
    is_owner = perm.is_owner_tto(user, offer)
    ctx: dict[str, Any] = {
        "offer": offer,
        "OfferStatus": OfferStatus,  # the template compares with members
        "actions": OFFER_FLOW.allowed(user, offer),
        "is_owner": is_owner,
        "can_edit": perm.can_edit_offer(user, offer),
        "can_confidential": perm.can_view_confidential_offer(user, offer),
        "can_interest": perm.can_express_interest_offer(user, offer),
        "answered": offer.pk in selectors.answered_offer_ids([offer]),
        "my_deal": (
            offer.deals.filter(party=user).exclude(state=DealState.CLOSED).first()
            if user.is_authenticated
            else None
        ),
        "interest_form": InterestForm(),
        "pass_form": PassForm(),
        "note_form": NoteForm(),
        "attachment_form": AttachmentForm(),
        "trl_history": offer.trl_history.all(),
    }
    if is_owner or perm.is_officer(user):
        ctx["deals"] = offer.deals.select_related("party").all()
        ctx["pass_reasons"] = selectors.pass_reasons(offer)
        if offer.state == OfferStatus.PUBLISHED:
            ctx["demand_matches"] = _demand_rows(request, offer)
            ctx["enterprise_matches"] = _enterprise_rows(offer)
    return render(request, "transfer/offer.html", ctx)


def _demand_rows(request: HttpRequest, offer: Offer) -> list[dict[str, Any]]:
    hits = matching.demands_for_offer(offer, top_k=10, language=get_language())
    demands = selectors.matchable_demands().in_bulk([h.id for h in hits])
    return [
        {
            "demand": demands[h.id],
            "company": selectors.demand_company(request.user, demands[h.id]),
            "match": h,
        }
        for h in hits
        if h.id in demands
    ]


def _enterprise_rows(offer: Offer) -> list[dict[str, Any]]:
    from innobridge.people.models import Organisation

    hits = matching.enterprises_for_offer(offer, top_k=10, language=get_language())
    orgs = Organisation.objects.in_bulk([h.id for h in hits])
    return [{"organisation": orgs[h.id], "match": h} for h in hits if h.id in orgs]


@login_required
def offer_confidential(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    if not perm.can_view_confidential_offer(request.user, offer):
        messages.error(
            request,
            _("The confidential part is shown only after you have accepted the owner's NDA."),
        )
        return redirect(offer)
    services.log_confidential_view(request.user, offer, "text")
    ctx = {
        "offer": offer,
        "files": offer.confidential_files.all(),
        "views": offer.confidential_views.all()[:50]
        if perm.is_owner_tto(request.user, offer)
        else None,
    }
    return render(request, "transfer/confidential.html", ctx)


@login_required
def confidential_file(request: HttpRequest, pk: int) -> FileResponse:
    att = get_object_or_404(ConfidentialFile, pk=pk)
    if not perm.can_view_confidential_offer(request.user, att.offer):
        raise Http404
    services.log_confidential_view(request.user, att.offer, f"file:{att.pk}:{att.title}")
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=f"{att.title}.pdf")


def _owners(user: Any) -> Any:
    tto = perm.tto_organisation_ids(user)
    ids = set(tto)
    profile = getattr(user, "researcher_profile", None)
    if profile is not None and profile.organisation_id:
        ids.add(profile.organisation_id)
    return Organisation.objects.filter(pk__in=ids)


def _initial(offer: Offer) -> dict[str, Any]:
    data = {f: getattr(offer, f) for f in services.offers.OFFER_FIELDS}
    data["owner"] = offer.owner_id
    data["keywords"] = ", ".join(offer.keywords or [])
    data["inventors"] = "\n".join(f"{i.name}; {i.share}" for i in offer.inventors.all())
    data["patents"] = "\n".join(
        f"{p.number}; {p.jurisdiction}; {p.status}" for p in offer.patents.all()
    )
    return data


@login_required
def offer_new(request: HttpRequest) -> HttpResponse:
    if not perm.can_create_offer(request.user):
        messages.error(request, _("Only researchers and technology-transfer officers list offers."))
        return redirect("transfer:home")
    owners = _owners(request.user)
    form = OfferForm(request.POST or None, owners=owners, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        offer = attempt(
            request,
            lambda: services.create_offer(
                request.user,
                owner=form.cleaned_data["owner"],
                data=form.service_data(),
                inventors=form.cleaned_data["inventors"],
                patents=form.cleaned_data["patents"],
            ),
            form,
        )
        if offer is not None:
            messages.success(request, _("Draft saved. Submit it when it is ready."))
            return redirect(offer)
    return render(request, "transfer/offer_form.html", {"form": form, "offer": None})


@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    if not perm.can_edit_offer(request.user, offer):
        raise Http404
    owners = Organisation.objects.filter(pk=offer.owner_id)
    form = OfferForm(request.POST or None, owners=owners, initial=_initial(offer))
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: services.update_offer(
                request.user,
                offer,
                data=form.service_data(),
                inventors=form.cleaned_data["inventors"],
                patents=form.cleaned_data["patents"],
            ),
            form,
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect(offer)
    return render(request, "transfer/offer_form.html", {"form": form, "offer": offer})


@login_required
@require_POST
def offer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    if attempt(request, lambda: services.move_offer(request.user, offer, action, note=note)):
        messages.success(request, _("Done."))
    return redirect(offer)


@login_required
@require_POST
def offer_attach(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        if attempt(
            request,
            lambda: services.add_attachment(
                request.user,
                offer,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            ),
        ):
            messages.success(request, _("Attachment added to the confidential part."))
    else:
        messages.error(request, _("Attach a PDF file with a title."))
    return redirect(offer)


@login_required
@require_POST
def offer_pass(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk, state=OfferStatus.PUBLISHED)
    form = PassForm(request.POST)
    if form.is_valid() and attempt(
        request, lambda: services.pass_offer(request.user, offer, **form.cleaned_data)
    ):
        messages.success(request, _("Thank you: the owner sees the reason, never who gave it."))
    elif not form.is_valid():
        messages.error(request, _("Choose a reason from the list."))
    back = NextForm(request.POST).posted()
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect(offer)
