"""Funded projects: approved change requests take effect (budget, team, duration),
milestones and instalments added by officers, termination — each audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.funding import permissions, services
from innobridge.funding.models import (
    BudgetLine,
    ConflictOfInterest,
    Disbursement,
    FunderDecision,
    TeamMember,
)


def events(verb):
    return AuditEvent.objects.filter(action=verb)


def hk_total(project):
    return sum(
        d.amount
        for d in Disbursement.objects.filter(project=project, side="HK").exclude(status="cancelled")
    )


def test_budget_change_replaces_side_lines_within_cap(world, project):
    lines = [
        {"category": "staff", "amount": "700000", "description": "Postdoc"},
        {"category": "travel", "amount": "200000"},
        {"category": "other", "source": "industry", "amount": "50000"},
    ]
    # over the cap (HKD 1,200,000) or in the wrong currency: refused, nothing written
    with pytest.raises(ValidationError) as exc:
        services.request_change(
            world.lead,
            project,
            kind="budget",
            side="HK",
            description="more",
            new_budget=[{"category": "staff", "amount": "1300000"}],
        )
    assert "exceeds the cap" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.request_change(
            world.lead,
            project,
            kind="budget",
            side="HK",
            description="x",
            new_budget=[{"category": "staff", "amount": "1000", "currency": "CNY"}],
        )
    assert "HKD" in str(exc.value)
    cr = services.request_change(
        world.lead, project, kind="budget", side="HK", description="Travel", new_budget=lines
    )
    with pytest.raises(PermissionDenied):  # the Mainland funder cannot decide on HK money
        services.decide_change(world.cn_officer, cr, approve=True)
    services.decide_change(world.hk_officer, cr, approve=True)
    hk = BudgetLine.objects.filter(proposal=project.proposal, side="HK")
    assert sorted(str(b.amount) for b in hk) == ["200000.00", "50000.00", "700000.00"]
    assert all(b.currency == "HKD" for b in hk)
    # the Mainland side is untouched
    assert [str(b.amount) for b in project.proposal.budget_lines.filter(side="CN")] == ["600000.00"]
    decision = FunderDecision.objects.get(proposal=project.proposal, funder=world.hk_funder)
    assert decision.amount == Decimal("900000")
    assert hk_total(project) == Decimal("900000")
    assert events("funding.budget.changed").count() == 1


def test_budget_cut_takes_from_unreleased_instalments(world, project):
    first = Disbursement.objects.get(project=project, side="HK", instalment=1)
    services.release_disbursement(world.hk_officer, first)  # 400,000 released
    cr = services.request_change(
        world.lead,
        project,
        kind="budget",
        side="HK",
        description="cut",
        new_budget=[{"category": "staff", "amount": "450000"}],
    )
    services.decide_change(world.hk_officer, cr, approve=True)
    second = Disbursement.objects.get(project=project, side="HK", instalment=2)
    assert second.amount == Decimal("50000") and second.status == "scheduled"
    # below what was already released: refused and nothing changes
    cr = services.request_change(
        world.lead,
        project,
        kind="budget",
        side="HK",
        description="cut more",
        new_budget=[{"category": "staff", "amount": "100000"}],
    )
    with pytest.raises(ValidationError) as exc:
        services.decide_change(world.hk_officer, cr, approve=True)
    assert "already been released" in str(exc.value)
    cr.refresh_from_db()
    assert cr.status == "pending"
    assert [str(b.amount) for b in project.proposal.budget_lines.filter(side="HK")] == ["450000.00"]


def test_team_change_adds_and_removes_with_conflict_recheck(world, project, make_researcher):
    # a Mainland co-investigator from the organisation of a Mainland reviewer
    newcomer = make_researcher("newcomer", world.cn_org2)
    reviewer = world.reviewers_cn[0]
    assert project.proposal.assignments.filter(reviewer__in=world.reviewers_cn).exists()
    # the Hong Kong funder cannot be asked to change the Mainland team
    with pytest.raises(ValidationError):
        services.request_change(
            world.lead, project, kind="team", side="HK", description="x", add_person=newcomer
        )
    cr = services.request_change(
        world.lead,
        project,
        kind="team",
        side="CN",
        description="A new co-investigator",
        add_person=newcomer,
        add_role="co_investigator",
    )
    services.decide_change(world.cn_officer, cr, approve=True)
    assert TeamMember.objects.filter(
        proposal=project.proposal, person=newcomer, status="accepted"
    ).exists()
    assert permissions.can_work_on_proposal(newcomer, project.proposal)
    assigned_cn = set(
        project.proposal.assignments.filter(funder=world.cn_funder).values_list(
            "reviewer_id", flat=True
        )
    )
    if reviewer.pk in assigned_cn:
        assert ConflictOfInterest.objects.filter(
            proposal=project.proposal, reviewer=reviewer, kind="same_org"
        ).exists()
    assert ConflictOfInterest.objects.filter(
        proposal=project.proposal, reviewer_id__in=assigned_cn, kind="same_org"
    ).exists()
    assert events("funding.project.team_changed").count() == 1
    assert events("funding.member.added").count() == 1
    # removal: the partner leaves (the lead can never be removed)
    partner = project.proposal.members.get(person=world.partner)
    lead = project.proposal.members.get(person=world.lead)
    with pytest.raises(ValidationError):
        services.request_change(
            world.lead, project, kind="team", side="HK", description="x", remove_member=lead
        )
    cr = services.request_change(
        world.lead, project, kind="team", side="CN", description="leaves", remove_member=partner
    )
    services.decide_change(world.cn_officer, cr, approve=True)
    assert not project.proposal.members.filter(person=world.partner).exists()
    assert events("funding.member.removed").count() == 1


def test_duration_change_moves_end_and_final_milestone(world, project):
    new_end = project.end_date + dt.timedelta(days=120)
    cr = services.request_change(
        world.lead, project, kind="duration", side="HK", description="Delay", new_end_date=new_end
    )
    services.decide_change(world.hk_officer, cr, approve=True)
    services.decide_change(world.cn_officer, cr, approve=True)  # the end date binds both sides
    project.refresh_from_db()
    assert project.end_date == new_end
    assert project.milestones.get(is_final=True).due_date == new_end
    assert events("funding.project.extended").count() == 1
    # shortening before a progress milestone is refused
    mid = project.milestones.get(is_final=False)
    with pytest.raises(ValidationError):
        services.request_change(
            world.lead,
            project,
            kind="duration",
            side="HK",
            description="shorter",
            new_end_date=mid.due_date - dt.timedelta(days=1),
        )


def test_rejected_change_changes_nothing(world, project):
    cr = services.request_change(
        world.lead,
        project,
        kind="budget",
        side="CN",
        description="more",
        new_budget=[{"category": "staff", "amount": "900000"}],
    )
    services.decide_change(world.cn_officer, cr, approve=False, note="No")
    assert [str(b.amount) for b in project.proposal.budget_lines.filter(side="CN")] == ["600000.00"]
    with pytest.raises(ValidationError):
        services.decide_change(world.cn_officer, cr, approve=True)


# ---------------------------------------------------------------- milestones, instalments, end


def test_officer_adds_milestone_and_instalment(world, project):
    due = project.start_date + dt.timedelta(days=100)
    with pytest.raises(PermissionDenied):
        services.add_milestone(world.lead, project, title="Prototype", due_date=due)
    with pytest.raises(ValidationError):
        services.add_milestone(
            world.hk_officer, project, title="Late", due_date=project.end_date + dt.timedelta(1)
        )
    m = services.add_milestone(world.hk_officer, project, title="Prototype", due_date=due)
    # the Hong Kong award (800,000) is fully scheduled: one more dollar is refused
    with pytest.raises(ValidationError):
        services.schedule_disbursement(world.hk_officer, project, world.hk_funder, amount="1")
    with pytest.raises(PermissionDenied):
        services.schedule_disbursement(world.cn_officer, project, world.hk_funder, amount="1")
    # after a budget cut frees money, a new instalment fits
    second = Disbursement.objects.get(project=project, side="HK", instalment=2)
    second.amount -= 100000
    second.save()
    d = services.schedule_disbursement(
        world.hk_officer, project, world.hk_funder, amount="100000", depends_on=m
    )
    assert (d.instalment, d.currency, d.depends_on) == (3, "HKD", m)


def test_terminate_project_cancels_scheduled_instalments(world, project):
    with pytest.raises(PermissionDenied):
        services.terminate_project(world.lead, project, reason="x")
    with pytest.raises(ValidationError):
        services.terminate_project(world.hk_officer, project, reason=" ")
    services.terminate_project(world.hk_officer, project, reason="Partner lab closed")
    services.terminate_project(world.cn_officer, project, reason="Agreed")  # both funders
    project.refresh_from_db()
    assert project.status == "terminated" and project.termination_reason == "Partner lab closed"
    assert not project.disbursements.filter(status="scheduled").exists()
    assert (
        world.lead.notices.filter(source="funding")
        .filter(body__contains="Partner lab closed")
        .exists()
    )
    with pytest.raises(ValidationError):
        services.request_change(
            world.lead,
            project,
            kind="duration",
            side="HK",
            description="x",
            new_end_date=project.end_date,
        )


def test_project_pages_in_three_languages(client, world, project):
    from django.urls import reverse

    for user in (world.lead, world.hk_officer):
        client.force_login(user)
        for lang in ("en", "zh-hant", "zh-hans"):
            r = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=lang)
            assert r.status_code == 200
    client.force_login(world.hk_officer)
    body = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="terminate-form"' in body and 'data-testid="instalment-form"' in body
    # a budget change through the page, approved through the page
    client.force_login(world.lead)
    r = client.post(
        reverse("funding:change_request", args=[project.pk]),
        {
            "kind": "budget",
            "side": "CN",
            "description": "Equipment cheaper",
            "line_category": ["equipment", "staff"],
            "line_source": ["funder", "funder"],
            "line_amount": ["300000", "100000"],
            "line_description": ["", ""],
        },
        follow=True,
    )
    assert "Change request sent" in r.content.decode()
    cr = project.change_requests.get()
    assert [line["amount"] for line in cr.new_budget] == ["300000.00", "100000.00"]
    client.force_login(world.cn_officer)
    client.post(reverse("funding:change_decide", args=[cr.pk]), {"approve": "1"})
    assert sorted(str(b.amount) for b in project.proposal.budget_lines.filter(side="CN")) == [
        "100000.00",
        "300000.00",
    ]
    # a team change naming an unknown person: a clear message, nothing stored
    client.force_login(world.lead)
    r = client.post(
        reverse("funding:change_request", args=[project.pk]),
        {"kind": "team", "side": "CN", "description": "x", "add_person": "nobody"},
        follow=True,
    )
    assert "No account with that user name" in r.content.decode()
    assert project.change_requests.count() == 1
    # officer: milestone, instalment and termination through the page
    client.force_login(world.hk_officer)
    due = (project.start_date + dt.timedelta(days=30)).isoformat()
    client.post(
        reverse("funding:milestone_add", args=[project.pk]), {"title": "Kick-off", "due_date": due}
    )
    assert project.milestones.filter(title="Kick-off").exists()
    r = client.post(
        reverse("funding:disbursement_schedule", args=[project.pk]),
        {"funder": world.hk_funder.pk, "amount": "5"},
        follow=True,
    )
    assert "would exceed" in r.content.decode()
    client.post(reverse("funding:project_terminate", args=[project.pk]), {"reason": "Stopped"})
    client.force_login(world.cn_officer)  # a joint project stops when both funders agree
    client.post(reverse("funding:project_terminate", args=[project.pk]), {"reason": "Agreed"})
    project.refresh_from_db()
    assert project.status == "terminated"
    assert "Stopped" in client.get(project.get_absolute_url()).content.decode()


def test_project_api(client, world, project):
    import json

    def post(url, data):
        return client.post(url, json.dumps(data), content_type="application/json")

    base = f"/api/funding/projects/{project.pk}"
    client.force_login(world.lead)
    r = post(
        f"{base}/changes",
        {
            "kind": "budget",
            "side": "HK",
            "description": "over",
            "new_budget": [{"category": "staff", "amount": "5000000"}],
        },
    )
    assert r.status_code == 422 and "exceeds the cap" in r.content.decode()
    r = post(
        f"{base}/changes",
        {
            "kind": "team",
            "side": "CN",
            "description": "leaves",
            "remove_member_id": project.proposal.members.get(person=world.partner).pk,
        },
    )
    assert r.status_code == 201
    cid = r.json()["id"]
    assert post(f"{base}/milestones", {"title": "x", "due_date": "2030-01-01"}).status_code == 403
    client.force_login(world.cn_officer)
    r = post(f"/api/funding/changes/{cid}/decision", {"approve": True})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert [m["person"] for m in client.get(base).json()["team"]] == [str(world.lead)]
    due = (project.start_date + dt.timedelta(days=60)).isoformat()
    r = post(f"{base}/milestones", {"title": "Prototype", "due_date": due})
    assert r.status_code == 201
    r = post(f"{base}/instalments", {"funder_id": world.hk_funder.pk, "amount": "10"})
    assert r.status_code == 403  # the Mainland officer cannot pay the Hong Kong side
    r = post(f"{base}/instalments", {"funder_id": world.cn_funder.pk, "amount": "10"})
    assert r.status_code == 422  # the award is fully scheduled
    assert post(f"{base}/terminate", {"reason": ""}).status_code == 422
    client.force_login(world.hk_officer)
    r = post(f"{base}/terminate", {"reason": "Ended by both funders"})
    assert r.status_code == 200 and r.json()["status"] != "terminated"  # waits for the other
    client.force_login(world.cn_officer)
    r = post(f"{base}/terminate", {"reason": "Ended by both funders"})
    assert r.status_code == 200 and r.json()["status"] == "terminated"


def test_automatic_milestones_show_in_the_readers_language(client, world, submitted):
    """The report milestones a project starts with were stored in the language of whoever
    started it; they are stored untranslated and shown in each reader's language."""
    from django.utils import translation

    from .steps import to_panel

    with translation.override("zh-hant"):  # the officers and the lead work in Chinese
        p = to_panel(world, submitted)
        services.record_decision(
            world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok"
        )
        services.record_decision(
            world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok"
        )
        p.refresh_from_db()
        project = services.accept_award(world.lead, p.award)
    final = project.milestones.get(is_final=True)
    assert final.title == "Final report"
    client.force_login(world.lead)
    english = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content
    assert "Final report" in english.decode() and "最終報告" not in english.decode()
    simplified = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "结题报告" in simplified.content.decode()
    assert "Final report" not in simplified.content.decode()
    # a title stored in Chinese before (and one someone typed) still reads right
    final.title = "最終報告"
    final.save()
    assert "Final report" in client.get(project.get_absolute_url()).content.decode()
    final.title = "Kick-off report"
    final.save()
    with translation.override("zh-hans"):
        assert final.display_title == "Kick-off report"


