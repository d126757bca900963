"""Enterprises matched as such (an enterprise's named demands ↔ offers, both ways) and the
typed API of bounty solution plans (揭榜): who sees what, bad input is a 422."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from .conftest import demand_data

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_offer_finds_enterprises_by_their_named_demands_only(
    make_offer: Any, make_demand: Any, people: Any, shenzhen_co: Any, other_co: Any
) -> None:
    from innobridge.transfer.services import post_demand, triage_demand

    offer = make_offer()
    make_demand(is_anonymous=False, anonymous_description="")
    # another company's demand on the same subject, posted anonymously: never linked
    anon = post_demand(people["ent2"], organisation=other_co, data=demand_data())
    triage_demand(people["officer"], anon, "publish")
    r = _client(people["tto"]).get(f"/api/transfer/offers/{offer.pk}/enterprises")
    assert r.status_code == 200, r.content
    rows = r.json()
    assert [x["organisation_id"] for x in rows] == [shenzhen_co.pk]
    assert rows[0]["name"] == shenzhen_co.name and rows[0]["demands"] == 1
    assert rows[0]["score"] > 0
    # the offer page shows them to its TTO
    html = _client(people["tto"]).get(offer.get_absolute_url()).content.decode()
    assert 'data-testid="enterprise-matches"' in html and shenzhen_co.name in html
    assert other_co.name not in html
    # nobody but the offer's TTOs and officers
    assert (
        _client(people["ent2"]).get(f"/api/transfer/offers/{offer.pk}/enterprises").status_code
        == 403
    )


def test_an_enterprise_finds_offers_for_all_its_demands(
    make_offer: Any, make_demand: Any, people: Any, shenzhen_co: Any
) -> None:
    offer = make_offer()
    make_demand()  # anonymous to others, but its own company's matches use it
    r = _client(people["ent"]).get(f"/api/transfer/organisations/{shenzhen_co.pk}/offer-matches")
    assert r.status_code == 200
    assert offer.pk in [o["id"] for o in r.json()]
    other = _client(people["ent2"]).get(
        f"/api/transfer/organisations/{shenzhen_co.pk}/offer-matches"
    )
    assert other.status_code == 403


def test_solution_plans_through_the_api(make_demand: Any, people: Any) -> None:
    d = make_demand(preferred_mode="bounty", bounty_reward=Decimal("1000000"))
    team = _client(people["researcher"])
    url = f"/api/transfer/demands/{d.pk}/plans"
    r = team.post(
        url,
        {"team": "HKU flexible PV lab", "summary": "Self-healing encapsulation."},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["mine"] is True and r.json()["status"] == "submitted"
    again = team.post(url, {"team": "x", "summary": "y"}, content_type="application/json")
    assert again.status_code == 422
    too_long = _client(people["stranger"]).post(
        url, {"team": "x" * 301, "summary": "y"}, content_type="application/json"
    )
    assert too_long.status_code == 422
    other = _client(people["stranger"]).post(
        url, {"team": "Other team", "summary": "Another plan."}, content_type="application/json"
    )
    assert other.status_code == 201
    # teams see only their own plan; the company sees all
    assert [p["team"] for p in team.get(url).json()] == ["HKU flexible PV lab"]
    company = _client(people["ent"])
    plans = company.get(url).json()
    assert {p["team"] for p in plans} == {"HKU flexible PV lab", "Other team"}
    chosen = plans[0]["id"]
    assert team.post(f"/api/transfer/plans/{chosen}/select").status_code in {403, 422}
    r = company.post(f"/api/transfer/plans/{chosen}/select")
    assert r.status_code == 200 and r.json()["status"] == "selected"
    statuses = {p["id"]: p["status"] for p in company.get(url).json()}
    assert sorted(statuses.values()) == ["not_selected", "selected"]


def test_plans_only_for_bounties(make_demand: Any, people: Any) -> None:
    d = make_demand()
    r = _client(people["researcher"]).post(
        f"/api/transfer/demands/{d.pk}/plans",
        {"team": "T", "summary": "S"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert not d.plans.exists()
