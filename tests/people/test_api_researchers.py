"""The researchers and publications API: list/filter/detail, PATCH by the owner only
(403 otherwise, 422 with field messages), create own profile, publications."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from innobridge.people.models import Publication, ResearcherProfile
from innobridge.people.services import PublicationData, add_publications

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"


@pytest.fixture
def people(make_researcher: Any, cn_org: Any) -> dict[str, Any]:
    chan = make_researcher(
        "chan", display_name="陳大文", keywords=["材料科學"], orcid=ORCID, is_demo=True
    )
    li = make_researcher(
        "li", display_name="Li Wei", organisation=cn_org, keywords=["robotics"], career_stage="mid"
    )
    add_publications(
        None,
        chan,
        [
            PublicationData(title="基於圖神經網絡的材料設計", year=2023, doi="10.1000/zh"),
            PublicationData(title="Graph networks", year=2020, venue="NeurIPS"),
        ],
    )
    return {"chan": chan, "li": li}


def _json(client: Client, method: str, url: str, data: Any = None) -> Any:
    call = getattr(client, method)
    return call(url, data=json.dumps(data), content_type="application/json")


def test_list_and_filter(people: Any, client: Client, cn_org: Any) -> None:
    body = client.get("/api/researchers").json()
    assert body["count"] == 2 and {r["name"] for r in body["items"]} == {"陳大文", "Li Wei"}
    assert client.get("/api/researchers", {"q": "材料科学"}).json()["items"][0]["name"] == "陳大文"
    assert client.get("/api/researchers", {"region": "CN"}).json()["count"] == 1
    assert client.get("/api/researchers", {"organisation": cn_org.pk}).json()["count"] == 1
    assert client.get("/api/researchers", {"career_stage": "mid"}).json()["count"] == 1
    assert client.get("/api/researchers", {"has_orcid": "true"}).json()["count"] == 1
    page = client.get("/api/researchers", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    bad = client.get("/api/researchers", {"region": "XX"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["region"]
    assert client.get("/api/researchers", {"limit": 1000}).status_code == 422


def test_detail_has_publications(people: Any, client: Client) -> None:
    chan = people["chan"]
    body = client.get(f"/api/researchers/{chan.pk}").json()
    assert body["orcid_url"] == f"https://orcid.org/{ORCID}" and body["is_demo"] is True
    assert [p["year"] for p in body["publications"]] == [2023, 2020]
    assert body["organisation"]["ror_id"] == "00q4vv597"
    assert client.get("/api/researchers/99999").status_code == 404


def test_patch_by_owner(people: Any, client: Client, cn_org: Any) -> None:
    chan = people["chan"]
    client.force_login(chan.person)
    response = _json(
        client,
        "patch",
        f"/api/researchers/{chan.pk}",
        {"organisation": cn_org.pk, "keywords": ["robotics", "材料"], "position": "Professor"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["region"] == "CN" and body["keywords"] == ["robotics", "材料"]
    assert body["orcid"] == ORCID  # untouched: not sent


def test_patch_validation_422(people: Any, client: Client) -> None:
    chan = people["chan"]
    client.force_login(chan.person)
    response = _json(
        client,
        "patch",
        f"/api/researchers/{chan.pk}",
        {"orcid": "0000-0000-0000-0000", "biography_language": "fr"},
    )
    assert response.status_code == 422
    fields = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert ("orcid",) in fields and ("biography_language",) in fields
    wrong_type = _json(client, "patch", f"/api/researchers/{chan.pk}", {"keywords": "not a list"})
    assert wrong_type.status_code == 422


def test_patch_by_other_is_403_and_anonymous_401(people: Any, client: Client) -> None:
    chan = people["chan"]
    assert (
        _json(client, "patch", f"/api/researchers/{chan.pk}", {"position": "x"}).status_code == 401
    )
    client.force_login(people["li"].person)
    response = _json(client, "patch", f"/api/researchers/{chan.pk}", {"position": "x"})
    assert response.status_code == 403
    chan.refresh_from_db()
    assert chan.position == ""


def test_token_auth_can_patch(people: Any) -> None:
    from innobridge.people.services import create_api_token

    li = people["li"]
    _, key = create_api_token(li.person, "script")
    client = Client()
    response = client.patch(
        f"/api/researchers/{li.pk}",
        data=json.dumps({"position": "Lecturer"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200 and response.json()["position"] == "Lecturer"


def test_create_own_profile(make_person: Any, hk_org: Any, client: Client) -> None:
    person = make_person("newbie", display_name="New Bie")
    client.force_login(person)
    response = _json(
        client, "post", "/api/researchers", {"organisation": hk_org.pk, "keywords": ["optics"]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["region"] == "HK"
    assert ResearcherProfile.objects.get(person=person).keywords == ["optics"]
    again = _json(client, "post", "/api/researchers", {"keywords": []})
    assert again.status_code == 422


def test_publications_list_and_detail(people: Any, client: Client) -> None:
    body = client.get("/api/publications").json()
    assert body["count"] == 2
    assert client.get("/api/publications", {"q": "图神经网络"}).json()["count"] == 1
    assert client.get("/api/publications", {"year": 2020}).json()["items"][0]["venue"] == "NeurIPS"
    found = client.get("/api/publications", {"doi": "https://doi.org/10.1000/ZH"}).json()
    assert found["count"] == 1
    pub_id = found["items"][0]["id"]
    detail = client.get(f"/api/publications/{pub_id}").json()
    assert detail["doi_url"] == "https://doi.org/10.1000/zh"
    assert detail["researchers"][0]["name"] == "陳大文"
    assert client.get("/api/publications/99999").status_code == 404


def test_owner_adds_one_publication(people: Any, client: Client) -> None:
    li = people["li"]
    client.force_login(li.person)
    url = f"/api/researchers/{li.pk}/publications"
    response = _json(
        client, "post", url, {"title": "Shared paper", "doi": "https://doi.org/10.1000/ZH"}
    )
    assert response.status_code == 201
    assert response.json()["linked"] == 1 and Publication.objects.count() == 2
    bad = _json(client, "post", url, {"title": "", "doi": "nope"})
    assert bad.status_code == 422 and "record 1" in bad.json()["detail"][0]["msg"]
    other = _json(
        client, "post", f"/api/researchers/{people['chan'].pk}/publications", {"title": "x"}
    )
    assert other.status_code == 403


def test_owner_imports_a_file(people: Any, client: Client, data_file: Any) -> None:
    li = people["li"]
    client.force_login(li.person)
    url = f"/api/researchers/{li.pk}/publications/import"
    ok = client.post(
        url,
        {
            "format": "openalex",
            "file": SimpleUploadedFile("w.json", data_file("openalex_works.json")),
        },
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["created"] == 2
    bad = client.post(
        url,
        {
            "format": "csv",
            "file": SimpleUploadedFile("p.csv", data_file("publications_malformed.csv")),
        },
    )
    assert bad.status_code == 422
    assert [e["msg"] for e in bad.json()["detail"]] == [
        "row 3: year 'abc' is not a number",
        "row 4: the title is empty",
    ]
    wrong_format = client.post(
        url, {"format": "bibtex", "file": SimpleUploadedFile("x", b"@article{}")}
    )
    assert wrong_format.status_code == 422
    assert li.publications.count() == 2


def test_openapi_lists_the_endpoints(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/researchers",
        "/api/researchers/{researcher_id}",
        "/api/researchers/{researcher_id}/publications/import",
        "/api/publications",
    ):
        assert path in paths
