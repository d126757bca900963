"""Which funders a person is an officer of is kept per person in the shared cache (issue
#17: every officer's page asks it several times); it follows every change of a funder's
officers at once, from either side, and the per-funder sums and rankings read for all
funders at once agree with the one-funder functions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innobridge.funding import permissions, selectors, services
from innobridge.funding.models import Funder

from .steps import to_panel


@pytest.mark.django_db
def test_the_officers_funders_are_read_once_then_kept(world: Any) -> None:
    officer = world.hk_officer
    assert permissions.can_act_for_funder(officer, world.hk_funder)
    with CaptureQueriesContext(connection) as ctx:
        assert permissions.can_act_for_funder(officer, world.hk_funder)
        assert not permissions.can_act_for_funder(officer, world.cn_funder)
        assert permissions.can_manage_call(officer, selectors.prefetch_call_sides(world.call))
    # the call's sides once (prefetch); the officer's funders from the cache
    assert len(ctx.captured_queries) == 1, ctx.captured_queries


@pytest.mark.django_db
def test_adding_or_removing_an_officer_shows_at_once_from_either_side(world: Any) -> None:
    officer, funder = world.hk_officer, world.cn_funder
    assert not permissions.can_act_for_funder(officer, funder)
    funder.officers.add(officer)
    assert permissions.can_act_for_funder(officer, funder)
    funder.officers.remove(officer)
    assert not permissions.can_act_for_funder(officer, funder)
    officer.funder_offices.add(funder)  # from the person's side
    assert permissions.can_act_for_funder(officer, funder)
    officer.funder_offices.remove(funder)
    assert not permissions.can_act_for_funder(officer, funder)
    funder.officers.add(officer)
    assert permissions.can_act_for_funder(officer, funder)
    funder.officers.clear()
    assert not permissions.can_act_for_funder(officer, funder)
    assert permissions.can_act_for_funder(world.hk_officer, world.hk_funder)


@pytest.mark.django_db
def test_a_deleted_funder_leaves_no_officer_behind(world: Any) -> None:
    officer = world.hk_officer
    extra = Funder.objects.create(name="Short-lived Fund", side="HK", currency="HKD")
    extra.officers.add(officer)
    assert permissions.can_act_for_funder(officer, extra)
    pk = extra.pk
    extra.delete()
    assert pk not in permissions.officer_funder_ids(officer)


@pytest.mark.django_db
def test_an_anonymous_visitor_is_no_officer(world: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert permissions.officer_funder_ids(AnonymousUser()) == frozenset()
    assert not permissions.can_act_for_funder(AnonymousUser(), world.hk_funder)


@pytest.mark.django_db
def test_the_sums_and_rankings_for_all_funders_agree_with_each_funders(
    world: Any, submitted: Any
) -> None:
    p = to_panel(world, submitted)
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok")
    funders = [world.hk_funder, world.cn_funder]
    together = services.committed_amounts(world.call)
    for f in funders:
        assert together.get(f.pk, Decimal(0)) == services.committed_amount(world.call, f)
    assert together[world.hk_funder.pk] > 0 and world.cn_funder.pk not in together
    ranked = selectors.rankings(world.call, funders)
    for f in funders:
        one = selectors.ranking(world.call, f)
        assert [(r["proposal"].pk, r["mean"], r["n"], r["decision"]) for r in ranked[f.pk]] == [
            (r["proposal"].pk, r["mean"], r["n"], r["decision"]) for r in one
        ]
    assert ranked[world.hk_funder.pk][0]["decision"] is not None
    assert ranked[world.hk_funder.pk][0]["n"] > 0
    portfolio = selectors.suggested_portfolio(world.call)
    assert [r["score"] for r in portfolio["rows"]] == [selectors.combined_score(p)]
    assert portfolio["rows"][0]["score"] > 0
