"""Conflicts, assignment (engine and by hand), reviews, decisions under two budgets,
the funded project, and who sees what."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innobridge.funding import selectors, services
from innobridge.funding.models import (
    Criterion,
    Disbursement,
    Project,
    ProposalState,
    Review,
    ReviewAssignment,
)
from innobridge.funding.portfolio import Candidate, best_portfolio
from innobridge.people.models import Authorship, Publication

from .conftest import complete_proposal
from .steps import eligible, to_panel, to_review

# ---------------------------------------------------------------- conflicts


def test_conflicts_same_org_team_and_coauthor(world, submitted, make_researcher):
    colleague = make_researcher("colleague", world.hk_org, roles=("reviewer",))
    assert ("same_org", str(world.hk_org)) in services.automatic_conflicts(submitted, colleague)
    assert services.automatic_conflicts(submitted, world.partner)[0][0] == "team"
    coauthor = world.reviewers_hk[0]
    pub = Publication.objects.create(title="Joint paper", year=timezone.now().year - 1)
    Authorship.objects.create(researcher=coauthor.researcher_profile, publication=pub)
    Authorship.objects.create(researcher=world.partner.researcher_profile, publication=pub)
    kinds = [k for k, _d in services.automatic_conflicts(submitted, coauthor)]
    assert kinds == ["coauthor"]
    # an old co-authorship (outside the window) is no conflict
    pub.year = timezone.now().year - 10
    pub.save()
    assert services.automatic_conflicts(submitted, coauthor) == []


def test_coauthor_by_author_name(world, submitted):
    r = world.reviewers_cn[1]
    r.display_name = "王小明"
    r.save()
    pub = Publication.objects.create(
        title="Paper", year=timezone.now().year, author_names=["Lead X", "王小明"]
    )
    Authorship.objects.create(researcher=world.lead.researcher_profile, publication=pub)
    assert [k for k, _ in services.automatic_conflicts(submitted, r)] == ["coauthor"]


def test_conflicted_reviewer_never_assigned_by_engine_or_hand(world, submitted):
    p = eligible(world, submitted)
    best = world.reviewers_hk[0]  # graphene: the engine's first choice
    services.declare_conflict(best, p, detail="former student of the lead")
    services.run_assignment(world.hk_officer, world.call)
    services.run_assignment(world.cn_officer, world.call)
    chosen = set(ReviewAssignment.objects.filter(proposal=p).values_list("reviewer_id", flat=True))
    assert best.pk not in chosen
    assert len(chosen) == 4  # 2 per funder
    with pytest.raises(ValidationError) as exc:
        services.assign_by_hand(world.hk_officer, p, best, world.hk_funder)
    assert "conflict of interest" in " ".join(exc.value.messages)


def test_engine_prefers_expertise_and_respects_k(world, submitted):
    p = eligible(world, submitted)
    summary = services.run_assignment(world.hk_officer, world.call)
    assert summary["HK"]["pairs"] == 2 and "CN" not in summary  # its own pool only
    summary = services.run_assignment(world.cn_officer, world.call)
    assert summary["CN"]["pairs"] == 2 and "HK" not in summary
    assert ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).count() == 2
    hk = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).order_by("-affinity")
    assert hk[0].reviewer == world.reviewers_hk[0]  # graphene / battery
    assert hk[0].affinity is not None and "graphene" in hk[0].explanation["shared_terms"]
    assert all(a.status == "proposed" for a in hk)


def test_infeasible_assignment_is_explained(world, submitted):
    p = eligible(world, submitted)
    cs = world.call.sides.get(side="HK")
    cs.reviewers_per_proposal = 5  # only 3 in the pool
    cs.save()
    summary = services.run_assignment(world.hk_officer, world.call)
    assert summary["HK"]["pairs"] == 0
    assert summary["HK"]["obstacles"] and p.title[:20] in summary["HK"]["obstacles"][0]["message"]


def test_only_officers_run_assignment(world, submitted):
    eligible(world, submitted)
    with pytest.raises(PermissionDenied):
        services.run_assignment(world.lead, world.call)
    with pytest.raises(PermissionDenied):
        services.assign_by_hand(world.cn_officer, submitted, world.reviewers_hk[1], world.hk_funder)


def test_by_hand_requires_pool(world, submitted):
    p = eligible(world, submitted)
    with pytest.raises(ValidationError):
        services.assign_by_hand(world.hk_officer, p, world.reviewers_cn[1], world.hk_funder)
    a = services.assign_by_hand(world.hk_officer, p, world.reviewers_hk[2], world.hk_funder)
    assert a.by_hand and a.status == "proposed"


def test_decline_frees_slot_for_next_best(world, submitted):
    p = to_review(world, eligible(world, submitted))
    assert p.state == ProposalState.IN_REVIEW
    invited = list(
        ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder, status="invited")
    )
    assert len(invited) == 2
    services.respond_assignment(invited[0].reviewer, invited[0], accept=False)
    active = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder, status="invited")
    assert active.count() == 2
    assert invited[0].reviewer_id not in set(active.values_list("reviewer_id", flat=True))


def test_review_scores_validated_and_weighted(world, submitted):
    p = to_review(world, eligible(world, submitted))
    a = ReviewAssignment.objects.filter(proposal=p, status="invited").first()
    crits = list(Criterion.objects.filter(call=p.call, funder=a.funder))
    with pytest.raises(ValidationError):  # must accept first
        services.submit_review(a.reviewer, a, scores={c.pk: 3 for c in crits})
    services.respond_assignment(a.reviewer, a, accept=True)
    with pytest.raises(ValidationError):
        services.submit_review(a.reviewer, a, scores={c.pk: 9 for c in crits})
    with pytest.raises(PermissionDenied):
        services.submit_review(world.lead, a, scores={c.pk: 3 for c in crits})
    # weights 40/30/30 with scores 5,0,0 of 5 → 40
    r = services.submit_review(
        a.reviewer, a, scores={crits[0].pk: 5, crits[1].pk: 0, crits[2].pk: 0}
    )
    assert r.weighted_score == Decimal("40.00")
    with pytest.raises(ValidationError):
        services.submit_review(a.reviewer, a, scores={c.pk: 3 for c in crits})


def test_reminders(world, submitted):
    p = to_review(world, eligible(world, submitted))
    near = ReviewAssignment.objects.filter(proposal=p).first().deadline
    n = services.send_reminders(now=near - dt.timedelta(days=1))
    assert n == 4
    assert services.send_reminders(now=near - dt.timedelta(days=1)) == 0  # not twice a day
    assert (
        world.reviewers_hk[0]
        .notices.filter(source="funding")
        .filter(subject__icontains="reminder")
        .exists()
    )


# ---------------------------------------------------------------- decisions and project


def test_joint_decision_needs_both_funders(world, submitted):
    p = to_panel(world, submitted)
    with pytest.raises(PermissionDenied):  # the Mainland officer cannot decide for HK
        services.record_decision(world.cn_officer, p, world.hk_funder, decision="fund", reasons="x")
    services.record_decision(
        world.hk_officer, p, world.hk_funder, decision="fund", reasons="Strong"
    )
    p.refresh_from_db()
    assert p.state == ProposalState.PANEL
    services.record_decision(
        world.cn_officer, p, world.cn_funder, decision="not_fund", reasons="Weak on CN side"
    )
    p.refresh_from_db()
    assert p.state == ProposalState.DECLINED
    assert not Project.objects.filter(proposal=p).exists()
    note = world.lead.notices.filter(source="funding", subject__icontains="decision").first()
    assert note and "Weak on CN side" in note.body
    for r in world.reviewers_hk + world.reviewers_cn:
        assert str(r) not in note.body


def test_award_creates_project_with_instalments(world, submitted):
    p = to_panel(world, submitted)
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok")
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok")
    p.refresh_from_db()
    assert p.state == ProposalState.AWARDED
    assert not Project.objects.filter(proposal=p).exists()  # not before the lead accepts
    project = services.accept_award(world.lead, p.award)
    hk = list(Disbursement.objects.filter(project=project, side="HK").order_by("instalment"))
    assert [d.currency for d in hk] == ["HKD", "HKD"] and sum(d.amount for d in hk) == Decimal(
        "800000"
    )
    cn = list(Disbursement.objects.filter(project=project, side="CN"))
    assert sum(d.amount for d in cn) == Decimal("600000") and cn[0].currency == "CNY"
    # first instalment is free; the second waits for the report
    services.release_disbursement(world.hk_officer, hk[0])
    with pytest.raises(ValidationError) as exc:
        services.release_disbursement(world.hk_officer, hk[1])
    assert "only after the report" in " ".join(exc.value.messages)
    with pytest.raises(PermissionDenied):
        services.release_disbursement(world.cn_officer, hk[1])
    milestone = hk[1].depends_on
    report = services.submit_report(
        world.partner, project, milestone=milestone, summary="Progress made"
    )
    with pytest.raises(ValidationError):
        services.submit_report(world.lead, project, milestone=milestone, summary="again")
    with pytest.raises(PermissionDenied):
        services.rate_report(world.lead, report, rating="satisfactory")
    services.rate_report(world.cn_officer, report, rating="satisfactory")
    services.release_disbursement(world.hk_officer, hk[1])
    hk[1].refresh_from_db()
    assert hk[1].status == "released"


def test_overdue_milestone_makes_project_late(world, submitted):
    p = to_panel(world, submitted)
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok")
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok")
    p.refresh_from_db()
    project = services.accept_award(world.lead, p.award)
    later = project.milestones.first().due_date + dt.timedelta(days=1)
    assert services.refresh_project_status(project, today=later) == "late"


def test_change_request_decided_by_funder_concerned(world, submitted):
    p = to_panel(world, submitted)
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok")
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok")
    p.refresh_from_db()
    project = services.accept_award(world.lead, p.award)
    new_end = project.end_date + dt.timedelta(days=90)
    with pytest.raises(ValidationError):
        services.request_change(world.lead, project, kind="duration", side="CN", description="")
    cr = services.request_change(
        world.lead, project, kind="duration", side="CN", description="Delay", new_end_date=new_end
    )
    with pytest.raises(PermissionDenied):
        services.decide_change(world.hk_officer, cr, approve=True)
    services.decide_change(world.cn_officer, cr, approve=True)
    services.decide_change(world.hk_officer, cr, approve=True)  # the end date binds both sides
    project.refresh_from_db()
    assert project.end_date == new_end


def test_decisions_only_at_panel(world, submitted):
    with pytest.raises(ValidationError):
        services.record_decision(
            world.hk_officer, submitted, world.hk_funder, decision="fund", reasons="x"
        )


# ---------------------------------------------------------------- portfolio


def test_portfolio_is_exact_on_two_budgets():
    import random

    rng = random.Random(7)
    for _trial in range(20):
        cands = [
            Candidate(
                i, rng.uniform(1, 100), (Decimal(rng.randint(1, 50)), Decimal(rng.randint(1, 50)))
            )
            for i in range(9)
        ]
        budgets = (Decimal(rng.randint(30, 120)), Decimal(rng.randint(30, 120)))
        best = 0.0
        for r in range(len(cands) + 1):
            for combo in itertools.combinations(cands, r):
                if all(sum(c.costs[j] for c in combo) <= budgets[j] for j in range(2)):
                    best = max(best, sum(c.score for c in combo))
        chosen = [c for c in cands if c.key in best_portfolio(cands, budgets)]
        assert all(sum(c.costs[j] for c in chosen) <= budgets[j] for j in range(2))
        assert sum(c.score for c in chosen) == pytest.approx(best)


def test_suggested_portfolio_for_call(world, submitted):
    to_panel(world, submitted)
    pf = selectors.suggested_portfolio(world.call)
    assert submitted.pk in pf["chosen"]
    world.call.sides.filter(side="CN").update(budget=Decimal("500000"))  # below its 600k part
    pf = selectors.suggested_portfolio(world.call)
    assert pf["chosen"] == set()


# ---------------------------------------------------------------- who sees what


def test_visibility_rules(world, submitted, make_researcher):
    other = complete_proposal(
        world, title="Other", lead=world.outsider, partner=world.reviewers_cn[2]
    )
    services.submit_proposal(world.outsider, other)
    # applicants: own only
    assert set(selectors.visible_proposals(world.lead)) == {submitted}
    # officers: their calls' submitted proposals
    assert set(selectors.visible_proposals(world.hk_officer)) == {submitted, other}
    stranger_officer = make_researcher("otherfunder", world.hk_org2, roles=("programme_officer",))
    assert list(selectors.visible_proposals(stranger_officer)) == []
    p = to_review(world, eligible(world, submitted))
    # reviewers: assigned only
    a1, a2 = list(
        ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder, status="invited")
    )
    assert submitted in selectors.visible_proposals(a1.reviewer)
    assert other not in selectors.visible_proposals(a1.reviewer)
    for a in (a1, a2):
        services.respond_assignment(a.reviewer, a, accept=True)
    crits = Criterion.objects.filter(call=p.call, funder=world.hk_funder)
    services.submit_review(a1.reviewer, a1, scores={c.pk: 5 for c in crits})
    # a2 has not submitted: sees no one's scores; a1 sees own (named) only
    assert selectors.visible_reviews(a2.reviewer, p) == []
    services.submit_review(a2.reviewer, a2, scores={c.pk: 2 for c in crits})
    seen = selectors.visible_reviews(a1.reviewer, p)
    assert len(seen) == 2 and {s["reviewer"] for s in seen} == {str(a1.reviewer), None}
    # applicants never see reviews or reviewer identities
    assert selectors.visible_reviews(world.lead, p) == []
    assert selectors.visible_reviews(world.partner, p) == []
    # officers see them named
    assert {s["reviewer"] for s in selectors.visible_reviews(world.hk_officer, p)} == {
        str(a1.reviewer),
        str(a2.reviewer),
    }
    # a declined reviewer loses access
    a3 = ReviewAssignment.objects.filter(
        proposal=p, funder=world.cn_funder, status="invited"
    ).first()
    services.respond_assignment(a3.reviewer, a3, accept=False)
    assert p not in selectors.visible_proposals(a3.reviewer)


def test_public_sees_only_titles_partners_amounts(world, submitted):
    p = to_panel(world, submitted)
    services.record_decision(
        world.hk_officer, p, world.hk_funder, decision="fund", reasons="secret reasons"
    )
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok")
    assert selectors.public_projects() == []  # nothing public before the lead accepts
    p.refresh_from_db()
    services.accept_award(world.lead, p.award)
    rows = selectors.public_projects()
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"id", "title", "title_zh", "call", "partners", "amounts"}
    assert {a["currency"] for a in row["amounts"]} == {"HKD", "CNY"}
    assert "secret" not in str(row)


def test_cross_border_balance_and_fairness_through_the_service(world, submitted):
    p = eligible(world, submitted)
    # without a Mainland reviewer in the Hong Kong pool, balance is impossible: explained
    summary = services.run_assignment(world.hk_officer, world.call, cross_border=True)
    assert summary["HK"]["obstacles"]
    world.hk_funder.reviewer_pool.add(world.reviewers_cn[1])  # a Mainland reviewer
    summary = services.run_assignment(world.hk_officer, world.call, cross_border=True, fair=True)
    hk = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder)
    regions = {a.reviewer.researcher_profile.region for a in hk}
    assert hk.count() == 2 and regions == {"HK", "CN"}
    assert not summary["HK"]["obstacles"]


def test_only_reviewers_declare_conflicts(client, world, submitted):
    p = to_review(world, eligible(world, submitted))
    for wrong in (world.lead, world.partner, world.hk_officer):
        with pytest.raises(PermissionDenied):
            services.declare_conflict(wrong, p, detail="I would rather not")
    a = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).first()
    with pytest.raises(ValidationError):
        services.declare_conflict(a.reviewer, p, detail="  ")
    client.force_login(a.reviewer)
    r = client.post(
        f"/api/funding/proposals/{p.pk}/conflicts",
        '{"detail": "My former student"}',
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["kind"] == "declared"
    a.refresh_from_db()
    assert a.status == "declined"
    # the slot went to the next free reviewer of the same pool
    assert (
        ReviewAssignment.objects.filter(
            proposal=p, funder=world.hk_funder, status="invited"
        ).count()
        == 2
    )
    client.force_login(world.lead)
    r = client.post(
        f"/api/funding/proposals/{p.pk}/conflicts",
        '{"detail": "x"}',
        content_type="application/json",
    )
    assert r.status_code == 403


def test_no_review_after_the_deadline_until_the_officer_extends_it(world, submitted):
    p = to_review(world, eligible(world, submitted))
    a = ReviewAssignment.objects.filter(proposal=p, status="invited").first()
    services.respond_assignment(a.reviewer, a, accept=True)
    a.refresh_from_db()
    assert a.deadline is not None
    crits = list(Criterion.objects.filter(call=p.call, funder=a.funder))
    late = a.deadline + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="deadline"):
        services.submit_review(a.reviewer, a, scores={c.pk: 3 for c in crits}, now=late)
    a.refresh_from_db()
    assert a.status == "accepted" and not Review.objects.filter(assignment=a).exists()
    # The officer moves the call's review deadline: the reviews still owed move with it.
    services.update_call(
        world.hk_officer, p.call, review_deadline=a.deadline + dt.timedelta(days=7), now=late
    )
    a.refresh_from_db()
    services.submit_review(a.reviewer, a, scores={c.pk: 3 for c in crits}, now=late)
    assert Review.objects.filter(assignment=a).exists()


def test_the_officer_sees_each_affinity_as_a_calibrated_level(world, submitted, client):
    """The assignment page grades each reviewer's affinity with the engine's calibrated
    levels (strong / possible / weak) instead of a bare number (issue 11 §2)."""
    from django.urls import reverse

    from innobridge.matching.levels import level

    eligible(world, submitted)
    services.run_assignment(world.hk_officer, world.call)
    client.force_login(world.hk_officer)
    html = client.get(reverse("funding:call_manage", args=[world.call.pk])).content.decode()
    shown = ReviewAssignment.objects.filter(proposal__call=world.call, affinity__isnull=False)
    assert shown.exists()
    for a in shown:
        assert f'data-level="{level(a.affinity, "passage")}"' in html
    assert "level-badge" in html
