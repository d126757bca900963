"""An enterprise's home page: after the TTO accepted their interest the deal waited for
them (the NDA to accept), yet only Notices said so. The home page now lists the deals
waiting for the enterprise, in one read."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.core.permissions import can_act_as
from innobridge.transfer.selectors import deals_waiting_for_party
from tests.pages import home_panel, page_as

pytestmark = pytest.mark.django_db


def test_a_deal_waiting_for_the_enterprise_is_on_its_home(
    people: Any, make_offer: Any, django_assert_num_queries: Any
) -> None:
    from innobridge.transfer.services import accept_deal, express_interest

    offer = make_offer(title="Flexible battery")
    waiting = accept_deal(
        people["tto"], express_interest(people["ent"], offer, message="For wearables.")
    )
    other = express_interest(people["ent"], make_offer(title="Not yet accepted"), message="Hi")
    assert "panel-transfer-party" not in page_as("/", user=people["ent2"])  # nothing waits for emma
    panel = home_panel(people["ent"], "transfer-party")
    assert waiting.get_absolute_url() in panel and "Flexible battery" in panel
    assert "accept the NDA" in panel and other.get_absolute_url() not in panel
    assert 'href="/transfer/mine/"' in panel
    assert "保密协议" in home_panel(people["ent"], "transfer-party", "zh-hans")
    assert "保密協議" in home_panel(people["ent"], "transfer-party", "zh-hant")
    with django_assert_num_queries(1):
        assert list(deals_waiting_for_party(people["ent"])[:6]) == [waiting]
    researcher = people["researcher"]
    assert not can_act_as(researcher, "enterprise")  # roles are read once per person
    with django_assert_num_queries(0):  # no deal read for someone without the enterprise role
        assert not list(deals_waiting_for_party(researcher))
