"""Permission helpers shared by every app: roles are Django groups."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
    RESEARCHER = "researcher", _("Researcher")
    REVIEWER = "reviewer", _("Reviewer")
    FACILITY_MANAGER = "facility_manager", _("Facility manager")
    ENTERPRISE = "enterprise", _("Enterprise user")
    TECH_TRANSFER_OFFICER = "tto", _("Technology-transfer officer")
    INSTITUTION_COORDINATOR = "institution_coordinator", _("Institution coordinator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    ADMINISTRATOR = "administrator", _("Administrator")


def can_act_as(user: Any, role: str) -> bool:
    """Whether ``user`` holds ``role`` (a superuser holds every role)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        from innobridge.core.caching import person_fact

        # Kept in the shared cache per person (emptied when their groups change).
        cache = set(
            person_fact(user.pk, "roles", lambda: list(user.groups.values_list("name", flat=True)))
        )
        user._role_cache = cache
    return role in cache


def forget_roles(user: Any) -> None:
    """Drop the roles this user object read (:func:`can_act_as` keeps them on it for the
    request): call it after changing the user's groups."""
    if hasattr(user, "_role_cache"):
        del user._role_cache


def require_act_as(user: Any, *roles: str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds one of ``roles``."""
    if not any(can_act_as(user, role) for role in roles):
        raise PermissionDenied(_("You do not have the role needed for this."))


F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """View decorator: the signed-in user must hold one of ``roles``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_act_as(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
