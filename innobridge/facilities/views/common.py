"""What the facilities pages share."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

HKT = ZoneInfo("Asia/Hong_Kong")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for key, errs in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)
