"""Charges for usage and the disputes raised against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, TimeStampedModel
from innobridge.people.models import Organisation

from .bookings import Booking
from .catalogue import ChargeUnit


class ChargeKind(models.TextChoices):
    USAGE = "usage", _("Usage")
    NO_SHOW = "no_show", _("No-show fee")
    LATE_CANCELLATION = "late_cancel", _("Late cancellation fee")


class ChargeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISPUTED = "disputed", _("Disputed")
    ADJUSTED = "adjusted", _("Adjusted after dispute")
    CONFIRMED = "confirmed", _("Confirmed after dispute")


class Charge(TimeStampedModel):
    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="charges"
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        related_name="facility_charges",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ChargeKind.choices)
    incurred_on = models.DateField(_("date"), db_index=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, choices=ChargeUnit.choices)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.OPEN
    )

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["incurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="facilities_charge_nonnegative"
            )
        ]

    @property
    def is_open(self) -> bool:
        """Open: the payer may still dispute it."""
        return self.status == ChargeStatus.OPEN

    def __str__(self) -> str:
        return f"{self.description}: {self.currency} {self.amount}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld (charge adjusted)")
    DISMISSED = "dismissed", _("Dismissed (charge stands)")


class Dispute(TimeStampedModel):
    charge = models.ForeignKey(
        Charge, verbose_name=_("charge"), on_delete=models.CASCADE, related_name="disputes"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    original_amount = models.DecimalField(max_digits=12, decimal_places=2)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.charge} ({self.get_status_display()})"
