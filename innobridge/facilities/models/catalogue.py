"""The catalogue: facilities, their resources (instruments, laboratories, data sets,
compute), maintenance blocks and tariffs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innobridge.core.language import display_chinese, fold
from innobridge.core.models import Currency, Region, TimeStampedModel
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation


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
