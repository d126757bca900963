"""The plan demo: measures and context seeded, today's snapshot, past quarters honest for
dated indicators and marked demo for current-state ones; a re-run adds nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from innobridge.core.models import ExchangeRate
from innobridge.plan import demo
from innobridge.plan.indicators import registry
from innobridge.plan.models import IndicatorSnapshot, Measure
from innobridge.plan.selectors import quarterly_series
from innobridge.plan.services import end_of_day, today_hk

pytestmark = pytest.mark.django_db


def test_demo_seeds_history_honestly_and_once() -> None:
    out = io.StringIO()
    demo.seed(out)
    assert Measure.objects.count() >= 12
    today = today_hk()
    days = demo.past_quarter_ends(today)
    assert len(days) == demo.QUARTERS and all(d < today for d in days)
    for ind in registry.all_indicators():
        past = IndicatorSnapshot.objects.filter(indicator_key=ind.key, taken_on__lt=today)
        assert set(past.values_list("taken_on", flat=True)) == set(days), ind.key
        # invented values only where the data cannot tell the past, and marked so
        assert set(past.values_list("is_demo", flat=True)) == {not ind.historical}, ind.key
        assert IndicatorSnapshot.objects.filter(
            indicator_key=ind.key, taken_on=today, is_demo=False
        ).exists()
    series = quarterly_series(registry.get("projects_late"))
    assert [p.is_demo for p in series.points] == [True] * len(days) + [False]
    n = IndicatorSnapshot.objects.count()
    rates = list(ExchangeRate.objects.filter(base="HKD", quote="CNY").order_by("valid_from"))
    assert [r.rate for r in rates] == [Decimal("0.908419"), Decimal("0.92245")]
    assert all("https://" in r.source or "http://" in r.source for r in rates)
    demo.seed(out)
    assert ExchangeRate.objects.count() == len(rates)
    assert IndicatorSnapshot.objects.count() == n
    assert "history already present" in out.getvalue()


def test_demo_converts_both_sides_to_hkd_with_the_published_rate() -> None:
    from innobridge.core.money import Money, convert

    demo.seed_rates()
    # 1,000 renminbi on 1 March 2025, at HK$100 = RMB 92.245: HK$1,084.07
    assert convert(Money(Decimal(1000), "CNY"), "HKD", dt.date(2025, 3, 1)).amount == Decimal(
        "1084.07"
    )
    assert demo.seed_rates() == 0  # the pair has rates: nothing added
    total = registry.get("funding_committed_total_hkd").total(end_of_day(today_hk()))
    assert total is not None  # no longer "—" for want of a rate
