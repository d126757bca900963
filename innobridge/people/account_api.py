"""The people app's account API: who am I, personal API tokens.

Kept apart from ``api.py`` (organisations, researchers, publications) so the two
routers grow independently; both are mounted in ``innobridge/api.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from . import selectors, services
from .auth import api_auth

router = Router(tags=["accounts"])


# --- Accounts, roles and API tokens ------------------------------------------


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    preferred_language: str
    roles: list[str]
    is_staff: bool


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class ApiTokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class ApiTokenCreatedOut(ApiTokenOut):
    key: str = Field(..., description="The secret key; shown in this response only.")


@router.get("/me", response=MeOut, auth=api_auth)
def me(request: HttpRequest) -> dict[str, Any]:
    """Who am I: the authenticated person and their roles."""
    person = request.auth  # type: ignore[attr-defined]
    return {
        "id": person.pk,
        "username": person.username,
        "display_name": person.display_name,
        "email": person.email,
        "preferred_language": person.preferred_language,
        "roles": [role.value for role in selectors.roles_held(person)],
        "is_staff": person.is_staff,
    }


@router.get("/tokens", response=list[ApiTokenOut], auth=api_auth)
def list_tokens(request: HttpRequest) -> Any:
    """My API tokens that still work (never their keys)."""
    return selectors.active_api_tokens(request.auth)  # type: ignore[attr-defined]


@router.post("/tokens", response={201: ApiTokenCreatedOut}, auth=api_auth)
def create_token(request: HttpRequest, payload: ApiTokenIn) -> Any:
    """Create a token; the response carries its key, which is not stored."""
    token, key = services.create_api_token(request.auth, payload.name)  # type: ignore[attr-defined]
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "key": key,
        },
    )


@router.delete("/tokens/{token_id}", response={204: None}, auth=api_auth)
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of my tokens."""
    token = selectors.api_token_of(request.auth, token_id)  # type: ignore[attr-defined]
    services.revoke_api_token(request.auth, token)  # type: ignore[attr-defined]
    return Status(204, None)
