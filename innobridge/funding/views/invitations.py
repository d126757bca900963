"""Inviting a person found through partner search or a profile to one of the user's
draft proposals: the people pages offer the link through ``innobridge.core.hooks`` (see
``funding/hooks.py``), so ``people`` never imports ``funding``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innobridge.core.forms import apply_service_errors
from innobridge.people.models import Person

from .. import selectors, services
from ..forms import PersonInviteForm


@login_required
def invite_person(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_pk, is_active=True)
    if person.pk == request.user.pk:
        raise Http404
    drafts = selectors.invitable_drafts(request.user)
    form = PersonInviteForm(request.POST or None, drafts=drafts)
    if request.method == "POST" and form.is_valid():
        proposal = form.cleaned_data["proposal"]
        try:
            services.invite_member(request.user, proposal, person, role=form.cleaned_data["role"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(person)s is invited to “%(title)s”.")
                % {"person": person, "title": proposal.title},
            )
            return redirect(proposal)
    return render(
        request,
        "funding/invite_person.html",
        {"person": person, "form": form, "has_drafts": drafts.exists()},
    )
