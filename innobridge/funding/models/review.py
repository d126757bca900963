"""Review assignments, affinity scores, reviews and their scores, funders' decisions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency

from .calls import SIDE_CHOICES, Criterion, Funder
from .proposals import Proposal


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed (not sent)")
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUBMITTED = "submitted", _("Review submitted")


ACTIVE_ASSIGNMENT = [
    AssignmentStatus.PROPOSED,
    AssignmentStatus.INVITED,
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.SUBMITTED,
]


class AffinityScore(models.Model):
    """The engine's affinity of one reviewer to one proposal (kept for the next-best choice
    after a decline and to show the officer why)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="affinities")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField()
    explanation = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="funding_affinity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ~ {self.proposal}: {self.score:.3f}"


class ReviewAssignment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PROPOSED,
    )
    affinity = models.FloatField(_("affinity"), null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    by_hand = models.BooleanField(default=False)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["proposal", "funder", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="funding_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.proposal}"


class Review(models.Model):
    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="review"
    )
    comments = models.TextField(_("comments"), blank=True)
    weighted_score = models.DecimalField(
        _("weighted score (0–100)"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.assignment}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["review", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="funding_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class DecisionChoice(models.TextChoices):
    FUND = "fund", _("Fund")
    NOT_FUND = "not_fund", _("Do not fund")


class FunderDecision(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="decisions")
    side = models.CharField(_("side"), max_length=3, choices=SIDE_CHOICES)
    decision = models.CharField(_("decision"), max_length=10, choices=DecisionChoice.choices)
    reasons = models.TextField(_("reasons"))
    amount = models.DecimalField(
        _("amount awarded"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    requested = models.DecimalField(
        _("amount requested"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    conditions = models.TextField(_("conditions of the award"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("funder decision")
        verbose_name_plural = _("funder decisions")
        ordering = ["proposal", "side"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "funder"], name="funding_decision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.funder}: {self.get_decision_display()}"
