from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from innobridge.core.forms import service_error_messages


def attempt(request: HttpRequest, fn: Callable[[], Any], done: str = "") -> Any:
    """Run a service; its ValidationError becomes messages (nothing changed)."""
    try:
        result = fn()
    except ValidationError as exc:
        for m in service_error_messages(exc):
            messages.error(request, m)
        return None
    if done:
        messages.success(request, done)
    return result if result is not None else True
