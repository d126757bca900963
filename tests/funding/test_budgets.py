"""Decisions under two budgets: a funder cannot commit more than its side's budget in the
call (awarded and pending "fund" decisions count; a proposal the other side declined
frees its money; a terminated project keeps only what was released), and an approved
budget change must fit too."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from innobridge.funding import services
from innobridge.funding.models import CallSide, FunderDecision, ProposalState

from .conftest import complete_proposal
from .steps import review_all


@pytest.fixture
def two_at_panel(world, make_researcher):
    a = services.submit_proposal(world.lead, complete_proposal(world, title="First"))
    lead2 = make_researcher("lead2", world.hk_org)
    partner2 = make_researcher("partner2", world.cn_org)
    b = complete_proposal(world, title="Second", lead=lead2, partner=partner2)
    b = services.submit_proposal(lead2, b)
    for p in (a, b):
        services.screen_proposal(world.hk_officer, p, eligible=True)
        services.screen_proposal(world.cn_officer, p, eligible=True)
    for officer in (world.hk_officer, world.cn_officer):
        services.run_assignment(officer, world.call)
        services.send_invitations(officer, world.call)
    out = []
    for p in (a, b):
        p.refresh_from_db()
        review_all(world, p)
        out.append(services.move_to_panel(world.hk_officer, p))
    # Hong Kong has room for one proposal (each asks HKD 800,000)
    CallSide.objects.filter(call=world.call, side="HK").update(budget=1_000_000)
    return out


def fund(world, p, funder, officer):
    return services.record_decision(officer, p, funder, decision="fund", reasons="good")


def test_a_funder_cannot_commit_more_than_its_budget(client, world, two_at_panel):
    a, b = two_at_panel
    fund(world, a, world.hk_funder, world.hk_officer)  # pending the Mainland side: counts
    assert services.committed_amount(world.call, world.hk_funder) == 800_000
    with pytest.raises(ValidationError) as exc:
        fund(world, b, world.hk_funder, world.hk_officer)
    msg = " ".join(exc.value.messages)
    assert "would exceed the budget" in msg and "HKD 200,000.00" in msg
    assert not FunderDecision.objects.filter(proposal=b, funder=world.hk_funder).exists()
    b.refresh_from_db()
    assert b.state == ProposalState.PANEL
    client.force_login(world.hk_officer)
    r = client.get(reverse("funding:proposal", args=[b.pk]))
    assert b"HKD 200,000.00" in r.content and b"budget-left" in r.content
    # "do not fund" is always possible
    services.record_decision(
        world.hk_officer, b, world.hk_funder, decision="not_fund", reasons="no room"
    )
    client.force_login(world.hk_officer)
    r = client.get(reverse("funding:call_manage", args=[world.call.pk]))
    assert b"HKD 800,000.00 / 1,000,000.00" in r.content
    used = client.get(f"/api/funding/calls/{world.call.pk}/portfolio").json()["used"]
    hk = next(u for u in used if u["side"] == "HK")
    assert float(hk["committed"]) == 800_000 and float(hk["budget"]) == 1_000_000


def test_money_of_a_declined_proposal_is_freed(world, two_at_panel):
    a, b = two_at_panel
    fund(world, a, world.hk_funder, world.hk_officer)
    services.record_decision(
        world.cn_officer, a, world.cn_funder, decision="not_fund", reasons="weak"
    )
    a.refresh_from_db()
    assert a.state == ProposalState.DECLINED
    assert services.committed_amount(world.call, world.hk_funder) == 0
    fund(world, b, world.hk_funder, world.hk_officer)  # now it fits


def test_terminated_project_keeps_only_what_was_released(world, two_at_panel):
    a, b = two_at_panel
    CallSide.objects.filter(call=world.call, side="HK").update(budget=1_200_000)
    fund(world, a, world.hk_funder, world.hk_officer)
    fund(world, a, world.cn_funder, world.cn_officer)
    a.refresh_from_db()
    services.accept_award(world.lead, a.award)
    with pytest.raises(ValidationError):
        services.record_decision(world.hk_officer, b, world.hk_funder, decision="fund", reasons="x")
    first = a.project.disbursements.filter(funder=world.hk_funder).order_by("instalment").first()
    services.release_disbursement(world.hk_officer, first)
    services.terminate_project(world.hk_officer, a.project, reason="Team dissolved")
    services.terminate_project(world.cn_officer, a.project, reason="Team dissolved")
    assert services.committed_amount(world.call, world.hk_funder) == first.amount == 400_000
    fund(world, b, world.hk_funder, world.hk_officer)  # 400,000 + 800,000 fits now


def test_budget_change_must_fit_the_calls_budget(world, two_at_panel):
    a, _b = two_at_panel
    fund(world, a, world.hk_funder, world.hk_officer)
    fund(world, a, world.cn_funder, world.cn_officer)
    a.refresh_from_db()
    services.accept_award(world.lead, a.award)
    project = a.project
    change = services.request_change(
        world.lead,
        project,
        kind="budget",
        side="HK",
        description="More equipment",
        new_budget=[{"category": "staff", "amount": "1100000"}],
    )
    with pytest.raises(ValidationError, match="does not fit in the call's budget"):
        services.decide_change(world.hk_officer, change, approve=True)
    change.refresh_from_db()
    assert change.status == "pending"
    assert FunderDecision.objects.get(proposal=a, funder=world.hk_funder).amount == 800_000
