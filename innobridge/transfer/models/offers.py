"""Offers: research results and patents listed for transfer, with their structured parts."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, TimeStampedModel
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation, Publication

from .vocabulary import (
    DevelopmentStage,
    IpType,
    Jurisdiction,
    LicensingMode,
    MembershipKind,
    PatentStatus,
)

TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]
NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class Membership(models.Model):
    """A person acting for an organisation in transfer: its technology-transfer officer
    (beside the ``tto`` role) or a member of an enterprise's staff."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transfer_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="transfer_members"
    )
    kind = models.CharField(_("acts as"), max_length=12, choices=MembershipKind.choices)

    class Meta:
        verbose_name = _("transfer membership")
        verbose_name_plural = _("transfer memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "kind"], name="transfer_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organisation} ({self.get_kind_display()})"


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_TTO = "awaiting_tto", _("Awaiting the TTO's approval")
    SUBMITTED = "submitted", _("Awaiting platform review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(TimeStampedModel):
    state = models.CharField(
        _("status"), max_length=14, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("non-confidential summary"), max_length=6000)
    problem = models.TextField(_("problem solved"), max_length=4000)
    # Required of every listing written on the platform (services check it); a record
    # imported from a public catalogue keeps what its source states and no more.
    benefit_value = models.DecimalField(
        _("quantified benefit"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    benefit_unit = models.CharField(_("unit of the benefit"), max_length=60, blank=True)
    benefit_compared_with = models.CharField(
        _("compared with (best existing solution)"), max_length=300, blank=True
    )
    commercial_route = models.TextField(_("commercial route"), max_length=3000)
    sectors = models.JSONField(_("application fields and sectors"), default=list)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    ip_type = models.CharField(_("IP type"), max_length=20, choices=IpType.choices)
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level (self-declared)"),
        validators=TRL_VALIDATORS,
        null=True,
        blank=True,
    )
    trl_evidence = models.TextField(_("evidence for the TRL"), max_length=3000, blank=True)
    stage = models.CharField(
        _("development stage"), max_length=12, choices=DevelopmentStage.choices, blank=True
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="transfer_offers",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_offers",
    )
    language = models.CharField(_("language of the listing"), max_length=10, default="en")
    modes = models.JSONField(_("licensing modes"), default=list)
    licence_fee = models.DecimalField(
        _("published licence fee"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    licence_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.HKD
    )
    licence_terms = models.TextField(_("published licence terms"), max_length=6000, blank=True)
    confidential_text = models.TextField(
        _("confidential description (shown after an NDA)"), max_length=20000, blank=True
    )
    publications = models.ManyToManyField(
        Publication, blank=True, related_name="transfer_offers", verbose_name=_("publications")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), max_length=3000, blank=True)
    is_demo = models.BooleanField(_("demo listing"), default=False)
    source = models.CharField(_("source of the record"), max_length=300, blank=True)
    source_id = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("technology offer")
        verbose_name_plural = _("technology offers")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["state", "ip_type", "trl"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trl__isnull=True)
                | (models.Q(trl__gte=1) & models.Q(trl__lte=9)),
                name="transfer_offer_trl",
            ),
            models.CheckConstraint(
                condition=models.Q(licence_fee__isnull=True) | models.Q(licence_fee__gte=0),
                name="transfer_offer_fee_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("transfer:offer", args=[self.pk])

    @property
    def has_published_terms(self) -> bool:
        return bool({"open", "express"} & set(self.modes or []))

    def get_modes_display(self) -> list[str]:
        """The licensing modes as their translated labels (``modes`` holds the codes)."""
        labels = dict(LicensingMode.choices)
        return [str(labels.get(m, m)) for m in self.modes or []]


class PatentRight(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="patents")
    number = models.CharField(_("patent or application number"), max_length=40)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=5, choices=Jurisdiction.choices)
    status = models.CharField(_("status"), max_length=10, choices=PatentStatus.choices)

    class Meta:
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "jurisdiction", "number"], name="transfer_patent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.number}"


class Inventor(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="inventors")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    share = models.DecimalField(
        _("contribution (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("inventor")
        verbose_name_plural = _("inventors")
        ordering = ["-share", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.share} %)"


class TrlChange(models.Model):
    """Every TRL a listing has declared, dated (the TRL is self-declared)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="trl_history")
    trl = models.PositiveSmallIntegerField(_("TRL"), validators=TRL_VALIDATORS)
    evidence = models.TextField(_("evidence"), max_length=3000)
    changed_at = models.DateTimeField(_("declared"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"TRL {self.trl} @ {self.changed_at:%Y-%m-%d}"


def attachment_path(instance: ConfidentialFile, filename: str) -> str:
    return f"transfer/confidential/{instance.offer_id}/{filename}"


class ConfidentialFile(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="confidential_files")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("PDF file"),
        upload_to=attachment_path,
        validators=[FileExtensionValidator(["pdf"])],
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("confidential attachment")
        verbose_name_plural = _("confidential attachments")

    def __str__(self) -> str:
        return self.title


class OfferView(models.Model):
    """A signed-in person's first view of a published offer (the funnel's "viewed")."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "viewer"], name="transfer_offer_view_once")
        ]

    def __str__(self) -> str:
        return f"{self.viewer} viewed {self.offer}"


class ConfidentialView(models.Model):
    """Each view of a confidential item: who, which item, when."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="confidential_views")
    item = models.CharField(_("item"), max_length=200)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewer_repr = models.CharField(max_length=200)
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.viewer_repr} viewed {self.item} of {self.offer}"
