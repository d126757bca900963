"""Who is booking (their tariff category) and what a slot costs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from innobridge.core.models import Region
from innobridge.core.permissions import Role, can_act_as
from innobridge.people.models import Organisation, OrganisationType

from ..models import (
    Facility,
    Resource,
    Tariff,
    TariffUnit,
    UserCategory,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class BookerInfo:
    category: str | None
    organisation: Organisation | None
    region: str
    problem: str = ""

    @property
    def category_label(self) -> str:
        return str(UserCategory(self.category).label) if self.category else ""


def _related(a: Organisation, b: Organisation) -> bool:
    if a.pk == b.pk:
        return True
    return a.parents.filter(pk=b.pk).exists() or b.parents.filter(pk=a.pk).exists()


def booker_info(person: Any, facility: Facility) -> BookerInfo:
    """The tariff category of ``person`` at ``facility``: from their researcher profile's
    organisation and region against the facility's host; enterprise users and people at
    companies are industry."""
    if not getattr(person, "is_authenticated", False):
        return BookerInfo(None, None, "", _("Log in to book."))
    profile = getattr(person, "researcher_profile", None)
    try:
        org = profile.organisation if profile is not None else None
    except Organisation.DoesNotExist:  # pragma: no cover
        org = None
    region = (profile.region if profile is not None else "") or (org.region if org else "")
    if can_act_as(person, Role.ENTERPRISE) and (org is None or not _academic(org)):
        return BookerInfo(UserCategory.INDUSTRY, org, region)
    if org is None:
        return BookerInfo(
            None,
            None,
            region,
            _("Add your organisation to your researcher profile so the right tariff applies."),
        )
    if org.primary_type == OrganisationType.COMPANY:
        return BookerInfo(UserCategory.INDUSTRY, org, region)
    if _related(org, facility.organisation):
        return BookerInfo(UserCategory.INTERNAL, org, region)
    region = org.region or region
    if region == Region.HONG_KONG:
        return BookerInfo(UserCategory.HK_ACADEMIC, org, region)
    if region == Region.MAINLAND:
        return BookerInfo(UserCategory.MAINLAND_ACADEMIC, org, region)
    return BookerInfo(UserCategory.OTHER_ACADEMIC, org, region)


def _academic(org: Organisation) -> bool:
    return org.primary_type != OrganisationType.COMPANY


@dataclass(frozen=True)
class Quote:
    category: str
    tariff: Tariff
    unit: str
    unit_price: Decimal
    quantity: Decimal
    price: Decimal
    currency: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "unit": self.unit,
            "unit_price": str(self.unit_price),
            "quantity": str(self.quantity),
            "price": str(self.price),
            "currency": self.currency,
            "cancellation_window_hours": self.tariff.cancellation_window_hours,
            "late_cancellation_fee_percent": self.tariff.late_cancellation_fee_percent,
            "no_show_fee_percent": self.tariff.no_show_fee_percent,
        }


def tariff_for(resource: Resource, category: str | None) -> Tariff | None:
    if not category:
        return None
    return Tariff.objects.filter(resource=resource, category=category).first()


def _quantity(unit: str, start: dt.datetime, end: dt.datetime, samples: int) -> Decimal:
    if unit == TariffUnit.SAMPLE:
        return Decimal(samples)
    seconds = Decimal(int((end - start).total_seconds()))
    return (seconds / Decimal(3600)).quantize(CENT, rounding=ROUND_HALF_UP)


def quote(
    person: Any, resource: Resource, start: dt.datetime, end: dt.datetime, samples: int = 0
) -> Quote:
    """The price ``person`` would pay for the slot (raises ValidationError when they may
    not book it at all)."""
    info = booker_info(person, resource.facility)
    if info.category is None:
        raise ValidationError(info.problem)
    tariff = tariff_for(resource, info.category)
    allowed = resource.allowed_categories or []
    if tariff is None or (allowed and info.category not in allowed):
        raise ValidationError(
            _("This resource is not open to your user group (%(category)s).")
            % {"category": UserCategory(info.category).label}
        )
    if tariff.unit == TariffUnit.SAMPLE and samples < 1:
        raise ValidationError({"samples": _("Give the number of samples (charged per sample).")})
    qty = _quantity(tariff.unit, start, end, samples)
    price = (tariff.price * qty).quantize(CENT, rounding=ROUND_HALF_UP)
    return Quote(info.category, tariff, tariff.unit, tariff.price, qty, price, tariff.currency)
