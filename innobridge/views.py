"""Project-level pages that compose the apps (like urls.py, this module may read
every app, through their selectors), and the localised error pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from innobridge import dashboard
from innobridge.core.caching import public_page
from innobridge.core.errorpages import plain_page, refused_page
from innobridge.core.personpages import person_page


@public_page("home")
@person_page("home")
def home(request: HttpRequest) -> HttpResponse:
    # Read only when the page's public part is rendered (it is kept rendered per language).
    context: dict[str, Any] = {"overview": SimpleLazyObject(dashboard.public_overview)}
    if request.user.is_authenticated:
        context["panels"] = dashboard.my_work(request.user)
        context["profile"] = dashboard.my_profile(request.user)
        context["partners_panel"] = dashboard.partners_panel_fits(request.user, context["profile"])
    return render(request, "home.html", context)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 (a ``SuspiciousOperation`` or ``BadRequest`` raised past the request
    guard), localised; the exception's text is for the log, not the visitor."""
    return refused_page("")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered with a plain Context — no context processors, no database — so that it
    still shows when whatever broke the page would break them too; in the language the
    request asked for (LocaleMiddleware has set it when it ran)."""
    return plain_page("500.html", 500)
