"""The manager's report charts as a reader sees them: weeks that have not started are not
plotted as 0 %, week labels in the reader's language, colours a colour-blind reader tells
apart (and a marker shape per line), axes that say what they count and in which unit."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.utils import translation

from innobridge.core.charts import PALETTE
from innobridge.facilities import charts
from innobridge.facilities.selectors import WeeklySeries

MONDAYS = [dt.date(2026, 3, 2) + dt.timedelta(weeks=i) for i in range(4)]


def _series(n_resources: int = 2) -> WeeklySeries:
    return WeeklySeries(
        weeks=MONDAYS,
        utilisation={f"Microscope {i}": [10.0 + i, 20.0, 0.0, 0.0] for i in range(n_resources)},
        booked_hours=[4.0, 0.0, 0.0, 0.0],
        cross_hours=[2.0, 0.0, 0.0, 0.0],
    )


def _figure(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="[^"]+" type="application/json">(.*?)</script>', html, re.S)
    assert match is not None
    return dict(json.loads(match.group(1)))


def test_weeks_not_yet_started_are_not_plotted() -> None:
    today = dt.date(2026, 3, 12)  # the second week has started, the last two have not
    with translation.override("en"):
        util = _figure(charts.utilisation_chart(_series(), today=today))
        cross = _figure(charts.cross_border_chart(_series(), today=today))
    for trace in util["data"]:
        assert trace["x"] == ["2 Mar", "9 Mar"] and len(trace["y"]) == 2
    for fig in (util, cross):
        (note,) = fig["layout"]["annotations"]
        assert note["text"] == "2 later week(s) not yet started: not plotted"
    share = next(t for t in cross["data"] if t.get("yaxis") == "y2")
    assert share["y"] == [50.0, None]  # no hours booked in week two: no share, not 0 %
    # every week started: all plotted, no note
    done = _figure(charts.utilisation_chart(_series(), today=dt.date(2026, 4, 1)))
    assert len(done["data"][0]["x"]) == 4 and not done["layout"].get("annotations")


def test_week_labels_in_the_readers_language() -> None:
    today = dt.date(2026, 12, 1)
    expected = {"en": "2 Mar", "zh-hant": "3月2日", "zh-hans": "3月2日"}
    for language, first in expected.items():
        with translation.override(language):
            fig = _figure(charts.utilisation_chart(_series(), today=today))
            assert fig["data"][0]["x"][0] == first
            assert fig["layout"]["xaxis"]["type"] == "category"
    over_new_year = [dt.date(2025, 12, 29), dt.date(2026, 1, 5)]
    with translation.override("zh-hans"):
        assert charts.week_labels(over_new_year) == ["2025年12月29日", "2026年1月5日"]
    with translation.override("en"):
        assert charts.week_labels(over_new_year) == ["29 Dec 2025", "5 Jan 2026"]


def test_colours_and_shapes_tell_the_lines_apart() -> None:
    fig = _figure(charts.utilisation_chart(_series(10), today=dt.date(2026, 12, 1)))
    styles = [(t["line"]["color"], t["marker"]["symbol"]) for t in fig["data"]]
    assert len(set(styles)) == 10  # ten resources, ten different colour-and-shape pairs
    assert [c for c, _ in styles[:8]] == list(PALETTE)
    assert fig["layout"]["colorway"] == list(PALETTE)
    cross = _figure(charts.cross_border_chart(_series(), today=dt.date(2026, 12, 1)))
    colours = [t.get("marker", {}).get("color") or t["line"]["color"] for t in cross["data"]]
    assert len(set(colours)) == 3


def test_axes_say_what_and_in_which_unit() -> None:
    with translation.override("en"):
        util = _figure(charts.utilisation_chart(_series(), today=dt.date(2026, 12, 1)))
        cross = _figure(charts.cross_border_chart(_series(), today=dt.date(2026, 12, 1)))
    assert util["layout"]["xaxis"]["title"]["text"] == "Week starting (Monday)"
    assert "(%)" in util["layout"]["yaxis"]["title"]["text"]
    assert util["layout"]["yaxis"]["ticksuffix"] == "%"
    assert cross["layout"]["yaxis"]["title"]["text"] == "Hours booked (h)"
    assert cross["layout"]["yaxis2"]["ticksuffix"] == "%"
    assert cross["layout"]["yaxis2"]["range"] == [0, 100]
    with translation.override("zh-hant"):
        zh = _figure(charts.cross_border_chart(_series(), today=dt.date(2026, 12, 1)))
    assert zh["layout"]["yaxis"]["title"]["text"] == "已預約時數（小時）"
