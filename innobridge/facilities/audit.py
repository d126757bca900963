"""The facilities app's audit action names: every ``record_event`` of this app passes a
member of ``FacilitiesAction`` (values ``facilities.<noun>.<verb in past tense>``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilitiesAction(models.TextChoices):
    BOOKING_REQUESTED = "facilities.booking.requested", _("Booking requested")
    BOOKING_APPROVED = "facilities.booking.approved", _("Booking approved")
    BOOKING_REJECTED = "facilities.booking.rejected", _("Booking rejected")
    BOOKING_CANCELLED = "facilities.booking.cancelled", _("Booking cancelled")
    BOOKING_USED = "facilities.booking.used", _("Booking used")
    BOOKING_MARKED_NO_SHOW = "facilities.booking.marked_no_show", _("Booking marked as a no-show")
    USAGE_RECORDED = "facilities.usage.recorded", _("Usage recorded")
    CHARGE_CREATED = "facilities.charge.created", _("Charge created")
    CHARGE_DISPUTED = "facilities.charge.disputed", _("Charge disputed")
    CHARGE_ADJUSTED = "facilities.charge.adjusted", _("Charge settled after a dispute")
    DISPUTE_RESOLVED = "facilities.dispute.resolved", _("Dispute resolved")
    TRAINING_REQUESTED = "facilities.training.requested", _("Training requested")
    TRAINING_SCHEDULED = "facilities.training.scheduled", _("Training session scheduled")
    TRAINING_APPROVED = "facilities.training.approved", _("Training approved")
    TRAINING_DECLINED = "facilities.training.declined", _("Training request declined")
    TRAINING_WITHDRAWN = "facilities.training.withdrawn", _("Training request withdrawn")
    CERTIFICATE_GRANTED = "facilities.certificate.granted", _("Training certificate granted")
    CERTIFICATE_REVOKED = "facilities.certificate.revoked", _("Training certificate revoked")
    MAINTENANCE_ADDED = "facilities.maintenance.added", _("Maintenance added")
    MAINTENANCE_REMOVED = "facilities.maintenance.removed", _("Maintenance removed")
    FACILITY_CREATED = "facilities.facility.created", _("Facility published")
    FACILITY_UPDATED = "facilities.facility.updated", _("Facility changed")
    RESOURCE_CREATED = "facilities.resource.created", _("Resource published")
    RESOURCE_UPDATED = "facilities.resource.updated", _("Resource changed")
    TARIFF_CREATED = "facilities.tariff.created", _("Tariff created")
    TARIFF_UPDATED = "facilities.tariff.updated", _("Tariff changed")
    TARIFF_DELETED = "facilities.tariff.deleted", _("Tariff removed")
    QUOTA_SET = "facilities.quota.set", _("Quota set")
    QUOTA_REMOVED = "facilities.quota.removed", _("Quota removed")
    CALENDAR_FEED_ENABLED = "facilities.calendar_feed.enabled", _("Calendar subscription on")
    CALENDAR_FEED_REGENERATED = (
        "facilities.calendar_feed.regenerated",
        _("Calendar subscription address renewed"),
    )
    CALENDAR_FEED_REVOKED = "facilities.calendar_feed.revoked", _("Calendar subscription off")
