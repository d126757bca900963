"""The facilities router and what every endpoint module shares: running a service
with its errors mapped to HTTP statuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from .. import services

router = Router(tags=["facilities"])


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a service; its errors become HTTP errors with the same messages."""
    try:
        return fn(*args, **kwargs)
    except services.BookingConflict as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    except ValidationError as exc:
        raise HttpError(422, _messages(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("You do not have permission to do this.")) from exc


def _messages(exc: ValidationError) -> str:
    """A service's ValidationError as one line; field errors name their field."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for key, msgs in exc.message_dict.items():
        for m in msgs:
            parts.append(m if key == NON_FIELD_ERRORS else f"{key}: {m}")
    return " ".join(parts)


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if timezone.is_naive(value):
        raise HttpError(
            422,
            _("%(field)s: give a time zone (e.g. 2026-05-04T10:00:00+08:00).") % {"field": field},
        )
    return value


def utc(value: dt.datetime) -> dt.datetime:
    """The API's one convention for times: UTC, written with ``Z``."""
    return value.astimezone(dt.UTC)