def test_the_proposal_page_links_the_project_only_for_who_may_open_it(client, world, project):
    """A reviewer reads the funded proposal but not its project: no link to a 404."""
    proposal = project.proposal
    reviewer = proposal.assignments.first().reviewer
    for user, sees in ((world.lead, True), (world.hk_officer, True), (reviewer, False)):
        client.force_login(user)
        body = client.get(proposal.get_absolute_url()).content.decode()
        assert (project.get_absolute_url() in body) is sees, user
        r = client.get(project.get_absolute_url())
        assert (r.status_code == 200) is sees, user


def test_the_api_gives_automatic_milestones_in_the_readers_language(client, world, project):
    """The API's project gives the report milestones as the page does, in the language the
    request asks for; a typed title as typed."""
    due = project.start_date + dt.timedelta(days=60)
    services.add_milestone(world.hk_officer, project, title="原型", due_date=due)
    client.force_login(world.lead)
    url = f"/api/funding/projects/{project.pk}"
    titles = {
        lang: {m["title"] for m in client.get(url, HTTP_ACCEPT_LANGUAGE=lang).json()["milestones"]}
        for lang in ("en", "zh-hant", "zh-hans")
    }
    assert {"Final report", "原型"} <= titles["en"]
    assert {"最終報告", "原型"} <= titles["zh-hant"] and "Final report" not in titles["zh-hant"]
    assert {"结题报告", "原型"} <= titles["zh-hans"] and "Final report" not in titles["zh-hans"]
