"""Pages for getting in touch with a partner: introduction requests and their answers,
the shortlist, the signed-in person's notices and what of their data was shared, and the
register of shared personal data for the data protection officer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.exports import csv_response
from innobridge.core.forms import NextForm, apply_service_errors, service_error_messages

from . import permissions, selectors, services
from .forms import (
    BlockForm,
    DisclosureFilterForm,
    IntroductionRequestForm,
    ShortlistNoteForm,
)
from .models import Introduction, IntroductionStatus, Person, ShortlistEntry
from .notifications import mark_notices_read
from .workflow import INTRODUCTION_FLOW


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (``next``), if it is on this site."""
    target = NextForm(request.POST).posted() or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _person(pk: int) -> Person:
    return get_object_or_404(Person, pk=pk, is_active=True)


# --- Introductions -----------------------------------------------------------------


@login_required
def introduction_list(request: HttpRequest) -> HttpResponse:
    context = selectors.introductions_of(request.user)
    return render(request, "people/introductions.html", context)


@login_required
def introduction_new(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = _person(person_pk)
    if person.pk == request.user.pk:
        raise Http404
    form = IntroductionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intro = services.request_introduction(
                request.user,
                person,
                message=form.cleaned_data["message"],
                consent=form.cleaned_data["consent"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request was sent. You will hear when %(person)s answers.")
                % {"person": person},
            )
            return redirect(intro)
    context = {
        "person": person,
        "form": form,
        "relation": selectors.relationship(request.user, person),
    }
    return render(request, "people/introduction_form.html", context)


@login_required
def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        intro = selectors.visible_introduction(request.user, pk)
    except Introduction.DoesNotExist as exc:
        raise Http404 from exc
    other = selectors.other_party(request.user, intro)
    context = {
        "intro": intro,
        "other": other,
        "is_recipient": intro.recipient_id == request.user.pk,
        "actions": INTRODUCTION_FLOW.allowed(request.user, intro),
        "card": services.contact_card(other)
        if intro.state == IntroductionStatus.ACCEPTED
        else None,
    }
    return render(request, "people/introduction_detail.html", context)


@login_required
@require_POST
def introduction_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    run = services.INTRODUCTION_ACTIONS.get(action)
    if run is None:
        raise Http404
    try:
        intro = selectors.visible_introduction(request.user, pk)
    except Introduction.DoesNotExist as exc:
        raise Http404 from exc
    try:
        run(request.user, intro)
    except ValidationError as exc:
        for m in service_error_messages(exc):
            messages.error(request, m)
    else:
        done = {
            "accept": _("Accepted: you can now see each other's contact details."),
            "decline": _("Declined. They are told only that it was not accepted."),
            "withdraw": _("Request withdrawn."),
        }
        messages.success(request, done[action])
    return redirect(intro)


@login_required
@require_POST
def block(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = _person(person_pk)
    unblock = BlockForm(request.POST).unblocking()
    try:
        if unblock:
            services.unblock_person(request.user, person)
        else:
            services.block_person(request.user, person)
    except ValidationError as exc:
        for m in service_error_messages(exc):
            messages.error(request, m)
    else:
        messages.success(
            request,
            _("%(person)s may send you requests again.") % {"person": person}
            if unblock
            else _("You will get no more requests from %(person)s.") % {"person": person},
        )
    return _back(request, reverse("people:introductions"))


# --- Shortlist ----------------------------------------------------------------------


@login_required
def shortlist(request: HttpRequest) -> HttpResponse:
    entries = [
        (entry, ShortlistNoteForm(initial={"note": entry.note}, prefix=f"e{entry.pk}"))
        for entry in selectors.shortlist_of(request.user)
    ]
    return render(request, "people/shortlist.html", {"entries": entries})


@login_required
@require_POST
def shortlist_add(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = _person(person_pk)
    try:
        services.add_to_shortlist(request.user, person)
    except ValidationError as exc:
        for m in service_error_messages(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("%(person)s is on your shortlist.") % {"person": person})
    return _back(request, reverse("people:shortlist"))


def _entry(request: HttpRequest, pk: int) -> ShortlistEntry:
    return get_object_or_404(ShortlistEntry, pk=pk, owner_id=request.user.pk)


@login_required
@require_POST
def shortlist_note(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = ShortlistNoteForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            services.update_shortlist_note(request.user, entry, note=form.cleaned_data["note"])
        except ValidationError as exc:
            for m in service_error_messages(exc):
                messages.error(request, m)
        else:
            messages.success(request, _("Note saved."))
    else:
        for msg in form.errors.get("note", []):
            messages.error(request, str(msg))
    return redirect("people:shortlist")


@login_required
@require_POST
def shortlist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    person = entry.person
    services.remove_from_shortlist(request.user, entry)
    messages.success(request, _("%(person)s was removed from your shortlist.") % {"person": person})
    return _back(request, reverse("people:shortlist"))


# --- Notices and personal data ------------------------------------------------------


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        mark_notices_read(request.user)
        return redirect("people:notices")
    items = list(selectors.notices_of(request.user)[:100])
    return render(request, "people/notices.html", {"items": items})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_disclosures(request.user)
    return render(request, "people/my_data.html", {"rows": rows})


@login_required
def disclosure_register(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_disclosure_register(request.user):
        raise PermissionDenied(
            _("Only the data protection officer may see the register of shared personal data.")
        )
    form = DisclosureFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.disclosure_register(
        cross_boundary_only=not data.get("all_disclosures"),
        region=data.get("region") or "",
        since=data.get("since"),
        until=data.get("until"),
    )
    if request.GET.get("format") == "csv":
        keep = request.GET.copy()
        keep.pop("format", None)
        text = services.export_disclosures(request.user, rows, filters=keep.urlencode())
        return csv_response(text, "personal-data-disclosures.csv")
    keep = request.GET.copy()
    keep["format"] = "csv"
    context = {
        "form": form,
        "rows": rows[:500],
        "count": rows.count(),
        "csv_query": keep.urlencode(),
    }
    return render(request, "people/disclosures.html", context)
