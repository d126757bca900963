"""One account per e-mail address and per user name, whatever their case, even when
sign-ups race: the database's case-insensitive unique constraints decide, the losers get
the form's clear error, and a password reset then sends exactly one e-mail."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from innobridge.people import services
from innobridge.people.models import Person
from innobridge.people.services import accounts

PASSWORD = "a-Strong-passw0rd!"


def _sign_up(username: str, email: str) -> Person:
    return services.sign_up(username=username, email=email, password=PASSWORD)


@pytest.mark.django_db
def test_database_refuses_same_email_in_other_case() -> None:
    Person.objects.create_user(username="ann", email="Ann@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create_user(username="ann2", email="ann@example.ORG")


@pytest.mark.django_db
def test_database_refuses_same_username_in_other_case() -> None:
    Person.objects.create_user(username="Ann", email="a@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create_user(username="aNN", email="b@example.org")


@pytest.mark.django_db
def test_accounts_without_email_may_coexist() -> None:
    Person.objects.create_user(username="one", email="")
    Person.objects.create_user(username="two", email="")
    assert Person.objects.filter(email="").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "first, second, field",
    [
        (("ann", "ann@example.org"), ("bob", "ANN@example.org"), "email"),
        (("Ann", "a@example.org"), ("aNN", "b@example.org"), "username"),
    ],
)
def test_a_lost_race_is_a_clear_field_error(
    monkeypatch: Any, first: tuple[str, str], second: tuple[str, str], field: str
) -> None:
    """The early checks pass for both (as when two requests run at once); the insert of
    the second is refused by the database and reported on the right field."""
    monkeypatch.setattr(accounts, "is_taken", lambda field, value: False)
    _sign_up(*first)
    with pytest.raises(ValidationError) as caught:
        _sign_up(*second)
    assert field in caught.value.message_dict
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_signup_form_reports_case_insensitive_duplicates(client: Any) -> None:
    Person.objects.create_user(username="Carol", email="carol@example.org")
    response = client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "email": "CAROL@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "researcher",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "username" in errors and "email" in errors
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_password_reset_sends_one_email(client: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Person.objects.create_user(username="dora", email="Dora@example.org", password=PASSWORD)
    client.post("/accounts/password/reset/", {"email": "dora@EXAMPLE.org"})
    assert len(mail.outbox) == 1


def _race(calls: list[tuple[str, str]]) -> tuple[int, list[str]]:
    barrier = threading.Barrier(len(calls))
    won: list[int] = []
    lost: list[str] = []
    lock = threading.Lock()

    def run(username: str, email: str) -> None:
        try:
            barrier.wait()
            person = _sign_up(username, email)
            with lock:
                won.append(person.pk)
        except ValidationError as exc:
            with lock:
                lost.extend(exc.messages)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(won), lost


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads race on PostgreSQL")
def test_ten_simultaneous_signups_same_email_make_one_account() -> None:
    won, lost = _race([(f"racer{i}", "Race@Example.org") for i in range(10)])
    assert won == 1
    assert len(lost) == 9
    assert Person.objects.filter(email__iexact="race@example.org").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads race on PostgreSQL")
def test_eight_simultaneous_usernames_differing_in_case_make_one_account() -> None:
    names = ["casey", "Casey", "CASEY", "cAsey", "caSey", "casEy", "caseY", "CaSeY"]
    won, lost = _race([(name, f"{i}@example.org") for i, name in enumerate(names)])
    assert won == 1
    assert len(lost) == 7
    assert Person.objects.filter(username__iexact="casey").count() == 1


@pytest.mark.django_db(transaction=True)
def test_migration_lists_existing_duplicates_and_changes_nothing() -> None:
    from django.db.migrations.executor import MigrationExecutor

    before = [("people", "0002_role_groups")]
    after = [("people", "0003_person_case_insensitive_unique")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("people", "Person")
        old.objects.create(username="Eve", email="eve@example.org", password="!")
        old.objects.create(username="eve", email="EVE@example.org", password="!")
        executor = MigrationExecutor(connection)
        with pytest.raises(RuntimeError) as caught:
            executor.migrate(after)
        message = str(caught.value)
        assert "username 'eve' (2 accounts)" in message
        assert "email 'eve@example.org' (2 accounts)" in message
        assert old.objects.count() == 2
        old.objects.filter(username="eve").update(username="eve2", email="eve2@example.org")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads race on PostgreSQL")
def test_at_most_n_active_tokens_holds_under_concurrency(monkeypatch: Any) -> None:
    """ "At most MAX_ACTIVE_TOKENS active tokens" counts other rows: with one slot left,
    eight simultaneous creations give exactly one token."""
    from innobridge.people.models import ApiToken
    from innobridge.people.services.tokens import MAX_ACTIVE_TOKENS

    person = Person.objects.create_user(username="tok", email="tok@example.org")
    for i in range(MAX_ACTIVE_TOKENS - 1):
        services.create_api_token(person, f"t{i}")
    # widen the window between the count and the insert, as a busy server would
    import time

    new_key = ApiToken.new_key
    monkeypatch.setattr(ApiToken, "new_key", staticmethod(lambda: (time.sleep(0.3), new_key())[1]))
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            services.create_api_token(Person.objects.get(pk=person.pk), f"race{i}")
            result = "won"
        except ValidationError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1, outcomes
    assert ApiToken.objects.filter(person=person, revoked_at__isnull=True).count() == (
        MAX_ACTIVE_TOKENS
    )
