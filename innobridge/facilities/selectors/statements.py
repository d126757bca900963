"""Statements: a person's or an organisation's month, indicative conversion, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from innobridge.core.permissions import Role, can_act_as
from innobridge.core.schemas import DATE_MAX, DATE_MIN
from innobridge.people.models import Organisation

from ..models import (
    Charge,
)
from .bookings import managed_facilities


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """'2026-05' → (2026-05-01, 2026-06-01); raises ValueError on bad input."""
    first = dt.datetime.strptime(month, "%Y-%m").date().replace(day=1)
    if not DATE_MIN <= first <= DATE_MAX:
        raise ValueError(f"month out of range: {month}")
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


@dataclass
class Indicative:
    """The statement's total in the organisation's home currency: indicative only (the
    charges stay payable in their own currencies), at the newest rate on ``on``."""

    currency: str
    amount: Decimal
    on: dt.date
    rate_dates: dict[str, dt.date]  # currency → the date of the rate used


@dataclass
class Statement:
    title: str
    month: str
    charges: list[Charge]
    totals: dict[str, Decimal]
    home_currency: str = ""
    indicative: Indicative | None = None
    missing_rates: list[str] = field(default_factory=list)


HOME_CURRENCY = {"HK": "HKD", "CN": "CNY"}


def home_currency(organisation: Organisation | None) -> str:
    """An organisation's home currency from its region (HKD in Hong Kong, CNY on the
    Mainland; empty where we do not know one)."""
    return HOME_CURRENCY.get(getattr(organisation, "region", "") or "", "")


def _rate_date(base: str, quote: str, on: dt.date) -> dt.date | None:
    from innobridge.core.models import ExchangeRate

    dates = ExchangeRate.objects.filter(
        Q(base=base, quote=quote) | Q(base=quote, quote=base), valid_from__lte=on
    ).values_list("valid_from", flat=True)
    return max(dates, default=None)


def with_indicative(statement: Statement, currency: str) -> Statement:
    """Add the indicative total in ``currency`` at the rates in force on the month's
    last day (or today, for the current month); currencies without a rate are listed
    in ``missing_rates`` and then no indicative total is given."""
    from innobridge.core.money import Money, NoRateError, convert

    statement.home_currency = currency
    if not currency or not statement.totals:
        return statement
    if set(statement.totals) == {currency}:
        return statement  # nothing to convert
    _first, nxt = month_range(statement.month)
    on = min(nxt - dt.timedelta(days=1), timezone.localdate())
    total = Decimal(0)
    dates: dict[str, dt.date] = {}
    for cur, amount in statement.totals.items():
        try:
            total += convert(Money(amount, cur), currency, on).amount
        except NoRateError:
            statement.missing_rates.append(cur)
            continue
        if cur != currency:
            rate_day = _rate_date(cur, currency, on)
            if rate_day is not None:
                dates[cur] = rate_day
    if not statement.missing_rates:
        statement.indicative = Indicative(currency, total, on, dates)
    return statement


def user_statement(user: Any, month: str) -> Statement:
    first, nxt = month_range(month)
    charges = list(
        Charge.objects.filter(payer=user, incurred_on__gte=first, incurred_on__lt=nxt)
        .select_related("booking__resource__facility")
        .order_by("incurred_on", "id")
    )
    statement = Statement(str(user), month, charges, _totals(charges))
    profile = getattr(user, "researcher_profile", None)
    org = getattr(profile, "organisation", None) if profile is not None else None
    return with_indicative(statement, home_currency(org))


def organisation_statement(viewer: Any, organisation: Organisation, month: str) -> Statement:
    """Charges to members of ``organisation`` in ``month``: all of them for an
    administrator, those at the viewer's facilities for a manager, nothing otherwise."""
    first, nxt = month_range(month)
    qs = Charge.objects.filter(
        organisation=organisation, incurred_on__gte=first, incurred_on__lt=nxt
    ).select_related("booking__resource__facility", "payer")
    if not can_act_as(viewer, Role.ADMINISTRATOR):
        qs = qs.filter(booking__resource__facility__in=managed_facilities(viewer))
    charges = list(qs.order_by("incurred_on", "id"))
    statement = Statement(organisation.name, month, charges, _totals(charges))
    return with_indicative(statement, home_currency(organisation))


def _totals(charges: list[Charge]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for c in charges:
        totals[c.currency] += c.amount
    return dict(sorted(totals.items()))


STATEMENT_COLUMNS = [
    "date",
    "facility",
    "resource",
    "payer",
    "kind",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "currency",
    "status",
]


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(STATEMENT_COLUMNS)
    for c in statement.charges:
        r = c.booking.resource
        w.writerow(
            [
                c.incurred_on.isoformat(),
                r.facility.name,
                r.name,
                str(c.payer),
                c.kind,
                c.quantity,
                c.unit,
                c.unit_price,
                c.amount,
                c.currency,
                c.status,
            ]
        )
    for cur, total in statement.totals.items():
        w.writerow(["total", "", "", "", "", "", "", "", total, cur, ""])
    ind = statement.indicative
    if ind is not None:
        rates = "; ".join(f"{c} {d.isoformat()}" for c, d in ind.rate_dates.items())
        w.writerow(
            [
                "indicative_total",
                ind.on.isoformat(),
                rates,
                "",
                "",
                "",
                "",
                "",
                ind.amount,
                ind.currency,
                "",
            ]
        )
    return out.getvalue()
