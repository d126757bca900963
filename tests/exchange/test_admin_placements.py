"""Placements and applications in the admin: neither is added or edited there (their
states move only by the transition services); the selected placements are closed by an
action through ``services.move_placement`` (the table's rule, audited), all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from innobridge.core.models import AuditEvent
from innobridge.exchange import services
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import ApplicationState, Placement, PlacementState
from tests.pages import client_as, superuser_client

from .conftest import submitted

pytestmark = pytest.mark.django_db

BASE = "/admin/exchange/placement/"


def _said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _close(client: Any, pks: list[int]) -> Any:
    return client.post(BASE, {"action": "close_placements", "_selected_action": pks})


def test_a_placement_is_not_added_edited_or_deleted_in_the_admin(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    url = f"{BASE}{world.p1.pk}/change/"
    assert root.get(url).status_code == 200  # shown
    r = root.post(url, {"title": "Renamed", "state": PlacementState.CLOSED, "seats": "9"})
    assert r.status_code == 403
    assert root.get(f"{BASE}add/").status_code == 403
    assert root.get(f"{BASE}{world.p1.pk}/delete/").status_code == 403
    world.p1.refresh_from_db()
    assert (world.p1.title, world.p1.state) == (
        "Graph neural networks for proteins",
        PlacementState.APPROVED,
    )


def test_the_close_action_goes_through_move_placement_all_or_nothing(
    world: Any, make_person: Any
) -> None:
    proposed = services.propose_placement(
        world.supervisor,
        world.programme,
        title="Quantum sensing",
        organisation=world.hku,
        months=24,
        seats=1,
    )
    root = superuser_client(make_person)
    r = _close(root, [world.p1.pk, proposed.pk])
    assert r.status_code == 302
    refused = "This cannot be done while it is Awaiting the host institution."
    assert _said(r) == [f"{proposed}: {refused}"]
    world.p1.refresh_from_db()
    assert world.p1.state == PlacementState.APPROVED  # rolled back with the refused one
    assert not AuditEvent.objects.filter(action=ExchangeAction.PLACEMENT_CLOSED).exists()
    root.get(BASE)  # the message above shown
    r = _close(root, [world.p1.pk, world.p2.pk])
    assert _said(r) == ["2 placements closed."]
    states = set(
        Placement.objects.filter(pk__in=[world.p1.pk, world.p2.pk]).values_list("state", flat=True)
    )
    assert states == {PlacementState.CLOSED}
    closed = AuditEvent.objects.filter(action=ExchangeAction.PLACEMENT_CLOSED)
    assert sorted(int(e.object_id) for e in closed) == sorted([world.p1.pk, world.p2.pk])


def test_the_close_action_tells_a_staff_account_that_may_not(world: Any, make_person: Any) -> None:
    from django.contrib.auth.models import Permission

    clerk = make_person("clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_placement"))
    r = _close(client_as(clerk), [world.p1.pk])
    assert _said(r) == [f"{world.p1}: You may not do this."]
    world.p1.refresh_from_db()
    assert world.p1.state == PlacementState.APPROVED


def test_an_application_is_not_added_or_edited_in_the_admin(world: Any, make_person: Any) -> None:
    app = submitted(world)
    root = superuser_client(make_person)
    url = f"/admin/exchange/application/{app.pk}/change/"
    assert root.get(url).status_code == 200  # shown
    r = root.post(url, {"state": ApplicationState.SHORTLISTED, "statement": "Changed"})
    assert r.status_code == 403
    assert root.get("/admin/exchange/application/add/").status_code == 403
    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED
    assert app.statement.startswith("I work on graph neural networks")
