"""What follows a decision to fund (the award the lead applicant accepts or declines) and
the screening's request for more information."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import TimeStampedModel

from .calls import Funder
from .proposals import Proposal


class AwardStatus(models.TextChoices):
    OFFERED = "offered", _("Offered: awaiting the lead applicant")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined by the applicants")


class Award(TimeStampedModel):
    """The joint award of a proposal every funder decided to fund: the amounts and
    conditions are each funder's decision (``FunderDecision``); the lead applicant accepts
    or declines the award letter, and the project starts only on acceptance."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="award")
    state = models.CharField(
        _("status"), max_length=10, choices=AwardStatus.choices, default=AwardStatus.OFFERED
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    response_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal} ({self.get_state_display()})"


class InfoRequest(models.Model):
    """A programme officer's question at screening: the proposal goes back to its team,
    which answers by ``deadline`` and resubmits; screening then continues."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="info_requests")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"))
    deadline = models.DateTimeField(_("answer by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The deadline passed without an answer and the officer went on screening without it.
    lapsed_at = models.DateTimeField(
        _("screening resumed without an answer"), null=True, blank=True
    )
    lapsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("request for more information")
        verbose_name_plural = _("requests for more information")
        ordering = ["proposal", "requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.question[:40]}"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        """Unanswered after its deadline (and not closed by resuming the screening)."""
        return (
            self.answered_at is None
            and self.lapsed_at is None
            and (now or timezone.now()) > self.deadline
        )

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and self.answered_at > self.deadline
