"""What the facilities pages share."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from innobridge.core.forms import service_error_messages

HKT = ZoneInfo("Asia/Hong_Kong")


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """A service's errors as messages on the next page (for actions without a form)."""
    for m in service_error_messages(exc):
        messages.error(request, m)
