"""Helpers shared by the transfer pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from innobridge.core.forms import apply_service_errors, service_error_messages


def attempt(request: HttpRequest, call: Callable[[], Any], form: Any = None) -> Any:
    """Run a service call; its ValidationError goes on ``form`` (or into messages), its
    PermissionDenied into messages. Returns the call's result or None."""
    try:
        return call()
    except ValidationError as exc:
        if form is not None:
            apply_service_errors(form, exc)
        else:
            for m in service_error_messages(exc):
                messages.error(request, m)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return None
