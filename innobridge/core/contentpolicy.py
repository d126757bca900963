"""django-csp's middleware with the site's policy built once per process (issue #17).

django-csp builds the ``Content-Security-Policy`` header (and the report-only one) afresh
for every response — copying its parts with ``dataclasses.asdict`` and joining every
directive — ~60–100 µs, 1–1.5 % of the CPU of the load mix (``benchmarks/README.md``,
eleventh round). The site's pages use one policy (``settings.CONTENT_SECURITY_POLICY``, no
nonce): :class:`ContentSecurityPolicyMiddleware` builds it once, with django-csp's own
``build_policy``, and sets it under django-csp's rules (not over a header a view set, not on
a response exempted by ``csp_exempt``, not under ``EXCLUDE_URL_PREFIXES``). A response with
a policy of its own (``csp_update``, ``csp_replace``, ``csp``) or a request that used a nonce
is left to django-csp. The policies are built again when a test overrides the settings.
"""

from __future__ import annotations

import http.client as http_client
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

# A view's own policy (django-csp's decorators) is kept on the response under these.
PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")

# (header, its policy, the response attribute that exempts from it, its URL prefixes left out)
_site: list[tuple[str, str, str, tuple[str, ...]]] | None = None


def site_policies() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """The site-wide policies as django-csp builds them without a view's policy or a nonce."""
    global _site
    if _site is None:
        made = []
        for header, setting, exempt, report_only in (
            (HEADER, SETTINGS[0], "_csp_exempt", False),
            (HEADER_REPORT_ONLY, SETTINGS[1], "_csp_exempt_ro", True),
        ):
            policy = build_policy(report_only=report_only)
            configured = getattr(settings, setting, None) or {}
            prefixes = tuple(configured.get("EXCLUDE_URL_PREFIXES", None) or ())
            if policy:
                made.append((header, policy, exempt, prefixes))
        _site = made
    return _site


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    global _site
    if setting in SETTINGS:
        _site = None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """See the module's docstring."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in PER_RESPONSE
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            http_client.INTERNAL_SERVER_ERROR,
            http_client.NOT_FOUND,
        ):
            return response  # django-csp leaves Django's debug pages alone
        path = request.path_info
        for header, policy, exempt, prefixes in site_policies():
            if (
                header not in response
                and getattr(response, exempt, False) is False
                and not (prefixes and path.startswith(prefixes))
            ):
                response[header] = policy
        # as django-csp: a nonce asked for after the header is written is an error
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
