"""Two-factor sign-in, enforced for every request of a signed-in session.

A session whose person has two-factor sign-in on but has not passed the second step
(e.g. a log-in through the Django admin's own form, or a session that was open when the
person turned it on elsewhere) reaches only the second step; a person whose role requires
it (``INNOBRIDGE_2FA_REQUIRED_ROLES``) and has not set it up reaches only the set-up page.
Log-out, the language switcher and static files stay open. API requests that rely on such
a session get 403 JSON; a request with a personal API token (``Authorization: Bearer``)
is a separate credential and is not affected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from . import selectors

OPEN_URL_NAMES = ("logout", "set_language")
PAGE_FOR = {"verify": "two_factor_verify", "setup": "two_factor_setup"}


def unwrapped(user: Any) -> Any:
    """The person (or anonymous user) behind ``request.user``.

    Django's authentication and django-otp each put a lazy proxy there (one around the
    other), and every attribute read through a proxy goes through ``__getattribute__``, a
    raised and caught ``AttributeError`` and ``__getattr__``: a page reads ``request.user``
    a hundred times or more (templates, permissions, selectors), which cost ~3 % of the CPU
    of the load mix (issue #17). Every request evaluates the proxies here anyway, so the
    object itself is put on the request instead."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user = unwrapped(request.user)
        if user.is_authenticated and not selectors.session_verified(user):
            owed = selectors.two_factor_owed(user)
            if owed is not None and not self._open(request, owed):
                return self._refuse(request, owed)
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest, owed: str) -> bool:
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        if path.startswith("/api/"):
            # A personal API token is its own credential (the session is not used).
            authorization = request.headers.get("Authorization", "")
            if authorization.lower().startswith("bearer "):
                return True
        names = (*OPEN_URL_NAMES, PAGE_FOR[owed])
        return path in {reverse(name) for name in names}

    @staticmethod
    def _refuse(request: HttpRequest, owed: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            message = (
                _("Complete the second log-in step first.")
                if owed == "verify"
                else _("Set up two-factor sign-in first: your role requires it.")
            )
            return JsonResponse({"detail": message}, status=403)
        target = reverse(PAGE_FOR[owed])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
