"""Joint research funding: funders, schemes and calls; proposals with their team, budget
and attachments; conflicts of interest, review assignments and reviews; each funder's
decision; funded projects with milestones, reports, disbursements and change requests.

A joint call has one ``CallSide`` per funder (Hong Kong in HKD, the Mainland in CNY): each
funder screens, reviews and pays only its own side, and a proposal is awarded only when
every side's funder decides to fund it.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, Region, TimeStampedModel
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

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["side", "name"]

    def __str__(self) -> str:
        return self.name


class Scheme(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    funders = models.ManyToManyField(Funder, related_name="schemes", verbose_name=_("funders"))

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
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
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), default=24)
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
        _("invitation"), max_length=10, choices=InvitationStatus.choices, default="invited"
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


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed (not sent)")
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUBMITTED = "submitted", _("Review submitted")


ACTIVE_ASSIGNMENT = ["proposed", "invited", "accepted", "submitted"]


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
        _("status"), max_length=10, choices=AssignmentStatus.choices, default="proposed"
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


class Notification(models.Model):
    """An in-app message (each is also sent by e-mail)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funding_notifications"
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class ProjectStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    LATE = "late", _("Late")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class Project(TimeStampedModel):
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="project")
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ON_TRACK
    )
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    terminated_at = models.DateTimeField(_("terminated"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:project", args=[self.pk])


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    due_date = models.DateField(_("due"))
    is_final = models.BooleanField(_("final report"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_date", "id"]

    def __str__(self) -> str:
        return self.title

    def accepted_report(self) -> Report | None:
        return self.reports.filter(rating=ReportRating.SATISFACTORY).first()

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.due_date < today and not self.reports.filter(rating="satisfactory").exists()


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    FINAL = "final", _("Final report")


class ReportRating(models.TextChoices):
    PENDING = "pending", _("Awaiting assessment")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    UNSATISFACTORY = "unsatisfactory", _("Unsatisfactory")


class Report(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    summary = models.TextField(_("summary"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    rating = models.CharField(
        _("assessment"), max_length=15, choices=ReportRating.choices, default=ReportRating.PENDING
    )
    rating_comment = models.TextField(_("assessment note"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["project", "submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.milestone}"


class DisbursementStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    RELEASED = "released", _("Released")
    CANCELLED = "cancelled", _("Cancelled")


class Disbursement(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="disbursements")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="disbursements")
    side = models.CharField(_("side"), max_length=3, choices=SIDE_CHOICES)
    instalment = models.PositiveSmallIntegerField(_("instalment"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    depends_on = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
        verbose_name=_("released after the report for"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DisbursementStatus.choices, default="scheduled"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["project", "side", "instalment"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "side", "instalment"], name="funding_instalment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="funding_disbursement_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} #{self.instalment} {self.currency} {self.amount}"


class ChangeKind(models.TextChoices):
    BUDGET = "budget", _("Budget")
    DURATION = "duration", _("Duration")
    TEAM = "team", _("Team")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeRequest(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)
    side = models.CharField(_("funder concerned"), max_length=3, choices=SIDE_CHOICES)
    description = models.TextField(_("what should change and why"))
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    # A budget change: the side's new budget lines, each {"category", "source", "amount",
    # "description"} in that side's currency (they replace the side's lines on approval).
    new_budget = models.JSONField(_("new budget lines"), default=list, blank=True)
    # A team change: who leaves and/or who joins (with organisation and role).
    remove_member = models.ForeignKey(
        TeamMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("member leaving"),
    )
    add_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person joining"),
    )
    add_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation of the person joining"),
    )
    add_role = models.CharField(
        _("role of the person joining"), max_length=20, choices=MemberRole.choices, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default="pending"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["project", "-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
