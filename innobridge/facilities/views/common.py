"""What the facilities pages share."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from innobridge.core.forms import form_error_messages, service_error_messages

HKT = ZoneInfo("Asia/Hong_Kong")


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """A service's errors as messages on the next page (for actions without a form)."""
    for m in service_error_messages(exc):
        messages.error(request, m)


def flash_form_errors(request: HttpRequest, form: Any) -> None:
    """A bound form's errors (its own and a service's put on it with
    ``core.forms.apply_service_errors``) as messages on the next page, each naming its
    field."""
    for m in form_error_messages(form):
        messages.error(request, m)
