"""Applications: ranked preferences, documents, referees, reviews, supervisor ranks."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Region, TimeStampedModel
from innobridge.people.models import CareerStage, Language

from .programme import Placement, Programme


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NOMINATED = "nominated", _("Nominated by the home institution")
    NOT_NOMINATED = "not_nominated", _("Not nominated")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    NOT_SHORTLISTED = "not_shortlisted", _("Not shortlisted")
    OFFERED = "offered", _("Offer made")
    ACCEPTED = "accepted", _("Offer accepted")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_applications"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    statement = models.TextField(_("statement"), max_length=20000, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phd_date = models.DateField(_("PhD awarded on"), null=True, blank=True)
    career_stage = models.CharField(_("career stage"), max_length=10, blank=True)
    home_region = models.CharField(_("home region"), max_length=3, choices=Region.choices)
    home_organisation = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        related_name="exchange_applications",
        verbose_name=_("home institution"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    public_consent = models.BooleanField(
        _("my name may appear on the public list of fellows"), default=False
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    nomination_note = models.TextField(_("nomination note"), max_length=5000, blank=True)
    review_score = models.DecimalField(
        _("review score"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("exchange application")
        verbose_name_plural = _("exchange applications")
        ordering = ["programme", "-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "applicant"], name="exchange_one_application_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.programme}"

    def clean(self) -> None:
        """The career stage and languages are the lists' own (the API sends free text)."""
        errors: dict[str, Any] = {}
        if self.career_stage and self.career_stage not in CareerStage.values:
            errors["career_stage"] = _("Choose a career stage from the list.")
        langs = self.languages
        if (
            not isinstance(langs, list)
            or any(not isinstance(x, str) or x not in Language.values for x in langs)
            or len(set(langs)) != len(langs)
        ):
            errors["languages"] = _("Choose languages from the list, each at most once.")
        if errors:
            raise ValidationError(errors)


class Preference(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="preferences"
    )
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="preferences")
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="exchange_pref_rank"),
            models.UniqueConstraint(
                fields=["application", "placement"], name="exchange_pref_placement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.placement}"


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV")
    PHD = "phd", _("PhD certificate")
    PLAN = "plan", _("Research plan")
    OTHER = "other", _("Other")


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=8, choices=DocumentKind.choices)
    file = models.FileField(
        _("file (PDF)"),
        upload_to="exchange/documents/",
        validators=[FileExtensionValidator(["pdf"])],
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "kind", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class RefereeState(models.TextChoices):
    INVITED = "invited", _("Invited")
    RECEIVED = "received", _("Letter received")


class Referee(models.Model):
    """A referee invited by e-mail; uploads through a one-time link (no account). Only a
    hash of the link's token is kept; re-sending makes a new token."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="referees")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    language = models.CharField(
        _("language of the invitation"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the referee's account language, else the applicant's."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RefereeState.choices, default=RefereeState.INVITED
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    letter = models.FileField(
        _("letter (PDF)"),
        upload_to="exchange/letters/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "email"], name="exchange_referee_once")
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class ReviewState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Submitted")
    CONFLICT = "conflict", _("Declined: conflict of interest")


class RubricCriterion(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rubric")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.name


class Review(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_reviews"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.ASSIGNED
    )
    # {criterion pk (str): score 0..5}
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(
        _("weighted score"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    comment = models.TextField(_("comment"), max_length=10000, blank=True)
    conflict_reason = models.CharField(_("conflict declared"), max_length=500, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="exchange_review_once")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} / {self.application}"


class SupervisorRank(models.Model):
    """A host supervisor's rank of a shortlisted applicant who chose their placement."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="ranks")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="ranks")
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )

    class Meta:
        ordering = ["placement", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "application"], name="exchange_rank_once")
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.application}"
