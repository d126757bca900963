"""Project monitoring: progress and final reports with PDF attachments, rated by the
officers (the team is told), overdue milestones flag the project late (the team is told,
daily by ``funding_remind``), an accepted final report completes it, released instalments
are announced."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.models import Attachment, Report

from .conftest import pdf


def notes(person, subject):
    return person.notices.filter(source="funding", subject__icontains=subject)


def test_report_with_attachments_and_officers_told(world, project):
    mid = project.milestones.get(is_final=False)
    report = services.submit_report(
        world.partner,
        project,
        milestone=mid,
        summary="Six months in.",
        files=[pdf("data.pdf"), pdf("photos.pdf")],
    )
    assert report.kind == "progress"
    assert sorted(a.original_name for a in report.attachments.all()) == ["data.pdf", "photos.pdf"]
    assert notes(world.hk_officer, "assess").count() == 1
    assert notes(world.cn_officer, "assess").count() == 1
    assert not notes(world.lead, "assess").exists()


def test_bad_report_changes_nothing(world, project):
    mid = project.milestones.get(is_final=False)
    n_att = Attachment.objects.count()
    with pytest.raises(ValidationError, match="Only PDF"):
        services.submit_report(
            world.lead,
            project,
            milestone=mid,
            summary="x",
            files=[pdf("ok.pdf"), pdf("evil.pdf", b"MZ\x90\x00 not a pdf")],
        )
    with pytest.raises(ValidationError):
        services.submit_report(world.lead, project, milestone=mid, summary="   ")
    with pytest.raises(PermissionDenied):
        services.submit_report(world.outsider, project, milestone=mid, summary="I am not in it")
    assert not Report.objects.exists() and Attachment.objects.count() == n_att


def test_unsatisfactory_then_resubmitted_then_accepted(world, project):
    mid = project.milestones.get(is_final=False)
    r1 = services.submit_report(world.lead, project, milestone=mid, summary="Thin report")
    with pytest.raises(ValidationError):  # a second report while one awaits assessment
        services.submit_report(world.lead, project, milestone=mid, summary="again")
    with pytest.raises(ValidationError):  # say why
        services.rate_report(world.hk_officer, r1, rating="unsatisfactory", comment="")
    services.rate_report(world.hk_officer, r1, rating="unsatisfactory", comment="No data shown.")
    told = notes(world.partner, "assessed").get()
    assert "Unsatisfactory" in told.body and "No data shown." in told.body
    second = project.disbursements.get(depends_on=mid, side="HK")
    with pytest.raises(ValidationError, match="only after the report"):
        services.release_disbursement(world.hk_officer, second)
    r2 = services.submit_report(world.lead, project, milestone=mid, summary="With data")
    services.rate_report(world.cn_officer, r2, rating="satisfactory")
    hk = project.disbursements.get(depends_on=mid, side="HK")
    services.release_disbursement(world.hk_officer, hk)
    released = notes(world.lead, "instalment released").get()
    assert "HKD" in released.body and world.hk_funder.name in released.body


def test_accepted_final_report_completes_the_project(world, project):
    for m in project.milestones.order_by("due_date"):
        r = services.submit_report(world.lead, project, milestone=m, summary=f"On {m.title}")
        services.rate_report(world.hk_officer, r, rating="satisfactory")
    project.refresh_from_db()
    assert project.status == "completed"
    assert project.reports.get(milestone__is_final=True).kind == "final"
    with pytest.raises(ValidationError):  # a closed project takes no more reports
        services.submit_report(
            world.lead, project, milestone=project.milestones.first(), summary="late"
        )


def test_overdue_milestone_flags_late_daily_and_tells_the_team(world, project):
    mid = project.milestones.get(is_final=False)
    assert services.refresh_project_statuses(today=mid.due_date) == 0
    assert services.refresh_project_statuses(today=mid.due_date + dt.timedelta(days=1)) == 1
    project.refresh_from_db()
    assert project.status == "late"
    assert notes(world.lead, "overdue").count() == 1 and notes(world.partner, "overdue").count()
    assert services.refresh_project_statuses(today=mid.due_date + dt.timedelta(days=2)) == 0
    assert notes(world.lead, "overdue").count() == 1  # told once
    ev = AuditEvent.objects.get(action="funding.project.status_changed")
    assert ev.before == {"status": "on_track"} and ev.after == {"status": "late"}
    # the report accepted brings it back on track
    r = services.submit_report(world.lead, project, milestone=mid, summary="Done at last")
    services.rate_report(world.hk_officer, r, rating="satisfactory")
    project.refresh_from_db()
    assert project.status == "on_track"


def test_remind_command_updates_project_statuses(world, project):
    project.milestones.filter(is_final=False).update(due_date=dt.date(2000, 1, 1))
    out = io.StringIO()
    call_command("funding_remind", stdout=out)
    assert "1 project statuses changed" in out.getvalue()
    project.refresh_from_db()
    assert project.status == "late"


def test_report_page_upload(client, world, project):
    mid = project.milestones.get(is_final=False)
    client.force_login(world.partner)
    r = client.post(
        reverse("funding:report_submit", args=[project.pk]),
        {"milestone": mid.pk, "summary": "From the page", "files": [pdf("r.pdf")]},
        follow=True,
    )
    assert b"Report submitted." in r.content and b"r.pdf" in r.content
    r = client.post(
        reverse("funding:report_submit", args=[project.pk]),
        {"milestone": mid.pk, "summary": "Bad", "files": [pdf("r.docx", b"PK\x03\x04")]},
        follow=True,
    )
    assert b"already awaiting assessment" in r.content or b"Only PDF" in r.content
    assert Report.objects.filter(project=project).count() == 1


def test_a_report_whose_audit_fails_leaves_no_file_and_no_row(world, project, monkeypatch):
    """Files written before a later step raises are deleted again (core.uploads)."""
    from pathlib import Path

    from django.conf import settings

    from innobridge.funding.services import projects

    def boom(*args, **kwargs):
        raise RuntimeError("the audit failed")

    mid = project.milestones.get(is_final=False)
    monkeypatch.setattr(projects, "record_event", boom)
    n_att = Attachment.objects.count()
    with pytest.raises(RuntimeError):
        services.submit_report(
            world.lead, project, milestone=mid, summary="x", files=[pdf("a.pdf"), pdf("b.pdf")]
        )
    assert not Report.objects.exists() and Attachment.objects.count() == n_att
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
