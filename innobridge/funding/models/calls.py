"""Funders, schemes, calls, each funder's side of a call, and its review criteria."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.core.language import name_in_language
from innobridge.core.models import Currency, Region, TimeStampedModel
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation

SIDE_CHOICES = [
    (Region.HONG_KONG.value, Region.HONG_KONG.label),
    (Region.MAINLAND.value, Region.MAINLAND.label),
]
DEFAULT_REQUIRED_SIDES = [Region.HONG_KONG.value, Region.MAINLAND.value]


def default_required_sides() -> list[str]:
    return list(DEFAULT_REQUIRED_SIDES)


def default_languages() -> list[str]:
    return ["en", "zh"]


class Funder(TimeStampedModel):
    """A funding agency on one side of the boundary (e.g. ITC/RGC in Hong Kong, MOST/NSFC
    on the Mainland). Its officers run its side of calls; its reviewer pool reviews."""

    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField(_("side"), max_length=3, choices=SIDE_CHOICES)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="funder_offices",
        verbose_name=_("programme officers"),
    )
    reviewer_pool = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reviewer_pools",
        verbose_name=_("reviewer pool"),
    )
    # Demo data is marked demo by this flag (a badge beside the name), never in the name.
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["side", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the UI's language (a stored Chinese name in the UI's script)."""
        return name_in_language(self.name, self.name_zh)


class Scheme(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    funders = models.ManyToManyField(Funder, related_name="schemes", verbose_name=_("funders"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the UI's language (a stored Chinese name in the UI's script)."""
        return name_in_language(self.name, self.name_zh)


class Call(TimeStampedModel):
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("scheme")
    )
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300, blank=True)
    description = models.TextField(_("what applicants must know"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    min_duration_months = models.PositiveSmallIntegerField(
        _("minimum duration (months)"), default=12
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum duration (months)"), default=36
    )
    eligible_regions = models.JSONField(
        _("eligible regions"), default=default_required_sides, blank=True
    )
    eligible_org_types = models.JSONField(
        _("eligible organisation types"), default=list, blank=True
    )
    required_sides = models.JSONField(
        _("required partner mix"),
        default=default_required_sides,
        help_text=_("At least one institution from each of these regions."),
    )
    min_industry_share = models.DecimalField(
        # xgettext:no-python-format
        _("minimum industry sponsorship (% of each side's budget)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    one_application_per_person = models.BooleanField(_("one application per person"), default=True)
    accepted_languages = models.JSONField(_("accepted languages"), default=default_languages)
    coi_years = models.PositiveSmallIntegerField(
        _("co-authorship conflict window (years)"), default=3
    )
    review_deadline = models.DateTimeField(_("review deadline"), null=True, blank=True)
    max_attachment_mb = models.PositiveSmallIntegerField(_("largest attachment (MB)"), default=10)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="funding_call_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:call", args=[self.pk])

    @property
    def display_title(self) -> str:
        """The title in the reader's language first: the Chinese title (in the UI's
        script) in the Chinese UIs when there is one, else the English title."""
        return name_in_language(self.title, self.title_zh) or self.title_zh

    @property
    def other_title(self) -> str:
        """The title in the other language, shown second ("" when there is none)."""
        shown = self.display_title
        if self.title_zh and shown == self.title:  # English UI: the Chinese title as written
            return self.title_zh
        return self.title if self.title and shown != self.title else ""

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.closes_at


class CallSide(models.Model):
    """One funder's part of a call: its budget, per-project cap, reviewers per proposal."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sides")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="call_sides")
    side = models.CharField(_("side"), max_length=3, choices=SIDE_CHOICES)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    project_cap = models.DecimalField(_("cap per project"), max_digits=14, decimal_places=2)
    reviewers_per_proposal = models.PositiveSmallIntegerField(
        _("reviewers per proposal"), default=2
    )
    max_reviewer_load = models.PositiveSmallIntegerField(
        _("most proposals per reviewer"), default=6
    )
    comments_to_applicants = models.BooleanField(
        _("applicants see the reviewers' comments after the decision"),
        default=False,
        help_text=_("Never who wrote them."),
    )
    scores_to_applicants = models.BooleanField(
        _("applicants also see the reviewers' scores"), default=False
    )

    class Meta:
        verbose_name = _("call side")
        verbose_name_plural = _("call sides")
        ordering = ["call", "side"]
        constraints = [
            models.UniqueConstraint(fields=["call", "side"], name="funding_callside_one_per_side"),
            models.UniqueConstraint(
                fields=["call", "funder"], name="funding_callside_one_per_funder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} / {self.funder}"


class Criterion(models.Model):
    """One weighted criterion of a funder's rubric for a call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    funder = models.ForeignKey(Funder, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "funder", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The criterion in the UI's language: its Chinese label (in the UI's script) for
        the Chinese UIs, else its English one (the default rubric's is translated)."""
        from django.utils.translation import get_language, gettext

        from innobridge.core.language import display_chinese

        lang = get_language() or ""
        if lang.startswith("zh") and self.name_zh:
            return display_chinese(self.name_zh, lang)
        return gettext(self.name) if self.name else self.name_zh
