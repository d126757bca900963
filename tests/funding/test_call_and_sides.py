"""An officer's edit of a call and its sides is one service in one transaction: a side
the service refuses leaves the call's own fields unchanged too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from innobridge.funding import services
from innobridge.funding.models import Call


def _not_open_yet(world):
    now = timezone.now()
    Call.objects.filter(pk=world.call.pk).update(
        opens_at=now + dt.timedelta(days=5), closes_at=now + dt.timedelta(days=30)
    )
    world.call.refresh_from_db()
    return world.call


def test_a_refused_side_leaves_the_call_unchanged(world):
    call = _not_open_yet(world)
    with pytest.raises(ValidationError):
        services.update_call_and_sides(
            world.hk_officer,
            call,
            title="Renamed",
            sides=[(world.hk_funder, {"budget": Decimal("100"), "project_cap": Decimal("500")})],
        )
    call.refresh_from_db()
    assert call.title == "Joint call 2026"


def test_call_and_side_change_together(world):
    call = _not_open_yet(world)
    services.update_call_and_sides(
        world.hk_officer,
        call,
        title="Renamed",
        sides=[(world.hk_funder, {"budget": Decimal("4000000")})],
    )
    call.refresh_from_db()
    assert call.title == "Renamed"
    assert call.sides.get(funder=world.hk_funder).budget == Decimal("4000000")
