"""Funded projects: milestones, reports, disbursements and change requests."""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, TimeStampedModel
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation

from .calls import SIDE_CHOICES, Funder
from .proposals import MemberRole, Proposal, TeamMember


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

    def current_status(self, today: dt.date | None = None) -> ProjectStatus:
        """The status as of ``today`` (a read: nothing is written). Late while a milestone
        is overdue, completed once the final report is accepted. The stored ``status``
        catches up through ``services.refresh_project_status`` (the writes that change it,
        and daily for the days that pass); pages and the API show this one."""
        if self.status in (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED):
            return ProjectStatus(self.status)
        milestones = list(self.milestones.all())
        if any(m.is_final and m.accepted_report() for m in milestones):
            return ProjectStatus.COMPLETED
        if any(m.is_overdue(today) for m in milestones):
            return ProjectStatus.LATE
        return ProjectStatus.ON_TRACK


# The titles of the milestones a project gets when it starts, stored untranslated (the
# English message) and shown in the reader's language (``Milestone.display_title``).
PROGRESS_REPORT_TITLE = "Progress report"
FINAL_REPORT_TITLE = "Final report"


@functools.cache
def _automatic_titles() -> dict[str, str]:
    """Every language's form of the automatic titles -> the untranslated message (titles
    stored before they were kept untranslated hold the deciding officer's language)."""
    forms: dict[str, str] = {}
    for message in (PROGRESS_REPORT_TITLE, FINAL_REPORT_TITLE):
        forms[message] = message
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                forms[translation.gettext(message)] = message
    return forms


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

    @property
    def display_title(self) -> str | Promise:
        """The title in the reader's language: the automatic report milestones are
        translated (lazily, so a notice renders it in its recipient's language); a title
        someone typed is shown as typed."""
        message = _automatic_titles().get(self.title)
        if message == PROGRESS_REPORT_TITLE:
            return ReportKind.PROGRESS.label
        if message == FINAL_REPORT_TITLE:
            return ReportKind.FINAL.label
        return self.title

    def accepted_report(self) -> Report | None:
        return self.reports.filter(rating=ReportRating.SATISFACTORY).first()

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.due_date < today
            and not self.reports.filter(rating=ReportRating.SATISFACTORY).exists()
        )


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
        _("status"),
        max_length=10,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.SCHEDULED,
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
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
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


class ApprovalSubject(models.TextChoices):
    CHANGE = "change", _("change request")
    TERMINATION = "termination", _("termination")


class JointApproval(models.Model):
    """One funder's yes to a step that binds every side of a joint project (a change that
    affects both sides, such as the end date; the termination). The step takes effect when
    every funder of the call has said yes; the database keeps one yes per funder."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    subject = models.CharField(_("subject"), max_length=12, choices=ApprovalSubject.choices)
    change = models.ForeignKey(
        ChangeRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="approvals"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("joint approval")
        verbose_name_plural = _("joint approvals")
        ordering = ["approved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "funder"],
                condition=models.Q(subject=ApprovalSubject.CHANGE),
                name="funding_approval_one_per_funder_and_change",
            ),
            models.UniqueConstraint(
                fields=["project", "funder"],
                condition=models.Q(subject=ApprovalSubject.TERMINATION),
                name="funding_approval_one_termination_per_funder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} → {self.project}: {self.get_subject_display()}"
