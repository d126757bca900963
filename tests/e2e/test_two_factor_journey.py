"""Two-factor sign-in in the browser: a programme officer (a role that requires it) logs
in with the password, is sent to the set-up page, scans — here: reads — the key, confirms
with a code from an authenticator (computed from the key shown on the page), saves the
recovery codes, logs out, logs in with password and code, and once more with a recovery
code. No Content-Security-Policy violation on the way (the QR code is an SVG image drawn
by the server)."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from django_otp.oath import TOTP

from tests.e2e.test_content_security_policy import _watch

PASSWORD = "a-Strong-passw0rd!"


def _code(secret: str, offset_steps: int = 0) -> str:
    """What an authenticator app that scanned ``secret`` shows (``offset_steps`` ahead)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + offset_steps * 30
    return f"{totp.token():06d}"


def _password_step(page: Any, live_url: Any) -> None:
    page.goto(live_url("login"))
    form = page.locator('[data-testid="login-form"]')
    form.locator('input[name="username"]').fill("otp-officer")
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def _log_out(page: Any) -> None:
    page.locator("details.dropdown summary").last.click()
    with page.expect_navigation():
        page.locator('[data-testid="logout"]').click()


@pytest.fixture
def officer(transactional_db: Any, settings: Any) -> Any:
    from django.contrib.auth.models import Group

    from innobridge.core.permissions import Role
    from innobridge.people.models import Person

    settings.INNOBRIDGE_2FA_REQUIRED_ROLES = None  # the product's default, not the demo's
    settings.INNOBRIDGE_DEMO = False
    person = Person.objects.create_user(
        "otp-officer", email="otp-officer@example.org", password=PASSWORD
    )
    person.groups.add(Group.objects.get(name=Role.PROGRAMME_OFFICER))
    return person


def test_officer_turns_on_two_factor_and_logs_in_with_code_and_recovery_code(
    page: Any, live_url: Any, officer: Any
) -> None:
    violations = _watch(page)

    # The password alone is not enough for an officer: the set-up page comes first.
    _password_step(page, live_url)
    page.goto(live_url("funding:home"))
    assert "/accounts/two-factor/" in page.url
    setup = page.locator('[data-testid="two-factor-setup"]')
    assert (
        setup.locator('img[data-testid="totp-qr"]')
        .get_attribute("src")
        .startswith("data:image/svg+xml")
    )
    secret = setup.locator('[data-testid="totp-secret"]').inner_text()

    form = page.locator('[data-testid="confirm-form"]')
    form.locator('input[name="code"]').fill(_code(secret))
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    codes = page.locator('[data-testid="recovery-code-list"] code').all_inner_texts()
    assert len(codes) == 10
    with page.expect_navigation():
        page.locator('[data-testid="recovery-codes-done"]').click()
    assert page.url.endswith("/funding/")

    # Log out; log in again: password, then the code from the app.
    _log_out(page)
    _password_step(page, live_url)
    assert page.url.endswith("/accounts/two-factor/verify/")
    form = page.locator('[data-testid="two-factor-form"]')
    form.locator('input[name="code"]').fill(_code(secret, 1))
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    page.goto(live_url("account"))
    assert page.url.endswith("/accounts/")
    assert "otp-officer" in page.locator('[data-testid="account-details"]').inner_text()

    # And with a recovery code instead of the phone: it works once.
    _log_out(page)
    _password_step(page, live_url)
    form = page.locator('[data-testid="two-factor-form"]')
    form.locator('input[name="code"]').fill(codes[0])
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    assert "9 are left" in page.content()
    page.goto(live_url("two_factor_setup"))
    assert "9 recovery codes left" in page.locator('[data-testid="codes-left"]').inner_text()

    _log_out(page)
    _password_step(page, live_url)
    form = page.locator('[data-testid="two-factor-form"]')
    form.locator('input[name="code"]').fill(codes[0])
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    assert page.url.endswith("/accounts/two-factor/verify/")
    assert "not right" in page.content()
    assert violations == []
