"""Helpers shared by the funding pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from innobridge.core.forms import apply_service_errors, service_error_messages
from innobridge.people.models import Person
from innobridge.people.selectors import person_by_handle

from ..models import (
    AssignmentStatus,
    BudgetSource,
    DecisionChoice,
    DisbursementStatus,
    MemberRole,
    ProjectStatus,
    ProposalRole,
    ProposalState,
    ReportRating,
)

# The enums the pages compare with (``{% if p.state == ProposalState.DRAFT %}``), never a
# bare status string: put into the context of every page whose template compares states.
CHOICES: dict[str, Any] = {
    c.__name__: c
    for c in (
        AssignmentStatus,
        BudgetSource,
        DecisionChoice,
        DisbursementStatus,
        MemberRole,
        ProjectStatus,
        ProposalRole,
        ProposalState,
        ReportRating,
    )
}


def act(request: HttpRequest, fn: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run a service; show its success message or every error it gave, then go back."""
    try:
        fn()
    except ValidationError as exc:
        for m in service_error_messages(exc):
            messages.error(request, m)
    else:
        if done:
            messages.success(request, done)
    return HttpResponseRedirect(back)


def act_on_form(
    request: HttpRequest, form: Any, fn: Callable[[dict[str, Any]], Any], done: str, back: str
) -> HttpResponse:
    """Parse the post with ``form``, run a service with its cleaned data, and go back: the
    form's errors and the service's (put on the form) are shown there as messages."""
    if form.is_valid():
        try:
            fn(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if done:
                messages.success(request, done)
            return HttpResponseRedirect(back)
    return bounce(request, form, back)


def bounce(request: HttpRequest, form: Any, back: str) -> HttpResponse:
    """Show the form's errors as messages and go back."""
    for errors in form.errors.values():
        for m in errors:
            messages.error(request, m)
    return HttpResponseRedirect(back)


def person_named(handle: str, field: str = "person") -> Person:
    """The person a user typed (user name or e-mail), or a ``ValidationError`` on ``field``."""
    person = person_by_handle(handle)
    if person is None:
        raise ValidationError({field: _("No account with that user name or e-mail.")})
    return person
