"""Shared steps for facilities tests: sign in, book, walk a booking to a state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from innobridge.facilities import services
from innobridge.facilities.models import Booking

from .conftest import NOW, hk


def book(person: Any, resource: Any, start: dt.datetime, end: dt.datetime, **kw: Any) -> Booking:
    return services.request_booking(person, resource, start, end, now=kw.pop("now", NOW), **kw)


def approved(person: Any, resource: Any, manager: Any, day: int = 4) -> Booking:
    """A booking of ``person`` on 2026-03-<day> 10:00–12:00 (Hong Kong), approved."""
    b = book(person, resource, hk(2026, 3, day, 10), hk(2026, 3, day, 12))
    return services.approve_booking(manager, b)


# A resource as posted from the publishing page (tests change one field at a time).
RESOURCE_POST = {
    "kind": "instrument",
    "name": "Confocal microscope",
    "name_zh": "共聚焦顯微鏡",
    "manufacturer": "Zeiss LSM 980",
    "description": "Live-cell confocal imaging.",
    "description_zh": "活細胞共聚焦成像。",
    "specifications_text": "Lasers: 405, 488, 561 nm\nObjectives: 10x-63x",
    "techniques_text": "confocal, FRET，live-cell",
    "training_required": "on",
    "approval_required": "on",
    "allowed_categories": ["internal", "mainland_academic"],
    "granularity_minutes": "30",
    "min_duration_minutes": "60",
    "max_duration_minutes": "240",
    "lead_time_hours": "24",
    "max_advance_days": "90",
    "holiday_calendar": "HK",
    "monthly_quota_hours": "20",
    "is_active": "on",
    "hours_0": "09:00-12:00, 13:00-18:00",
    "hours_1": "09:00-18:00",
    "hours_2": "",
    "hours_3": "09:00-18:00",
    "hours_4": "09:00-18:00",
    "hours_5": "",
    "hours_6": "",
}
