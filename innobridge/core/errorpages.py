"""The pages for a request refused before any view ran (400, 413).

Rendered like the 500 page: a plain Context, no context processors, no session, no
database — the request guard refuses before authentication has run, and whatever made the
request bad must not break the page that says so. LocaleMiddleware runs before the guard,
so the page is in the language the visitor chose."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import loader
from django.utils import translation


def refused_page(message: str, status: int = 400) -> HttpResponse:
    """The localised "request refused" page with ``message`` (already translated) saying
    what was wrong."""
    template = loader.get_template("400.html")
    html = template.render(
        {"LANGUAGE_CODE": translation.get_language() or "en", "message": message, "status": status}
    )
    return HttpResponse(html, status=status)
