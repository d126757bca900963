"""Enterprise technology demands (and bounties with their solution plans)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, Region, TimeStampedModel
from innobridge.core.reversing import reverse
from innobridge.people.models import Organisation

from .vocabulary import DemandMode, Sector, TriageReason

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting triage")
    PUBLISHED = "published", _("Published")
    SECOND_DIAGNOSIS = "second_diagnosis", _("Sent back for a second diagnosis")
    LONG_TERM = "long_term", _("Long-term problem (published)")
    CLOSED = "closed", _("Closed")


class Demand(TimeStampedModel):
    state = models.CharField(
        _("status"), max_length=16, choices=DemandStatus.choices, default=DemandStatus.DRAFT
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="transfer_demands",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_demands",
    )
    is_anonymous = models.BooleanField(
        _("post under a description instead of our name"), default=False
    )
    anonymous_description = models.CharField(
        _("description shown instead of the name"), max_length=200, blank=True
    )
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("the problem"), max_length=6000)
    current_solution = models.TextField(
        _("what you use now and why it falls short"), max_length=4000
    )
    target_spec = models.TextField(_("target specification"), max_length=4000)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4)
    target_unit = models.CharField(_("unit of the target"), max_length=60)
    constraints = models.TextField(_("constraints"), max_length=3000, blank=True)
    budget_min = models.DecimalField(
        _("budget from"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    budget_max = models.DecimalField(
        _("budget up to"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    deadline = models.DateField(_("deadline"))
    region = models.CharField(_("region"), max_length=3, choices=Region.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    preferred_mode = models.CharField(
        _("preferred mode"), max_length=20, choices=DemandMode.choices
    )
    bounty_reward = models.DecimalField(
        _("bounty reward"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    language = models.CharField(_("language of the demand"), max_length=10, default="en")
    triage_reason = models.CharField(
        _("reason"), max_length=20, choices=TriageReason.choices, blank=True
    )
    triage_note = models.TextField(_("note from the platform officer"), max_length=3000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo demand"), default=False)

    class Meta:
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min__gte=0)
                & models.Q(budget_max__gte=models.F("budget_min")),
                name="transfer_demand_budget_range",
            ),
            models.CheckConstraint(
                condition=models.Q(bounty_reward__isnull=True) | models.Q(bounty_reward__gte=0),
                name="transfer_demand_reward_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("transfer:demand", args=[self.pk])

    @property
    def is_bounty(self) -> bool:
        return self.preferred_mode == DemandMode.BOUNTY


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class SolutionPlan(TimeStampedModel):
    """A team's plan to solve a bounty demand (揭榜): the enterprise selects one."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="plans")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transfer_plans"
    )
    team = models.CharField(_("team"), max_length=300)
    summary = models.TextField(_("solution plan"), max_length=8000)
    status = models.CharField(
        _("status"), max_length=14, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED
    )

    class Meta:
        verbose_name = _("solution plan")
        verbose_name_plural = _("solution plans")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "submitted_by"], name="transfer_plan_one_per_team"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.demand}"
