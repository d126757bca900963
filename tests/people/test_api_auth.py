"""API authentication: personal tokens (bearer), the session with CSRF, /api/me,
error shapes, OpenAPI."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from innobridge.core.models import AuditEvent
from innobridge.people import services
from innobridge.people.models import ApiToken


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def alice(make_person: Any) -> Any:
    return make_person("alice", roles=("researcher", "reviewer"), display_name="陳愛麗")


@pytest.fixture
def alice_key(alice: Any) -> str:
    _token, key = services.create_api_token(alice, "script")
    return key


def test_me_with_bearer_token(client: Client, alice: Any, alice_key: str) -> None:
    response = client.get("/api/me", headers=bearer(alice_key))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "alice"
    assert body["display_name"] == "陳愛麗"
    assert body["roles"] == ["researcher", "reviewer"]


def test_me_without_auth_is_401_with_message(client: Client, db: Any) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize("key", ["ib_not-a-real-key", "garbage", ""])
def test_bad_token_is_401(client: Client, alice_key: str, key: str) -> None:
    response = client.get("/api/me", headers=bearer(key))
    assert response.status_code == 401
    assert response.json()["detail"]


def test_revoked_token_is_401(client: Client, alice: Any, alice_key: str) -> None:
    token = alice.api_tokens.get()
    services.revoke_api_token(alice, token)
    response = client.get("/api/me", headers=bearer(alice_key))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_inactive_person_token_is_401(client: Client, alice: Any, alice_key: str) -> None:
    alice.is_active = False
    alice.save()
    assert client.get("/api/me", headers=bearer(alice_key)).status_code == 401


def test_last_used_updated_at_most_once_a_minute(
    client: Client, alice: Any, alice_key: str
) -> None:
    token = alice.api_tokens.get()
    assert token.last_used_at is None
    client.get("/api/me", headers=bearer(alice_key))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/me", headers=bearer(alice_key))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/me", headers=bearer(alice_key))
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(seconds=1)
    assert token.last_used_at <= timezone.now()


def test_token_create_list_revoke_with_bearer(client: Client, alice: Any, alice_key: str) -> None:
    response = client.post(
        "/api/tokens",
        data=json.dumps({"name": "second"}),
        content_type="application/json",
        headers=bearer(alice_key),
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["key"].startswith("ib_")
    assert created["prefix"] == created["key"][:8]
    listed = client.get("/api/tokens", headers=bearer(alice_key)).json()
    assert {t["name"] for t in listed} == {"script", "second"}
    assert all("key" not in t and "key_hash" not in t for t in listed)
    # the new key works
    assert client.get("/api/me", headers=bearer(created["key"])).status_code == 200
    response = client.delete(f"/api/tokens/{created['id']}", headers=bearer(alice_key))
    assert response.status_code == 204
    assert client.get("/api/me", headers=bearer(created["key"])).status_code == 401
    listed = client.get("/api/tokens", headers=bearer(alice_key)).json()
    assert [t["name"] for t in listed] == ["script"]
    assert AuditEvent.objects.filter(action="people.api_token.revoked").count() == 1


def test_token_create_validation_is_422_with_field(client: Client, alice_key: str) -> None:
    response = client.post(
        "/api/tokens",
        data=json.dumps({"name": ""}),
        content_type="application/json",
        headers=bearer(alice_key),
    )
    assert response.status_code == 422
    assert any("name" in e["loc"] for e in response.json()["detail"])
    # a service ValidationError (blank after stripping) is also a 422 with the field
    response = client.post(
        "/api/tokens",
        data=json.dumps({"name": "   "}),
        content_type="application/json",
        headers=bearer(alice_key),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["name"] and detail[0]["msg"]


def test_cannot_revoke_someone_elses_token(
    client: Client, make_person: Any, alice: Any, alice_key: str
) -> None:
    bob = make_person("bob")
    token, _key = services.create_api_token(bob, "bob's")
    response = client.delete(f"/api/tokens/{token.pk}", headers=bearer(alice_key))
    assert response.status_code == 404
    assert response.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_is_422_not_500(client: Client, alice: Any, alice_key: str) -> None:
    other, _key = services.create_api_token(alice, "other")
    assert client.delete(f"/api/tokens/{other.pk}", headers=bearer(alice_key)).status_code == 204
    response = client.delete(f"/api/tokens/{other.pk}", headers=bearer(alice_key))
    assert response.status_code == 422
    assert "already revoked" in response.json()["detail"][0]["msg"]


def test_session_auth_reads_and_enforces_csrf(make_person: Any) -> None:
    person = make_person("carol")
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.get("/api/me").json()["username"] == "carol"
    # unsafe method without the CSRF token: refused
    response = client.post(
        "/api/tokens", data=json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert not person.api_tokens.exists()
    # with the token from a page (as HTMX sends it in X-CSRFToken): accepted
    client.get("/accounts/")
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/tokens",
        data=json.dumps({"name": "x"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201
    assert person.api_tokens.count() == 1


def test_bearer_needs_no_csrf(alice_key: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/tokens",
        data=json.dumps({"name": "ci"}),
        content_type="application/json",
        headers=bearer(alice_key),
    )
    assert response.status_code == 201


def test_error_handlers(rf: Any, db: Any) -> None:
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

    from innobridge.api import api, on_does_not_exist, on_permission_denied, on_validation_error

    request = rf.get("/api/x")
    response = on_validation_error(request, ValidationError({"title": ["Too long."]}))
    assert response.status_code == 422
    assert json.loads(response.content)["detail"] == [
        {"loc": ["title"], "msg": "Too long.", "type": "validation_error"}
    ]
    response = on_validation_error(request, ValidationError("Bad."))
    assert json.loads(response.content)["detail"][0]["msg"] == "Bad."
    response = on_permission_denied(request, PermissionDenied("Reviewers only."))
    assert response.status_code == 403
    assert json.loads(response.content)["detail"] == "Reviewers only."
    assert on_does_not_exist(request, ObjectDoesNotExist()).status_code == 404
    assert api.urls_namespace == "api"


def test_openapi_lists_security_schemes(client: Client, db: Any) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    schemes = schema["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme", s.get("in"))) for s in schemes.values()}
    assert ("http", "bearer") in kinds
    assert ("apiKey", "cookie") in kinds
    assert "/api/me" in schema["paths"]
    assert "/api/tokens" in schema["paths"]


def test_docs_page(client: Client, db: Any) -> None:
    assert client.get("/api/docs").status_code == 200
