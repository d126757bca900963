"""Form helpers shared by every app's views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def service_error_messages(exc: ValidationError) -> list[str]:
    """Every message of a service's ``ValidationError``, flat (for ``messages.error``)."""
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def apply_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on ``form``: beside its field when the form
    has that field (and it is not disabled), else as a form-wide error."""
    if not hasattr(exc, "error_dict"):
        for m in exc.messages:
            form.add_error(None, m)
        return
    for name, msgs in exc.message_dict.items():
        fld = form.fields.get(name)
        target = name if fld is not None and not fld.disabled else None
        for m in msgs:
            form.add_error(target, m)
