"""Reads of accounts: roles, API tokens and two-factor sign-in."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    QuerySet,
)

from innobridge.core.caching import person_fact
from innobridge.core.permissions import Role

from ..models import (
    ApiToken,
)


def roles_held(person: Any) -> list[Role]:
    """The roles a person holds (as ``Role`` members, whose labels are translated)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    held = set(person.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in held]


def active_api_tokens(person: Any) -> QuerySet[ApiToken]:
    """The person's tokens that still work, newest first."""
    return ApiToken.objects.filter(person=person, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def api_token_of(person: Any, token_id: int) -> ApiToken:
    """One of the person's own tokens (raises ApiToken.DoesNotExist otherwise)."""
    return ApiToken.objects.get(person=person, pk=token_id)


# INNOBRIDGE_2FA_REQUIRED_ROLES unset: these roles ("staff": Django staff and superusers).
DEFAULT_2FA_REQUIRED_ROLES = (
    Role.PROGRAMME_OFFICER.value,
    Role.REVIEWER.value,
    Role.ADMINISTRATOR.value,
    "staff",
)


def two_factor_required_roles() -> tuple[str, ...]:
    """The roles that must use two-factor sign-in: the setting, or by default the
    officers', reviewers', administrators' and staff's — none in the demo, whose
    accounts' passwords are published (see settings.INNOBRIDGE_2FA_REQUIRED_ROLES)."""
    from django.conf import settings

    roles = getattr(settings, "INNOBRIDGE_2FA_REQUIRED_ROLES", None)
    if roles is None:
        return () if settings.INNOBRIDGE_DEMO else DEFAULT_2FA_REQUIRED_ROLES
    return tuple(roles)


def two_factor_required(person: Any) -> bool:
    """Whether ``person`` holds a role that must use two-factor sign-in."""
    from innobridge.core.permissions import can_act_as

    if not getattr(person, "is_authenticated", False):
        return False
    required = two_factor_required_roles()
    if "staff" in required and (person.is_staff or person.is_superuser):
        return True
    return any(can_act_as(person, role) for role in required if role != "staff")


def two_factor_available(person: Any) -> bool:
    """Whether ``person`` may turn two-factor sign-in on: not the demo's shared accounts,
    whose passwords are published (one visitor's authenticator would lock out the rest)."""
    from django.conf import settings

    return not (settings.INNOBRIDGE_DEMO and getattr(person, "is_demo", False))


def has_two_factor(person: Any) -> bool:
    """Whether ``person`` has turned two-factor sign-in on (a confirmed authenticator)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not getattr(person, "is_authenticated", False):
        return False
    # Read on every signed-in request: kept in the shared cache, emptied when a device of
    # the person is saved or deleted (core/caching.py).
    return bool(
        person_fact(
            person.pk,
            "two_factor",
            lambda: TOTPDevice.objects.filter(user_id=person.pk, confirmed=True).exists(),
        )
    )


def recovery_codes_left(person: Any) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user_id=person.pk, device__confirmed=True).count()


def session_verified(user: Any) -> bool:
    """Whether this request's session passed the second step (django-otp's middleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def two_factor_owed(person: Any) -> str | None:
    """What a signed-in session of ``person`` owes before it may use the site, unless it
    passed the second step already: ``"verify"`` (two-factor sign-in is on),
    ``"setup"`` (their role requires it and it is off) or None."""
    if has_two_factor(person):
        return "verify"
    if two_factor_required(person):
        return "setup"
    return None
