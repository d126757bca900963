"""``request.user`` after the middleware: the person (or the anonymous user) itself, not
Django's and django-otp's lazy proxies, with django-otp's attributes on it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from django.utils.functional import LazyObject

from innobridge.people.middleware import unwrapped
from innobridge.people.models import Person

pytestmark = pytest.mark.django_db

seen: list[Any] = []


def look(request: HttpRequest) -> HttpResponse:
    seen.append(request.user)
    return HttpResponse("ok")


urlpatterns = [path("look/", look)]


@pytest.mark.urls("tests.people.test_request_user")
def test_a_view_gets_the_person_and_an_anonymous_visitor_itself() -> None:
    person = Person.objects.create_user("looker", "looker@example.org", "a-Strong-passw0rd!")
    client = Client()
    client.force_login(person)
    seen.clear()
    assert client.get("/look/").status_code == 200
    user = seen[-1]
    assert not isinstance(user, LazyObject)
    assert user.pk == person.pk
    assert user.is_verified() is False and user.otp_device is None  # django-otp's, kept

    client.logout()
    assert Client().get("/look/").status_code == 200
    assert isinstance(seen[-1], AnonymousUser)


def test_unwrapped_evaluates_nested_proxies_once() -> None:
    from django.utils.functional import SimpleLazyObject

    made: list[int] = []

    def make() -> str:
        made.append(1)
        return "the person"

    inner = SimpleLazyObject(make)
    outer = SimpleLazyObject(lambda: inner)
    assert unwrapped(outer) == "the person" and type(unwrapped(outer)) is str
    assert made == [1]
    assert unwrapped("already plain") == "already plain"
