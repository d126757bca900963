"""A person's request to act for an organisation in transfer: to join a company or a
university's technology-transfer office that the directory holds, or to register a company
that it does not. An administrator approves it (the link, and for a new company the
organisation itself) or declines it with a reason."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Region, TimeStampedModel
from innobridge.people.models import Organisation

from .vocabulary import MembershipKind


class MembershipRequestState(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for a decision")
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


# A Hong Kong business registration number (8 digits, optionally with its branch and
# year parts) or a Mainland unified social credit code (18 characters), as people write
# them: letters, digits, spaces and hyphens only.
registration_number_format = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z -]{3,38}[0-9A-Za-z]$",
    _("Use the letters and digits of the registration number (spaces and hyphens allowed)."),
)


class MembershipRequest(TimeStampedModel):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="transfer_membership_requests",
        verbose_name=_("requester"),
    )
    kind = models.CharField(_("acts as"), max_length=12, choices=MembershipKind.choices)
    # The organisation of the directory asked for, or (once approved) the one registered.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transfer_membership_requests",
        verbose_name=_("organisation"),
    )
    # A company the directory does not hold, as the requester describes it.
    company_name = models.CharField(_("company name"), max_length=300, blank=True)
    company_name_zh = models.CharField(_("company name in Chinese"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=3, choices=Region.choices, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    registration_number = models.CharField(
        _("business registration number"),
        max_length=40,
        blank=True,
        validators=[registration_number_format],
    )
    job_title = models.CharField(_("your position"), max_length=120)
    message = models.TextField(_("message to the administrator"), max_length=2000, blank=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=MembershipRequestState.choices,
        default=MembershipRequestState.SUBMITTED,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request to act for an organisation")
        verbose_name_plural = _("requests to act for an organisation")
        constraints = [
            # One request waits at a time per person (a second would race the first).
            models.UniqueConstraint(
                fields=["requester"],
                condition=Q(state="submitted"),
                name="transfer_one_open_membership_request",
            ),
            # An organisation of the directory, or a new company's name.
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(company_name=""),
                name="transfer_membership_request_names_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.organisation_name} ({self.get_kind_display()})"

    @property
    def organisation_name(self) -> str:
        return str(self.organisation) if self.organisation_id else self.company_name

    @property
    def is_new_company(self) -> bool:
        """Asks for a company the directory did not hold when it was made."""
        return bool(self.company_name)
