"""Report charts (Plotly, served from our static files), the weekly series behind
them, and the no-JS tables; in three languages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from innobridge.facilities import charts, selectors
from innobridge.facilities.models import Booking, Facility
from tests.pages import client_as

from .conftest import hk


def _booking(resource: Any, person: Any, start: dt.datetime, hours: int, region: str) -> Booking:
    return Booking.objects.create(
        resource=resource,
        booker=person,
        booker_region=region,
        category="mainland_academic" if region == "CN" else "hk_academic",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        status="approved",
        unit="hour",
        unit_price=1,
        quantity=hours,
        price=hours,
        currency="HKD",
    )


@pytest.fixture
def two_weeks(resource: Any, people: Any) -> Any:
    # Week of Mon 2 March 2026: 2 h Mainland + 2 h Hong Kong; week of 9 March: 3 h HK.
    _booking(resource, people["mainland"], hk(2026, 3, 3, 10), 2, "CN")
    _booking(resource, people["hk"], hk(2026, 3, 4, 10), 2, "HK")
    _booking(resource, people["hk"], hk(2026, 3, 10, 10), 3, "HK")
    return resource


def test_weekly_series(two_weeks: Any) -> None:
    facs = Facility.objects.filter(pk=two_weeks.facility_id)
    s = selectors.weekly_series(facs, hk(2026, 3, 2), hk(2026, 3, 16))
    assert s.weeks == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert s.booked_hours == [4.0, 3.0]
    assert s.cross_hours == [2.0, 0.0]
    assert s.cross_share == [50.0, 0.0]
    (values,) = s.utilisation.values()
    # 45 open hours a week (Mon–Fri 09:00–18:00).
    assert values == [round(4 / 45 * 100, 1), round(3 / 45 * 100, 1)]


def test_charts_are_plotly_without_the_library(two_weeks: Any) -> None:
    facs = Facility.objects.filter(pk=two_weeks.facility_id)
    s = selectors.weekly_series(facs, hk(2026, 3, 2), hk(2026, 3, 16))
    with translation.override("zh-hans"):
        html = charts.cross_border_chart(s)
    # a JSON data block drawn by static/innobridge/charts.js: no inline script (CSP)
    assert 'data-plotly-figure="fac-chart-cross-border-data"' in html
    assert '<script id="fac-chart-cross-border-data" type="application/json">' in html
    assert "Plotly.newPlot" not in html
    assert "cdn" not in html.lower() and "<script src" not in html
    with translation.override("en"):
        assert "Utilisation per resource per week" in charts.utilisation_chart(s)


def test_plotly_is_vendored_with_its_licence() -> None:
    root = Path(__file__).resolve().parents[2] / "innobridge" / "static" / "vendor" / "plotly"
    assert (root / "plotly.min.js").stat().st_size > 1_000_000
    assert "Permission is hereby granted" in (root / "LICENSE.txt").read_text()


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_reports_page_has_charts_and_tables(two_weeks: Any, manager: Any, language: str) -> None:
    r = client_as(manager, language).get(
        reverse("facilities:reports"), {"from": "2026-03-02", "to": "2026-03-15"}
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "vendor/plotly/plotly.min.js" in body
    assert "cdn.plot.ly" not in body
    assert body.count("data-plotly-figure=") == 2  # drawn by static/innobridge/charts.js
    assert 'data-testid="weekly"' in body and 'data-testid="utilisation"' in body
    assert "50.0%" in body  # first week's cross-border share in the no-JS table
    if language != "en":
        # The chart titles follow the UI language when the catalogue has them.
        with translation.override(language):
            title = translation.gettext("Cross-border share over time")
        assert title != "Cross-border share over time"
        # Plotly writes the figure as JSON with non-ASCII escaped (\uXXXX).
        assert json.dumps(title)[1:-1] in body


def test_cross_border_share_of_used_hours(two_weeks: Any) -> None:
    """Booked and used hours are reported apart: the Action Plan's indicator is the
    share of hours used by users from the other side."""
    Booking.objects.filter(booker_region="CN").update(status="used")
    Booking.objects.filter(starts_at__gte=hk(2026, 3, 10)).update(status="used")
    facilities = Facility.objects.all()
    (row,) = selectors.utilisation(facilities, hk(2026, 3, 2), hk(2026, 3, 16))
    assert (row.booked_hours, row.cross_border_hours) == (7.0, 2.0)
    assert (row.used_hours, row.cross_border_used_hours) == (5.0, 2.0)
    assert round(row.cross_border_used_share, 1) == 40.0
    manager = two_weeks.facility.managers.get()
    body = (
        client_as(manager)
        .get(reverse("facilities:reports"), {"from": "2026-03-02", "to": "2026-03-15"})
        .content.decode()
    )
    assert 'data-testid="cross-border-used-share">40.0%' in body
    assert 'data-testid="cross-border-share">28.6%' in body
