"""Proposals with their screening, team, budget lines, attachments and conflicts of interest."""

from __future__ import annotations

import os
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, Region, TimeStampedModel
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation

from .calls import SIDE_CHOICES, Call, Funder


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    MORE_INFO = "more_info", _("More information requested")
    ELIGIBLE = "eligible", _("Screened: eligible")
    INELIGIBLE = "ineligible", _("Screened: ineligible")
    IN_REVIEW = "in_review", _("In review")
    PANEL = "panel", _("At panel")
    AWARDED = "awarded", _("Awarded")
    DECLINED = "declined", _("Not funded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


DECIDED_STATES = {ProposalState.AWARDED, ProposalState.DECLINED}


class Screening(models.Model):
    """One funder's screening of its own side of a proposal (the Hong Kong funder screens
    the Hong Kong filing, the Mainland funder the Mainland filing). The proposal is
    eligible only when every side's funder has screened it eligible."""

    proposal = models.ForeignKey("Proposal", on_delete=models.CASCADE, related_name="screenings")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="screenings")
    side = models.CharField(_("side"), max_length=3, choices=SIDE_CHOICES)
    eligible = models.BooleanField(_("eligible"))
    reason = models.TextField(_("screening note"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(_("screened"), auto_now_add=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["proposal", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "funder"], name="funding_screening_one_per_funder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder}: {self.eligible}"


class Proposal(TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_proposals"
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    abstract_en = models.TextField(_("abstract (English)"), blank=True)
    abstract_zh = models.TextField(_("abstract (Chinese)"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],  # the API's limits too
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    screening_reason = models.TextField(_("screening note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["call", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en or self.title_zh or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("funding:proposal", args=[self.pk])

    def text_for_matching(self) -> str:
        parts = [
            self.title_en,
            self.title_zh,
            self.abstract_en,
            self.abstract_zh,
            " ".join(self.keywords),
        ]
        return "\n".join(p for p in parts if p)


class ProposalRole(models.TextChoices):
    """How a user relates to a proposal, for what they may see of it."""

    OFFICER = "officer", _("programme officer")
    TEAM = "team", _("team")
    REVIEWER = "reviewer", _("reviewer")
    NONE = "", _("none")


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead applicant")
    PARTNER_LEAD = "partner_lead", _("Partner lead")
    CO_INVESTIGATOR = "co_investigator", _("Co-investigator")
    MEMBER = "member", _("Team member")


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class TeamMember(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    side = models.CharField(_("side"), max_length=3, choices=Region.choices)
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    status = models.CharField(
        _("invitation"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.INVITED,
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["proposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="funding_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class BudgetCategory(models.TextChoices):
    STAFF = "staff", _("Staff")
    EQUIPMENT = "equipment", _("Equipment")
    CONSUMABLES = "consumables", _("Consumables")
    TRAVEL = "travel", _("Travel and exchange")
    OTHER = "other", _("Other")


class BudgetSource(models.TextChoices):
    FUNDER = "funder", _("Requested from the funder")
    INDUSTRY = "industry", _("Industry sponsorship")


class BudgetLine(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    side = models.CharField(_("side"), max_length=3, choices=SIDE_CHOICES)
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=BudgetSource.choices, default=BudgetSource.FUNDER
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["proposal", "side", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="funding_budget_positive")
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.category} {self.currency} {self.amount}"


def attachment_path(instance: Any, filename: str) -> str:
    """A random name under funding/YYYY/MM/: the uploader's file name is never used."""
    now = timezone.now()
    return f"funding/{now:%Y/%m}/{secrets.token_hex(16)}.pdf"


class Attachment(models.Model):
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    report = models.ForeignKey(
        "Report", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return os.path.basename(self.original_name)


class ConflictKind(models.TextChoices):
    TEAM = "team", _("On the team")
    SAME_ORGANISATION = "same_org", _("Same organisation as a team member")
    COAUTHOR = "coauthor", _("Recent co-author of a team member")
    DECLARED = "declared", _("Declared by the reviewer")


class ConflictOfInterest(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ConflictKind.choices)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["proposal", "reviewer", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer", "kind"], name="funding_conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} × {self.proposal}: {self.get_kind_display()}"
