"""Personal API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as
from innobridge.core.services import record_event

from ..audit import PeopleAction
from ..models import ApiToken, Person

MAX_ACTIVE_TOKENS = 20
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def create_api_token(actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new personal API token. Returns the token and its key; only a hash of the key
    is stored, so the key can be shown this once only."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name, e.g. the script using it.")]})
    if len(name) > 100:
        raise ValidationError({"name": [_("At most 100 characters.")]})
    with transaction.atomic():
        # The person's row is the lock for "at most N active tokens": simultaneous
        # creations queue here, so the count below cannot be passed twice.
        Person.objects.select_for_update().filter(pk=actor.pk).first()
        active = ApiToken.objects.filter(person=actor, revoked_at__isnull=True)
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You have %(n)d active tokens; revoke one first.") % {"n": MAX_ACTIVE_TOKENS}
            )
        key = ApiToken.new_key()
        token = ApiToken.objects.create(
            person=actor, name=name, prefix=key[:8], key_hash=ApiToken.hash_key(key)
        )
        record_event(actor, PeopleAction.API_TOKEN_CREATED, token, after=token.as_dict())
    return token, key


def revoke_api_token(actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner or an administrator."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    if token.person_id != actor.pk and not can_act_as(actor, Role.ADMINISTRATOR):
        raise PermissionDenied(_("This is not your token."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This token is already revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record_event(
            actor,
            PeopleAction.API_TOKEN_REVOKED,
            locked,
            before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at},
        )
    token.revoked_at = locked.revoked_at
    return token


def authenticate_api_key(key: str) -> Person | None:
    """The active person owning the unrevoked token ``key``, or None. Notes the use
    (at most once a minute, so busy scripts do not write on every request)."""
    if not key or not key.startswith("ib_") or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("person")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.matches(key) or not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    person = token.person
    person.api_token = token  # type: ignore[attr-defined]
    return person
