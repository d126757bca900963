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

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from innobridge.exchange.api import router as exchange_router
from innobridge.facilities.api import router as facilities_router
from innobridge.funding.api import router as funding_router
from innobridge.people.account_api import router as account_router
from innobridge.people.api import router as people_router
from innobridge.people.contacts_api import router as contacts_router
from innobridge.plan.api import router as plan_router
from innobridge.transfer.api import router as transfer_router

logger = logging.getLogger("django.request")

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "loc": {"type": "array", "items": {}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
                {"type": "object"},
            ]
        }
    },
    "required": ["detail"],
}
ERROR_RESPONSES = {
    "400": "Malformed request (body not readable: bad JSON, nested too deeply, bad multipart).",
    "401": "Authentication required.",
    "403": "Not allowed for this account.",
    "404": "Not found (or not visible to this account).",
    "413": "Request body too large.",
    "422": "Invalid input: `detail` lists each problem with its location.",
}


class InnoBridgeAPI(NinjaAPI):
    """The API with its error answers declared once for every operation: 403 and 422
    everywhere (an object may be hidden from the asker; any parameter may be refused), 400
    and 413 where there is a body, 401 where authentication is required, 404 where the
    path or the body names an object — all with the
    ``Error`` schema (``{"detail": "..."}`` or ``{"detail": [{"loc", "msg", "type"}]}``)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                statuses = ["403", "422"]
                if "requestBody" in operation:
                    statuses += ["400", "413"]
                if operation.get("security"):
                    statuses.append("401")
                if "{" in path or "requestBody" in operation:
                    statuses.append("404")
                # ninja keys the answers an endpoint declares by int: one key per status in
                # the JSON, and every error answer is the one the handlers below write
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for status in {*statuses, *responses} & ERROR_RESPONSES.keys():
                    responses[status] = {"description": ERROR_RESPONSES[status], "content": ref}
        return schema


api = InnoBridgeAPI(
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


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value the database cannot hold (a number beyond its column, text too long) that
    an endpoint's schema let through: the write was rolled back with its transaction;
    the client gets a 422, and the log a warning to tighten that schema (``FromModel``)."""
    logger.warning("Value out of range for the database at %s: %s", request.path, exc)
    detail = [
        {
            "loc": ["body"],
            "msg": _("A value is out of range or too long for what the platform stores."),
            "type": "out_of_range",
        }
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any other error: logged with its traceback (as Django logs a 500), answered as JSON
    in every mode — never Django's HTML error page, never a traceback to the client."""
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    return api.create_response(request, {"detail": _("Internal server error.")}, status=500)


api.add_router("/", people_router)
api.add_router("/facilities/", facilities_router)
api.add_router("/funding/", funding_router)
api.add_router("/transfer/", transfer_router)
api.add_router("/exchange/", exchange_router)
api.add_router("/plan/", plan_router)
api.add_router("/", account_router)
api.add_router("/", contacts_router)
