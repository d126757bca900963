"""Accounts: sign-up, log-in/out, passwords, lockout, Argon2, language, roles."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.people import services
from innobridge.people.models import Person

PASSWORD = "Tr1cky-horse-battery"
LANG = settings.LANGUAGE_COOKIE_NAME


def signup_data(**over: Any) -> dict[str, str]:
    data = {
        "username": "alice",
        "display_name": "陳愛麗",
        "email": "alice@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "preferred_language": "en",
        "role": "researcher",
    }
    data.update(over)
    return data


def logged_in_pk(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


# --- sign-up -----------------------------------------------------------------


def _confirm(client: Client) -> Any:
    """Follow the confirmation link of the last e-mail."""
    link = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return client.get(link.group(0))


def test_signup_creates_person_with_group_and_logs_in_after_confirming(
    client: Client, db: Any
) -> None:
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 200
    assert b'data-testid="verify-email-sent"' in response.content
    person = Person.objects.get(username="alice")
    assert person.display_name == "陳愛麗"
    assert not person.email_verified
    assert logged_in_pk(client) is None  # not before the address is confirmed
    assert list(person.groups.values_list("name", flat=True)) == ["researcher"]
    assert AuditEvent.objects.filter(action="people.person.signed_up", object_id=str(person.pk))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]
    response = _confirm(client)
    person.refresh_from_db()
    assert person.email_verified
    assert logged_in_pk(client) == str(person.pk)
    assert AuditEvent.objects.filter(
        action="people.person.email_verified", object_id=str(person.pk)
    )
    # researchers go on to create their profile (or to the account page until that exists)
    from django.urls import NoReverseMatch

    from innobridge.people.views import PROFILE_CREATION_URLS

    expected = []
    for name in PROFILE_CREATION_URLS:
        try:
            expected.append(reverse(name))
        except NoReverseMatch:
            continue
    assert response["Location"] == (expected or [reverse("account")])[0]


def test_unconfirmed_account_cannot_log_in_and_gets_a_new_link(client: Client, db: Any) -> None:
    client.post(reverse("signup"), signup_data())
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert logged_in_pk(client) is None
    assert "confirm your e-mail address" in response.content.decode()
    assert len(mail.outbox) == 2  # the sign-up link and a fresh one
    _confirm(client)
    client.logout()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert logged_in_pk(client) is not None


def test_confirmation_link_tampered_or_for_an_old_address_is_refused(
    client: Client, db: Any
) -> None:
    client.post(reverse("signup"), signup_data())
    link = re.search(r"/accounts/verify/\S+/", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    assert client.get(link[:-3] + "x/").status_code == 400
    Person.objects.filter(username="alice").update(email="other@example.org")
    assert client.get(link).status_code == 400
    assert not Person.objects.get(username="alice").email_verified


def test_accounts_made_by_an_administrator_or_the_demo_are_confirmed(make_person: Any) -> None:
    assert make_person("made").email_verified


def test_signup_enterprise_goes_home_to_link_their_company(client: Client, db: Any) -> None:
    """An enterprise user acts for no company yet: home leads them to ask
    (``tests/transfer/test_membership_requests.py``)."""
    client.post(reverse("signup"), signup_data(role="enterprise"))
    response = _confirm(client)
    assert response["Location"] == reverse("home")
    assert 'data-testid="panel-transfer-membership"' in client.get("/").content.decode()
    person = Person.objects.get(username="alice")
    assert list(person.groups.values_list("name", flat=True)) == ["enterprise"]


def test_signup_cannot_choose_an_administrator_role(client: Client, db: Any) -> None:
    response = client.post(reverse("signup"), signup_data(role="administrator"))
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "role" in response.context["form"].errors


def test_signup_duplicate_email_is_case_insensitive(client: Client, make_person: Any) -> None:
    make_person("bob", email="Alice@Example.org")
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert not Person.objects.filter(username="alice").exists()
    assert logged_in_pk(client) is None


def test_signup_duplicate_username(client: Client, make_person: Any) -> None:
    make_person("Alice")
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 200
    assert "already taken" in str(response.context["form"].errors["username"])


def test_signup_weak_password(client: Client, db: Any) -> None:
    response = client.post(reverse("signup"), signup_data(password1="12345", password2="12345"))
    assert response.status_code == 200
    errors = str(response.context["form"].errors["password1"])
    assert "too short" in errors and "too common" in errors
    assert not Person.objects.exists()
    assert b"too short" in response.content


def test_signup_password_mismatch(client: Client, db: Any) -> None:
    response = client.post(reverse("signup"), signup_data(password2=PASSWORD + "x"))
    assert response.status_code == 200
    assert "differ" in str(response.context["form"].errors["password2"])
    assert not Person.objects.exists()


def test_sign_up_service_validates_everything_first(make_person: Any) -> None:
    make_person("taken", email="taken@example.org")
    with pytest.raises(ValidationError) as info:
        services.sign_up(
            username="taken",
            email="TAKEN@example.org",
            password="short",
            role="reviewer",
            preferred_language="fr",
        )
    assert set(info.value.message_dict) == {
        "username",
        "email",
        "password",
        "role",
        "preferred_language",
    }
    assert Person.objects.count() == 1


# --- passwords ---------------------------------------------------------------


def test_argon2_is_the_hasher(client: Client, db: Any) -> None:
    client.post(reverse("signup"), signup_data())
    assert Person.objects.get(username="alice").password.startswith("argon2")


def test_login_and_logout(client: Client, make_person: Any) -> None:
    person = make_person("carol", password=PASSWORD)
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert reverse("password_reset").encode() in response.content  # "forgot password" link
    response = client.post(reverse("login"), {"username": "carol", "password": "wrong-one"})
    assert response.status_code == 200
    assert logged_in_pk(client) is None
    response = client.post(reverse("login"), {"username": "carol", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_pk(client) == str(person.pk)
    response = client.post(reverse("logout"))
    assert logged_in_pk(client) is None


def test_logged_out_page(client: Client, make_person: Any) -> None:
    client.force_login(make_person("dora"))
    response = client.post(reverse("logout") + "?next=")
    # LOGOUT_REDIRECT_URL sends people home; the page itself also renders
    assert response.status_code in (200, 302)
    from django.template.loader import render_to_string

    assert "logged out" in render_to_string("registration/logged_out.html")


def test_password_change(client: Client, make_person: Any) -> None:
    person = make_person("erin", password=PASSWORD)
    client.force_login(person)
    assert client.get(reverse("password_change")).status_code == 200
    new = "An0ther-long-passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200
    person.refresh_from_db()
    assert person.check_password(new)
    assert person.password.startswith("argon2")


def test_password_reset_flow(client: Client, make_person: Any) -> None:
    person = make_person("fay", password=PASSWORD)
    assert client.get(reverse("password_reset")).status_code == 200
    response = client.post(reverse("password_reset"), {"email": "FAY@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert client.get(reverse("password_reset_done")).status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fay@example.org"]
    assert "InnoBridge" in message.subject and "\n" not in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", str(message.body))
    assert link, message.body
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"]
    new = "Brand-new-passphrase-9"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response["Location"] == reverse("password_reset_complete")
    assert client.get(reverse("password_reset_complete")).status_code == 200
    person.refresh_from_db()
    assert person.check_password(new)
    # the link works once
    response = client.get(link.group(1), follow=True)
    assert not response.context["validlink"]
    assert b"invalid-link" in response.content


def test_password_reset_mail_in_preferred_language(
    client: Client, make_person: Any, monkeypatch: Any
) -> None:
    from django.contrib.auth import forms as auth_forms
    from django.utils import translation

    seen: list[str | None] = []
    original = auth_forms.PasswordResetForm.send_mail

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(translation.get_language())
        original(self, *args, **kwargs)

    monkeypatch.setattr(auth_forms.PasswordResetForm, "send_mail", spy)
    make_person("gia", preferred_language="zh-hant")
    client.cookies[LANG] = "en"
    client.post(reverse("password_reset"), {"email": "gia@example.org"})
    assert seen == ["zh-hant"]
    assert len(mail.outbox) == 1


def test_password_reset_unknown_email_sends_nothing(client: Client, db: Any) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


# --- lockout -----------------------------------------------------------------


def test_lockout_after_five_failures_blocks_even_the_right_password(
    client: Client, make_person: Any
) -> None:
    person = make_person("gus", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "gus", "password": "nope"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "gus", "password": "nope"})
    assert response.status_code == 429
    assert b"locked-out" in response.content
    assert b"15 minutes" in response.content
    response = client.post(reverse("login"), {"username": "gus", "password": PASSWORD})
    assert response.status_code == 429
    assert logged_in_pk(client) is None
    # another account from the same address is not affected
    other = make_person("hal", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "hal", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_pk(client) == str(other.pk)
    assert person.pk != other.pk


# --- language ----------------------------------------------------------------


def test_preferred_language_applied_after_login(client: Client, make_person: Any) -> None:
    make_person("ida", password=PASSWORD, preferred_language="zh-hans")
    response = client.post(reverse("login"), {"username": "ida", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[LANG].value == "zh-hans"
    response = client.get(reverse("account"))
    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"


def test_switcher_updates_preferred_language_when_logged_in(
    client: Client, make_person: Any
) -> None:
    person = make_person("jo")
    client.force_login(person)
    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[LANG].value == "zh-hant"
    person.refresh_from_db()
    assert person.preferred_language == "zh-hant"
    assert AuditEvent.objects.filter(action="people.person.language_set").count() == 1


def test_switcher_works_for_visitors(client: Client, db: Any) -> None:
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[LANG].value == "zh-hans"


def test_account_language_form(client: Client, make_person: Any) -> None:
    person = make_person("kim")
    client.force_login(person)
    response = client.post(
        reverse("account"), {"action": "language", "preferred_language": "zh-hans"}
    )
    assert response.status_code == 302
    assert response.cookies[LANG].value == "zh-hans"
    person.refresh_from_db()
    assert person.preferred_language == "zh-hans"
    response = client.post(reverse("account"), {"action": "language", "preferred_language": "xx"})
    assert response.status_code == 400


# --- account page and roles --------------------------------------------------


def test_account_page_shows_roles_translated(client: Client, make_person: Any) -> None:
    person = make_person("lee", roles=("researcher", "reviewer"), display_name="李雷")
    client.force_login(person)
    response = client.get(reverse("account"))
    assert response.status_code == 200
    assert "李雷" in response.content.decode()
    assert [r.value for r in response.context["roles"]] == ["researcher", "reviewer"]
    assert reverse("password_change") in response.content.decode()


def test_account_requires_login(client: Client, db: Any) -> None:
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_account_tokens_create_show_once_and_revoke(client: Client, make_person: Any) -> None:
    person = make_person("max")
    client.force_login(person)
    response = client.post(reverse("account"), {"action": "create_token", "name": "export"})
    assert response.status_code == 201
    key = response.context["new_key"]
    assert key.startswith("ib_") and key in response.content.decode()
    token = person.api_tokens.get()
    assert token.key_hash != key and token.matches(key)
    page = client.get(reverse("account")).content.decode()
    assert key not in page and token.prefix in page
    response = client.post(reverse("account"), {"action": "create_token", "name": " "})
    assert response.status_code == 400
    response = client.post(reverse("account"), {"action": "revoke_token", "token": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"people.api_token.created", "people.api_token.revoked"} <= actions


def test_cannot_revoke_someone_elses_token_from_the_page(client: Client, make_person: Any) -> None:
    owner, other = make_person("ned"), make_person("ola")
    token, _key = services.create_api_token(owner, "mine")
    client.force_login(other)
    response = client.post(reverse("account"), {"action": "revoke_token", "token": token.pk})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_assign_roles_only_by_administrator(make_person: Any) -> None:
    admin = make_person("root", roles=("administrator",))
    officer = make_person("po", roles=("programme_officer",))
    person = make_person("pat", roles=("researcher",))
    with pytest.raises(PermissionDenied):
        services.assign_roles(officer, person, ["reviewer"])
    with pytest.raises(PermissionDenied):
        services.assign_roles(person, person, ["administrator"])
    assert services.person_roles(person) == ["researcher"]
    assert services.assign_roles(admin, person, ["reviewer", "researcher"]) == [
        "researcher",
        "reviewer",
    ]
    event = AuditEvent.objects.get(action="people.person.roles_assigned")
    assert event.before == {"roles": ["researcher"]}
    assert event.after == {"roles": ["researcher", "reviewer"]}
    with pytest.raises(ValidationError):
        services.assign_roles(admin, person, ["wizard"])
    assert services.remove_role(admin, person, "researcher") == ["reviewer"]


def test_admin_action_grants_role_through_service(client: Client, make_person: Any) -> None:
    root = make_person("root", roles=("administrator",), is_staff=True, is_superuser=True)
    person = make_person("quin", roles=("researcher",))
    client.force_login(root)
    response = client.post(
        reverse("admin:people_person_changelist"),
        {"action": "grant_role_reviewer", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert services.person_roles(person) == ["researcher", "reviewer"]
    assert AuditEvent.objects.filter(
        action="people.person.roles_assigned", object_id=str(person.pk)
    ).exists()
    client.post(
        reverse("admin:people_person_changelist"),
        {"action": "remove_role_researcher", "_selected_action": [person.pk]},
    )
    assert services.person_roles(person) == ["reviewer"]


# --- every account page in every language ------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_pages_render_in_every_language(client: Client, make_person: Any, language: str) -> None:
    client.cookies[LANG] = language
    for name in [
        "signup",
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_complete",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert language == response.wsgi_request.LANGUAGE_CODE
    invalid = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert invalid.status_code == 200 and b"invalid-link" in invalid.content
    client.force_login(make_person("ray", roles=("researcher",), preferred_language=language))
    for name in ["account", "password_change", "password_change_done"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        html = render_to_string(
            "registration/locked_out.html",
            {"failure_limit": 5, "cooloff_timedelta": __import__("datetime").timedelta(minutes=15)},
        )
    assert "15" in html


def test_an_administrator_does_not_remove_their_own_administrator_role(
    make_person: Any,
) -> None:
    root = make_person("root", roles=("administrator",))
    other = make_person("alice", roles=("administrator",))
    with pytest.raises(ValidationError) as refused:
        services.remove_role(root, root, "administrator")
    assert refused.value.messages == [
        "You cannot remove your own administrator role: another administrator can."
    ]
    assert services.person_roles(root) == ["administrator"]
    assert services.assign_roles(root, root, ["administrator", "reviewer"])  # other roles: yes
    assert services.remove_role(other, root, "administrator") == ["reviewer"]


def test_a_role_action_refused_for_one_person_changes_nobody(
    client: Client, make_person: Any
) -> None:
    """The admin's role actions are all or nothing: a refusal for one person (here the
    acting administrator's own role) rolls back the people already changed, and the
    message names the person refused."""
    root = make_person("root", roles=("administrator",), is_staff=True, is_superuser=True)
    alice = make_person("alice", roles=("administrator",))
    client.force_login(root)
    changelist = reverse("admin:people_person_changelist")
    events = AuditEvent.objects.count()
    response = client.post(
        changelist,
        {"action": "remove_role_administrator", "_selected_action": [alice.pk, root.pk]},
    )
    assert response.status_code == 302
    assert services.person_roles(alice) == ["administrator"]  # alice came first: rolled back
    assert services.person_roles(root) == ["administrator"]
    assert AuditEvent.objects.count() == events
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        "root: You cannot remove your own administrator role: another administrator can."
    ]
    response = client.post(
        changelist,
        {"action": "remove_role_administrator", "_selected_action": [alice.pk]},
    )
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[-1] == "Administrator: 1 people updated."
    assert services.person_roles(alice) == []
