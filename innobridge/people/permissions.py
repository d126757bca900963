"""Who may do what in the people app: ``can_<verb>_<noun>(user, obj) -> bool`` and
``require_<verb>_<noun>(user, obj)`` raising ``PermissionDenied``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as

from .models import ResearcherProfile


def is_system(actor: Any) -> bool:
    """A management command or seed script (actor None or a label), not a web user."""
    return actor is None or isinstance(actor, str)


def is_admin(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False)) or can_act_as(actor, Role.ADMINISTRATOR)


def can_edit_profile(actor: Any, profile: ResearcherProfile) -> bool:
    """The owner or an administrator (or a system command)."""
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    return actor.pk == profile.person_id or is_admin(actor)


def require_edit_profile(actor: Any, profile: ResearcherProfile) -> None:
    if not can_edit_profile(actor, profile):
        raise PermissionDenied(_("Only the owner of this profile may change it."))


def can_view_disclosure_register(actor: Any) -> bool:
    """The register of personal data shared between people: the data protection officer
    and administrators."""
    return can_act_as(actor, Role.DATA_PROTECTION_OFFICER) or is_admin(actor)


def require_view_disclosure_register(actor: Any) -> None:
    if not can_view_disclosure_register(actor):
        raise PermissionDenied(
            _("Only the data protection officer may see the register of shared personal data.")
        )
