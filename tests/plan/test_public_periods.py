"""The public page publishes the last closed quarter's snapshot, protected together with
the quarters before it: a rise of two between two quarters is not read off the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from innobridge.plan import public_view
from innobridge.plan.models import IndicatorSnapshot
from innobridge.plan.selectors import previous_quarter_end
from innobridge.plan.services import today_hk

pytestmark = pytest.mark.django_db


def _snap(day: dt.date, total: int, cells: dict[str, int], is_demo: bool = False) -> None:
    key = "proposals_submitted"
    IndicatorSnapshot.objects.create(
        indicator_key=key, taken_on=day, value=Decimal(total), is_demo=is_demo
    )
    for k, v in cells.items():
        IndicatorSnapshot.objects.create(
            indicator_key=key,
            taken_on=day,
            dimension="region",
            key=k,
            label=k,
            value=Decimal(v),
            is_demo=is_demo,
        )


def test_the_rise_between_two_published_quarters_is_protected() -> None:
    q2 = previous_quarter_end(today_hk())
    q1 = previous_quarter_end(q2)
    _snap(q1, 30, {"HK": 14, "CN": 10, "MO": 6})
    _snap(q2, 40, {"HK": 20, "CN": 12, "MO": 8})
    _snap(today_hk(), 45, {"HK": 22, "CN": 13, "MO": 10})  # today's: not published yet
    pub = public_view.publication()
    assert pub.day == q2 and not pub.provisional
    p = next(i for i in pub.indicators if i.key == "proposals_submitted")
    assert p.value == "40"
    shown = {c.key: c.shown for c in p.breakdowns.get("region", [])}
    # Alone, every cell of q2 is at least 5 and would be shown: MO 8 after 6 reveals 2.
    assert shown.get("MO") != "8" and shown.get("CN") != "12"
    html = Client().get("/plan/public/").content.decode()
    assert 'data-testid="public-period"' in html and q2.isoformat() in html


def test_demo_history_is_marked_on_the_public_page() -> None:
    q2 = previous_quarter_end(today_hk())
    _snap(q2, 40, {"HK": 20, "CN": 20}, is_demo=True)
    p = next(i for i in public_view.public_indicators() if i.key == "proposals_submitted")
    assert p.demo
    assert "demo history" in Client().get("/plan/public/").content.decode()
