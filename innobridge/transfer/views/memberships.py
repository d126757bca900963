"""Asking to act for an organisation (a company or a TTO), and the administrator's page
that approves or declines those requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.forms import flash_form_errors

from .. import permissions as perm
from .. import selectors, services
from ..forms import DecisionForm, MembershipRequestForm
from ..models import MembershipRequest, MembershipRequestState
from ..workflow import MEMBERSHIP_REQUEST_FLOW
from .common import attempt


@login_required
def membership_request(request: HttpRequest) -> HttpResponse:
    """The person's links, their requests, and the form to send one."""
    mine = list(selectors.membership_requests_of(request.user)[:20])
    waiting = any(r.state == MembershipRequestState.SUBMITTED for r in mine)
    form = MembershipRequestForm(request.POST or None)
    if request.method == "POST":
        if waiting:
            messages.error(
                request, _("Your earlier request is still waiting: withdraw it to send another.")
            )
            return redirect("transfer:membership_request")
        if form.is_valid():
            sent = attempt(
                request, lambda: services.request_membership(request.user, form.cleaned_data), form
            )
            if sent is not None:
                messages.success(
                    request,
                    _("Sent. An administrator will check it; you will be told here and by e-mail."),
                )
                return redirect("transfer:membership_request")
    return render(
        request,
        "transfer/membership_request.html",
        {
            "form": form,
            "memberships": selectors.memberships_of(request.user),
            "requests": mine,
            "waiting": waiting,
            "MembershipRequestState": MembershipRequestState,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def membership_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(MembershipRequest, pk=pk, requester=request.user)
    if attempt(request, lambda: services.withdraw_membership_request(request.user, req)):
        messages.success(request, _("Request withdrawn."))
    return redirect("transfer:membership_request")


@login_required
def membership_requests(request: HttpRequest) -> HttpResponse:
    """The administrator's queue: waiting requests first, then the latest decisions."""
    if not perm.can_decide_membership_requests(request.user):
        raise PermissionDenied(_("Only an administrator decides these requests."))
    waiting = list(selectors.waiting_membership_requests(request.user))
    return render(
        request,
        "transfer/membership_requests.html",
        {
            # one form per button, each with its own element ids
            "waiting": [
                {
                    "req": r,
                    "actions": [
                        (t, DecisionForm(auto_id=f"id_{t.action}_{r.pk}_%s"))
                        for t in MEMBERSHIP_REQUEST_FLOW.allowed(request.user, r)
                    ],
                }
                for r in waiting
            ],
            "decided": selectors.decided_membership_requests(request.user),
        },
    )


@login_required
@require_POST
def membership_request_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if not perm.can_decide_membership_requests(request.user):
        raise PermissionDenied(_("Only an administrator decides these requests."))
    req = get_object_or_404(MembershipRequest, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("transfer:membership_requests")
    note = form.cleaned_data["note"] or ""
    if action == "approve":
        done = attempt(
            request, lambda: services.approve_membership_request(request.user, req, note=note)
        )
        if done is not None:
            messages.success(
                request,
                _("Approved: %(person)s now acts for %(organisation)s.")
                % {"person": done.requester, "organisation": done.organisation},
            )
    elif action == "decline":
        done = attempt(
            request, lambda: services.decline_membership_request(request.user, req, note=note)
        )
        if done is not None:
            messages.success(request, _("Declined; the requester has been told why."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("transfer:membership_requests")
