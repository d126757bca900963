"""Indicator snapshots are written only by ``services.take_snapshot`` (computed from the
data, a day's rows replaced as a whole, audited): the admin shows them and neither adds,
changes nor deletes one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from innobridge.plan.models import IndicatorSnapshot
from tests.pages import delete_selected, superuser_client

pytestmark = pytest.mark.django_db


def test_snapshots_are_only_shown_in_the_admin(make_person: Any) -> None:
    snap = IndicatorSnapshot.objects.create(
        indicator_key="joint_calls", taken_on=dt.date(2026, 6, 30), value=Decimal(3)
    )
    root = superuser_client(make_person)
    base = "/admin/plan/indicatorsnapshot/"
    assert root.get(base).status_code == 200
    assert root.get(f"{base}{snap.pk}/change/").status_code == 200  # shown
    assert root.get(f"{base}add/").status_code == 403
    r = root.post(f"{base}add/", {"indicator_key": "joint_calls", "taken_on": "2026-07-01"})
    assert r.status_code == 403
    assert root.get(f"{base}{snap.pk}/delete/").status_code == 403
    assert root.post(f"{base}{snap.pk}/delete/", {"post": "yes"}).status_code == 403
    delete_selected(root, base, [snap.pk])
    assert list(IndicatorSnapshot.objects.values_list("pk", "value")) == [(snap.pk, Decimal(3))]
