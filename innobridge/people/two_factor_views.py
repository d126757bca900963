"""Pages of two-factor sign-in: the log-in's second step, and the set-up page (turn on
with a QR code, new recovery codes, turn off).

The log-in form (``views.LoginView``) does not log in a person who has two-factor sign-in
on: it remembers them in the session for five minutes (``PENDING_KEY``) and sends them
here; only a right code logs them in. Every wrong code counts as a failed log-in for
django-axes, so guessing ends in the same lock-out as a guessed password.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from innobridge.core import authbackend
from innobridge.core.forms import ActionForm, NextForm, apply_service_errors

from . import selectors, services
from .forms import PasswordCheckForm, TwoFactorCodeForm

PENDING_KEY = "innobridge_2fa_pending"
PENDING_SECONDS = 300


def start_second_step(request: HttpRequest, user: Any, next_url: str) -> HttpResponse:
    """After a right password: remember who is logging in, and ask for the code."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", authbackend.BACKEND),
        "next": next_url,
        "at": time.time(),
    }
    return redirect("two_factor_verify")


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None
    return user, pending


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app or a recovery code."""
    pending = _pending_user(request)
    if pending is not None:
        user, data = pending
        next_url = data.get("next") or ""
    elif request.user.is_authenticated and not selectors.session_verified(request.user):
        if not selectors.has_two_factor(request.user):
            return redirect("home")
        user, data = request.user, {}
        next_url = request.GET.get("next") or NextForm(request.POST).posted() or ""
    else:
        return redirect("login")

    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return get_lockout_response(request, None, credentials)

    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.verify_second_step(user, form.cleaned_data["code"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if not AxesProxyHandler.is_allowed(request, credentials):
                request.session.pop(PENDING_KEY, None)
                return get_lockout_response(request, None, credentials)
        else:
            user.otp_device = result.device
            if pending is not None:
                request.session.pop(PENDING_KEY, None)
                # django-otp's user_logged_in receiver puts the device in the session.
                auth_login(request, user, backend=data["backend"])
            else:
                request.session.cycle_key()
                otp_login(request, result.device)
            if result.recovery_codes_left is not None:
                messages.warning(
                    request,
                    _(
                        "You logged in with a recovery code; %(n)d are left. Make new ones "
                        "on your two-factor page if you are running out."
                    )
                    % {"n": result.recovery_codes_left},
                )
            from .views import _apply_language

            response = redirect(_safe_next(request, next_url))
            return _apply_language(response, user.preferred_language)
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": next_url, "pending_user": user},
        status=400 if form.errors else 200,
    )


def _qr_data_uri(config_url: str) -> str:
    """The authenticator's set-up address as an SVG QR code in a data: URI (drawn on the
    server, shown as an <img>: nothing inline for the CSP, nothing fetched)."""
    return str(segno.make(config_url, error="m").svg_data_uri(scale=5, border=2))


def _secret_groups(device: Any) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _codes_page(request: HttpRequest, codes: list[str], *, status: int = 200) -> HttpResponse:
    """The recovery codes, this once (not cached anywhere)."""
    posted = NextForm(request.POST).posted()
    next_url = _safe_next(request, posted) if posted else ""
    response = render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": next_url},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on (QR code, confirm with a code), make new recovery codes,
    or turn it off (both with the password again)."""
    person: Any = request.user
    enabled = selectors.has_two_factor(person)
    if enabled and not selectors.session_verified(person):
        return redirect(reverse("two_factor_verify") + "?next=" + reverse("two_factor_setup"))
    code_form = TwoFactorCodeForm()
    regenerate_form = PasswordCheckForm(prefix="regenerate")
    disable_form = PasswordCheckForm(prefix="disable")
    status = 200
    if request.method == "POST":
        action = ActionForm(request.POST, choices=("confirm", "regenerate", "disable")).chosen()
        if action == "confirm" and not enabled:
            code_form = TwoFactorCodeForm(request.POST)
            if code_form.is_valid():
                try:
                    device, codes = services.confirm_totp_device(
                        person, person, code_form.cleaned_data["code"]
                    )
                except ValidationError as exc:
                    apply_service_errors(code_form, exc)
                else:
                    # The person just proved they hold the device: this session is verified.
                    person.otp_device = device
                    request.session.cycle_key()
                    otp_login(request, device)
                    messages.success(request, _("Two-factor sign-in is on."))
                    return _codes_page(request, codes, status=201)
        elif action == "regenerate" and enabled:
            regenerate_form = PasswordCheckForm(request.POST, prefix="regenerate")
            if regenerate_form.is_valid():
                try:
                    codes = services.regenerate_recovery_codes(
                        person, person, regenerate_form.cleaned_data["password"]
                    )
                except ValidationError as exc:
                    apply_service_errors(regenerate_form, exc)
                else:
                    return _codes_page(request, codes, status=201)
        elif action == "disable" and enabled:
            disable_form = PasswordCheckForm(request.POST, prefix="disable")
            if disable_form.is_valid():
                try:
                    services.disable_two_factor(
                        person, person, disable_form.cleaned_data["password"]
                    )
                except ValidationError as exc:
                    apply_service_errors(disable_form, exc)
                else:
                    messages.success(request, _("Two-factor sign-in is off."))
                    return redirect("two_factor_setup")
        else:
            messages.error(request, _("That action is not available now."))
            return redirect("two_factor_setup")
        status = 400
    context: dict[str, Any] = {
        "enabled": enabled,
        "required": selectors.two_factor_required(person),
        "code_form": code_form,
        "regenerate_form": regenerate_form,
        "disable_form": disable_form,
        "next": request.GET.get("next", ""),
    }
    if enabled:
        context["codes_left"] = selectors.recovery_codes_left(person)
    else:
        device = services.start_totp_setup(person, person)
        context["qr"] = _qr_data_uri(device.config_url)
        context["secret"] = _secret_groups(device)
    response = render(request, "registration/two_factor_setup.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
