"""Demands: the guided form's rules, triage by a platform officer, bounties."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.transfer.models import Demand, DemandStatus, PlanStatus
from innobridge.transfer.services import post_demand, select_plan, submit_plan, triage_demand

from .conftest import demand_data


def test_demand_without_quantified_target_is_refused(people: Any, shenzhen_co: Any) -> None:
    for over in ({"target_value": None}, {"target_unit": ""}):
        with pytest.raises(ValidationError) as err:
            post_demand(people["ent"], organisation=shenzhen_co, data=demand_data(**over))
        assert "target_value" in err.value.message_dict
    assert Demand.objects.count() == 0


def test_budget_range_and_negative_amounts(people: Any, shenzhen_co: Any) -> None:
    with pytest.raises(ValidationError) as err:
        post_demand(
            people["ent"],
            organisation=shenzhen_co,
            data=demand_data(budget_min=Decimal(10), budget_max=Decimal(5)),
        )
    assert "budget_max" in err.value.message_dict
    with pytest.raises(ValidationError):
        post_demand(
            people["ent"],
            organisation=shenzhen_co,
            data=demand_data(preferred_mode="bounty", bounty_reward=Decimal(-1)),
        )
    assert Demand.objects.count() == 0


def test_only_enterprise_staff_post_for_their_company(people: Any, shenzhen_co: Any) -> None:
    with pytest.raises(PermissionDenied):
        post_demand(people["researcher"], organisation=shenzhen_co, data=demand_data())
    with pytest.raises(ValidationError):
        post_demand(people["ent2"], organisation=shenzhen_co, data=demand_data())


def test_triage_publish_second_diagnosis_long_term(make_demand: Any, people: Any) -> None:
    d = make_demand(publish=False)
    assert d.state == DemandStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        triage_demand(people["ent"], d, "publish")
    with pytest.raises(ValidationError):
        triage_demand(people["officer"], d, "second_diagnosis", reason="")
    d = triage_demand(people["officer"], d, "second_diagnosis", reason="too_vague", note="Which?")
    assert d.state == DemandStatus.SECOND_DIAGNOSIS and d.triage_reason == "too_vague"
    d = triage_demand(people["ent"], d, "resubmit")
    d = triage_demand(people["officer"], d, "long_term")
    assert d.state == DemandStatus.LONG_TERM and d.published_at is not None


def test_bounty_plans_and_selection(make_demand: Any, people: Any) -> None:
    d = make_demand(preferred_mode="bounty", bounty_reward=Decimal("1000000"))
    with pytest.raises(ValidationError):
        submit_plan(people["ent"], d, team="us", summary="we solve our own")
    p1 = submit_plan(people["researcher"], d, team="HKU lab", summary="Self-healing layer")
    p2 = submit_plan(people["stranger"], d, team="Other lab", summary="Thicker glass")
    with pytest.raises(ValidationError):
        submit_plan(people["researcher"], d, team="HKU lab", summary="again")
    with pytest.raises(ValidationError):
        select_plan(people["researcher"], p1)
    select_plan(people["ent"], p1)
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.status, p2.status) == (PlanStatus.SELECTED, PlanStatus.NOT_SELECTED)
