"""The signed-in person's account row, kept per server process under a version in the
shared cache (core/authbackend.py): read once, not on every request; read again after
any save of the person (password, deactivation, name) in this or another process."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from innobridge.core import authbackend, caching
from innobridge.people.models import Person

pytestmark = pytest.mark.django_db


def user_of(client: Client, url: str = "/healthz") -> Any:
    """The ``request.user`` the view saw."""
    return client.get(url).wsgi_request.user


def account_reads(client: Client, url: str = "/healthz") -> int:
    """How many times the request read the people_person table by primary key."""
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return sum(
        1
        for q in ctx.captured_queries
        if 'FROM "people_person"' in q["sql"] and 'WHERE "people_person"."id" =' in q["sql"]
    )


@pytest.fixture
def signed_in(make_person: Any) -> tuple[Person, Client]:
    authbackend.forget_all()
    person = make_person("ada")
    client = Client()
    client.force_login(person)  # the first backend with get_user: this one
    assert client.session["_auth_user_backend"] == authbackend.BACKEND
    return person, client


def test_the_backend_is_the_one_sessions_name() -> None:
    assert authbackend.BACKEND in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS


def test_the_row_is_read_once_then_kept(signed_in: tuple[Person, Client]) -> None:
    person, client = signed_in
    assert account_reads(client) == 1
    assert account_reads(client) == 0
    assert account_reads(client, "/people/notices/") == 0
    assert user_of(client, "/people/notices/").pk == person.pk


def test_each_request_gets_its_own_instance(signed_in: tuple[Person, Client]) -> None:
    _person, client = signed_in
    first = user_of(client)
    second = user_of(client)
    assert first.pk == second.pk and first is not second
    first.display_name = "changed on one request's object"
    assert user_of(client).display_name != first.display_name


def test_a_password_change_ends_other_sessions_at_once(signed_in: tuple[Person, Client]) -> None:
    person, client = signed_in
    client.get("/healthz")  # kept
    person.set_password("another-Strong-passw0rd!")
    person.save()
    assert user_of(client).is_authenticated is False


def test_a_deactivation_shows_at_the_next_request(signed_in: tuple[Person, Client]) -> None:
    person, client = signed_in
    assert user_of(client).is_authenticated
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert user_of(client).is_authenticated is False


def test_a_saved_name_shows_at_the_next_request(signed_in: tuple[Person, Client]) -> None:
    person, client = signed_in
    client.get("/healthz")
    person.display_name = "Ada Lovelace"
    person.save()
    assert account_reads(client) == 1
    assert user_of(client).display_name == "Ada Lovelace"


def test_another_process_change_is_seen_through_the_version(
    signed_in: tuple[Person, Client],
) -> None:
    """Another process saved the person: its receiver forgot the version in the shared
    cache, which is all this process sees of it."""
    person, client = signed_in
    client.get("/healthz")
    Person.objects.filter(pk=person.pk).update(display_name="Changed elsewhere")  # no signal
    assert user_of(client).display_name != "Changed elsewhere"
    caching.forget_person_facts(person.pk)  # what the other process's receiver did
    assert user_of(client).display_name == "Changed elsewhere"


def test_a_deleted_account_is_signed_out(signed_in: tuple[Person, Client]) -> None:
    person, client = signed_in
    client.get("/healthz")
    person.delete()
    assert user_of(client).is_authenticated is False
