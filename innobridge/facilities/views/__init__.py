"""Web pages of the facilities app: thin — parse, call a selector or service, render.
One module per noun; ``urls.py`` names the views from here."""

from .bookings import book, booking_action, booking_detail, my_bookings
from .calendars import (
    calendar_feed,
    feed_ics,
    feed_urls,
    my_calendar,
    my_calendar_ics,
    resource_ics,
)
from .catalogue import (
    booking_initial,
    facility_detail,
    free_slots,
    home,
    resource_detail,
    week_start,
)
from .managing import dispute_charge, manage, resolve_dispute, usage_bulk
from .publishing import (
    facility_edit,
    facility_manage,
    facility_new,
    resource_edit,
    resource_manage,
    resource_new,
)
from .statements import my_statement, organisation_statement, reports
from .training import training_action, training_queue, training_request

__all__ = [
    "book",
    "booking_action",
    "booking_detail",
    "booking_initial",
    "calendar_feed",
    "dispute_charge",
    "facility_detail",
    "facility_edit",
    "facility_manage",
    "facility_new",
    "feed_ics",
    "feed_urls",
    "free_slots",
    "home",
    "manage",
    "my_bookings",
    "my_calendar",
    "my_calendar_ics",
    "my_statement",
    "organisation_statement",
    "reports",
    "resolve_dispute",
    "resource_detail",
    "resource_edit",
    "resource_ics",
    "resource_manage",
    "resource_new",
    "training_action",
    "training_queue",
    "training_request",
    "usage_bulk",
    "week_start",
]
