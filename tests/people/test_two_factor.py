"""Two-factor sign-in: set-up with a QR code, the log-in's second step, recovery codes,
turning it off, throttling and lock-out, and the roles that must use it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from innobridge.core.models import AuditEvent
from innobridge.core.permissions import Role
from innobridge.people import selectors, services
from innobridge.people.audit import PeopleAction

PASSWORD = "a-Strong-passw0rd!"

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The authenticator app's code now (or ``offset_steps`` steps ahead)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def enable(person: Any) -> tuple[TOTPDevice, list[str]]:
    device = services.start_totp_setup(person, person)
    return services.confirm_totp_device(person, person, code_for(device))


def login_password(client: Client, username: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_setup_page_shows_a_qr_code_and_turns_on_only_with_a_right_code(
    client: Client, make_person: Any
) -> None:
    person = make_person("tina")
    client.force_login(person)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # drawn on the server, no inline script
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    device = TOTPDevice.objects.get(user=person)
    assert device.confirmed is False
    assert not selectors.has_two_factor(person)

    wrong = client.post(reverse("two_factor_setup"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert "This code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    device.throttling_failure_count = 0
    device.save()

    done = client.post(reverse("two_factor_setup"), {"action": "confirm", "code": code_for(device)})
    assert done.status_code == 201
    assert done["Cache-Control"] == "no-store"
    codes = done.context["codes"]
    assert len(codes) == services.RECOVERY_CODE_COUNT == len(set(codes))
    for code in codes:
        assert code in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed is True
    assert selectors.has_two_factor(person)
    # Recovery codes are stored as keyed hashes, never as the codes.
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    assert AuditEvent.objects.filter(
        action=PeopleAction.TWO_FACTOR_ENABLED, object_id=str(person.pk)
    ).exists()
    # This session just proved it holds the device: it is verified.
    assert client.get(reverse("account")).status_code == 200


def test_log_in_asks_for_the_code_after_the_password(client: Client, make_person: Any) -> None:
    person = make_person("olga", roles=(Role.PROGRAMME_OFFICER,))
    device, _codes = enable(person)

    response = login_password(client, "olga")
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_verify")
    # Not logged in yet: pages and the API see an anonymous visitor.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("account")).status_code == 302
    assert client.get("/api/tokens").status_code == 401

    page = client.get(reverse("two_factor_verify"))
    assert page.status_code == 200 and "olga" in page.content.decode()

    response = client.post(reverse("two_factor_verify"), {"code": code_for(device, 1)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.get(reverse("account")).status_code == 200


def test_a_code_is_refused_twice_and_a_wrong_code_is_audited(
    client: Client, make_person: Any, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    person = make_person("rita")
    device, _codes = enable(person)
    used = code_for(device, 1)
    login_password(client, "rita")
    assert client.post(reverse("two_factor_verify"), {"code": used}).status_code == 302

    other = Client()
    login_password(other, "rita")
    replay = other.post(reverse("two_factor_verify"), {"code": used})
    assert replay.status_code == 400
    assert "_auth_user_id" not in other.session
    assert AuditEvent.objects.filter(
        action=PeopleAction.SECOND_STEP_FAILED, object_id=str(person.pk)
    ).exists()


def test_recovery_code_logs_in_once(client: Client, make_person: Any) -> None:
    person = make_person("ruth")
    _device, codes = enable(person)

    login_password(client, "ruth")
    response = client.post(reverse("two_factor_verify"), {"code": codes[3].upper()}, follow=True)
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(person.pk)
    assert "9 are left" in response.content.decode()
    assert selectors.recovery_codes_left(person) == 9
    event = AuditEvent.objects.get(action=PeopleAction.RECOVERY_CODE_USED)
    assert event.after == {"left": 9}

    again = Client()
    login_password(again, "ruth")
    refused = again.post(reverse("two_factor_verify"), {"code": codes[3]})
    assert refused.status_code == 400
    assert "_auth_user_id" not in again.session


def test_wrong_codes_are_throttled_then_locked_out(
    client: Client, make_person: Any, settings: Any
) -> None:
    # django-otp's throttle: after a wrong code the device refuses even a right one for
    # a while (factor 60: a minute, so the test does not depend on timing).
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    person = make_person("tom")
    device, _codes = enable(person)
    login_password(client, "tom")
    assert client.post(reverse("two_factor_verify"), {"code": "123456"}).status_code == 400
    throttled = client.post(reverse("two_factor_verify"), {"code": code_for(device, 1)})
    assert throttled.status_code == 400
    assert "Too many wrong codes" in throttled.content.decode()
    assert "_auth_user_id" not in client.session


def test_guessing_codes_ends_in_the_axes_lock_out(
    client: Client, make_person: Any, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    person = make_person("gus")
    device, _codes = enable(person)
    login_password(client, "gus")
    statuses = [
        client.post(reverse("two_factor_verify"), {"code": f"{n:06d}"}).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {400}
    # The pending log-in is gone, and the password step is locked too.
    assert client.post(reverse("two_factor_verify"), {"code": code_for(device, 1)})[
        "Location"
    ] == reverse("login")
    assert login_password(client, "gus").status_code == 429
    assert AuditEvent.objects.filter(action=PeopleAction.SECOND_STEP_FAILED).count() == 5


def test_new_recovery_codes_and_turning_off_need_the_password(
    client: Client, make_person: Any
) -> None:
    person = make_person("vera")
    device, old_codes = enable(person)
    login_password(client, "vera")
    client.post(reverse("two_factor_verify"), {"code": code_for(device, 1)})
    url = reverse("two_factor_setup")
    page = client.get(url)
    assert page.status_code == 200 and "10 recovery codes left" in page.content.decode()

    wrong = client.post(url, {"action": "regenerate", "regenerate-password": "nope"})
    assert wrong.status_code == 400 and "The password is not correct" in wrong.content.decode()
    new = client.post(url, {"action": "regenerate", "regenerate-password": PASSWORD})
    assert new.status_code == 201
    new_codes = new.context["codes"]
    assert set(new_codes).isdisjoint(old_codes)
    assert AuditEvent.objects.filter(action=PeopleAction.RECOVERY_CODES_REGENERATED).exists()
    with pytest.raises(Exception, match="not right"):
        services.verify_second_step(person, old_codes[0])

    wrong = client.post(url, {"action": "disable", "disable-password": "nope"})
    assert wrong.status_code == 400
    assert selectors.has_two_factor(person)
    off = client.post(url, {"action": "disable", "disable-password": PASSWORD})
    assert off.status_code == 302
    assert not selectors.has_two_factor(person)
    assert not StaticToken.objects.filter(device__user=person).exists()
    assert AuditEvent.objects.filter(action=PeopleAction.TWO_FACTOR_DISABLED).exists()
    # Logging in is by password alone again.
    fresh = Client()
    assert login_password(fresh, "vera")["Location"] == reverse("home")


def test_only_the_holder_changes_their_two_factor(make_person: Any) -> None:
    from django.core.exceptions import PermissionDenied

    owner = make_person("owner")
    admin = make_person("admin", roles=(Role.ADMINISTRATOR,))
    with pytest.raises(PermissionDenied):
        services.start_totp_setup(admin, owner)
    enable(owner)
    with pytest.raises(PermissionDenied):
        services.disable_two_factor(admin, owner, PASSWORD)


def test_a_session_without_the_second_step_reaches_only_the_second_step(
    client: Client, make_person: Any
) -> None:
    """E.g. a log-in through the Django admin's own form: password only."""
    person = make_person("sam", is_staff=True)
    device, _codes = enable(person)
    client.force_login(person)
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # Turning it off with the password alone is not possible from such a session.
    setup = client.post(
        reverse("two_factor_setup"), {"action": "disable", "disable-password": PASSWORD}
    )
    assert setup.status_code == 302 and selectors.has_two_factor(person)
    api = client.get("/api/tokens")
    assert api.status_code == 403 and "second log-in step" in api.json()["detail"]
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device, 1), "next": reverse("account")}
    )
    assert response["Location"] == reverse("account")
    assert client.get(reverse("account")).status_code == 200


