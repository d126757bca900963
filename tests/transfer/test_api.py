"""The transfer API: typed inputs (422 with the field named), the pipeline, bad input."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from innobridge.transfer.models import Deal, Demand, Offer

from .conftest import demand_data


def post(c: Client, url: str, data: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(data, default=str), content_type="application/json")


def test_create_offer_and_bad_shares(people: Any, hku: Any) -> None:
    c = Client()
    c.force_login(people["tto"])
    body = {
        "owner_id": hku.pk, "title": "Self-healing coating", "summary": "A coating.",
        "problem": "Cracks", "benefit_value": "35", "benefit_unit": "%",
        "benefit_compared_with": "epoxy", "commercial_route": "licence",
        "sectors": ["materials"], "ip_type": "know_how", "trl": 5, "trl_evidence": "pilot",
        "stage": "pilot", "modes": ["non_exclusive"],
        "inventors": [{"name": "A", "share": "50"}, {"name": "B", "share": "40"}],
    }  # fmt: skip
    r = post(c, "/api/transfer/offers", body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["inventors"]
    assert Offer.objects.count() == 0
    r = post(c, "/api/transfer/offers", {**body, "trl": 12})
    assert r.status_code == 422
    r = post(c, "/api/transfer/offers", {**body, "licence_fee": "-1"})
    assert r.status_code == 422
    body["inventors"][1]["share"] = "50"
    r = post(c, "/api/transfer/offers", body)
    assert r.status_code == 201, r.content
    assert r.json()["actions"] == ["submit", "withdraw"]
    assert r.json()["trl_self_declared"] is True


def test_demand_without_target_is_422(people: Any) -> None:
    c = Client()
    c.force_login(people["ent"])
    data = demand_data(target_value=None)
    r = post(c, "/api/transfer/demands", data)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["target_value"]
    assert Demand.objects.count() == 0
    r = post(c, "/api/transfer/demands", demand_data())
    assert r.status_code == 201 and r.json()["state"] == "submitted"


def test_pipeline_through_the_api(make_offer: Any, people: Any, nda: Any) -> None:
    offer = make_offer()
    ent, tto = Client(), Client()
    ent.force_login(people["ent"])
    tto.force_login(people["tto"])
    r = post(ent, f"/api/transfer/offers/{offer.pk}/interest", {"message": "for wearables"})
    assert r.status_code == 201
    deal_id = r.json()["id"]
    r = post(ent, f"/api/transfer/offers/{offer.pk}/interest", {"message": "again"})
    assert r.status_code == 422 and "already" in r.json()["detail"][0]["msg"]
    assert post(ent, f"/api/transfer/deals/{deal_id}/accept", {}).status_code == 403
    assert post(tto, f"/api/transfer/deals/{deal_id}/accept", {}).json()["state"] == "accepted"
    r = post(ent, f"/api/transfer/deals/{deal_id}/nda", {"version": nda.version})
    assert r.json()["state"] == "nda_accepted"
    r = post(tto, f"/api/transfer/deals/{deal_id}/meetings", {"held_on": "2026-03-01"})
    assert r.json()["state"] == "meeting"
    terms = {
        "mode": "non_exclusive", "field_of_use": "wearables", "territory": "GBA",
        "upfront_fee": "-10", "royalty_pct": "3", "currency": "CNY",
    }  # fmt: skip
    assert post(ent, f"/api/transfer/deals/{deal_id}/terms", terms).status_code == 422
    terms["upfront_fee"] = "100000"
    assert post(ent, f"/api/transfer/deals/{deal_id}/terms", terms).json()["state"] == "negotiation"
    sign = {
        "outcome": "licence", "mode": "non_exclusive", "signed_date": "2026-04-01",
        "value": "100000", "currency": "CNY", "terms": "NE licence",
    }  # fmt: skip
    r = post(tto, f"/api/transfer/deals/{deal_id}/sign", sign)
    assert r.json()["state"] == "signed"
    f = tto.get(f"/api/transfer/offers/{offer.pk}/funnel").json()
    counts = {s["stage"]: s["count"] for s in f["stages"]}
    assert counts["signed"] == 1 and counts["interest"] == 1
    assert Deal.objects.get().value == 100000
