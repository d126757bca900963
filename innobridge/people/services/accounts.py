"""Accounts: sign-up and the signed-in person's own settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role
from innobridge.core.services import record_event, snapshot

from ..audit import PeopleAction
from ..models import Person

SELF_SERVICE_ROLES = (Role.RESEARCHER, Role.ENTERPRISE)


def _valid_language(language: str) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}


def sign_up(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    preferred_language: str = "en",
    role: str = Role.RESEARCHER,
) -> Person:
    """Create an account holding one self-service role (researcher or enterprise user).

    Other roles are granted by an administrator (``assign_roles``). Raises
    ``ValidationError`` (a dict by field) and writes nothing when any input is wrong.
    """
    username = (username or "").strip()
    email = Person.objects.normalize_email((email or "").strip())
    display_name = (display_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors.setdefault("username", []).append(_("Choose a user name."))
    elif Person.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("This user name is already taken."))
    if not email:
        errors.setdefault("email", []).append(_("Enter your e-mail address."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
        else:
            if Person.objects.filter(email__iexact=email).exists():
                errors.setdefault("email", []).append(
                    _("An account with this e-mail address already exists.")
                )
    if role not in {r.value for r in SELF_SERVICE_ROLES}:
        errors.setdefault("role", []).append(
            _("You can sign up as a researcher or an enterprise user.")
        )
    if not _valid_language(preferred_language):
        errors.setdefault("preferred_language", []).append(_("Unknown language."))
    candidate = Person(username=username, email=email, display_name=display_name)
    try:
        password_validation.validate_password(password or "", candidate)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        person = Person.objects.create_user(
            username=username,
            email=email,
            password=password,
            display_name=display_name,
            preferred_language=preferred_language,
        )
        person.groups.add(Group.objects.get(name=role))
        record_event(
            person,
            PeopleAction.PERSON_SIGNED_UP,
            person,
            after={**snapshot(person, _PERSON_FIELDS), "roles": [role]},
        )
    return person


_PERSON_FIELDS = ["username", "email", "display_name", "preferred_language", "is_active"]


def set_preferred_language(actor: Any, language: str) -> Person:
    """The signed-in person's UI language, applied at every log-in."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    if not _valid_language(language):
        raise ValidationError({"preferred_language": [_("Unknown language.")]})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=actor.pk)
        if person.preferred_language != language:
            before = snapshot(person, ["preferred_language"])
            person.preferred_language = language
            person.save(update_fields=["preferred_language"])
            record_event(
                actor,
                PeopleAction.PERSON_LANGUAGE_SET,
                person,
                before=before,
                after=snapshot(person, ["preferred_language"]),
            )
    actor.preferred_language = language
    return person
