"""An administrator (the role, not only a superuser account) acts as any programme's
officer: the officer's transitions, the officer's pages and what officers see."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.core.permissions import Role
from innobridge.exchange import services
from innobridge.exchange.models import ApplicationState
from innobridge.exchange.permissions import can_manage_programme, can_view_application
from tests.pages import client_as

from .conftest import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(make_person: Any) -> Any:
    person = make_person("plainadmin", roles=(Role.ADMINISTRATOR,))
    assert not person.is_superuser
    return person


def test_an_administrator_shortlists_as_the_officer_would(world: Any, administrator: Any) -> None:
    world.programme.nomination_required = False
    world.programme.save(update_fields=["nomination_required"])
    app = submitted(world)
    services.shortlist(administrator, app, yes=True)
    app.refresh_from_db()
    assert app.state == ApplicationState.SHORTLISTED


def test_an_administrator_sees_the_officer_pages(world: Any, administrator: Any) -> None:
    app = submitted(world)
    assert can_manage_programme(administrator, world.programme)
    assert can_view_application(administrator, app)
    client = client_as(administrator, "en")
    assert client.get(f"/exchange/programmes/{world.programme.pk}/manage/").status_code == 200
    assert client.get(f"/exchange/applications/{app.pk}/").status_code == 200


def test_other_roles_still_are_not_officers(world: Any) -> None:
    """The change is the administrator's only: a researcher outside the programme's
    officers is still refused."""
    assert not can_manage_programme(world.outsider, world.programme)
    client = client_as(world.outsider, "en")
    assert client.get(f"/exchange/programmes/{world.programme.pk}/manage/").status_code == 403
