"""Two-factor sign-in: an authenticator app (TOTP, django-otp) and one-time recovery codes.

A person turns it on by scanning a QR code and confirming one code from the app; only
then is the device confirmed, and ten recovery codes are made and shown once. Recovery
codes are stored as keyed hashes (never the codes themselves) in django-otp's static
device, and each is deleted when used. Turning it off or making new recovery codes
needs the password again. Every change, every recovery code used and every wrong code at
the log-in's second step is an audit event.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from innobridge.core.services import record_event

from ..audit import PeopleAction
from ..models import Person
from ..selectors import two_factor_available

RECOVERY_CODE_COUNT = 10
# Ten characters of Crockford-like base32 without look-alikes (0/O, 1/I/L): 50 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
_HASH_SALT = "innobridge.people.two_factor.recovery_code"


@dataclass(frozen=True)
class SecondStepResult:
    """The device that accepted the code; ``recovery_codes_left`` when it was a recovery
    code (else None)."""

    device: Device
    recovery_codes_left: int | None = None


def normalise_code(code: str) -> str:
    """What a person typed, without spaces and dashes, lower case."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def _hash_recovery_code(code: str) -> str:
    """The stored form of a recovery code: 16 hex characters (64 bits) of an HMAC keyed
    by SECRET_KEY — the column of django-otp's static token holds 16 characters."""
    return salted_hmac(_HASH_SALT, normalise_code(code), algorithm="sha256").hexdigest()[:16]


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _require_self(actor: Any, person: Person) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != person.pk:
        raise PermissionDenied(_("Only the account holder can change their two-factor sign-in."))


def _lock(person: Person) -> None:
    """The person's row is the lock for every change of their devices."""
    Person.objects.select_for_update().filter(pk=person.pk).first()


def _check_password(person: Person, password: str) -> None:
    if not password or not person.check_password(password):
        raise ValidationError({"password": [_("The password is not correct.")]})


def _replace_recovery_codes(person: Person) -> list[str]:
    StaticDevice.objects.filter(user=person).delete()
    device = StaticDevice.objects.create(user=person, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_new_recovery_code() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_hash_recovery_code(code)) for code in codes
    )
    return codes


def start_totp_setup(actor: Any, person: Person) -> TOTPDevice:
    """The unconfirmed authenticator device whose QR code the set-up page shows (made on
    first visit, the same one after). Refused when two-factor sign-in is already on."""
    _require_self(actor, person)
    if not two_factor_available(person):
        # The demo's accounts are shared and their password published: one visitor's
        # authenticator would lock every other visitor out.
        raise PermissionDenied(
            _("This is a shared demo account: two-factor sign-in cannot be turned on for it.")
        )
    with transaction.atomic():
        _lock(person)
        if TOTPDevice.objects.filter(user=person, confirmed=True).exists():
            raise ValidationError(_("Two-factor sign-in is already on."))
        device = TOTPDevice.objects.filter(user=person, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=person, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirm_totp_device(actor: Any, person: Person, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on with a code from the app just set up. Returns the
    confirmed device and the new recovery codes (shown once, stored hashed)."""
    _require_self(actor, person)
    code = normalise_code(code)
    with transaction.atomic():
        _lock(person)
        if TOTPDevice.objects.filter(user=person, confirmed=True).exists():
            raise ValidationError(_("Two-factor sign-in is already on."))
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=person, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise ValidationError(_("Start the set-up again: no authenticator is waiting."))
        # A wrong code must still count for the device's throttle, so it is checked in
        # this transaction and the error raised after it commits.
        ok = is_totp_code(code) and device.verify_token(code)
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=person, confirmed=False).delete()
            codes = _replace_recovery_codes(person)
            record_event(
                actor,
                PeopleAction.TWO_FACTOR_ENABLED,
                person,
                after={"device": TOTP_DEVICE_NAME, "recovery_codes": len(codes)},
            )
    if not ok:
        raise ValidationError(
            {"code": [_("This code is not right. Enter the six digits the app shows now.")]}
        )
    return device, codes


def verify_second_step(person: Person, code: str) -> SecondStepResult:
    """The log-in's second step: six digits from the authenticator, or a recovery code
    (used up by this). A wrong code is an audit event; the device then refuses codes for a
    growing delay (django-otp's throttle)."""
    code = normalise_code(code)
    throttled = False
    result: SecondStepResult | None = None
    with transaction.atomic():
        _lock(person)
        if is_totp_code(code):
            devices: list[Device] = list(
                TOTPDevice.objects.select_for_update().filter(user=person, confirmed=True)
            )
            token = code
        else:
            devices = list(
                StaticDevice.objects.select_for_update().filter(user=person, confirmed=True)
            )
            token = _hash_recovery_code(code) if code else ""
        for device in devices:
            allowed, _data = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if token and device.verify_token(token):
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    record_event(
                        person, PeopleAction.RECOVERY_CODE_USED, person, after={"left": left}
                    )
                    result = SecondStepResult(device, left)
                else:
                    result = SecondStepResult(device)
                break
        if result is None:
            kind = "totp" if is_totp_code(code) else "recovery"
            record_event(
                person,
                PeopleAction.SECOND_STEP_FAILED,
                person,
                after={"kind": kind, "throttled": throttled},
            )
    if result is not None:
        return result
    if throttled:
        raise ValidationError(
            {"code": [_("Too many wrong codes. Wait a few seconds, then try again.")]},
            code="throttled",
        )
    raise ValidationError(
        {"code": [_("This code is not right. Enter the code from your app, or a recovery code.")]},
        code="wrong_code",
    )


def regenerate_recovery_codes(actor: Any, person: Person, password: str) -> list[str]:
    """New recovery codes (the old ones stop working), after the password is given again."""
    _require_self(actor, person)
    _check_password(person, password)
    with transaction.atomic():
        _lock(person)
        if not TOTPDevice.objects.filter(user=person, confirmed=True).exists():
            raise ValidationError(_("Two-factor sign-in is not on."))
        codes = _replace_recovery_codes(person)
        record_event(
            actor, PeopleAction.RECOVERY_CODES_REGENERATED, person, after={"count": len(codes)}
        )
    return codes


def disable_two_factor(actor: Any, person: Person, password: str) -> None:
    """Turn two-factor sign-in off (authenticator and recovery codes), after the password
    is given again. A person whose role requires it is sent to set it up again."""
    _require_self(actor, person)
    _check_password(person, password)
    with transaction.atomic():
        _lock(person)
        if not TOTPDevice.objects.filter(user=person, confirmed=True).exists():
            raise ValidationError(_("Two-factor sign-in is not on."))
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        record_event(actor, PeopleAction.TWO_FACTOR_DISABLED, person, before={"enabled": True})
