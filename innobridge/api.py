"""The platform's API, under /api/ (OpenAPI at /api/openapi.json, docs at /api/docs).

Reads of public data need no authentication (``auth=None`` by default); endpoints that
act for someone say ``auth=api_auth`` (session with CSRF, or ``Authorization: Bearer``
with a personal token, see ``innobridge/people/auth.py``).

Errors: services raise Django's ``ValidationError`` / ``PermissionDenied`` /
``ObjectDoesNotExist``; the handlers below turn them into 422 / 403 / 404 with messages,
never a 500. A 422's ``detail`` is a list of ``{"loc": [...], "msg": ..., "type": ...}``,
the shape ninja uses for its own schema validation errors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from innobridge.exchange.api import router as exchange_router
from innobridge.facilities.api import router as facilities_router
from innobridge.funding.api import router as funding_router
from innobridge.people.account_api import router as account_router
from innobridge.people.api import router as people_router

api = NinjaAPI(
    title="InnoBridge API",
    version="1.0",
    description="Science and technology cooperation between Hong Kong and the Mainland.",
    urls_namespace="api",
    auth=None,
)


def validation_error_detail(exc: ValidationError) -> list[dict[str, Any]]:
    """A Django ValidationError as ninja-style error entries (one per message)."""
    if hasattr(exc, "error_dict"):
        return [
            {
                "loc": [] if field == "__all__" else [field],
                "msg": message,
                "type": "validation_error",
            }
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"loc": [], "msg": message, "type": "validation_error"} for message in exc.messages]


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": validation_error_detail(exc)}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or _("You do not have permission to do this.")
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(ObjectDoesNotExist)
def on_does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Authentication required: log in, or send “Authorization: Bearer <API token>”.")
    return api.create_response(request, {"detail": message}, status=401)


api.add_router("/", people_router)
api.add_router("/facilities/", facilities_router)
api.add_router("/funding/", funding_router)
api.add_router("/exchange/", exchange_router)
api.add_router("/", account_router)
