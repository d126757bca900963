"""Programmes (with their eligibility rules and stipends) and the placements hosts post."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innobridge.core.language import name_in_language
from innobridge.core.models import Currency, Region, TimeStampedModel


class ProgrammeKind(models.TextChoices):
    POSTDOC = "postdoc", _("Postdoctoral fellowship")
    VISITING = "visiting", _("Visiting scholar")
    INTERNSHIP = "internship", _("Student internship")
    YOUNG_SCIENTIST = "young", _("Young-scientist exchange")
    SHORT_VISIT = "short", _("Short visit")


class Direction(models.TextChoices):
    MAINLAND_TO_HK = "CN>HK", _("Mainland → Hong Kong")
    HK_TO_MAINLAND = "HK>CN", _("Hong Kong → Mainland")
    MAINLAND_HK_BOTH = "CN<>HK", _("Mainland ⇄ Hong Kong")
    MACAO_TO_HK = "MO>HK", _("Macao → Hong Kong")
    HK_TO_MACAO = "HK>MO", _("Hong Kong → Macao")
    MAINLAND_TO_MACAO = "CN>MO", _("Mainland → Macao")


def direction_regions(direction: str) -> tuple[set[str], set[str]]:
    """(home regions, host regions) a direction allows."""
    if "<>" in direction:
        a, b = direction.split("<>")
        return {a, b}, {a, b}
    a, b = direction.split(">")
    return {a}, {b}


class Programme(TimeStampedModel):
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    kind = models.CharField(_("type"), max_length=12, choices=ProgrammeKind.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    places = models.PositiveIntegerField(_("places"), validators=[MaxValueValidator(100000)])
    min_months = models.PositiveSmallIntegerField(
        _("shortest stay (months)"), default=1, validators=[MaxValueValidator(120)]
    )
    max_months = models.PositiveSmallIntegerField(
        _("longest stay (months)"), default=24, validators=[MaxValueValidator(120)]
    )
    max_preferences = models.PositiveSmallIntegerField(
        _("placements an applicant may rank"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    referees_required = models.PositiveSmallIntegerField(
        _("referee letters required"), default=1, validators=[MaxValueValidator(5)]
    )
    reply_days = models.PositiveSmallIntegerField(
        _("days to reply to an offer"), default=14, validators=[MaxValueValidator(90)]
    )
    # Dates of the round.
    placements_open = models.DateField(_("placements open"))
    applications_open = models.DateField(_("applications open"))
    applications_close = models.DateField(_("applications close"))
    review_until = models.DateField(_("review until"))
    results_on = models.DateField(_("results"))
    earliest_start = models.DateField(_("earliest start"))
    # Declarative eligibility rules, checked at submission.
    max_age = models.PositiveSmallIntegerField(
        _("age limit at the deadline"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    max_years_since_phd = models.PositiveSmallIntegerField(
        _("years since PhD at most"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    phd_required = models.BooleanField(_("PhD required"), default=False)
    career_stages = models.JSONField(_("career stages admitted"), default=list, blank=True)
    home_differs_from_host = models.BooleanField(
        _("home region must differ from the host region"), default=True
    )
    nomination_required = models.BooleanField(
        _("nomination by the home institution required"), default=False
    )
    languages = models.JSONField(_("languages required"), default=list, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="exchange_programmes", verbose_name=_("officers")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("exchange programme")
        verbose_name_plural = _("exchange programmes")
        ordering = ["-applications_close", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_months__lte=models.F("max_months")),
                name="exchange_programme_months_order",
            ),
            models.CheckConstraint(
                condition=models.Q(applications_open__lte=models.F("applications_close")),
                name="exchange_programme_dates_order",
            ),
        ]

    def __str__(self) -> str:
        """The title in the reader's language (the active one: a page's, or a notice's
        recipient's): the Chinese title in the UI's script in a Chinese UI when there is
        one, else the English title."""
        return name_in_language(self.title, self.title_zh)

    @property
    def accepting_applications(self) -> bool:
        """Today (Hong Kong time) is within the application window."""
        from django.utils import timezone

        return self.applications_open <= timezone.localdate() <= self.applications_close

    def career_stage_labels(self) -> list[str]:
        """The career stages admitted, by their names in the UI's language."""
        from innobridge.people.models import CareerStage

        names = dict(CareerStage.choices)
        return [str(names.get(code, code)) for code in self.career_stages or []]

    def language_labels(self) -> list[str]:
        """The languages required, by their names (English, 繁體中文, 简体中文)."""
        from innobridge.people.models import Language

        names = dict(Language.choices)
        return [str(names.get(code, code)) for code in self.languages or []]

    @property
    def home_regions(self) -> set[str]:
        return direction_regions(self.direction)[0]

    @property
    def host_regions(self) -> set[str]:
        return direction_regions(self.direction)[1]


