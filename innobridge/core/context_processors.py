import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import lazy


def _public_generation() -> str:
    from innobridge.core.caching import public_generation

    return public_generation()


_lazy_public_generation = lazy(_public_generation, str)


@functools.cache
def _url_of(url_name: str) -> str | None:
    """A navigation entry's URL, resolved once per process (URLs do not depend on the
    request or its language); None when it does not exist."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def site(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template context: demo flag and the pillar navigation.

    ``settings.NAVIGATION`` lists (url name, label) pairs; an entry whose URL does not
    exist (a pillar not installed) is left out, so no link leads to an empty page.
    """
    path = request.path
    items = []
    for url_name, label in settings.NAVIGATION:
        url = _url_of(url_name)
        if url is not None:
            items.append(
                {"url": url, "label": label, "active": url != "/" and path.startswith(url)}
            )
    context = {
        "INNOBRIDGE_DEMO": settings.INNOBRIDGE_DEMO,
        "NAVIGATION": items,
        # For {% cache %} fragments of public data: changes whenever that data does
        # (core/caching.py); read from the cache only when a template uses it.
        "PUBLIC_GENERATION": _lazy_public_generation(),
    }
    if getattr(request, "csrf_placeholder", False):
        # A page rendered for the shared cache (core.caching.public_page): each visitor's
        # own token replaces this when the page is sent.
        from innobridge.core.caching import CSRF_PLACEHOLDER

        context["csrf_token"] = CSRF_PLACEHOLDER
    return context
