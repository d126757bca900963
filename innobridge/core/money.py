"""Money: a Decimal amount with its currency, and dated conversion."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


class MoneyError(ValueError):
    pass


class NoRateError(MoneyError):
    pass


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        try:
            amount = Decimal(self.amount)
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise MoneyError(_("“%(value)s” is not an amount.") % {"value": self.amount}) from exc
        if not amount.is_finite():
            raise MoneyError(_("“%(value)s” is not an amount.") % {"value": self.amount})
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "currency", str(self.currency).upper())

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money can only be combined with Money")
        if other.currency != self.currency:
            raise MoneyError(
                _("Cannot combine %(a)s with %(b)s without conversion.")
                % {"a": self.currency, "b": other.currency}
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * Decimal(factor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def rounded(self) -> Money:
        return Money(self.amount.quantize(CENT, rounding=ROUND_HALF_EVEN), self.currency)

    def figure(self) -> str:
        """The amount as shown beside its currency: grouped, two places ("1,500.00")."""
        return f"{self.rounded().amount:,.2f}"

    def __str__(self) -> str:
        return f"{self.currency} {self.figure()}"

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)


def rate_on(base: str, quote: str, on: dt.date) -> Decimal:
    """The rate from ``base`` to ``quote`` in force on ``on`` (the newest rate on or
    before that day), using the inverse pair when only that is recorded."""
    from .models import ExchangeRate

    base, quote = base.upper(), quote.upper()
    if base == quote:
        return Decimal(1)
    direct = (
        ExchangeRate.objects.filter(base=base, quote=quote, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    inverse = (
        ExchangeRate.objects.filter(base=quote, quote=base, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if direct and (not inverse or direct.valid_from >= inverse.valid_from):
        return direct.rate
    if inverse:
        return Decimal(1) / inverse.rate
    raise NoRateError(
        _("No exchange rate from %(base)s to %(quote)s on or before %(day)s.")
        % {"base": base, "quote": quote, "day": on.isoformat()}
    )


def convert(money: Money, to: str, on: dt.date | None = None) -> Money:
    on = on or dt.date.today()
    return Money(money.amount * rate_on(money.currency, to, on), to.upper()).rounded()


_CURRENCY_MARKS = {
    "HK$": "HKD",
    "HKD": "HKD",
    "CNY": "CNY",
    "RMB": "CNY",
    "US$": "USD",
    "USD": "USD",
    "EUR": "EUR",
    "¥": "CNY",
    "￥": "CNY",
    "$": "",
}
_AMOUNT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_amount_with_currency(text: str) -> tuple[Decimal, str]:
    """An amount as people write it — "HK$ 300,000", "300,000", "CNY 1,500.50",
    "300000" — as a Decimal and the currency it names ("" when none). Thousands
    separators must group by three; anything else raises ``MoneyError`` with a message
    for the user."""
    raw = str(text).strip()
    s = raw.replace("\u00a0", " ").replace("，", ",").replace("．", ".").strip()
    currency = ""
    upper = s.upper()
    for mark in sorted(_CURRENCY_MARKS, key=len, reverse=True):
        if upper.startswith(mark):
            currency, s = _CURRENCY_MARKS[mark], s[len(mark) :].strip()
            break
        if upper.endswith(mark):
            currency, s = _CURRENCY_MARKS[mark], s[: -len(mark)].strip()
            break
    s = s.replace(" ", "")
    if not _AMOUNT.match(s):
        raise MoneyError(
            _("“%(value)s” is not an amount: write it like 300000 or 300,000.50.") % {"value": raw}
        )
    return Decimal(s.replace(",", "")), currency


def parse_amount(text: str) -> Decimal:
    """The Decimal of an amount as people write it (see ``parse_amount_with_currency``)."""
    return parse_amount_with_currency(text)[0]
