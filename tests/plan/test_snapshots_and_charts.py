"""Snapshots keep the series when the data changes later; a past day takes only what can
be computed for it; charts: context series never joined across a method break, demo
history drawn dashed, sparklines as inline SVG."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from innobridge.core.figures import Row, grouped, quarter_key
from innobridge.plan import charts
from innobridge.plan.indicators import registry
from innobridge.plan.models import Area, ContextSeries, ContextValue, IndicatorSnapshot
from innobridge.plan.selectors import (
    previous_quarter_end,
    quarter_end,
    quarterly_series,
)
from innobridge.plan.services import take_snapshot, today_hk

pytestmark = pytest.mark.django_db


def figure_data(html: str) -> dict[str, Any]:
    m = re.search(r'<script id="[^"]+" type="application/json">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_a_past_day_takes_only_indicators_computable_for_it() -> None:
    day = today_hk() - dt.timedelta(days=40)
    call_command("plan_snapshot", "--day", day.isoformat())
    taken = set(
        IndicatorSnapshot.objects.filter(taken_on=day, dimension="").values_list(
            "indicator_key", flat=True
        )
    )
    assert taken == {i.key for i in registry.all_indicators() if i.historical}
    assert "projects_late" not in taken and "proposals_submitted" in taken
    with pytest.raises(CommandError):
        call_command("plan_snapshot", "--day", (today_hk() + dt.timedelta(days=1)).isoformat())
    with pytest.raises(CommandError):
        call_command("plan_snapshot", "--indicator", "nope")


def test_snapshots_keep_the_series_when_the_data_changes(officer: Any) -> None:
    """A quarter's value is the last snapshot taken in it, whatever the data says now."""
    ind = registry.get("exchange_places_offered")
    old = previous_quarter_end(today_hk())
    IndicatorSnapshot.objects.create(
        indicator_key=ind.key, taken_on=old - dt.timedelta(days=30), value=Decimal(3)
    )
    IndicatorSnapshot.objects.create(indicator_key=ind.key, taken_on=old, value=Decimal(7))
    take_snapshot(officer, keys=[ind.key])
    series = quarterly_series(ind)
    assert [(p.label, p.value) for p in series.points[:-1]] == [(quarter_key(old), Decimal(7))]
    assert series.points[-1].live and series.points[-1].value == Decimal(0)
    # re-taking today's snapshot replaces it, never the past
    take_snapshot(officer, keys=[ind.key])
    assert IndicatorSnapshot.objects.filter(indicator_key=ind.key, dimension="").count() == 3


def test_quarter_arithmetic() -> None:
    assert quarter_end(dt.date(2026, 2, 10)) == dt.date(2026, 3, 31)
    assert quarter_end(dt.date(2026, 12, 1)) == dt.date(2026, 12, 31)
    assert previous_quarter_end(dt.date(2026, 1, 5)) == dt.date(2025, 12, 31)
    assert previous_quarter_end(dt.date(2026, 8, 31)) == dt.date(2026, 6, 30)
    assert quarter_key(dt.date(2026, 4, 1)) == "2026-Q2"


def test_a_context_series_is_not_joined_across_a_method_break() -> None:
    s = ContextSeries.objects.create(
        key="cii",
        area=Area.INTERNATIONAL,
        name_en="China Innovation Index",
        unit="index",
        source_name="NBS",
        licence="cited",
    )
    for year, value, brk in ((2020, "242.6", False), (2022, "155.7", True), (2023, "165.3", False)):
        ContextValue.objects.create(
            series=s,
            period=str(year),
            period_start=dt.date(year, 1, 1),
            value=Decimal(value),
            method_break=brk,
        )
    fig = figure_data(charts.context_chart(s))
    assert [t["x"] for t in fig["data"]] == [["2020"], ["2022", "2023"]]
    assert "<script>" not in charts.context_chart(s)


def test_demo_history_is_drawn_dashed_and_sparklines_are_svg() -> None:
    ind = registry.get("projects_late")
    IndicatorSnapshot.objects.create(
        indicator_key=ind.key,
        taken_on=previous_quarter_end(today_hk()),
        value=Decimal(2),
        is_demo=True,
    )
    fig = figure_data(charts.series_chart(ind, quarterly_series(ind)))
    assert fig["data"][0]["line"]["dash"] == "dash"
    svg = charts.sparkline([Decimal(1), None, Decimal(3)], "x")
    assert svg.startswith("<svg") and svg.count(",") == 2
    assert charts.sparkline([Decimal(1)]) == ""


def test_grouped_figures_by_quarter_and_missing_keys(officer: Any) -> None:
    from innobridge.people.models import Person

    rows = grouped(Person.objects.all(), {}, None)
    assert rows == [Row("", "", Decimal(Person.objects.count()))]
    with pytest.raises(KeyError):
        grouped(Person.objects.all(), {}, "region")


def test_series_dates_are_labelled_in_the_readers_language() -> None:
    """Plotly would write a date axis's month names in English: the ticks are the
    points' days, labelled on the server (issue 11 §4, chart month labels)."""
    from django.utils import translation

    ind = registry.get("projects_late")
    day = previous_quarter_end(today_hk())
    IndicatorSnapshot.objects.create(indicator_key=ind.key, taken_on=day, value=Decimal(2))
    for lang, expected in (
        ("en", f"{day.day} {day.strftime('%b')} {day.year}"),
        ("zh-hant", f"{day.year}年{day.month}月{day.day}日"),
        ("zh-hans", f"{day.year}年{day.month}月{day.day}日"),
    ):
        with translation.override(lang):
            fig = figure_data(charts.series_chart(ind, quarterly_series(ind)))
        axis = fig["layout"]["xaxis"]
        assert axis["tickmode"] == "array"
        assert axis["tickvals"][0] == day.isoformat()
        assert axis["ticktext"][0] == expected, (lang, axis["ticktext"])
