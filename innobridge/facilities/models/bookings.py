"""Bookings and what follows them: monthly quotas, bookings (two holding the same
resource never overlap: see ``db.py``), usage records and calendar feeds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, TimeStampedModel
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation

from ..db import HOLDING_STATUSES
from ..statuses import BookingStatus
from .catalogue import Resource, TariffUnit, UserCategory, monthly_quota_validator


class UserQuota(models.Model):
    """A person's own monthly quota on one resource (overrides the resource's default)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="facility_quotas",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="user_quotas"
    )
    monthly_hours = models.PositiveIntegerField(
        _("hours per month"), validators=[monthly_quota_validator]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("user quota")
        verbose_name_plural = _("user quotas")
        ordering = ["resource", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "resource"], name="facilities_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.resource}: {self.monthly_hours} h"


assert set(HOLDING_STATUSES) <= set(BookingStatus.values)


class Booking(TimeStampedModel):
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="bookings"
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="facility_bookings",
    )
    # The booker's organisation and region when booking (statements and cross-border
    # reports keep what was true then).
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facility_bookings",
    )
    booker_region = models.CharField(_("booker's region"), max_length=3, blank=True)
    category = models.CharField(_("user category"), max_length=20, choices=UserCategory.choices)
    starts_at = models.DateTimeField(_("start"), db_index=True)
    ends_at = models.DateTimeField(_("end"))
    samples = models.PositiveIntegerField(_("samples"), default=0)
    purpose = models.TextField(_("purpose"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BookingStatus.choices,
        default=BookingStatus.REQUESTED,
        db_index=True,
    )
    # The price frozen at the request (the tariff may change later).
    unit = models.CharField(_("unit"), max_length=10, choices=TariffUnit.choices)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    cancellation_window_hours = models.PositiveIntegerField(default=24)
    late_cancellation_fee_percent = models.PositiveSmallIntegerField(default=50)
    no_show_fee_percent = models.PositiveSmallIntegerField(default=100)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["resource", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="facilities_booking_positive_duration",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="facilities_booking_price_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.resource} {start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("facilities:booking", args=[self.pk])

    @property
    def holds_slot(self) -> bool:
        return self.status in HOLDING_STATUSES

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)

    @property
    def is_cross_border(self) -> bool:
        return bool(self.booker_region) and self.booker_region != self.resource.facility.region


class UsageRecord(models.Model):
    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="usage"
    )
    started_at = models.DateTimeField(_("actual start"))
    ended_at = models.DateTimeField(_("actual end"))
    samples = models.PositiveIntegerField(_("samples"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gt=models.F("started_at")),
                name="facilities_usage_positive_duration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking} ({self.hours:.2f} h)"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ended_at - self.started_at).total_seconds()) / Decimal(3600)


def new_feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private iCalendar subscription: whoever holds the URL with ``token``
    sees that person's own bookings, without logging in (calendar apps cannot). A new
    token revokes the old URL; deleting the row turns the feed off."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="facility_calendar_feed",
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last read"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return f"{self.person} · calendar"

    def get_absolute_url(self) -> str:
        return reverse("facilities:feed_ics", args=[self.token])
