"""Pushed matches between offers and demands, what reached whom, and passes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .demands import Demand
from .offers import Offer
from .vocabulary import PassReason


class SuggestedMatch(models.Model):
    """A strong offer ↔ demand match found by the background matcher (kept once)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="suggested")
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="suggested")
    score = models.FloatField()
    shared_terms = models.JSONField(default=list, blank=True)
    closest_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "demand"], name="transfer_match_once")
        ]

    def __str__(self) -> str:
        return f"{self.offer} ↔ {self.demand}"


class MatchNotice(models.Model):
    """One person told (in-app, then in a digest) of one match — each at most once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transfer_notices"
    )
    match = models.ForeignKey(SuggestedMatch, on_delete=models.CASCADE, related_name="notices")
    side = models.CharField(max_length=8)  # "offer" or "demand": which side the recipient is on
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "match"], name="transfer_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.match}"


class NotificationPreference(models.Model):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transfer_preferences"
    )
    in_app = models.BooleanField(_("show new matches on my transfer page"), default=True)
    daily_digest = models.BooleanField(
        _("send me a daily e-mail digest of new matches"), default=True
    )

    def __str__(self) -> str:
        return str(self.person)


class MatchPass(models.Model):
    """A recipient passing on an offer, with a reason from the fixed list. Owners see the
    reasons aggregated per offer, never who gave them."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="passes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=PassReason.choices)
    other_text = models.CharField(_("other reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "person"], name="transfer_pass_once")
        ]

    def __str__(self) -> str:
        return f"{self.offer}: {self.reason}"
