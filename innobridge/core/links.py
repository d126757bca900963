"""Links that leave the site (e-mails, exports): a path made absolute."""

from __future__ import annotations

from django.conf import settings


def site_url(path: str) -> str:
    """``path`` made absolute with ``settings.SITE_URL`` when that is set (e.g.
    ``https://innobridge.example.org``); the bare path otherwise."""
    base = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{path}"
