"""One door for every request's text: refuse what no column can hold, and malformed bodies.

``RequestGuardMiddleware`` runs before any view (and before CSRF and ninja). It refuses

* NUL characters and lone UTF-16 surrogates (``\\u0000``, ``\\ud800`` — PostgreSQL cannot
  store the first, no UTF-8 encoder the second) anywhere in the path, the query string,
  a form post (field names and values, file names), a JSON body (keys and values, escapes
  included) and the text of an uploaded ``.csv`` / ``.tsv`` / ``.txt`` / ``.json`` file;
* JSON nested deeper than :data:`MAX_JSON_DEPTH` (in the body or an uploaded JSON file);
* a body over Django's upload limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``,
  ``DATA_UPLOAD_MAX_NUMBER_FIELDS``) — 413 / 400 instead of a server error;
* a multipart body that cannot be parsed (no boundary, truncated) — 400.

Under ``/api/`` the answer is JSON in the API's error shape: ``{"detail": [{"loc": [...],
"msg": ..., "type": ...}]}`` with 422 for a bad value (``loc`` names the parameter or
field, e.g. ``["query", "q"]`` or ``["body", "title_en"]``), 400 for a body that cannot be
read and 413 for one that is too large. Elsewhere the visitor gets the 400 (or 413) page
in their language, saying what was refused (``400.html``, :mod:`innobridge.core.errorpages`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from innobridge.core import caching
from innobridge.core.errorpages import refused_page

# NUL and every UTF-16 surrogate code point (a str holds one only when it is unpaired).
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
MAX_JSON_DEPTH = 64
TEXT_UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".json")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def has_bad_text(value: str) -> bool:
    """True when ``value`` holds a NUL character or a lone surrogate."""
    return BAD_TEXT.search(value) is not None


class BadInput(Exception):
    """A request part the platform refuses: where (``loc``), why, and the HTTP status."""

    def __init__(self, loc: list[str | int], message: str, kind: str, status: int = 422):
        super().__init__(message)
        self.loc = loc
        self.message = message
        self.kind = kind
        self.status = status


def _bad_text(loc: list[str | int]) -> BadInput:
    return BadInput(
        loc,
        _("This text contains characters that cannot be stored (NUL or unpaired surrogate)."),
        "invalid_characters",
    )


def _too_deep(loc: list[str | int]) -> BadInput:
    return BadInput(
        loc,
        _("The JSON is nested too deeply (at most %(depth)d levels).") % {"depth": MAX_JSON_DEPTH},
        "json_too_deep",
        status=400,
    )


def check_json_value(value: Any, loc: list[str | int]) -> None:
    """Walk a decoded JSON value; raise :class:`BadInput` at the first bad string or when it
    nests deeper than :data:`MAX_JSON_DEPTH`. Iterative, so no recursion limit is hit."""
    stack: list[tuple[Any, list[str | int]]] = [(value, loc)]
    base = len(loc)
    while stack:
        item, where = stack.pop()
        if len(where) - base > MAX_JSON_DEPTH:
            raise _too_deep(loc)
        if isinstance(item, str):
            if has_bad_text(item):
                raise _bad_text(where)
        elif isinstance(item, dict):
            for key, child in item.items():
                if has_bad_text(key):
                    raise _bad_text(where)
                stack.append((child, [*where, key]))
        elif isinstance(item, list):
            stack.extend((child, [*where, i]) for i, child in enumerate(item))


def load_json(data: bytes | str, loc: list[str | int]) -> Any:
    """``json.loads`` that refuses bad text and too-deep nesting as :class:`BadInput`;
    a document that is not JSON raises ``ValueError`` as ``json.loads`` does."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise _too_deep(loc) from None
    check_json_value(value, loc)
    return value


def _check_pairs(pairs: Iterable[tuple[str, list[str]]], where: str) -> None:
    for key, values in pairs:
        if has_bad_text(key) or any(has_bad_text(value) for value in values):
            raise _bad_text([where, key])


def _looks_like_json(request: HttpRequest, body: bytes) -> bool:
    content_type = request.content_type or ""
    if "json" in content_type:
        return True
    return body.lstrip()[:1] in (b"{", b"[", b'"')


def _check_upload(field: str, upload: Any) -> None:
    name = upload.name or ""
    if has_bad_text(name):
        raise _bad_text(["form", field])
    content_type = (upload.content_type or "").lower()
    is_json = name.lower().endswith(".json") or "json" in content_type
    is_text = name.lower().endswith(TEXT_UPLOAD_SUFFIXES) or content_type.startswith("text/")
    if not (is_json or is_text):
        return
    data = upload.read()
    upload.seek(0)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 text: NUL bytes are part of it
        return
    if b"\x00" in data:
        raise _bad_text(["form", field])
    if is_json:
        try:
            load_json(data, ["form", field])
        except ValueError:
            return  # not JSON after all: the importer reports that in its own words


def check_request(request: HttpRequest) -> None:
    """Raise :class:`BadInput` for the first part of ``request`` the platform refuses."""
    if has_bad_text(request.path):
        raise _bad_text(["path"])
    _check_pairs(request.GET.lists(), "query")
    if request.method not in BODY_METHODS:
        return
    content_type = request.content_type or ""
    try:
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            _check_pairs(request.POST.lists(), "form")
            for field, upload in request.FILES.items():
                _check_upload(field, upload)
            return
        body = request.body
    except RequestDataTooBig:
        raise BadInput(
            ["body"], _("The request body is too large."), "request_too_large", status=413
        ) from None
    except (MultiPartParserError, TooManyFilesSent, TooManyFieldsSent, BadRequest) as exc:
        raise BadInput(
            ["body"],
            _("The request body could not be read: %(reason)s") % {"reason": exc},
            "malformed_body",
            status=400,
        ) from None
    if not body:
        return
    if b"\x00" in body:
        raise _bad_text(["body"])
    if _looks_like_json(request, body):
        try:
            load_json(body, ["body"])
        except (ValueError, UnicodeDecodeError):
            return  # malformed JSON: the API's parser answers 400 with its own message


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadInput as exc:
            return self.refuse(request, exc)
        caching.begin_request()  # each cache generation read once per request (issue #17)
        try:
            return self.get_response(request)
        finally:
            caching.end_request()

    @staticmethod
    def refuse(request: HttpRequest, exc: BadInput) -> HttpResponse:
        if request.path.startswith("/api/"):
            detail = [{"loc": exc.loc, "msg": exc.message, "type": exc.kind}]
            return JsonResponse({"detail": detail}, status=exc.status)
        return refused_page(exc.message, 413 if exc.status == 413 else 400)