@pytest.mark.parametrize("role", [Role.PROGRAMME_OFFICER, Role.REVIEWER, Role.ADMINISTRATOR])
def test_required_roles_are_sent_to_set_up(
    client: Client, make_person: Any, settings: Any, role: str
) -> None:
    settings.INNOBRIDGE_2FA_REQUIRED_ROLES = None  # the default: not the demo
    settings.INNOBRIDGE_DEMO = False
    person = make_person("needs", roles=(role,))
    researcher = make_person("free", roles=(Role.RESEARCHER,))
    assert selectors.two_factor_required(person)
    assert not selectors.two_factor_required(researcher)

    client.force_login(person)
    response = client.get(reverse("funding:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    assert client.get("/api/tokens").status_code == 403
    assert client.get(reverse("two_factor_setup")).status_code == 200

    device = TOTPDevice.objects.get(user=person)
    done = client.post(
        reverse("two_factor_setup"),
        {"action": "confirm", "code": code_for(device), "next": reverse("funding:home")},
    )
    assert done.status_code == 201 and done.context["next"] == reverse("funding:home")
    assert client.get(reverse("funding:home")).status_code == 200

    other = Client()
    other.force_login(researcher)
    assert other.get(reverse("funding:home")).status_code == 200


def test_staff_and_the_setting(make_person: Any, settings: Any) -> None:
    staff = make_person("staffer", is_staff=True)
    officer = make_person("officer", roles=(Role.PROGRAMME_OFFICER,))
    settings.INNOBRIDGE_DEMO = False
    settings.INNOBRIDGE_2FA_REQUIRED_ROLES = None
    assert selectors.two_factor_required(staff)
    settings.INNOBRIDGE_DEMO = True  # the demo's accounts have published passwords
    assert not selectors.two_factor_required(officer)
    settings.INNOBRIDGE_2FA_REQUIRED_ROLES = ["programme_officer"]
    assert selectors.two_factor_required(officer)
    assert not selectors.two_factor_required(staff)
    settings.INNOBRIDGE_2FA_REQUIRED_ROLES = []
    assert not selectors.two_factor_required(officer)


def test_api_tokens_keep_working_without_the_second_step(
    client: Client, make_person: Any, settings: Any
) -> None:
    """A personal API token is a separate credential, made from a verified session."""
    settings.INNOBRIDGE_2FA_REQUIRED_ROLES = None
    settings.INNOBRIDGE_DEMO = False
    person = make_person("api", roles=(Role.PROGRAMME_OFFICER,))
    enable(person)
    _token, key = services.create_api_token(person, "script")
    response = client.get("/api/tokens", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_pending_log_in_expires(client: Client, make_person: Any, monkeypatch: Any) -> None:
    from innobridge.people import two_factor_views

    person = make_person("late")
    device, _codes = enable(person)
    login_password(client, "late")
    session = client.session
    session[two_factor_views.PENDING_KEY]["at"] -= two_factor_views.PENDING_SECONDS + 1
    session.save()
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device, 1)})
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_next_is_kept_and_foreign_hosts_refused(client: Client, make_person: Any) -> None:
    person = make_person("nina")
    device, _codes = enable(person)
    client.post(
        reverse("login"),
        {"username": "nina", "password": PASSWORD, "next": reverse("account")},
    )
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device, 1)})
    assert response["Location"] == reverse("account")

    evil = Client()
    evil.force_login(person)
    response = evil.post(
        reverse("two_factor_verify"),
        {"code": code_for(device, 2), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_shared_demo_accounts_cannot_turn_it_on_in_the_demo(
    client: Client, make_person: Any, settings: Any
) -> None:
    settings.INNOBRIDGE_DEMO = True
    person = make_person("demo-officer", roles=(Role.PROGRAMME_OFFICER,), is_demo=True)
    client.force_login(person)
    assert client.get(reverse("two_factor_setup")).status_code == 403
    assert not TOTPDevice.objects.filter(user=person).exists()
    # Nobody is required to use it in the demo, so the account works by password.
    assert client.get(reverse("funding:home")).status_code == 200
    # Its account page says so instead of linking to a page that refuses it.
    page = client.get(reverse("account")).content.decode()
    assert 'data-testid="two-factor-link"' not in page
    assert 'data-testid="two-factor-unavailable"' in page
    # An account someone signed up for in the demo can try it.
    own = make_person("visitor")
    client.force_login(own)
    page = client.get(reverse("account")).content.decode()
    assert 'data-testid="two-factor-link"' in page
    assert 'data-testid="two-factor-unavailable"' not in page
    assert client.get(reverse("two_factor_setup")).status_code == 200
