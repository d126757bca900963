"""The transition tables of review assignments, projects and change requests
(funding/workflow.py): which steps each role may take in each state, what the services
refuse, and that pages and the API show the table's actions. Scenes are built with the
factories of tests/factories.py."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.core.workflow import SYSTEM
from innobridge.funding import services
from innobridge.funding.models import (
    AssignmentStatus,
    ChangeKind,
    ChangeStatus,
    DisbursementStatus,
    ProjectStatus,
    ProposalState,
)
from innobridge.funding.workflow import (
    ASSIGNMENT_FLOW,
    CHANGE_FLOW,
    PROJECT_FLOW,
    describe,
    project_status_action,
)
from tests.factories import (
    CallFactory,
    ChangeRequestFactory,
    FunderFactory,
    MilestoneFactory,
    PersonFactory,
    ProjectFactory,
    ProposalFactory,
    ReviewAssignmentFactory,
)

pytestmark = pytest.mark.django_db

A = AssignmentStatus


@pytest.fixture
def scene() -> dict[str, Any]:
    """Two funders on one call, an officer each, a reviewer in the HK pool."""
    hk_officer = PersonFactory(roles=["programme_officer"])
    cn_officer = PersonFactory(roles=["programme_officer"])
    reviewer = PersonFactory(roles=["reviewer"])
    hk = FunderFactory(side="HK", officers=[hk_officer], reviewer_pool=[reviewer])
    cn = FunderFactory(side="CN", officers=[cn_officer])
    call = CallFactory(sides=[hk, cn])
    return {
        "hk_officer": hk_officer,
        "cn_officer": cn_officer,
        "reviewer": reviewer,
        "hk": hk,
        "cn": cn,
        "call": call,
        "outsider": PersonFactory(roles=["researcher"]),
    }


def _assignment(scene: dict[str, Any], status: str) -> Any:
    p = ProposalFactory(call=scene["call"], state=ProposalState.IN_REVIEW)
    return ReviewAssignmentFactory(
        proposal=p, reviewer=scene["reviewer"], funder=scene["hk"], status=status
    )


# --------------------------------------------------------------------- review assignments


@pytest.mark.parametrize(
    ("status", "reviewer", "officer"),
    [
        (A.PROPOSED, ["declare_conflict"], ["invite", "remove", "release", "close"]),
        (
            A.INVITED,
            ["accept", "decline", "declare_conflict"],
            ["remove", "remind", "release", "close"],
        ),
        (A.ACCEPTED, ["review", "declare_conflict"], ["remind", "release"]),
        (A.DECLINED, [], []),
        (A.SUBMITTED, [], []),
    ],
)
def test_assignment_table_by_state_and_role(
    scene: dict[str, Any], status: str, reviewer: list[str], officer: list[str]
) -> None:
    a = _assignment(scene, status)
    assert ASSIGNMENT_FLOW.allowed_actions(scene["reviewer"], a) == reviewer
    assert ASSIGNMENT_FLOW.allowed_actions(scene["hk_officer"], a) == officer
    # the other funder's officer and anyone else: nothing
    assert ASSIGNMENT_FLOW.allowed_actions(scene["cn_officer"], a) == []
    assert ASSIGNMENT_FLOW.allowed_actions(scene["outsider"], a) == []


def test_reviewer_answers_an_invitation_once(scene: dict[str, Any]) -> None:
    a = _assignment(scene, A.INVITED)
    services.respond_assignment(scene["reviewer"], a, accept=True)
    assert a.status == A.ACCEPTED and a.responded_at is not None
    ev = AuditEvent.objects.get(action="funding.assignment.accepted", object_id=str(a.pk))
    assert ev.before["status"] == A.INVITED and ev.after["status"] == A.ACCEPTED
    with pytest.raises(ValidationError, match="already answered"):
        services.respond_assignment(scene["reviewer"], a, accept=False)
    assert a.status == A.ACCEPTED


def test_only_the_named_reviewer_answers(scene: dict[str, Any]) -> None:
    a = _assignment(scene, A.INVITED)
    with pytest.raises(PermissionDenied):
        services.respond_assignment(scene["outsider"], a, accept=True)
    a.refresh_from_db()
    assert a.status == A.INVITED


def test_a_proposed_assignment_cannot_be_answered_or_reviewed(scene: dict[str, Any]) -> None:
    a = _assignment(scene, A.PROPOSED)
    with pytest.raises(ValidationError):
        services.respond_assignment(scene["reviewer"], a, accept=True)
    with pytest.raises(ValidationError, match="Accept the invitation"):
        services.submit_review(scene["reviewer"], a, scores={})
    a.refresh_from_db()
    assert a.status == A.PROPOSED


def test_remove_only_before_acceptance_and_only_by_its_funder(scene: dict[str, Any]) -> None:
    accepted = _assignment(scene, A.ACCEPTED)
    with pytest.raises(ValidationError, match="not yet accepted"):
        services.remove_assignment(scene["hk_officer"], accepted)
    invited = _assignment(scene, A.INVITED)
    with pytest.raises(PermissionDenied):
        services.remove_assignment(scene["cn_officer"], invited)
    services.remove_assignment(scene["hk_officer"], invited)
    assert not type(invited).objects.filter(pk=invited.pk).exists()
    assert AuditEvent.objects.filter(action="funding.assignment.removed").count() == 1


def test_declaring_a_conflict_releases_the_assignment(scene: dict[str, Any]) -> None:
    a = _assignment(scene, A.ACCEPTED)
    services.declare_conflict(scene["reviewer"], a.proposal, detail="My former student")
    a.refresh_from_db()
    assert a.status == A.DECLINED
    ev = AuditEvent.objects.get(action="funding.assignment.declined", object_id=str(a.pk))
    assert ev.before["status"] == A.ACCEPTED and ev.after["status"] == A.DECLINED


def test_my_reviews_page_shows_the_table_buttons(client: Any, scene: dict[str, Any]) -> None:
    invited = _assignment(scene, A.INVITED)
    client.force_login(scene["reviewer"])
    html = client.get("/funding/reviews/").content.decode()
    assert 'data-testid="accept-review"' in html and 'data-testid="write-review"' not in html
    services.respond_assignment(scene["reviewer"], invited, accept=True)
    html = client.get("/funding/reviews/").content.decode()
    assert 'data-testid="accept-review"' not in html and 'data-testid="write-review"' in html


def test_the_api_gives_each_assignment_its_actions(client: Any, scene: dict[str, Any]) -> None:
    a = _assignment(scene, A.INVITED)
    client.force_login(scene["reviewer"])
    [out] = client.get("/api/funding/assignments").json()
    assert out["id"] == a.pk and out["actions"] == ["accept", "decline", "declare_conflict"]
    r = client.post(
        f"/api/funding/assignments/{a.pk}/respond",
        json.dumps({"accept": True}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["actions"] == ["review", "declare_conflict"]
    docs = client.get("/api/openapi.json").json()["paths"]["/api/funding/assignments"]["get"]
    assert describe(ASSIGNMENT_FLOW) in docs["description"]


# --------------------------------------------------------------------------- projects


@pytest.fixture
def running(scene: dict[str, Any]) -> Any:
    proposal = ProposalFactory(call=scene["call"], state=ProposalState.AWARDED)
    return ProjectFactory(proposal=proposal)


def test_project_table_by_role(scene: dict[str, Any], running: Any) -> None:
    lead = running.proposal.lead
    assert PROJECT_FLOW.allowed_actions(lead, running) == ["report", "request_change"]
    assert PROJECT_FLOW.allowed_actions(scene["hk_officer"], running) == [
        "add_milestone",
        "schedule",
        "release",
        "decide_change",
        "terminate",
    ]
    assert PROJECT_FLOW.allowed_actions(scene["outsider"], running) == []
    assert PROJECT_FLOW.allowed_actions(SYSTEM, running) == ["fall_behind", "complete"]


@pytest.mark.parametrize("status", [ProjectStatus.COMPLETED, ProjectStatus.TERMINATED])
def test_a_closed_project_allows_nothing(scene: dict[str, Any], running: Any, status: str) -> None:
    running.status = status
    running.save()
    for who in (running.proposal.lead, scene["hk_officer"], SYSTEM):
        assert PROJECT_FLOW.allowed_actions(who, running) == []
    with pytest.raises(ValidationError, match="closed"):
        services.add_milestone(
            scene["hk_officer"], running, title="More", due_date=running.end_date
        )
    with pytest.raises(ValidationError, match="closed"):
        services.terminate_project(scene["hk_officer"], running, reason="Again")


def test_status_check_follows_the_table(running: Any) -> None:
    assert project_status_action(ProjectStatus.ON_TRACK, ProjectStatus.LATE) == "fall_behind"
    assert project_status_action(ProjectStatus.LATE, ProjectStatus.ON_TRACK) == "catch_up"
    assert project_status_action(ProjectStatus.LATE, ProjectStatus.COMPLETED) == "complete"
    assert project_status_action(ProjectStatus.TERMINATED, ProjectStatus.ON_TRACK) is None
    m = MilestoneFactory(project=running, due_date=running.start_date + dt.timedelta(days=30))
    late_day = m.due_date + dt.timedelta(days=1)
    assert services.refresh_project_status(running, today=late_day) == ProjectStatus.LATE
    running.refresh_from_db()
    assert running.status == ProjectStatus.LATE
    ev = AuditEvent.objects.get(action="funding.project.status_changed")
    assert ev.actor_repr == SYSTEM and ev.after == {"status": ProjectStatus.LATE}


def test_termination_by_the_last_funder_moves_the_project(
    scene: dict[str, Any], running: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.terminate_project(running.proposal.lead, running, reason="We stop")
    services.terminate_project(scene["hk_officer"], running, reason="Partner left")
    running.refresh_from_db()
    assert running.status != ProjectStatus.TERMINATED  # the Mainland funder must agree too
    services.terminate_project(scene["cn_officer"], running, reason="Agreed")
    running.refresh_from_db()
    assert running.status == ProjectStatus.TERMINATED
    assert running.termination_reason == "Partner left"
    ev = AuditEvent.objects.get(action="funding.project.terminated")
    assert ev.before["status"] == ProjectStatus.ON_TRACK
    assert ev.after["status"] == ProjectStatus.TERMINATED
    assert ev.after["reason"] == "Partner left" and ev.after["cancelled_instalments"] == 0
    assert not running.disbursements.filter(status=DisbursementStatus.SCHEDULED).exists()


def test_project_page_and_api_show_the_table(
    client: Any, scene: dict[str, Any], running: Any
) -> None:
    client.force_login(scene["hk_officer"])
    html = client.get(running.get_absolute_url()).content.decode()
    assert 'data-testid="terminate-form"' in html and 'data-testid="milestone-form"' in html
    assert 'data-testid="change-form"' not in html  # the team's, not the officer's
    out = client.get(f"/api/funding/projects/{running.pk}").json()
    assert "terminate" in out["actions"] and "request_change" not in out["actions"]
    running.status = ProjectStatus.TERMINATED
    running.save()
    html = client.get(running.get_absolute_url()).content.decode()
    assert 'data-testid="terminate-form"' not in html and 'data-testid="milestone-form"' not in html
    assert client.get(f"/api/funding/projects/{running.pk}").json()["actions"] == []
    client.force_login(running.proposal.lead)
    assert (
        'data-testid="change-form"' not in client.get(running.get_absolute_url()).content.decode()
    )


# --------------------------------------------------------------------- change requests


def test_change_table_by_role(scene: dict[str, Any], running: Any) -> None:
    change = ChangeRequestFactory(project=running, kind=ChangeKind.BUDGET, side="CN")
    assert CHANGE_FLOW.allowed_actions(scene["cn_officer"], change) == ["approve", "reject"]
    assert CHANGE_FLOW.allowed_actions(scene["hk_officer"], change) == []  # not its side
    assert CHANGE_FLOW.allowed_actions(running.proposal.lead, change) == []


def test_a_joint_change_moves_when_the_last_funder_approves(
    client: Any, scene: dict[str, Any], running: Any
) -> None:
    change = ChangeRequestFactory(project=running, kind=ChangeKind.DURATION, side="HK")
    # the funder concerned first, then the other
    assert CHANGE_FLOW.allowed_actions(scene["cn_officer"], change) == []
    services.decide_change(scene["hk_officer"], change, approve=True, note="fine")
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
    assert CHANGE_FLOW.allowed_actions(scene["hk_officer"], change) == []
    assert CHANGE_FLOW.allowed_actions(scene["cn_officer"], change) == ["approve", "reject"]
    client.force_login(scene["cn_officer"])
    [out] = client.get(f"/api/funding/projects/{running.pk}").json()["change_requests"]
    assert out["actions"] == ["approve", "reject"]
    services.decide_change(scene["cn_officer"], change, approve=True, note="agreed")
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == scene["cn_officer"]
    ev = AuditEvent.objects.get(action="funding.change.decided", object_id=str(change.pk))
    assert ev.before["status"] == ChangeStatus.PENDING
    assert ev.after["status"] == ChangeStatus.APPROVED
    running.refresh_from_db()
    assert running.end_date == change.new_end_date
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_change(scene["hk_officer"], change, approve=False)


def test_a_rejected_change_is_final(scene: dict[str, Any], running: Any) -> None:
    change = ChangeRequestFactory(project=running, kind=ChangeKind.BUDGET, side="CN")
    with pytest.raises(PermissionDenied):
        services.decide_change(scene["hk_officer"], change, approve=True)
    services.decide_change(scene["cn_officer"], change, approve=False, note="no")
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    assert CHANGE_FLOW.allowed_actions(scene["cn_officer"], change) == []
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_change(scene["cn_officer"], change, approve=True)
