"""The organisations API: list with filters and pagination, detail, ROR lookup, errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.people.models import Organisation
from innobridge.people.services import import_ror_records

from .ror_samples import HKU, HKUST, HKUST_SZ, QMH, V1_RECORDS, V2_RECORDS, flat

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(db: Any) -> None:
    import_ror_records(
        [*V2_RECORDS, *V1_RECORDS, flat("0aaaaaa11", "Old Institute", status="withdrawn")],
        countries=None,
    )


def test_list_all(client: Client, orgs: None) -> None:
    data = client.get("/api/organisations").json()
    assert data["count"] == 5
    assert data["limit"] == 25 and data["offset"] == 0
    assert [o["name"] for o in data["items"]] == sorted(o["name"] for o in data["items"])
    item = next(o for o in data["items"] if o["ror_id"] == HKUST)
    assert item["name_zh"] == "香港科技大學"
    assert item["ror_url"] == "https://ror.org/00q4vv597"
    assert item["region"] == "HK" and item["primary_type"] == "education"
    assert item["acronyms"] == ["HKUST"]


def test_search_and_filters(client: Client, orgs: None) -> None:
    data = client.get("/api/organisations", {"q": "香港科技大学"}).json()
    assert [o["ror_id"] for o in data["items"]] == [HKUST, HKUST_SZ]
    data = client.get("/api/organisations", {"q": "hku"}).json()
    assert data["items"][0]["ror_id"] == HKU
    data = client.get("/api/organisations", {"region": "HK", "type": "healthcare"}).json()
    assert [o["ror_id"] for o in data["items"]] == [QMH]
    data = client.get("/api/organisations", {"city": "Shenzhen"}).json()
    assert [o["ror_id"] for o in data["items"]] == [HKUST_SZ]
    data = client.get("/api/organisations", {"include_inactive": "true"}).json()
    assert data["count"] == 6


def test_pagination(client: Client, orgs: None) -> None:
    first = client.get("/api/organisations", {"limit": 2}).json()
    second = client.get("/api/organisations", {"limit": 2, "offset": 2}).json()
    assert first["count"] == second["count"] == 5
    assert len(first["items"]) == len(second["items"]) == 2
    assert not {o["id"] for o in first["items"]} & {o["id"] for o in second["items"]}
    assert client.get("/api/organisations", {"limit": 1000}).status_code == 422
    assert client.get("/api/organisations", {"offset": -1}).status_code == 422


@pytest.mark.parametrize(
    ("params", "field", "text"),
    [({"region": "XX"}, "region", "HK, CN, MO, INT"), ({"type": "zoo"}, "type", "education")],
)
def test_bad_filter_is_422_with_message(
    client: Client, orgs: None, params: dict[str, str], field: str, text: str
) -> None:
    response = client.get("/api/organisations", params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == [field]
    assert text in detail[0]["msg"]


def test_detail(client: Client, orgs: None) -> None:
    hkust = Organisation.objects.get(ror_id=HKUST)
    data = client.get(f"/api/organisations/{hkust.pk}").json()
    assert data["name"] == "Hong Kong University of Science and Technology"
    assert data["other_names"] == ["HK Univ. of Sci. & Tech."]
    assert data["website"] == "https://hkust.edu.hk"
    assert data["wikidata"] == "Q1333303"
    assert data["established"] == 1991
    assert data["ror_last_modified"] == "2024-12-11"
    assert [c["ror_id"] for c in data["children"]] == [HKUST_SZ]
    assert data["parents"] == []
    assert data["external_relationships"] == [
        {
            "type": "related",
            "ror_id": "0abcdef12",
            "label": "Somewhere Else Institute",
            "ror_url": "https://ror.org/0abcdef12",
        }
    ]
    assert data["researchers"] == 0
    hku = client.get(f"/api/organisations/ror/{HKU}").json()
    assert [r["ror_id"] for r in hku["related"]] == [QMH]


def test_ror_lookup_and_errors(client: Client, orgs: None) -> None:
    response = client.get(f"/api/organisations/ror/{HKUST}")
    assert response.status_code == 200 and response.json()["ror_id"] == HKUST
    missing = client.get("/api/organisations/ror/00q4vv598")
    assert missing.status_code == 404
    assert "00q4vv598" in missing.json()["detail"]
    bad = client.get("/api/organisations/ror/not-a-ror")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["ror_id"]
    unknown = client.get("/api/organisations/999999")
    assert unknown.status_code == 404
    assert "999999" in unknown.json()["detail"]
    assert client.get("/api/organisations/abc").status_code == 422


def test_openapi_lists_the_endpoints(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/organisations" in paths
    assert "/api/organisations/{org_id}" in paths
    assert "/api/organisations/ror/{ror_id}" in paths
