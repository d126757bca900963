"""Accounts: sign-up and the signed-in person's own settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role
from innobridge.core.services import record_event, snapshot

from ..audit import PeopleAction
from ..models import Person

SELF_SERVICE_ROLES = (Role.RESEARCHER, Role.ENTERPRISE)


def _valid_language(language: str) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}


def is_taken(field: str, value: str) -> bool:
    """Whether an account already has this user name / e-mail address, ignoring case.
    A friendly early answer only: the database's unique constraints have the last word."""
    return Person.objects.filter(**{f"{field}__iexact": value}).exists()


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
    elif is_taken("username", username):
        errors.setdefault("username", []).append(_("This user name is already taken."))
    if not email:
        errors.setdefault("email", []).append(_("Enter your e-mail address."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
        else:
            if is_taken("email", email):
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

    try:
        with transaction.atomic():
            person = Person.objects.create_user(
                username=username,
                email=email,
                password=password,
                display_name=display_name,
                preferred_language=preferred_language,
                email_verified=False,
            )
            person.groups.add(Group.objects.get(name=role))
            record_event(
                person,
                PeopleAction.PERSON_SIGNED_UP,
                person,
                after={**snapshot(person, _PERSON_FIELDS), "roles": [role]},
            )
    except IntegrityError as exc:
        # Someone signed up with the same name or address between the checks above and
        # the insert: the database's case-insensitive unique constraints decide.
        raise ValidationError(_taken_errors(str(exc))) from exc
    return person


VERIFY_SALT = "innobridge.people.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600  # seconds: a confirmation link works for three days


def email_verification_token(person: Person) -> str:
    """A signed token naming the person and the address it confirms (a link for another
    address, or for an address since changed, does not confirm the current one)."""
    return signing.dumps({"id": person.pk, "email": person.email.lower()}, salt=VERIFY_SALT)


def send_email_verification(person: Person, site_url: str = "") -> None:
    """E-mail ``person`` the link that confirms their address, in their language."""
    from django.urls import reverse

    base = (site_url or str(getattr(settings, "SITE_URL", "") or "")).rstrip("/")
    link = base + reverse("verify_email", args=[email_verification_token(person)])
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Confirm your e-mail address for InnoBridge")
        body = _(
            "Hello %(name)s,\n\nPlease confirm that %(email)s is your address by opening "
            "this link within three days:\n\n%(link)s\n\nUntil then you cannot log in. If "
            "you did not sign up for InnoBridge, ignore this message."
        ) % {"name": person.display_name or person.username, "email": person.email, "link": link}
    send_mail(subject, body, None, [person.email])


def verify_email(token: str) -> Person:
    """Confirm the address a token names; raises ``ValidationError`` for a link that is
    broken, expired, or for an address the account no longer has."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This confirmation link has expired: log in to get a new one.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid.")) from None
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=data.get("id")).first()
        if person is None or person.email.lower() != data.get("email"):
            raise ValidationError(_("This confirmation link is not valid."))
        if not person.email_verified:
            person.email_verified = True
            person.save(update_fields=["email_verified"])
            record_event(
                person,
                PeopleAction.PERSON_EMAIL_VERIFIED,
                person,
                after={"email": person.email, "email_verified": True},
            )
    return person


def _taken_errors(database_message: str) -> dict[str, list[str]]:
    if "people_person_email_ci_unique" in database_message:
        return {"email": [_("An account with this e-mail address already exists.")]}
    return {"username": [_("This user name is already taken.")]}


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
