"""The one door for text (innobridge.core.middleware) and JSON errors for malformed API
requests: NUL bytes and lone surrogates are refused in every part of a request, before any
view; bodies too large, unreadable or too deep are 413/400 JSON; an API crash is JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db


def _detail(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert isinstance(body["detail"], list)
    return body["detail"][0]


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/researchers?q=a%00b", "q"),
        ("/api/organisations?q=%00", "q"),
        ("/api/publications?doi=%00", "doi"),
        ("/api/facilities/resources?city=%00", "city"),
    ],
)
def test_api_query_parameter_with_nul_is_422_naming_it(client: Client, url: str, param: str):
    response = client.get(url)
    assert response.status_code == 422
    assert _detail(response)["loc"] == ["query", param]
    assert _detail(response)["type"] == "invalid_characters"


def test_html_page_query_with_nul_is_400_page(client: Client):
    response = client.get("/people/researchers/?q=a%00b")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-400"' in html and "Request not accepted" in html
    # says what was refused, not Django's bare "Bad Request (400)"
    assert "cannot be stored (NUL or unpaired surrogate)" in html
    assert "Bad Request (400)" not in html


@pytest.mark.parametrize(
    "language, lang_attr, title",
    [("zh-hant", "zh-Hant-HK", "請求未獲接受"), ("zh-hans", "zh-Hans-CN", "请求未被接受")],
)
def test_the_400_page_is_in_the_visitors_language(
    client: Client, language: str, lang_attr: str, title: str
):
    client.cookies["innobridge_language"] = language
    response = client.get("/people/partners/?q=%00")
    assert response.status_code == 400
    html = response.content.decode()
    assert f'lang="{lang_attr}"' in html and title in html
    assert "Request not accepted" not in html


def test_a_400_raised_past_the_guard_gets_the_localised_page_without_its_text():
    """Django's own 400s (a SuspiciousOperation raised in a view) use the same page, in the
    active language; the exception's text stays in the log."""
    from django.core.exceptions import SuspiciousOperation
    from django.test import RequestFactory
    from django.utils import translation

    from innobridge import urls, views

    assert urls.handler400 == "innobridge.views.bad_request"
    with translation.override("zh-hans"):
        response = views.bad_request(RequestFactory().get("/"), SuspiciousOperation("internal"))
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-400"' in html
    assert "请求未被接受" in html and "internal" not in html


@pytest.mark.parametrize(
    "raw, loc",
    [
        ('{"title_en": "Nul\\u0000title"}', ["body", "title_en"]),
        ('{"purpose": "a\\ud800b"}', ["body", "purpose"]),
        ('{"outer": {"list": ["ok", "x\\udfffy"]}}', ["body", "outer", "list", 1]),
        ('{"k\\u0000": 1}', ["body"]),
    ],
)
def test_json_body_escapes_are_refused_with_the_field(
    client: Client, make_person: Any, raw: str, loc: list[Any]
):
    client.force_login(make_person())
    response = client.patch("/api/funding/proposals/14", raw, content_type="application/json")
    assert response.status_code == 422
    assert _detail(response)["loc"] == loc


def test_raw_nul_byte_in_body_is_refused(client: Client):
    response = client.post("/api/tokens", b'{"name": "a\x00"}', content_type="text/plain")
    assert response.status_code == 422


def test_form_post_with_nul_is_400_page_and_nothing_written(client: Client, make_person: Any):
    from innobridge.people.models import Person

    before = Person.objects.count()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "nul\x00user",
            "email": "n@example.org",
            "password1": "a-Strong-passw0rd!",
            "password2": "a-Strong-passw0rd!",
        },
    )
    assert response.status_code == 400
    assert Person.objects.count() == before


def test_multipart_csv_upload_with_nul_is_refused(client: Client, make_person: Any):
    person = make_person()
    client.force_login(person)
    upload = SimpleUploadedFile("pubs.csv", b"title,doi\nNul\x00title,10.1/x\n", "text/csv")
    response = client.post(
        "/api/researchers/1/publications/import", {"format": "csv", "file": upload}
    )
    assert response.status_code == 422
    assert _detail(response)["loc"] == ["form", "file"]


def test_deeply_nested_json_upload_is_400_not_recursion_error(client: Client, make_person: Any):
    client.force_login(make_person())
    nested = b"[" * 100_000 + b"]" * 100_000
    upload = SimpleUploadedFile("works.json", nested, "application/json")
    response = client.post(
        "/api/researchers/1/publications/import", {"format": "orcid", "file": upload}
    )
    assert response.status_code == 400
    assert _detail(response)["type"] == "json_too_deep"


def test_deeply_nested_json_body_is_400(client: Client, make_person: Any):
    client.force_login(make_person())
    body = '{"a":' * 5000 + "1" + "}" * 5000
    response = client.post("/api/tokens", body, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["type"] == "json_too_deep"


def test_body_over_upload_limit_is_413_json(client: Client, settings: Any, make_person: Any):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(make_person())
    body = json.dumps({"name": "x" * 5000})
    response = client.post("/api/tokens", body, content_type="application/json")
    assert response.status_code == 413
    assert _detail(response)["type"] == "request_too_large"


def test_a_page_post_over_the_upload_limit_is_the_413_page(client: Client, settings: Any):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.cookies["innobridge_language"] = "zh-hant"
    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    html = response.content.decode()
    assert 'data-testid="error-413"' in html and "請求未獲接受" in html


def test_multipart_without_boundary_is_400_json(client: Client, make_person: Any):
    client.force_login(make_person())
    response = client.generic(
        "POST", "/api/tokens", b"--x\r\n\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert _detail(response)["type"] == "malformed_body"


def test_malformed_json_is_4xx_json(client: Client, make_person: Any):
    client.force_login(make_person())
    response = client.post("/api/tokens", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("url", ["/api/researchers", "/api/organisations", "/api/publications"])
def test_huge_offset_is_422(client: Client, url: str):
    response = client.get(url, {"offset": "99999999999999999999"})
    assert response.status_code == 422


def test_api_server_error_is_json_500(client: Client, monkeypatch: Any):
    from innobridge.people import api as people_api

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(people_api.selectors, "organisations_for", boom, raising=False)
    monkeypatch.setattr(people_api.selectors, "search_organisations", boom, raising=False)
    client.raise_request_exception = False
    response = client.get("/api/organisations")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "boom" not in response.content.decode()


def test_clean_requests_still_pass(client: Client):
    assert client.get("/api/organisations?q=大學").status_code == 200
    assert client.get("/people/researchers/?q=科技").status_code == 200
