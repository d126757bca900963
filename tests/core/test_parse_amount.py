"""Amounts as people write them become Decimals; anything else is a clear error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from innobridge.core.forms import AmountField
from innobridge.core.money import MoneyError, parse_amount, parse_amount_with_currency


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("HK$ 300,000", Decimal("300000"), "HKD"),
        ("300,000", Decimal("300000"), ""),
        ("CNY 1,500.50", Decimal("1500.50"), "CNY"),
        ("300000", Decimal("300000"), ""),
        (" 1,500.50 CNY ", Decimal("1500.50"), "CNY"),
        ("¥1,000", Decimal("1000"), "CNY"),
        ("HKD\u00a02,500", Decimal("2500"), "HKD"),
    ],
)
def test_amounts_as_written(text, amount, currency):
    assert parse_amount_with_currency(text) == (amount, currency)
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["abc", "30,00", "1.2.3", "", "HK$", "1e5", "NaN", "3 00 0x"])
def test_garbage_is_a_clear_error(text):
    with pytest.raises(MoneyError, match="is not an amount"):
        parse_amount(text)


def test_amount_field_keeps_limits_and_says_what_is_wrong():
    field = AmountField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))
    assert field.clean("HK$ 300,000") == Decimal("300000")
    with pytest.raises(ValidationError, match="is not an amount"):
        field.clean("three hundred")
    with pytest.raises(ValidationError):
        field.clean("1,000,000,000")  # more digits than the model holds
