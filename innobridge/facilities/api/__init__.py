"""The facilities API (mounted at /api/facilities/): catalogue and need search,
availability, tariff quotes, bookings (create, list, cancel), manager decisions, usage,
disputes, statements and training. Errors: 400/422 with the rule's message, 403 without the right,
404 unknown, 409 when the slot is taken.

One module per noun; each registers its endpoints on the one ``router``."""

from . import bookings, calendar_feeds, catalogue, managing, statements, training
from .common import router

__all__ = [
    "bookings",
    "calendar_feeds",
    "catalogue",
    "managing",
    "router",
    "statements",
    "training",
]
