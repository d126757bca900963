"""Training pages: a user requests the training a resource requires (on the resource's
page, before picking a slot); managers work through their queue — schedule a session,
approve (the certificate is issued) or decline with a reason; the user may withdraw."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import (
    TrainingApproveForm,
    TrainingDeclineForm,
    TrainingRequestForm,
    TrainingReturnForm,
    TrainingScheduleForm,
)
from ..models import Resource, TrainingRequest
from ..workflow import MANAGER, TRAINING_FLOW, TrainingAction
from .common import flash_errors


@login_required
@require_POST
def training_request(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk, is_active=True)
    form = TrainingRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_training(request.user, resource, message=form.cleaned_data["message"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request, _("Training requested. The facility's managers have been told.")
            )
    else:
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, str(m))
    return redirect(resource.get_absolute_url() + "#training")


def _run(request: HttpRequest, req: TrainingRequest, action: str) -> str:
    """Parse the action's form and call its service; returns the success message."""
    user = request.user
    if action == TrainingAction.SCHEDULE:
        schedule = TrainingScheduleForm(request.POST)
        if not schedule.is_valid():
            raise ValidationError(list(schedule.errors.get("session_at") or [_("Choose a time.")]))
        services.schedule_training(user, req, session_at=schedule.cleaned_data["session_at"])
        return _("Session scheduled; the user has been told.")
    if action == TrainingAction.APPROVE:
        approve = TrainingApproveForm(request.POST)
        if not approve.is_valid():
            raise ValidationError(
                list(approve.errors.get("valid_until") or [_("Enter a valid date.")])
            )
        services.approve_training(user, req, valid_until=approve.cleaned_data["valid_until"])
        return _("Certified; the user may now book.")
    if action == TrainingAction.DECLINE:
        decline = TrainingDeclineForm(request.POST)
        if not decline.is_valid():
            raise ValidationError(_("Please give a reason."))
        services.decline_training(user, req, reason=decline.cleaned_data["reason"])
        return _("Request declined; the user has been told why.")
    if action == TrainingAction.WITHDRAW:
        services.withdraw_training(user, req)
        return _("Training request withdrawn.")
    raise Http404


@login_required
@require_POST
def training_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    req = get_object_or_404(
        TrainingRequest.objects.select_related("resource__facility", "person"), pk=pk
    )
    roles = TRAINING_FLOW.roles(request.user, req)
    if not roles:
        raise Http404
    try:
        messages.success(request, _run(request, req, action))
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    if MANAGER in roles and TrainingReturnForm(request.POST).to_queue():
        return redirect("facilities:training_queue")
    return redirect(req.resource.get_absolute_url() + "#training")


@login_required
def training_queue(request: HttpRequest) -> HttpResponse:
    if not selectors.managed_facilities(request.user).exists():
        raise PermissionDenied(_("Only facility managers have a training queue."))
    context: dict[str, Any] = {
        "queue": [
            (r, TRAINING_FLOW.allowed_actions(request.user, r))
            for r in selectors.training_queue(request.user)
        ],
        "recent": selectors.recent_training_decisions(request.user),
        "schedule_form": TrainingScheduleForm(),
        "approve_form": TrainingApproveForm(),
        "decline_form": TrainingDeclineForm(),
        "managed": True,
    }
    return render(request, "facilities/training_queue.html", context)