class PaidOn(models.TextChoices):
    """When an instalment is released: on arrival, or once the report(s) it depends on
    are accepted — the fellow's (``mid_term``, ``final``, as before), the supervisor's,
    or both."""

    ARRIVAL = "arrival", _("on arrival")
    MID_TERM = "mid_term", _("after the fellow's mid-term report is accepted")
    MID_TERM_SUPERVISOR = "mid_sup", _("after the supervisor's mid-term report is accepted")
    MID_TERM_BOTH = "mid_both", _("after both mid-term reports are accepted")
    FINAL = "final", _("after the fellow's final report is accepted")
    FINAL_SUPERVISOR = "final_sup", _("after the supervisor's final report is accepted")
    FINAL_BOTH = "final_both", _("after both final reports are accepted")


class StipendComponent(models.Model):
    """One side's part of a fellow's stipend (e.g. RMB from the Mainland, HKD from the
    host), paid in instalments, each released on an event."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stipends")
    paid_by = models.CharField(_("paid by (side)"), max_length=3, choices=Region.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(
        _("amount per fellow"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # A list of PaidOn values, one per instalment, in order; equal parts.
    schedule = models.JSONField(_("instalments"), default=list)

    class Meta:
        verbose_name = _("stipend part")
        verbose_name_plural = _("stipend parts")
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:,.2f} ({self.get_paid_by_display()})"


class PlacementState(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting the host institution")
    APPROVED = "approved", _("Open")
    REJECTED = "rejected", _("Not approved")
    CLOSED = "closed", _("Closed")


class Placement(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="placements")
    title = models.CharField(_("topic"), max_length=300)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="exchange_placements",
        verbose_name=_("supervisor"),
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        related_name="exchange_placements",
        verbose_name=pgettext_lazy("placement", "host organisation"),
    )
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    requirements = models.TextField(_("requirements"), max_length=5000, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=PlacementState.choices, default=PlacementState.PROPOSED
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["programme", "organisation__name", "title"]

    def __str__(self) -> str:
        return f"{self.title} — {self.organisation}"

    @property
    def host_region(self) -> str:
        return str(self.organisation.region)


class Coordinator(models.Model):
    """A person who speaks for an institution in exchanges: approves its placements and
    nominates its candidates."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_coordinations"
    )
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="exchange_coordinators"
    )

    class Meta:
        verbose_name = _("institution coordinator")
        verbose_name_plural = _("institution coordinators")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="exchange_coordinator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation}"


class ChecklistTemplate(models.Model):
    """A permit/arrival step the officer sets for stays hosted in one region (a
    checklist, not legal advice)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="checklist")
    host_region = models.CharField(_("host region"), max_length=3, choices=Region.choices)
    title = models.CharField(_("step"), max_length=300)
    days_before_arrival = models.SmallIntegerField(
        _("due (days before arrival)"),
        default=30,
        validators=[MinValueValidator(-365), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        ordering = ["programme", "host_region", "-days_before_arrival", "pk"]

    def __str__(self) -> str:
        return self.title
