"""Shared innovation resources: facilities, their resources (instruments, laboratories,
data sets, compute), tariffs, training certificates, bookings, usage, charges, disputes.

Invariants kept by the database: a booking ends after it starts, its price is never
negative, and (see ``db.py``) two bookings holding the same resource never overlap.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innobridge.core.language import display_chinese, fold
from innobridge.core.models import Currency, Region, TimeStampedModel
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation

from .db import HOLDING_STATUSES
from .statuses import BookingStatus


class ResourceKind(models.TextChoices):
    INSTRUMENT = "instrument", _("Instrument")
    LABORATORY = "laboratory", _("Laboratory")
    DATASET = "dataset", _("Data set")
    COMPUTE = "compute", _("Compute")


class HolidayCalendar(models.TextChoices):
    HONG_KONG = "HK", _("Hong Kong public holidays")
    MAINLAND = "CN", _("Mainland public holidays (with make-up working days)")
    NONE = "none", _("Open on public holidays")


class UserCategory(models.TextChoices):
    INTERNAL = "internal", _("Same organisation")
    HK_ACADEMIC = "hk_academic", _("Other Hong Kong academic")
    MAINLAND_ACADEMIC = "mainland_academic", _("Mainland academic")
    OTHER_ACADEMIC = "other_academic", _("Other academic (Macao, international)")
    INDUSTRY = "industry", _("Industry")


class TariffUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    SAMPLE = "sample", _("per sample")


class ChargeUnit(models.TextChoices):
    """The unit of a charge line: a tariff's unit for usage, ``fee`` for a flat fee
    (late cancellation, no-show, an amount set by a dispute) charged once."""

    HOUR = TariffUnit.HOUR.value, _("per hour")
    SAMPLE = TariffUnit.SAMPLE.value, _("per sample")
    FEE = "fee", _("flat fee")


class Facility(TimeStampedModel):
    """A core facility run by a host organisation, e.g. an electron microscopy unit."""

    name = models.CharField(_("name"), max_length=300)
    name_zh = models.CharField(_("Chinese name"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=3, choices=Region.choices, db_index=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        related_name="managed_facilities",
        blank=True,
    )
    is_active = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:facility", args=[self.pk])

    def display_name(self) -> str:
        lang = get_language() or "en"
        if lang.startswith("zh") and self.name_zh:
            return display_chinese(self.name_zh, lang)
        return self.name


# A monthly booking quota (a resource's default and a person's own): at most the hours of
# the longest month, 31 × 24. The model fields, the forms and the API schemas (through
# ``FromModel``) all take this one bound.
MONTHLY_QUOTA_MAX_HOURS = 31 * 24
monthly_quota_validator = MaxValueValidator(
    MONTHLY_QUOTA_MAX_HOURS,
    message=_("A month has at most %(limit_value)s hours: a quota cannot be higher."),
)


def default_opening_hours() -> dict[str, list[list[str]]]:
    """Monday to Friday 09:00–18:00 (weekday 0 = Monday)."""
    return {str(d): [["09:00", "18:00"]] for d in range(5)}


class Resource(TimeStampedModel):
    """One bookable thing: an instrument, a laboratory, a data set or compute."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(_("type"), max_length=12, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=300)
    name_zh = models.CharField(_("Chinese name"), max_length=300, blank=True)
    manufacturer = models.CharField(_("manufacturer and model"), max_length=300, blank=True)
    specifications = models.JSONField(
        _("specifications"), default=dict, blank=True, help_text=_("Name → value")
    )
    techniques = models.JSONField(_("techniques"), default=list, blank=True)
    description = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="facilities/", blank=True)
    training_required = models.BooleanField(_("training certificate required"), default=False)
    training_valid_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("Empty: a training certificate does not expire."),
    )
    approval_required = models.BooleanField(_("manager approval required"), default=True)
    granularity_minutes = models.PositiveSmallIntegerField(_("time step (minutes)"), default=30)
    min_duration_minutes = models.PositiveIntegerField(_("shortest booking (minutes)"), default=30)
    max_duration_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=480)
    lead_time_hours = models.PositiveIntegerField(_("book at least (hours ahead)"), default=24)
    max_advance_days = models.PositiveIntegerField(_("book at most (days ahead)"), default=90)
    opening_hours = models.JSONField(
        _("opening hours"),
        default=default_opening_hours,
        blank=True,
        help_text=_('Weekday (0 = Monday) → list of ["HH:MM", "HH:MM"]; "24:00" ends a day.'),
    )
    timezone = models.CharField(_("time zone"), max_length=50, default="Asia/Hong_Kong")
    holiday_calendar = models.CharField(
        _("holiday calendar"),
        max_length=4,
        choices=HolidayCalendar.choices,
        default=HolidayCalendar.HONG_KONG,
    )
    monthly_quota_hours = models.PositiveIntegerField(
        _("quota per user (hours per month)"),
        null=True,
        blank=True,
        validators=[monthly_quota_validator],
    )
    allowed_categories = models.JSONField(
        _("user groups that may book"),
        default=list,
        blank=True,
        help_text=_("Empty: every user group with a tariff."),
    )
    is_active = models.BooleanField(_("bookable"), default=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["facility__name", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(granularity_minutes__gte=5), name="facilities_resource_step"
            ),
            models.CheckConstraint(
                condition=models.Q(max_duration_minutes__gte=models.F("min_duration_minutes")),
                name="facilities_resource_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:resource", args=[self.pk])

    def display_name(self) -> str:
        lang = get_language() or "en"
        if lang.startswith("zh") and self.name_zh:
            return display_chinese(self.name_zh, lang)
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = resource_search_text(self)
        super().save(*args, **kwargs)

    def display_description(self) -> str:
        lang = get_language() or "en"
        if lang.startswith("zh") and self.description_zh:
            return display_chinese(self.description_zh, lang)
        return self.description or display_chinese(self.description_zh, lang)


def resource_search_text(resource: Resource) -> str:
    fac = resource.facility
    org = fac.organisation
    parts = [
        resource.name,
        resource.name_zh,
        resource.manufacturer,
        resource.description,
        resource.description_zh,
        " ".join(resource.techniques or []),
        " ".join(f"{k} {v}" for k, v in (resource.specifications or {}).items()),
        fac.name,
        fac.name_zh,
        org.name,
        org.name_zh,
        fac.city,
    ]
    return fold(" ".join(p for p in parts if p))


class MaintenanceBlock(models.Model):
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="maintenance"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("maintenance block")
        verbose_name_plural = _("maintenance blocks")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="facilities_maintenance_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class Tariff(models.Model):
    """What one category of user pays for one resource. No tariff: that category may
    not book the resource."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="tariffs"
    )
    category = models.CharField(_("user category"), max_length=20, choices=UserCategory.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=TariffUnit.choices)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    cancellation_window_hours = models.PositiveIntegerField(
        _("free cancellation until (hours before start)"), default=24
    )
    late_cancellation_fee_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("late cancellation fee (% of price)"),
        default=50,
    )
    no_show_fee_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("no-show fee (% of price)"),
        default=100,
    )

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["resource", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "category"], name="facilities_tariff_one_per_category"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="facilities_tariff_price_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.get_category_display()}: {self.currency} {self.price}"


class TrainingCertificate(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="facility_certificates",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="certificates"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateField(_("issued on"), default=dt.date.today)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")
        ordering = ["-issued_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "resource"], name="facilities_certificate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.resource}"

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or day <= self.valid_until


class TrainingRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested, pending")
    SCHEDULED = "scheduled", _("Training session scheduled")
    CERTIFIED = "certified", _("Certified")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_TRAINING = (TrainingRequestStatus.REQUESTED, TrainingRequestStatus.SCHEDULED)


class TrainingRequest(TimeStampedModel):
    """A user asks for the training a resource requires; a manager schedules a session,
    approves (a certificate is issued) or declines with a reason."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_requests",
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="training_requests",
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TrainingRequestStatus.choices,
        default=TrainingRequestStatus.REQUESTED,
        db_index=True,
    )
    session_at = models.DateTimeField(_("training session"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    certificate = models.ForeignKey(
        TrainingCertificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "resource"],
                condition=models.Q(status__in=OPEN_TRAINING),
                name="facilities_training_one_open",
                violation_error_message=_("You have already asked for this training."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.resource}"


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

__all__ = ["BookingStatus"]  # re-exported: defined in statuses.py


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


class ChargeKind(models.TextChoices):
    USAGE = "usage", _("Usage")
    NO_SHOW = "no_show", _("No-show fee")
    LATE_CANCELLATION = "late_cancel", _("Late cancellation fee")


class ChargeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISPUTED = "disputed", _("Disputed")
    ADJUSTED = "adjusted", _("Adjusted after dispute")
    CONFIRMED = "confirmed", _("Confirmed after dispute")


class Charge(TimeStampedModel):
    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="charges"
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        related_name="facility_charges",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ChargeKind.choices)
    incurred_on = models.DateField(_("date"), db_index=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, choices=ChargeUnit.choices)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.OPEN
    )

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["incurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="facilities_charge_nonnegative"
            )
        ]

    @property
    def is_open(self) -> bool:
        """Open: the payer may still dispute it."""
        return self.status == ChargeStatus.OPEN

    def __str__(self) -> str:
        return f"{self.description}: {self.currency} {self.amount}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld (charge adjusted)")
    DISMISSED = "dismissed", _("Dismissed (charge stands)")


class Dispute(TimeStampedModel):
    charge = models.ForeignKey(
        Charge, verbose_name=_("charge"), on_delete=models.CASCADE, related_name="disputes"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    original_amount = models.DecimalField(max_digits=12, decimal_places=2)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.charge} ({self.get_status_display()})"


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
