"""The overview reads the quarter-end snapshots only (a few queries, however many daily
snapshots have piled up) and gives the same cards as before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from innobridge.plan import selectors
from innobridge.plan.indicators import registry
from innobridge.plan.models import IndicatorSnapshot
from innobridge.plan.services import today_hk

pytestmark = pytest.mark.django_db


def test_cards_come_from_the_last_snapshot_of_each_quarter(
    django_assert_max_num_queries: Any,
) -> None:
    today = today_hk()
    keys = registry.all_keys()
    rows = []
    for back in range(0, 800):
        day = today - dt.timedelta(days=back)
        for key in keys:
            rows.append(
                IndicatorSnapshot(indicator_key=key, taken_on=day, value=Decimal(10_000 - back))
            )
    IndicatorSnapshot.objects.bulk_create(rows, batch_size=5000)
    with django_assert_max_num_queries(4):
        by_area = selectors.overview_cards()
    card = next(c for c in by_area["research"] if c.indicator.key == "proposals_submitted")
    prev_end = selectors.previous_quarter_end(today)
    assert card.value == Decimal(10_000) and card.as_of == today
    assert card.previous == Decimal(10_000 - (today - prev_end).days)
    assert card.previous_day == prev_end
    assert len(card.sparkline) == 8 and card.sparkline[-1] == Decimal(10_000)
    assert card.sparkline[-2] == card.previous
    # The area page gives the same cards.
    same = next(
        c for c in selectors.area_cards("research") if c.indicator.key == "proposals_submitted"
    )
    assert (same.value, same.previous, same.sparkline) == (
        card.value,
        card.previous,
        card.sparkline,
    )
