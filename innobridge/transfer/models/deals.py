"""The deal pipeline: interest → accepted → NDA → meetings → term sheet → signed."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation

from .demands import Demand
from .offers import Offer
from .vocabulary import LicensingMode, OutcomeType

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class DealState(models.TextChoices):
    TERMS_OFFERED = "terms_offered", _("Published terms offered")
    INTEREST = "interest", _("Interest expressed")
    ACCEPTED = "accepted", _("Accepted by the owner")
    NDA_ACCEPTED = "nda_accepted", _("NDA accepted")
    MEETING = "meeting", _("Meeting(s) held")
    NEGOTIATION = "negotiation", _("Negotiating terms")
    SIGNED = "signed", _("Signed")
    CLOSED = "closed", _("Closed")


class NdaText(models.Model):
    """One version of an organisation's click-through NDA, in the three languages."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    text_en = models.TextField(_("text (English)"), max_length=20000)
    text_zh_hant = models.TextField(_("text (繁體中文)"), max_length=20000)
    text_zh_hans = models.TextField(_("text (简体中文)"), max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("NDA text")
        verbose_name_plural = _("NDA texts")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="transfer_nda_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"NDA {self.organisation} v{self.version}"

    def text_in(self, language: str | None) -> str:
        code = (language or "en").lower()
        if code.startswith("zh-hant"):
            return self.text_zh_hant
        if code.startswith("zh"):
            return self.text_zh_hans
        return self.text_en


class Deal(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="deals")
    party = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interested party"),
        on_delete=models.PROTECT,
        related_name="transfer_deals",
    )
    party_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    state = models.CharField(
        _("stage"), max_length=14, choices=DealState.choices, default=DealState.INTEREST
    )
    message = models.TextField(_("message"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    nda_at = models.DateTimeField(null=True, blank=True)
    meeting_at = models.DateTimeField(null=True, blank=True)
    negotiation_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(_("reason for closing"), max_length=2000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=OutcomeType.choices, blank=True)
    outcome_mode = models.CharField(
        _("licence mode"), max_length=14, choices=LicensingMode.choices, blank=True
    )
    signed_date = models.DateField(_("date signed"), null=True, blank=True)
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    value_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, blank=True
    )
    terms = models.TextField(_("terms"), max_length=8000, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "party"],
                condition=~models.Q(state=DealState.CLOSED),
                name="transfer_one_open_deal_per_party",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="transfer_deal_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} ← {self.party}"

    def get_absolute_url(self) -> str:
        return reverse("transfer:deal", args=[self.pk])


class NdaAcceptance(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="nda_acceptances")
    nda = models.ForeignKey(NdaText, on_delete=models.PROTECT, related_name="acceptances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=10)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.person} accepted {self.nda} ({self.accepted_at:%Y-%m-%d})"


class Meeting(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.deal} meeting {self.held_on}"


class TermSheet(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="term_sheets")
    mode = models.CharField(_("mode"), max_length=14, choices=LicensingMode.choices)
    field_of_use = models.CharField(_("field of use"), max_length=300)
    territory = models.CharField(_("territory"), max_length=200)
    exclusive = models.BooleanField(_("exclusive"), default=False)
    upfront_fee = models.DecimalField(
        _("upfront fee"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    royalty_pct = models.DecimalField(
        _("royalty (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    milestones = models.TextField(_("milestones"), max_length=4000, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(upfront_fee__gte=0)
                & models.Q(royalty_pct__gte=0)
                & models.Q(royalty_pct__lte=100),
                name="transfer_term_sheet_amounts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deal} terms {self.created_at:%Y-%m-%d}"
