"""The pages for a request refused before any view ran (400, 413), and the 500 page.

Rendered with a plain Context, no context processors, no session, no
database — the request guard refuses before authentication has run, and whatever made the
request bad must not break the page that says so. LocaleMiddleware runs before the guard,
so the page is in the language the visitor chose."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import loader
from django.utils import translation


def plain_page(template_name: str, status: int, **context: object) -> HttpResponse:
    """``template_name`` rendered with a plain Context (``context``, ``status`` and the
    request's language), as ``status``: the error pages' one way of rendering."""
    template = loader.get_template(template_name)
    language = translation.get_language() or "en"
    html = template.render({"LANGUAGE_CODE": language, "status": status, **context})
    return HttpResponse(html, status=status)


def refused_page(message: str, status: int = 400) -> HttpResponse:
    """The localised "request refused" page with ``message`` (already translated) saying
    what was wrong."""
    return plain_page("400.html", status, message=message)
