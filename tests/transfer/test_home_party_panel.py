"""An enterprise's home page: after the TTO accepted their interest the deal waited for
them (the NDA to accept), yet only Notices said so. The home page now lists the deals
waiting for the enterprise, in one read."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.core.permissions import can_act_as
from innobridge.transfer.selectors import deals_waiting_for_party

pytestmark = pytest.mark.django_db


def _page(user: Any, language: str = "en") -> str:
    c = Client()
    c.force_login(user)
    c.cookies["innobridge_language"] = language
    return c.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def _panel(page: str) -> str:
    marker = 'data-testid="panel-transfer-party"'
    assert marker in page, "no panel of deals waiting for the enterprise"
    return page.split(marker)[1].split("</article>")[0]


def test_a_deal_waiting_for_the_enterprise_is_on_its_home(
    people: Any, make_offer: Any, django_assert_num_queries: Any
) -> None:
    from innobridge.transfer.services import accept_deal, express_interest

    offer = make_offer(title="Flexible battery")
    waiting = accept_deal(
        people["tto"], express_interest(people["ent"], offer, message="For wearables.")
    )
    other = express_interest(people["ent"], make_offer(title="Not yet accepted"), message="Hi")
    assert "panel-transfer-party" not in _page(people["ent2"])  # nothing waits for emma
    panel = _panel(_page(people["ent"]))
    assert waiting.get_absolute_url() in panel and "Flexible battery" in panel
    assert "accept the NDA" in panel and other.get_absolute_url() not in panel
    assert 'href="/transfer/mine/"' in panel
    assert "保密协议" in _panel(_page(people["ent"], "zh-hans"))
    assert "保密協議" in _panel(_page(people["ent"], "zh-hant"))
    with django_assert_num_queries(1):
        assert list(deals_waiting_for_party(people["ent"])[:6]) == [waiting]
    researcher = people["researcher"]
    assert not can_act_as(researcher, "enterprise")  # roles are read once per person
    with django_assert_num_queries(0):  # no deal read for someone without the enterprise role
        assert not list(deals_waiting_for_party(researcher))
