"""The Joint Action Plan: its five areas, the measures under them (each tied to live
indicators of the registry in ``plan/indicators``), the dated snapshots that keep every
indicator's history, and context figures the platform cannot compute (loaded from CSV
files with their source and licence, never mixed into computed series).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Region, TimeStampedModel


class Area(models.TextChoices):
    """The five areas of the 2023 Arrangement and its Joint Action Plan."""

    JOINT_RESEARCH = "research", _("Joint research")
    SHARED_RESOURCES = "resources", _("Sharing innovation resources")
    RESULTS = "results", _("Transforming research results")
    PERSONNEL = "personnel", _("Personnel exchanges")
    INTERNATIONAL = "international", _("Hong Kong's international advantages")


AREA_ORDER = [a.value for a in Area]

SIDES = [Region.HONG_KONG, Region.MAINLAND]

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, dashes and underscores only."),
)


def pick_language(en: str, zh_hant: str, zh_hans: str, language: str | None = None) -> str:
    """The text in the UI language, falling back to the other Chinese script, then English."""
    lang = (language or get_language() or "en").lower()
    if lang.startswith("zh-hant") or lang in ("zh-hk", "zh-tw", "zh-mo"):
        return zh_hant or zh_hans or en
    if lang.startswith("zh"):
        return zh_hans or zh_hant or en
    return en or zh_hant or zh_hans


class Measure(TimeStampedModel):
    """One measure of the Plan under one area, with its source and its indicators."""

    area = models.CharField(_("area"), max_length=20, choices=Area.choices, db_index=True)
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh_hant = models.CharField(_("title (繁體中文)"), max_length=300, blank=True)
    title_zh_hans = models.CharField(_("title (简体中文)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    description_zh_hant = models.TextField(_("description (繁體中文)"), max_length=5000, blank=True)
    description_zh_hans = models.TextField(_("description (简体中文)"), max_length=5000, blank=True)
    source_name = models.CharField(_("source document"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    responsible_sides = models.JSONField(_("responsible side(s)"), default=list)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    indicator_keys = models.JSONField(_("indicators"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["area", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_end__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="plan_measure_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_en}"

    def title(self, language: str | None = None) -> str:
        return pick_language(self.title_en, self.title_zh_hant, self.title_zh_hans, language)

    def description(self, language: str | None = None) -> str:
        return pick_language(
            self.description_en, self.description_zh_hant, self.description_zh_hans, language
        )

    def sides_display(self) -> list[str]:
        labels = dict(Region.choices)
        return [str(labels.get(s, s)) for s in self.responsible_sides or []]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        sides = self.responsible_sides
        if not isinstance(sides, list) or not sides:
            errors["responsible_sides"] = _("Name at least one responsible side.")
        elif any(s not in Region.values for s in sides):
            errors["responsible_sides"] = _("Unknown side.")
        keys = self.indicator_keys
        if not isinstance(keys, list) or any(not isinstance(k, str) for k in keys):
            errors["indicator_keys"] = _("Indicators must be a list of indicator keys.")
        else:
            from .indicators import registry

            unknown = [k for k in keys if k not in registry.all_keys()]
            if unknown:
                errors["indicator_keys"] = _("Unknown indicator(s): %(keys)s") % {
                    "keys": ", ".join(unknown)
                }
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class IndicatorSnapshot(models.Model):
    """One value of one indicator on one day: the total (``dimension`` and ``key`` empty)
    or one cell of a breakdown (``dimension`` "region", ``key`` "HK"). Snapshots are
    never rewritten by later changes of the data, so they keep the time series."""

    indicator_key = models.CharField(_("indicator"), max_length=60, db_index=True)
    taken_on = models.DateField(_("date"), db_index=True)
    dimension = models.CharField(_("breakdown"), max_length=20, blank=True, default="")
    key = models.CharField(_("breakdown key"), max_length=100, blank=True, default="")
    label = models.CharField(_("label"), max_length=300, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4, null=True, blank=True)
    method_version = models.PositiveSmallIntegerField(_("method version"), default=1)
    is_demo = models.BooleanField(
        _("demo history"),
        default=False,
        help_text=_("Generated for the demo rather than taken on that day."),
    )
    taken_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        ordering = ["indicator_key", "taken_on", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_key", "taken_on", "dimension", "key"],
                name="plan_snapshot_one_per_day",
            )
        ]
        indexes = [models.Index(fields=["indicator_key", "dimension", "taken_on"])]

    def __str__(self) -> str:
        where = f" {self.dimension}={self.key}" if self.dimension else ""
        return f"{self.indicator_key}{where} {self.taken_on}: {self.value}"


class ContextSeries(TimeStampedModel):
    """A figure the platform cannot compute (e.g. Hong Kong's gross domestic expenditure
    on R&D), shown as context beside the computed indicators, with its source and
    licence. Loaded from a CSV file (see ``plan_load_context``)."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_zh_hant = models.CharField(_("name (繁體中文)"), max_length=300, blank=True)
    name_zh_hans = models.CharField(_("name (简体中文)"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=60)
    source_name = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=300)
    note = models.TextField(_("note"), max_length=3000, blank=True)

    class Meta:
        verbose_name = _("context series")
        verbose_name_plural = _("context series")
        ordering = ["area", "key"]

    def __str__(self) -> str:
        return self.key

    def name(self, language: str | None = None) -> str:
        return pick_language(self.name_en, self.name_zh_hant, self.name_zh_hans, language)


class ContextValue(models.Model):
    """One value of a context series for one period. ``method_break`` says the method
    changed between the previous value and this one: the chart does not join them."""

    series = models.ForeignKey(ContextSeries, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("period"), max_length=20)
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4)
    method_break = models.BooleanField(_("method break before this value"), default=False)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("context value")
        verbose_name_plural = _("context values")
        ordering = ["series", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period_start"], name="plan_context_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series.key} {self.period}: {self.value}"
