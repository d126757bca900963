"""Every write of the facilities app, one module per noun: permission check,
validation, state change and audit event, in one transaction. Errors are
``ValidationError``s with user-facing messages; nothing is written when one is raised.

- ``prices``: who is booking (tariff category) and what a slot costs
- ``bookings``: check, request, approve, reject, cancel (the lifecycle: ``workflow.py``)
- ``usage``: what was used (one or many bookings), no-shows
- ``charges``: fee and usage lines on a booking
- ``disputes``: a payer disputes a charge, a manager resolves it
- ``facilities``, ``resources``, ``tariffs``: publishing
- ``certificates``, ``maintenance``, ``quotas``: who may book when
- ``calendar_feeds``: private calendar subscriptions
- ``training``: training requests → a session → a certificate (or a reasoned decline)

Callers import from ``innobridge.facilities.services``; the modules are the rooms.
"""

from .bookings import (
    MAX_SAMPLES,
    BookingConflict,
    approve_booking,
    cancel_booking,
    check_request,
    check_samples,
    lock_resource,
    reject_booking,
    request_booking,
)
from .calendar_feeds import (
    FEED_TOUCH_EVERY,
    enable_calendar_feed,
    note_feed_read,
    regenerate_calendar_feed,
    revoke_calendar_feed,
    total_hours,
)
from .certificates import grant_certificate, revoke_certificate
from .charges import fee_for, late_cancellation_fee, make_charge
from .disputes import raise_dispute, resolve_dispute
from .facilities import FACILITY_FIELDS, create_facility, update_facility
from .maintenance import add_maintenance, remove_maintenance
from .prices import CENT, BookerInfo, Quote, booker_info, quote, tariff_for
from .quotas import quota_hours, set_user_quota
from .resources import RESOURCE_FIELDS, save_resource
from .tariffs import TARIFF_FIELDS, remove_tariff, set_tariff
from .training import (
    add_months,
    approve_training,
    certificate_expiry,
    decline_training,
    request_training,
    schedule_training,
    withdraw_training,
)
from .usage import UsageEntry, mark_no_show, record_usage, record_usage_bulk

__all__ = [
    "CENT",
    "FACILITY_FIELDS",
    "FEED_TOUCH_EVERY",
    "MAX_SAMPLES",
    "RESOURCE_FIELDS",
    "TARIFF_FIELDS",
    "BookerInfo",
    "BookingConflict",
    "Quote",
    "UsageEntry",
    "add_maintenance",
    "add_months",
    "approve_booking",
    "approve_training",
    "booker_info",
    "cancel_booking",
    "certificate_expiry",
    "check_request",
    "check_samples",
    "create_facility",
    "decline_training",
    "enable_calendar_feed",
    "fee_for",
    "grant_certificate",
    "late_cancellation_fee",
    "lock_resource",
    "make_charge",
    "mark_no_show",
    "note_feed_read",
    "quota_hours",
    "quote",
    "raise_dispute",
    "record_usage",
    "record_usage_bulk",
    "regenerate_calendar_feed",
    "reject_booking",
    "remove_maintenance",
    "remove_tariff",
    "request_booking",
    "request_training",
    "resolve_dispute",
    "revoke_calendar_feed",
    "revoke_certificate",
    "save_resource",
    "schedule_training",
    "set_tariff",
    "set_user_quota",
    "tariff_for",
    "total_hours",
    "update_facility",
    "withdraw_training",
]
