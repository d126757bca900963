"""The plan app is wired: registry, snapshot command, pages and API answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from innobridge.plan.indicators import registry
from innobridge.plan.models import IndicatorSnapshot

pytestmark = pytest.mark.django_db


def test_snapshot_command_stores_every_indicator() -> None:
    call_command("plan_snapshot")
    keys = set(
        IndicatorSnapshot.objects.filter(dimension="").values_list("indicator_key", flat=True)
    )
    assert keys == set(registry.all_keys())


def test_anonymous_overview_goes_to_public_page(client: Any) -> None:
    r = client.get("/plan/")
    assert r.status_code == 302 and r.url == "/plan/public/"
    assert client.get("/plan/public/").status_code == 200
