"""Cross-cutting data: regions, currencies and exchange rates, the audit log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    HONG_KONG = "HK", _("Hong Kong")
    MAINLAND = "CN", _("Mainland")
    MACAO = "MO", _("Macao")
    INTERNATIONAL = "INT", _("International")


class Currency(models.TextChoices):
    HKD = "HKD", _("Hong Kong dollar")
    CNY = "CNY", _("Renminbi")
    USD = "USD", _("US dollar")


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class ExchangeRate(models.Model):
    """One unit of ``base`` is worth ``rate`` units of ``quote`` from ``valid_from`` on."""

    base = models.CharField(_("from"), max_length=3, choices=Currency.choices)
    quote = models.CharField(_("to"), max_length=3, choices=Currency.choices)
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["base", "quote", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote", "valid_from"], name="core_rate_unique_per_day"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="core_rate_positive"),
            models.CheckConstraint(
                condition=~models.Q(base=models.F("quote")), name="core_rate_distinct_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.valid_from})"

    def clean(self) -> None:
        if self.base == self.quote:
            raise ValidationError(_("A rate needs two different currencies."))
        if self.rate is not None and self.rate <= Decimal(0):
            raise ValidationError({"rate": _("A rate must be positive.")})


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """An append-only record of one state change, written by a service."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_repr = models.CharField(_("actor name"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr or '-'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class PersonalDataViewQuerySet(models.QuerySet["PersonalDataView"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The register of personal-data views is append-only.")

    def of(self, obj: models.Model) -> PersonalDataViewQuerySet:
        """The views of one object's personal data (e.g. one application)."""
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class PersonalDataView(models.Model):
    """One view of a person's personal data by someone else: who (and in which role, from
    which side of the boundary), whose data, which item, when. Any app logs through
    :func:`innobridge.core.services.log_personal_data_view`; the register answers "who on
    which side saw whose personal data" (PIPL / PDPO) and is exported per organisation or
    programme by the app that owns the object."""

    viewed_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("whose data"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject_region = models.CharField(
        _("their side"), max_length=3, choices=Region.choices, blank=True
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    viewer_repr = models.CharField(_("viewer name"), max_length=200)
    viewer_role = models.CharField(_("viewer's role"), max_length=40)
    viewer_region = models.CharField(
        _("viewer's side"), max_length=3, choices=Region.choices, blank=True
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    item = models.CharField(_("item"), max_length=200)

    objects = PersonalDataViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal-data view")
        verbose_name_plural = _("personal-data views")
        ordering = ["-viewed_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["subject", "viewed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_repr} ({self.viewer_role}) viewed {self.item}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The register of personal-data views is append-only.")
        super().save(*args, **kwargs)

    @property
    def crosses_boundary(self) -> bool:
        """Seen from the other side: both sides known and different."""
        return bool(self.viewer_region and self.subject_region) and (
            self.viewer_region != self.subject_region
        )


class Notice(models.Model):
    """An in-app message to one person, written in their language when it is created
    (any app: ``source`` is the app's label). Apps create them through
    :func:`innobridge.core.services.notify_in_app` beside their e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    source = models.CharField(_("from"), max_length=30, db_index=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "source", "read_at"])]

    def __str__(self) -> str:
        return self.subject
