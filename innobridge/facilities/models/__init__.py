"""Shared innovation resources: facilities, their resources (instruments, laboratories,
data sets, compute), tariffs, training certificates, bookings, usage, charges, disputes.

Invariants kept by the database: a booking ends after it starts, its price is never
negative, and (see ``db.py``) two bookings holding the same resource never overlap.
"""

from ..statuses import BookingStatus
from .billing import (
    Charge,
    ChargeKind,
    ChargeStatus,
    Dispute,
    DisputeStatus,
)
from .bookings import (
    Booking,
    CalendarFeed,
    UsageRecord,
    UserQuota,
    new_feed_token,
)
from .catalogue import (
    MONTHLY_QUOTA_MAX_HOURS,
    ChargeUnit,
    Facility,
    HolidayCalendar,
    MaintenanceBlock,
    Resource,
    ResourceKind,
    Tariff,
    TariffUnit,
    UserCategory,
    default_opening_hours,
    monthly_quota_validator,
    resource_search_text,
)
from .training import (
    OPEN_TRAINING,
    TrainingCertificate,
    TrainingRequest,
    TrainingRequestStatus,
)

__all__ = [
    "MONTHLY_QUOTA_MAX_HOURS",
    "OPEN_TRAINING",
    "Booking",
    "BookingStatus",
    "CalendarFeed",
    "Charge",
    "ChargeKind",
    "ChargeStatus",
    "ChargeUnit",
    "Dispute",
    "DisputeStatus",
    "Facility",
    "HolidayCalendar",
    "MaintenanceBlock",
    "Resource",
    "ResourceKind",
    "Tariff",
    "TariffUnit",
    "TrainingCertificate",
    "TrainingRequest",
    "TrainingRequestStatus",
    "UsageRecord",
    "UserCategory",
    "UserQuota",
    "default_opening_hours",
    "monthly_quota_validator",
    "new_feed_token",
    "resource_search_text",
]
