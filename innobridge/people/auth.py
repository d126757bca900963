"""API authentication: the browser's session (with CSRF for unsafe methods) or a
personal token sent as ``Authorization: Bearer ib_…``.

Endpoints that need a signed-in caller say ``auth=api_auth``; public reads need none.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth


class BearerTokenAuth(HttpBearer):
    """A personal API token (see ``services.create_api_token``).

    A request that sends a bearer token gets 401 with a message when the token is
    unknown or revoked (it does not fall back to the session)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from . import services

        person = services.authenticate_api_key(token.strip())
        if person is None:
            raise HttpError(401, _("Invalid or revoked API token."))
        request.user = person
        return person


class SessionCsrfAuth(SessionAuth):
    """Django's session, as ninja's ``django_auth``: CSRF is enforced for unsafe
    methods. Only a signed-in session is checked for CSRF, so an anonymous request
    gets a plain 401 rather than a CSRF error."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


bearer_auth = BearerTokenAuth()
session_auth = SessionCsrfAuth()

# The bearer check runs first: a script's request carries no session and no CSRF
# token, and must not be refused by the session's CSRF check.
api_auth = [bearer_auth, session_auth]
