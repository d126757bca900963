from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def site(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template context: demo flag and the pillar navigation.

    ``settings.NAVIGATION`` lists (url name, label) pairs; an entry whose URL does
    not exist (a pillar not installed) is left out, so no link leads to an empty page.
    """
    items = []
    path = request.path
    for url_name, label in settings.NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": url != "/" and path.startswith(url)})
    return {"INNOBRIDGE_DEMO": settings.INNOBRIDGE_DEMO, "NAVIGATION": items}
