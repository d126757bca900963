"""An offer imported from a public catalogue (the demo's NASA records) states no
development stage, no inventor and has no TRL history: its page showed an empty
"Development stage" row, an empty "Inventors" row and an empty "TRL history". The stage
now says it is not stated (a buyer weighs maturity); the other two are left out."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.transfer import services
from tests.pages import client_as, page_as

from .conftest import INVENTORS

pytestmark = pytest.mark.django_db


def _imported(owner: Any) -> Any:
    return services.import_offer(
        owner=owner,
        data={
            "title": "Robotic gripper for orbital servicing",
            "summary": "A three-finger gripper that captures satellites without fixtures.",
            "problem": "Satellites without fixtures cannot be captured.",
            "commercial_route": "Licence from the owner's technology transfer programme.",
            "sectors": ["aerospace"],
            "keywords": ["robotics"],
            "ip_type": "granted_patent",
            "modes": ["non_exclusive"],
            "language": "en",
        },
        patents=[{"number": "US9999999", "jurisdiction": "US", "status": "granted"}],
        source="NASA Technology Transfer Program",
        source_id="NASA:TEST-1",
    )


@pytest.mark.parametrize(
    ("language", "not_stated", "inventors", "history"),
    [
        ("en", "Not stated in the source record.", "Inventors", "TRL history"),
        ("zh-hant", "來源記錄未註明。", "發明人", "TRL 歷史"),
        ("zh-hans", "来源记录未注明。", "发明人", "TRL 历史"),
    ],
)
def test_an_imported_offer_shows_no_empty_rows(
    people: Any, other_co: Any, language: str, not_stated: str, inventors: str, history: str
) -> None:
    offer = _imported(other_co)
    page = page_as(offer.get_absolute_url(), user=people["ent"], language=language)
    assert f'<td data-testid="stage">{not_stated}</td>' in page
    assert f">{inventors}</th>" not in page
    assert 'data-testid="trl-history"' not in page


def test_an_offer_with_stage_inventors_and_history_shows_them(people: Any, make_offer: Any) -> None:
    offer = make_offer()
    page = page_as(offer.get_absolute_url(), user=people["ent"])
    assert '<td data-testid="stage">Laboratory validation' in page
    assert f"{INVENTORS[0]['name']} (60 %)" in page
    assert 'data-testid="trl-history"' in page


def test_the_api_serves_an_imported_offer_with_what_it_leaves_unstated(other_co: Any) -> None:
    """The API's offer schema required a benefit and a TRL, so the public list and the
    offer itself answered 500 once an imported record was published (the demo's NASA
    offers): both now say null for what the source does not state."""
    offer = _imported(other_co)
    client = client_as(None)
    listed = client.get("/api/transfer/offers")
    assert listed.status_code == 200, listed.content[:300]
    mine = [o for o in listed.json() if o["id"] == offer.pk]
    assert mine and mine[0]["benefit_value"] is None and mine[0]["trl"] is None
    one = client.get(f"/api/transfer/offers/{offer.pk}")
    assert one.status_code == 200, one.content[:300]
    assert one.json()["trl"] is None and one.json()["stage"] == ""
