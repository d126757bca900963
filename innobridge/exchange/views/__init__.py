"""Pages of the exchange app (thin: parse with a form, call a service or selector)."""

from .applicant import application, apply, document, letter, offer_reply, referee_upload
from .officer import manage, matching, personal_data_views, review, stay
from .public import fellows, home, placement, placement_new, programme, programme_new

__all__ = [
    "application",
    "apply",
    "document",
    "fellows",
    "home",
    "letter",
    "manage",
    "matching",
    "offer_reply",
    "personal_data_views",
    "placement",
    "placement_new",
    "programme",
    "programme_new",
    "referee_upload",
    "review",
    "stay",
]
