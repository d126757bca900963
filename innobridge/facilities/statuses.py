"""The booking statuses, in a module of their own so that ``db.py`` (the overlap guard's
SQL, used by a migration) and ``models.py`` share one definition."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    USED = "used", _("Used")
    NO_SHOW = "no_show", _("No-show")
