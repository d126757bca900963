"""Training: the certificates a resource may require, and requests for training."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import TimeStampedModel

from .catalogue import Resource


class TrainingCertificate(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="facility_certificates",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="certificates"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateField(_("issued on"), default=dt.date.today)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")
        ordering = ["-issued_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "resource"], name="facilities_certificate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.resource}"

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or day <= self.valid_until


class TrainingRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested, pending")
    SCHEDULED = "scheduled", _("Training session scheduled")
    CERTIFIED = "certified", _("Certified")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_TRAINING = (TrainingRequestStatus.REQUESTED, TrainingRequestStatus.SCHEDULED)


class TrainingRequest(TimeStampedModel):
    """A user asks for the training a resource requires; a manager schedules a session,
    approves (a certificate is issued) or declines with a reason."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_requests",
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="training_requests",
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TrainingRequestStatus.choices,
        default=TrainingRequestStatus.REQUESTED,
        db_index=True,
    )
    session_at = models.DateTimeField(_("training session"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    certificate = models.ForeignKey(
        TrainingCertificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "resource"],
                condition=models.Q(status__in=OPEN_TRAINING),
                name="facilities_training_one_open",
                violation_error_message=_("You have already asked for this training."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.resource}"
