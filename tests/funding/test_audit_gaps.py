"""Audited paths that no other funding test walked: an invitee declining to join a
proposal (``funding.member.declined``), the lead removing a budget line
(``funding.budget.removed``) and a reviewer's unfinished assignment released when an
approved team change creates a conflict (``funding.assignment.released``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.audit import FundingAction
from innobridge.funding.models import (
    AssignmentStatus,
    BudgetLine,
    ConflictOfInterest,
    InvitationStatus,
    ReviewAssignment,
    TeamMember,
)


def test_invitee_declines_and_only_the_invitee_may(world):
    p = services.create_proposal(world.lead, world.call, title_en="T")
    m = services.invite_member(world.lead, p, world.partner)
    # neither the lead nor an outsider may answer for the invitee; nothing is written
    for someone in (world.lead, world.outsider):
        with pytest.raises(PermissionDenied):
            services.respond_invitation(someone, m, accept=False)
    m.refresh_from_db()
    assert m.status == InvitationStatus.INVITED and m.responded_at is None
    assert not AuditEvent.objects.filter(action=FundingAction.MEMBER_DECLINED).exists()

    services.respond_invitation(world.partner, m, accept=False)
    m.refresh_from_db()
    assert m.status == InvitationStatus.DECLINED and m.responded_at is not None
    event = AuditEvent.objects.get(action=FundingAction.MEMBER_DECLINED, object_id=str(m.pk))
    assert event.actor_id == world.partner.pk
    # the answer is final: a later accept is refused and changes nothing
    with pytest.raises(ValidationError, match="already answered"):
        services.respond_invitation(world.partner, m, accept=True)
    assert TeamMember.objects.get(pk=m.pk).status == InvitationStatus.DECLINED
    assert not AuditEvent.objects.filter(action=FundingAction.MEMBER_ACCEPTED).exists()


def test_only_the_lead_removes_a_budget_line(world):
    p = services.create_proposal(world.lead, world.call, title_en="T")
    m = services.invite_member(world.lead, p, world.partner)
    services.respond_invitation(world.partner, m, accept=True)
    line = services.add_budget_line(world.lead, p, side="HK", category="travel", amount="10")
    for someone in (world.partner, world.outsider):
        with pytest.raises(PermissionDenied):
            services.remove_budget_line(someone, line)
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    assert not AuditEvent.objects.filter(action=FundingAction.BUDGET_REMOVED).exists()

    pk = line.pk
    services.remove_budget_line(world.lead, line)
    assert not BudgetLine.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action=FundingAction.BUDGET_REMOVED, object_id=str(pk))
    assert event.actor_id == world.lead.pk


def test_team_change_conflict_releases_unfinished_assignment(world, project, make_researcher):
    proposal = project.proposal
    done = list(proposal.assignments.filter(status=AssignmentStatus.SUBMITTED))
    assert done  # the reviews that led to the award
    # a Mainland reviewer (of world.cn_org2) who accepted but has not yet reviewed
    reviewer = next(
        r for r in world.reviewers_cn if not proposal.assignments.filter(reviewer=r).exists()
    )
    pending = ReviewAssignment.objects.create(
        proposal=proposal,
        reviewer=reviewer,
        funder=world.cn_funder,
        status=AssignmentStatus.ACCEPTED,
    )
    newcomer = make_researcher("newcomer", world.cn_org2)  # same organisation as reviewer
    cr = services.request_change(
        world.lead,
        project,
        kind="team",
        side="CN",
        description="A new co-investigator",
        add_person=newcomer,
        add_role="co_investigator",
    )
    # only the Mainland funder decides on the Mainland team: nothing released before
    with pytest.raises(PermissionDenied):
        services.decide_change(world.hk_officer, cr, approve=True)
    pending.refresh_from_db()
    assert pending.status == AssignmentStatus.ACCEPTED
    assert not AuditEvent.objects.filter(action=FundingAction.ASSIGNMENT_RELEASED).exists()

    services.decide_change(world.cn_officer, cr, approve=True)
    pending.refresh_from_db()
    assert pending.status == AssignmentStatus.DECLINED and pending.responded_at is not None
    assert ConflictOfInterest.objects.filter(
        proposal=proposal, reviewer=reviewer, kind="same_org"
    ).exists()
    event = AuditEvent.objects.get(
        action=FundingAction.ASSIGNMENT_RELEASED, object_id=str(pending.pk)
    )
    assert event.actor_id == world.cn_officer.pk
    # finished reviews are not undone, and only the unfinished assignment was released
    for a in done:
        a.refresh_from_db()
        assert a.status == AssignmentStatus.SUBMITTED
    assert AuditEvent.objects.filter(action=FundingAction.ASSIGNMENT_RELEASED).count() == 1
