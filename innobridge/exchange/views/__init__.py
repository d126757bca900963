"""Pages of the exchange app (thin: parse with a form, call a service or selector)."""

from .applicant import application, apply, offer_reply, referee_upload
from .officer import manage, matching, review, stay
from .public import fellows, home, placement, placement_new, programme, programme_new

__all__ = [
    "application",
    "apply",
    "fellows",
    "home",
    "manage",
    "matching",
    "offer_reply",
    "placement",
    "placement_new",
    "programme",
    "programme_new",
    "referee_upload",
    "review",
    "stay",
]
