"""Matching runs, offers (with the waiting list), stays, checklists, reports, stipends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, Region, TimeStampedModel

from .application import Application
from .programme import PaidOn, Placement, Programme, StipendComponent


class MatchingMethod(models.TextChoices):
    STABLE = "stable", _("Stable matching (applicant-optimal)")
    OPTIMAL = "optimal", _("Optimal assignment")
    FAIR = "fair", _("Optimal assignment with fairness")


class MatchingRun(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="matching_runs")
    method = models.CharField(_("method"), max_length=8, choices=MatchingMethod.choices)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # [[application pk, placement pk], ...]
    pairs = models.JSONField(default=list)
    metrics = models.JSONField(default=dict)
    options = models.JSONField(default=dict, blank=True)
    chosen = models.BooleanField(_("chosen"), default=False)
    adjusted = models.BooleanField(_("adjusted by hand"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} #{self.pk}"


class OfferState(models.TextChoices):
    SENT = "sent", _("Awaiting reply")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Lapsed")


class Offer(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="offers")
    run = models.ForeignKey(
        MatchingRun, on_delete=models.SET_NULL, null=True, related_name="offers"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=OfferState.choices, default=OfferState.SENT
    )
    reply_by = models.DateField(_("reply by"))
    from_waiting_list = models.BooleanField(default=False)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.application} @ {self.placement}"


class StayState(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    ACCEPTED = "accepted", _("Accepted by the host")
    PERMITS = "permits", _("Permits in progress")
    ON_SITE = "on_site", _("On site")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Stay(TimeStampedModel):
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="stay")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="stay")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="stays")
    state = models.CharField(
        _("state"), max_length=10, choices=StayState.choices, default=StayState.NOMINATED
    )
    planned_arrival = models.DateField(_("planned arrival"))
    planned_departure = models.DateField(_("planned departure"))
    actual_arrival = models.DateField(_("actual arrival"), null=True, blank=True)
    actual_departure = models.DateField(_("actual departure"), null=True, blank=True)

    class Meta:
        ordering = ["placement__programme", "planned_arrival", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_arrival__lt=models.F("planned_departure")),
                name="exchange_stay_dates_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.applicant} @ {self.placement.organisation}"


class ChecklistItem(models.Model):
    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="checklist")
    title = models.CharField(_("step"), max_length=300)
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["stay", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    MID_TERM = "mid_term", _("Mid-term report")
    FINAL = "final", _("Final report")


class ReportAuthor(models.TextChoices):
    FELLOW = "fellow", _("Fellow")
    SUPERVISOR = "supervisor", _("Supervisor")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")


class StayReport(TimeStampedModel):
    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("report"), max_length=8, choices=ReportKind.choices)
    author_role = models.CharField(_("by"), max_length=10, choices=ReportAuthor.choices)
    text = models.TextField(_("report"), max_length=20000)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    due_on = models.DateField(_("due"), null=True, blank=True)

    class Meta:
        ordering = ["stay", "kind", "author_role"]
        constraints = [
            models.UniqueConstraint(
                fields=["stay", "kind", "author_role"], name="exchange_report_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_author_role_display()})"


class InstalmentState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RELEASED = "released", _("Released")
    CANCELLED = "cancelled", _("Cancelled")


class StipendInstalment(models.Model):
    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="instalments")
    component = models.ForeignKey(StipendComponent, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    paid_by = models.CharField(max_length=3, choices=Region.choices)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.CharField(max_length=12, choices=PaidOn.choices)
    state = models.CharField(
        max_length=10, choices=InstalmentState.choices, default=InstalmentState.PENDING
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stay", "component", "number"]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:,.2f} #{self.number}"
