"""The plan demo: measures and context seeded, today's snapshot, past quarters honest for
dated indicators and marked demo for current-state ones; a re-run adds nothing."""

from __future__ import annotations

import io

import pytest

from innobridge.plan import demo
from innobridge.plan.indicators import registry
from innobridge.plan.models import IndicatorSnapshot, Measure
from innobridge.plan.selectors import quarterly_series
from innobridge.plan.services import today_hk

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
    demo.seed(out)
    assert IndicatorSnapshot.objects.count() == n
    assert "history already present" in out.getvalue()
