"""The site's Content-Security-Policy built once per process (innobridge/core/contentpolicy.py):
every response gets what django-csp's own middleware gives it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from innobridge.core import contentpolicy
from innobridge.core.contentpolicy import ContentSecurityPolicyMiddleware


def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


@csp_update({"img-src": ["https://tiles.example.org"]})
def _with_its_own_policy(request: HttpRequest) -> HttpResponse:
    return HttpResponse("map")


@csp_exempt()
def _exempt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("exempt")


def _preset(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("preset")
    response[HEADER] = "default-src 'none'"
    return response


def _uses_a_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")  # type: ignore[attr-defined]


def _headers(middleware_class: type, view: Callable[..., Any], path: str = "/x/") -> dict[str, str]:
    middleware = middleware_class(view)
    response = middleware(RequestFactory().get(path))
    return {h: response[h] for h in (HEADER, HEADER_REPORT_ONLY) if h in response}


VIEWS = [_page, _with_its_own_policy, _exempt, _preset]


@pytest.mark.parametrize("view", VIEWS)
def test_the_headers_are_django_csps(view: Callable[..., Any]) -> None:
    assert _headers(ContentSecurityPolicyMiddleware, view) == _headers(CSPMiddleware, view)


def test_the_site_policy_is_built_once_and_again_when_the_settings_change() -> None:
    plain = _headers(ContentSecurityPolicyMiddleware, _page)
    assert "frame-ancestors 'none'" in plain[HEADER]
    assert HEADER_REPORT_ONLY not in plain
    assert contentpolicy.site_policies() is contentpolicy.site_policies()
    report_only = {"DIRECTIVES": {"default-src": [SELF]}, "EXCLUDE_URL_PREFIXES": ["/api/"]}
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
        for path in ("/x/", "/api/calls"):
            ours = _headers(ContentSecurityPolicyMiddleware, _page, path)
            assert ours == _headers(CSPMiddleware, _page, path)
        assert HEADER_REPORT_ONLY in _headers(ContentSecurityPolicyMiddleware, _page, "/x/")
        assert HEADER_REPORT_ONLY not in _headers(ContentSecurityPolicyMiddleware, _page, "/api/")
    assert _headers(ContentSecurityPolicyMiddleware, _page) == plain


def test_a_nonce_is_left_to_django_csp_and_refused_after_the_header() -> None:
    policy = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        request = RequestFactory().get("/x/")
        response = ContentSecurityPolicyMiddleware(_uses_a_nonce)(request)
        nonce = request._csp_nonce  # type: ignore[attr-defined]
        assert f"'nonce-{nonce}'" in response[HEADER]
    request = RequestFactory().get("/x/")
    ContentSecurityPolicyMiddleware(_page)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]
