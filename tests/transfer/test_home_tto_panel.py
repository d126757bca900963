"""A technology-transfer officer's home page: it said "nothing waiting for you" while an
enterprise's interest in one of their offers waited for an answer (and offers waited for
their approval). It now lists both and leads to My transfer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages import home_panel, page_as

pytestmark = pytest.mark.django_db


def test_interest_and_offers_to_approve_wait_on_the_tto_home(
    people: Any, make_offer: Any, hku: Any
) -> None:
    from innobridge.transfer.services import create_offer, express_interest, move_offer

    from .conftest import INVENTORS, PATENTS, offer_data

    offer = make_offer()
    deal = express_interest(people["ent"], offer, message="We would like a licence.")
    draft = create_offer(
        people["researcher"], owner=hku, data=offer_data(title="Awaiting approval"),
        inventors=INVENTORS, patents=PATENTS,
    )  # fmt: skip
    move_offer(people["researcher"], draft, "submit_to_tto")
    panel = home_panel(people["tto"], "transfer-tto")
    assert deal.get_absolute_url() in panel and "Interest to answer since" in panel
    assert draft.get_absolute_url() in panel and "Awaiting approval" in panel
    assert 'href="/transfer/mine/"' in panel
    assert "等待" in home_panel(people["tto"], "transfer-tto", "zh-hant")


def test_an_empty_tto_panel_still_leads_to_my_transfer(people: Any) -> None:
    panel = home_panel(people["tto"], "transfer-tto")
    assert "My transfer" in panel and 'href="/transfer/mine/"' in panel


def test_no_tto_panel_for_others(people: Any) -> None:
    assert "panel-transfer-tto" not in page_as("/", user=people["researcher"])
