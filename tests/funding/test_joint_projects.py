"""A joint project binds both funders: a change that affects both sides (its end date)
takes effect only when both funders approve, and so does its termination; a change on
one side (that side's budget, its team) stays with the funder concerned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.models import ChangeStatus, DisbursementStatus, JointApproval, ProjectStatus


def test_end_date_change_needs_both_funders(world, project):
    old_end = project.end_date
    new_end = old_end + dt.timedelta(days=90)
    cr = services.request_change(
        world.lead, project, kind="duration", side="HK", description="Delay", new_end_date=new_end
    )
    assert services.is_joint_change(cr)
    # the funder concerned first: the other funder cannot go first
    with pytest.raises(PermissionDenied):
        services.decide_change(world.cn_officer, cr, approve=True)
    services.decide_change(world.hk_officer, cr, approve=True)
    cr.refresh_from_db()
    project.refresh_from_db()
    assert cr.status == ChangeStatus.PENDING and project.end_date == old_end
    assert services.funders_to_decide(world.hk_officer, cr) == []
    assert services.funders_to_decide(world.cn_officer, cr) == [world.cn_funder]
    with pytest.raises(PermissionDenied):  # one yes per funder
        services.decide_change(world.hk_officer, cr, approve=True)
    services.decide_change(world.cn_officer, cr, approve=True)
    cr.refresh_from_db()
    project.refresh_from_db()
    assert cr.status == ChangeStatus.APPROVED and project.end_date == new_end
    assert JointApproval.objects.filter(change=cr).count() == 2


def test_the_other_funder_can_reject_an_end_date_change(world, project):
    old_end = project.end_date
    cr = services.request_change(
        world.lead,
        project,
        kind="duration",
        side="CN",
        description="Delay",
        new_end_date=old_end + dt.timedelta(days=60),
    )
    services.decide_change(world.cn_officer, cr, approve=True)
    services.decide_change(world.hk_officer, cr, approve=False, note="Not on our side")
    cr.refresh_from_db()
    project.refresh_from_db()
    assert cr.status == ChangeStatus.REJECTED and project.end_date == old_end


def test_a_one_sided_budget_change_needs_only_its_funder(world, project):
    cr = services.request_change(
        world.lead,
        project,
        kind="budget",
        side="CN",
        description="More equipment",
        new_budget=[{"category": "equipment", "source": "funder", "amount": "500000"}],
    )
    assert not services.is_joint_change(cr)
    assert services.funders_to_decide(world.hk_officer, cr) == []
    services.decide_change(world.cn_officer, cr, approve=True)
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.APPROVED


def test_termination_needs_both_funders(world, project, client):
    scheduled = project.disbursements.filter(status=DisbursementStatus.SCHEDULED).count()
    assert scheduled
    services.terminate_project(world.hk_officer, project, reason="Partner lab closed")
    project.refresh_from_db()
    assert project.status != ProjectStatus.TERMINATED
    assert project.disbursements.filter(status=DisbursementStatus.SCHEDULED).count() == scheduled
    with pytest.raises(ValidationError):  # the same funder again changes nothing
        services.terminate_project(world.hk_officer, project, reason="again")
    client.force_login(world.cn_officer)
    body = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="termination-approvals"' in body and "Partner lab closed" in body
    client.post(reverse("funding:project_terminate", args=[project.pk]), {"reason": "Agreed"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert project.termination_reason == "Partner lab closed"
    assert not project.disbursements.filter(status=DisbursementStatus.SCHEDULED).exists()
    assert AuditEvent.objects.filter(object_type="funding.jointapproval").count() == 2
