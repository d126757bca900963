"""Coordinators are named and removed in the admin through the services (the
officer's check, the role, the audit event); a coordination is not changed in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from innobridge.core.models import AuditEvent
from innobridge.core.permissions import Role
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import Coordinator
from tests.pages import superuser_client

pytestmark = pytest.mark.django_db


def test_coordinators_are_named_and_removed_through_the_services(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    person = make_person("coord")
    org = world.cuhk
    r = root.post("/admin/exchange/coordinator/add/", {"person": person.pk, "organisation": org.pk})
    assert r.status_code == 302
    coordinator = Coordinator.objects.get(person=person, organisation=org)
    added = AuditEvent.objects.get(
        action=ExchangeAction.COORDINATOR_ADDED, object_id=str(coordinator.pk)
    )
    assert added.actor_repr.startswith("root")
    assert person.groups.filter(name=Role.INSTITUTION_COORDINATOR).exists()
    page = root.get(f"/admin/exchange/coordinator/{coordinator.pk}/change/").content.decode()
    assert 'name="_save"' not in page  # not changed in place

    r = root.post(f"/admin/exchange/coordinator/{coordinator.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not Coordinator.objects.filter(pk=coordinator.pk).exists()
    removed = AuditEvent.objects.get(action=ExchangeAction.COORDINATOR_REMOVED)
    assert removed.object_id == str(coordinator.pk)
    assert Group.objects.filter(name=Role.INSTITUTION_COORDINATOR).exists()
