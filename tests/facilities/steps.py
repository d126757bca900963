"""Shared steps for facilities tests: sign in, book, walk a booking to a state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from innobridge.facilities import services
from innobridge.facilities.models import Booking

from .conftest import NOW, hk


def login(person: Any, language: str = "en") -> Client:
    c = Client(headers={"accept-language": language})
    c.force_login(person)
    c.cookies["innobridge_language"] = language
    return c


def book(person: Any, resource: Any, start: dt.datetime, end: dt.datetime, **kw: Any) -> Booking:
    return services.request_booking(person, resource, start, end, now=kw.pop("now", NOW), **kw)


def approved(person: Any, resource: Any, manager: Any, day: int = 4) -> Booking:
    """A booking of ``person`` on 2026-03-<day> 10:00–12:00 (Hong Kong), approved."""
    b = book(person, resource, hk(2026, 3, day, 10), hk(2026, 3, day, 12))
    return services.approve_booking(manager, b)
