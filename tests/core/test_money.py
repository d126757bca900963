import datetime as dt
from decimal import Decimal

import pytest

from innobridge.core.models import ExchangeRate
from innobridge.core.money import Money, MoneyError, NoRateError, convert, rate_on
from innobridge.core.services import set_exchange_rate


def test_money_arithmetic_keeps_currency_and_decimal_precision():
    total = Money("0.10", "hkd") + Money("0.20", "HKD")
    assert total == Money(Decimal("0.30"), "HKD")
    assert str(Money("1234.5", "CNY")) == "CNY 1,234.50"
    assert Money("1200000.005", "HKD").figure() == "1,200,000.00"  # the figure in messages
    assert (Money("10", "USD") * 3).amount == Decimal("30")


def test_money_refuses_mixed_currencies_and_bad_amounts():
    with pytest.raises(MoneyError):
        Money("1", "HKD") + Money("1", "CNY")
    with pytest.raises(MoneyError):
        Money("abc", "HKD")
    with pytest.raises(MoneyError):
        Money("NaN", "HKD")


@pytest.mark.django_db
def test_conversion_uses_the_rate_in_force_on_the_day(make_person):
    admin = make_person("admin", roles=("administrator",))
    set_exchange_rate(admin, base="HKD", quote="CNY", rate="0.90", valid_from=dt.date(2026, 1, 1))
    set_exchange_rate(admin, base="HKD", quote="CNY", rate="0.92", valid_from=dt.date(2026, 6, 1))
    assert rate_on("HKD", "CNY", dt.date(2026, 3, 1)) == Decimal("0.90")
    assert rate_on("HKD", "CNY", dt.date(2026, 6, 1)) == Decimal("0.92")
    assert convert(Money("100", "HKD"), "CNY", dt.date(2026, 7, 1)) == Money("92.00", "CNY")
    # The inverse pair is derived when only one direction is recorded.
    assert convert(Money("92", "CNY"), "HKD", dt.date(2026, 7, 1)) == Money("100.00", "HKD")
    with pytest.raises(NoRateError):
        rate_on("HKD", "CNY", dt.date(2025, 12, 31))
    with pytest.raises(NoRateError):
        rate_on("USD", "CNY", dt.date(2026, 7, 1))


@pytest.mark.django_db
def test_setting_a_rate_twice_for_a_day_corrects_it_and_is_audited(make_person):
    from innobridge.core.models import AuditEvent

    admin = make_person("admin", roles=("administrator",))
    set_exchange_rate(admin, base="USD", quote="HKD", rate="7.80", valid_from=dt.date(2026, 1, 1))
    set_exchange_rate(admin, base="USD", quote="HKD", rate="7.81", valid_from=dt.date(2026, 1, 1))
    assert ExchangeRate.objects.filter(base="USD", quote="HKD").count() == 1
    events = AuditEvent.objects.filter(action="core.exchange_rate.set").order_by("id")
    assert [e.after["rate"] for e in events] == ["7.80000000", "7.81000000"] or [
        Decimal(e.after["rate"]) for e in events
    ] == [Decimal("7.80"), Decimal("7.81")]
    assert events.last().before is not None


@pytest.mark.django_db
def test_invalid_rates_are_refused_and_nothing_is_written(make_person):
    from django.core.exceptions import ValidationError

    admin = make_person("admin", roles=("administrator",))
    for kwargs in (
        {"base": "HKD", "quote": "HKD", "rate": "1"},
        {"base": "HKD", "quote": "CNY", "rate": "-1"},
        {"base": "HKD", "quote": "XXX", "rate": "1"},
        {"base": "HKD", "quote": "CNY", "rate": "abc"},
    ):
        with pytest.raises(ValidationError):
            set_exchange_rate(admin, valid_from=dt.date(2026, 1, 1), **kwargs)
    assert not ExchangeRate.objects.exists()
