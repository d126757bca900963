"""A project's status is written only by the writes that change it (a report rated, a
milestone added, the end date moved) and by the daily ``funding_remind``; reading the
project's page or its API writes nothing, yet shows the status as of today."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.audit import FundingAction
from innobridge.funding.models import Project, ProjectStatus


def status_events():
    return AuditEvent.objects.filter(action=FundingAction.PROJECT_STATUS_CHANGED)


def overdue_notices(person):
    return person.notices.filter(source="funding", subject__icontains="overdue")


def test_reading_the_project_writes_nothing_but_shows_todays_status(client, world, project):
    project.milestones.filter(is_final=False).update(due_date=dt.date(2000, 1, 1))
    client.force_login(world.lead)
    page = client.get(reverse("funding:project", args=[project.pk]))
    assert page.status_code == 200
    assert 'data-testid="project-status">Late<' in page.content.decode()
    api = client.get(f"/api/funding/projects/{project.pk}")
    assert api.status_code == 200 and api.json()["status"] == ProjectStatus.LATE
    project.refresh_from_db()
    assert project.status == ProjectStatus.ON_TRACK  # nothing written by the GETs
    assert not status_events().exists() and not overdue_notices(world.lead).exists()
    # the daily command writes it, audited, and tells the team once
    out = io.StringIO()
    call_command("funding_remind", stdout=out)
    assert "1 project statuses changed" in out.getvalue()
    project.refresh_from_db()
    assert project.status == ProjectStatus.LATE
    assert status_events().count() == 1 and overdue_notices(world.lead).count() == 1
    page = client.get(reverse("funding:project", args=[project.pk]))
    assert 'data-testid="project-status">Late<' in page.content.decode()


def test_milestone_added_already_due_makes_the_project_late_at_once(world, project):
    Project.objects.filter(pk=project.pk).update(start_date=dt.date(2000, 1, 1))
    project.refresh_from_db()
    services.add_milestone(world.hk_officer, project, title="Survey", due_date=dt.date(2000, 6, 1))
    project.refresh_from_db()
    assert project.status == ProjectStatus.LATE
    ev = status_events().get()
    assert ev.after == {"status": ProjectStatus.LATE}
    assert overdue_notices(world.lead).count() == 1 and overdue_notices(world.partner).count()


def test_extension_brings_a_late_project_back_on_track(world, project):
    Project.objects.filter(pk=project.pk).update(
        start_date=dt.date(2000, 1, 1), end_date=dt.date(2001, 1, 1)
    )
    soon = timezone.localdate() + dt.timedelta(days=30)
    project.milestones.filter(is_final=False).update(due_date=soon)  # not yet due
    project.milestones.filter(is_final=True).update(due_date=dt.date(2001, 1, 1))
    assert services.refresh_project_statuses() == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.LATE
    new_end = timezone.localdate() + dt.timedelta(days=365)
    cr = services.request_change(
        world.lead, project, kind="duration", side="HK", description="Delay", new_end_date=new_end
    )
    services.decide_change(world.hk_officer, cr, approve=True)
    services.decide_change(world.cn_officer, cr, approve=True)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ON_TRACK
    assert [e.after for e in status_events().order_by("pk")] == [
        {"status": ProjectStatus.LATE},
        {"status": ProjectStatus.ON_TRACK},
    ]


def test_overdue_notice_names_the_report_milestone_in_each_members_language(world, project):
    world.partner.preferred_language = "zh-hans"
    world.partner.save()
    project.milestones.filter(is_final=False).update(due_date=dt.date(2000, 1, 1))
    assert services.refresh_project_statuses() == 1
    assert "Progress report" in overdue_notices(world.lead).get().body
    body = world.partner.notices.filter(source="funding").latest("pk").body  # in Chinese
    assert "进展报告" in body and "Progress report" not in body
