"""Who may do what in the plan dashboard.

* programme officers (either side) and administrators see the full dashboard: every
  indicator, breakdowns by institution, exact small numbers, downloads; they edit the
  measures and take a snapshot on demand;
* everyone else, signed in or not, sees the public page: aggregates only, counts below 5
  suppressed (``suppression.py``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as


def can_view_dashboard(user: Any) -> bool:
    return can_act_as(user, Role.PROGRAMME_OFFICER) or can_act_as(user, Role.ADMINISTRATOR)


def require_view_dashboard(user: Any) -> None:
    if not can_view_dashboard(user):
        raise PermissionDenied(_("Only programme officers see the full dashboard."))


def can_edit_measure(user: Any) -> bool:
    return can_view_dashboard(user)


def require_edit_measure(user: Any) -> None:
    if not can_edit_measure(user):
        raise PermissionDenied(_("Only programme officers edit the Plan's measures."))


def can_take_snapshot(user: Any) -> bool:
    return can_view_dashboard(user)


def require_take_snapshot(user: Any) -> None:
    if not can_take_snapshot(user):
        raise PermissionDenied(_("Only programme officers take snapshots."))
