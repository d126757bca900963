"""Fixtures shared by the whole test suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def make_person(db: Any) -> Callable[..., Any]:
    """Create an account holding the given roles (group names)."""
    from django.contrib.auth.models import Group

    from innobridge.people.models import Person

    counter = {"n": 0}

    def make(username: str | None = None, roles: tuple[str, ...] = (), **extra: Any) -> Any:
        counter["n"] += 1
        username = username or f"person{counter['n']}"
        password = extra.pop("password", "a-Strong-passw0rd!")
        person = Person.objects.create_user(
            username=username, email=f"{username}@example.org", password=password, **extra
        )
        for role in roles:
            person.groups.add(Group.objects.get(name=role))
        return person

    return make
