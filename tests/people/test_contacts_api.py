"""The contacts API: introductions (request, answer, withdraw) with their ``actions``,
contact details only after acceptance, the shortlist, the caller's disclosures; typed
errors (401 anonymous, 404 someone else's, 422 bad input or a broken rule)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.people import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _token(person: Any) -> dict[str, str]:
    _t, key = services.create_api_token(person, "test")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def people(make_researcher: Any, cn_org: Any) -> tuple[Any, Any]:
    hk = make_researcher("chan", email="chan@example.org").person
    cn = make_researcher("li", organisation=cn_org, email="li@example.org").person
    return hk, cn


def test_introduction_round_trip(client: Client, people: Any) -> None:
    hk, cn = people
    h_hk, h_cn = _token(hk), _token(cn)
    assert client.get("/api/introductions").status_code == 401
    r = client.post(
        "/api/introductions",
        {"recipient_id": cn.pk, "message": "Joint call?", "consent": True},
        content_type="application/json",
        headers=h_hk,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "pending" and body["actions"] == ["withdraw"]
    assert body["contact"] is None and body["recipient"]["region"] == "CN"
    again = client.post(
        "/api/introductions",
        {"recipient_id": cn.pk, "message": "Joint call?", "consent": True},
        content_type="application/json",
        headers=h_hk,
    )
    assert again.status_code == 422
    listing = client.get("/api/introductions", headers=h_cn).json()
    assert [i["id"] for i in listing["received"]] == [body["id"]]
    assert listing["received"][0]["actions"] == ["accept", "decline"]
    # The requester may not accept; an unknown action is refused by the schema.
    assert client.post(f"/api/introductions/{body['id']}/accept", headers=h_hk).status_code == 403
    assert client.post(f"/api/introductions/{body['id']}/approve", headers=h_cn).status_code == 422
    done = client.post(f"/api/introductions/{body['id']}/accept", headers=h_cn)
    assert done.status_code == 200
    assert done.json()["contact"]["email"] == "chan@example.org"
    seen = client.get(f"/api/introductions/{body['id']}", headers=h_hk).json()
    assert seen["state"] == "accepted" and seen["contact"]["email"] == "li@example.org"
    mine = client.get("/api/me/disclosures", headers=h_hk).json()
    assert len(mine) == 1 and mine[0]["cross_boundary"] is True
    assert mine[0]["recipient"]["id"] == cn.pk and "email" in mine[0]["fields"]


def test_bad_input_is_422_and_others_are_404(
    client: Client, people: Any, make_researcher: Any
) -> None:
    hk, cn = people
    h = _token(hk)
    long = client.post(
        "/api/introductions",
        {"recipient_id": cn.pk, "message": "x" * 2001, "consent": True},
        content_type="application/json",
        headers=h,
    )
    assert long.status_code == 422 and "message" in str(long.json()["detail"])
    no_consent = client.post(
        "/api/introductions",
        {"recipient_id": cn.pk, "message": "hi", "consent": False},
        content_type="application/json",
        headers=h,
    )
    assert no_consent.status_code == 422 and "consent" in str(no_consent.json()["detail"])
    nobody = client.post(
        "/api/introductions",
        {"recipient_id": 999999, "message": "hi", "consent": True},
        content_type="application/json",
        headers=h,
    )
    assert nobody.status_code == 404
    intro = services.request_introduction(hk, cn, message="hi", consent=True)
    stranger = _token(make_researcher("stranger").person)
    assert client.get(f"/api/introductions/{intro.pk}", headers=stranger).status_code == 404


def test_shortlist_api(client: Client, people: Any) -> None:
    hk, cn = people
    h = _token(hk)
    r = client.post(
        "/api/shortlist",
        {"person_id": cn.pk, "note": "met in Shenzhen"},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 201 and r.json()["note"] == "met in Shenzhen"
    entry_id = r.json()["id"]
    assert [e["person"]["id"] for e in client.get("/api/shortlist", headers=h).json()] == [cn.pk]
    p = client.patch(
        f"/api/shortlist/{entry_id}",
        {"note": "call in May"},
        content_type="application/json",
        headers=h,
    )
    assert p.status_code == 200 and p.json()["note"] == "call in May"
    other = _token(cn)
    assert client.delete(f"/api/shortlist/{entry_id}", headers=other).status_code == 404
    assert client.delete(f"/api/shortlist/{entry_id}", headers=h).status_code == 204
    assert client.get("/api/shortlist", headers=h).json() == []
    self_add = client.post(
        "/api/shortlist", {"person_id": hk.pk}, content_type="application/json", headers=h
    )
    assert self_add.status_code == 422
