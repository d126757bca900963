"""The contact buttons on a person's profile and on a search hit: ``{% load contacts %}``
then ``{% contact_actions person %}`` (full, on a profile) or ``{% contact_actions
person compact=True %}`` (a search hit). Other apps' actions (e.g. funding's "Invite to
a proposal") come through ``innobridge.core.hooks.person_actions``."""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from innobridge.core.caching import CSRF_PLACEHOLDER, FRAGMENTS
from innobridge.core.hooks import person_actions
from innobridge.core.models import Region

from .. import permissions, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_actions(context: template.Context, person: Any, compact: bool = False) -> str:
    """The contact buttons. A search hit's (``compact``) are rendered once per language for
    each combination of what decides them — the person, whether the reader has them on
    their shortlist, the other apps' actions, the page's address — and kept in the shared
    cache with a placeholder for the reader's CSRF token (issue #17: a search page shows 20)."""
    data = _contact_actions(context, person, compact)
    request = context.get("request")
    if not (compact and data.get("relation") is not None and request is not None):
        return render_to_string(CONTACT_ACTIONS, data)
    signature = (
        translation.get_language(),
        person.pk,
        data["relation"]["shortlisted"],
        [(a.key, str(a.label), a.url) for a in data["extra"]],
        data["next"],
    )
    digest = hashlib.sha256(repr(signature).encode("utf-8", "surrogatepass")).hexdigest()
    key = f"people:contact_actions:{digest}"
    fragments = caches[FRAGMENTS]  # the key names its content: copies kept per process
    html = fragments.get(key)
    if html is None:
        html = render_to_string(CONTACT_ACTIONS, {**data, "csrf_token": CSRF_PLACEHOLDER})
        fragments.set(key, html, 300)
    return mark_safe(html.replace(CSRF_PLACEHOLDER, str(data["csrf_token"])))


CONTACT_ACTIONS = "people/partials/contact_actions.html"


def _contact_actions(context: template.Context, person: Any, compact: bool) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(getattr(user, "is_authenticated", False))
    result: dict[str, Any] = {
        "person": person,
        "compact": compact,
        "signed_in": signed_in,
        "is_self": signed_in and getattr(user, "pk", None) == person.pk,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
    if not signed_in or result["is_self"]:
        return result
    if compact:
        # One query for every hit of the page, kept on the request.
        ids = getattr(request, "_shortlisted_ids", None)
        if ids is None:
            ids = selectors.shortlisted_ids(user)
            request._shortlisted_ids = ids  # type: ignore[union-attr]
        result["relation"] = {"shortlisted": person.pk in ids}
    else:
        result["relation"] = selectors.relationship(user, person)
    result["extra"] = person_actions(user, person)
    return result


@register.simple_tag(takes_context=True)
def my_profile_url(context: template.Context) -> str:
    """The signed-in person's researcher profile's address ("" without one), for the
    header on every page: kept per person in the shared cache (core/caching.py)."""
    request = context.get("request")
    return selectors.own_profile_url(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def unread_notices(context: template.Context) -> int:
    request = context.get("request")
    return selectors.unread_notice_count(getattr(request, "user", None))


@register.filter
def can_view_register(user: Any) -> bool:
    return permissions.can_view_disclosure_register(user)


@register.filter
def region_label(code: str) -> str:
    """A region code (HK, CN, MO, INT) as its name in the UI's language."""
    try:
        return str(Region(code).label)
    except ValueError:
        return code or ""


CONTACT_FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail"),
    "organisation": gettext_lazy("Organisation"),
    "position": gettext_lazy("Position"),
    "orcid": "ORCID",
}


@register.filter
def field_labels(fields: list[str]) -> str:
    """The keys of shared contact fields as their names in the UI's language."""
    return ", ".join(str(CONTACT_FIELD_LABELS.get(f, f)) for f in fields or [])
