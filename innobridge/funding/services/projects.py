"""The funded project: milestones, reports, disbursements, status, termination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.money import Money
from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.core.uploads import uploads_kept_if_saved
from innobridge.core.workflow import SYSTEM
from innobridge.people.models import Person

from ..audit import FundingAction
from ..models import (
    ApprovalSubject,
    Attachment,
    Disbursement,
    DisbursementStatus,
    Funder,
    InvitationStatus,
    JointApproval,
    Milestone,
    Project,
    ProjectStatus,
    Report,
    ReportKind,
    ReportRating,
)
from ..notifications import notify
from ..permissions import (
    can_act_for_funder,
    require_act_for_funder,
    require_manage_call,
    require_work_on_project,
)
from ..workflow import PROJECT_FLOW, project_status_action, require_allows
from .calls import _decimal
from .proposals import check_pdf


@transaction.atomic
def add_milestone(actor: Any, project: Project, *, title: str, due_date: dt.date) -> Milestone:
    require_manage_call(actor, project.proposal.call)
    require_allows(PROJECT_FLOW, project, "add_milestone")
    if not title.strip():
        raise ValidationError({"title": _("Name the milestone.")})
    if not project.start_date <= due_date <= project.end_date:
        raise ValidationError({"due_date": _("The due date must fall within the project.")})
    m = Milestone.objects.create(project=project, title=title.strip(), due_date=due_date)
    record_event(actor, FundingAction.MILESTONE_CREATED, m, after=snapshot(m))
    refresh_project_status(project)  # a milestone already past due makes the project late
    return m


@transaction.atomic
def submit_report(
    actor: Any,
    project: Project,
    *,
    milestone: Milestone,
    summary: str,
    files: list[UploadedFile] | None = None,
) -> Report:
    require_work_on_project(actor, project)
    require_allows(PROJECT_FLOW, project, "report")
    if milestone.project_id != project.pk:
        raise ValidationError({"milestone": _("That milestone belongs to another project.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Write a summary.")})
    if milestone.reports.filter(
        rating__in=[ReportRating.PENDING, ReportRating.SATISFACTORY]
    ).exists():
        raise ValidationError(
            _("A report for this milestone is already awaiting assessment or accepted.")
        )
    files = files or []
    for f in files:
        check_pdf(f, project.proposal.call.max_attachment_mb)
    with uploads_kept_if_saved() as uploads:
        report = Report.objects.create(
            project=project,
            milestone=milestone,
            kind=ReportKind.FINAL if milestone.is_final else ReportKind.PROGRESS,
            summary=summary.strip(),
            submitted_by=actor,
        )
        for f in files:
            att = Attachment(
                report=report,
                original_name=(f.name or "report.pdf")[-255:],
                size=f.size or 0,
                uploaded_by=actor,
            )
            uploads.write(att.file, "upload.pdf", f)
            att.save()
        record_event(actor, FundingAction.REPORT_SUBMITTED, report, after=snapshot(report))
        officers = Person.objects.filter(
            funder_offices__call_sides__call=project.proposal.call
        ).distinct()
        for officer in officers.order_by("pk"):
            notify(
                officer,
                gettext_noop("Report to assess"),
                gettext_noop("A report on “%(milestone)s” of “%(title)s” awaits your assessment."),
                {"milestone": milestone.display_title, "title": project.title},
                url=project.get_absolute_url(),
            )
    return report


def _notify_team(project: Project, subject: str, body: str, params: Mapping[str, Any]) -> None:
    for m in project.proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related(
        "person"
    ):
        notify(m.person, subject, body, params, url=project.get_absolute_url())


def refresh_project_status(project: Project, today: dt.date | None = None) -> str:
    """Bring the project's status up to date (late while a milestone is overdue, completed
    once the final report is accepted), audited and told to the team. Called by the writes
    that change it (a report rated, a milestone added, the end date moved) and daily for
    the days that pass (``refresh_project_statuses``); never by a page or a GET."""
    status = project.current_status(today)
    action = project_status_action(project.status, status)
    if action is not None:
        apply_transition(
            SYSTEM,
            project,
            PROJECT_FLOW,
            action,
            audit_action=FundingAction.PROJECT_STATUS_CHANGED,
            audit_fields=["status"],
        )
        if status == ProjectStatus.LATE:
            # lazy titles: each member reads them in their own language
            late = [m.display_title for m in project.milestones.all() if m.is_overdue(today)]
            _notify_team(
                project,
                gettext_noop("Project milestone overdue"),
                gettext_noop("“%(title)s” is late: %(milestones)s. Submit the report now."),
                {
                    "title": project.title,
                    "milestones": format_lazy(", ".join(["{}"] * len(late)), *late),
                },
            )
    return status


def refresh_project_statuses(today: dt.date | None = None) -> int:
    """Every running project's status (late when a milestone is overdue); run daily by
    ``innobridge funding_remind``. Returns how many changed."""
    n = 0
    for project in Project.objects.exclude(
        status__in=[ProjectStatus.COMPLETED, ProjectStatus.TERMINATED]
    ).order_by("pk"):
        before = project.status
        with transaction.atomic():
            if refresh_project_status(project, today) != before:
                n += 1
    return n


@transaction.atomic
def rate_report(actor: Any, report: Report, *, rating: str, comment: str = "") -> Report:
    require_manage_call(actor, report.project.proposal.call)
    if report.rating != ReportRating.PENDING:
        raise ValidationError(_("This report has already been assessed."))
    if rating not in (ReportRating.SATISFACTORY, ReportRating.UNSATISFACTORY):
        raise ValidationError({"rating": _("Choose satisfactory or unsatisfactory.")})
    if rating == ReportRating.UNSATISFACTORY and not comment.strip():
        raise ValidationError({"comment": _("Say what is unsatisfactory.")})
    before = snapshot(report)
    report.rating = rating
    report.rating_comment = comment.strip()
    report.rated_by = actor
    report.rated_at = timezone.now()
    report.save()
    record_event(actor, FundingAction.REPORT_RATED, report, before=before, after=snapshot(report))
    refresh_project_status(report.project)
    _notify_team(
        report.project,
        gettext_noop("Report assessed"),
        gettext_noop("Your report on “%(milestone)s” was assessed: %(rating)s. %(comment)s"),
        {
            "milestone": report.milestone.display_title,
            "rating": ReportRating(rating).label,  # lazy: in each member's language
            "comment": report.rating_comment,
        },
    )
    return report


@transaction.atomic
def schedule_disbursement(
    actor: Any,
    project: Project,
    funder: Funder,
    *,
    amount: Any,
    depends_on: Milestone | None = None,
) -> Disbursement:
    require_act_for_funder(actor, funder)
    require_allows(PROJECT_FLOW, project, "schedule")
    decision = project.proposal.decisions.filter(funder=funder).first()
    if decision is None:
        raise ValidationError(_("This funder does not pay this project."))
    value = _decimal(amount, "amount")
    if value <= 0:
        raise ValidationError({"amount": _("An amount must be positive.")})
    scheduled = project.disbursements.filter(funder=funder).exclude(
        status=DisbursementStatus.CANCELLED
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if scheduled + value > decision.amount:
        raise ValidationError(
            {
                "amount": _("Instalments would exceed the %(currency)s %(amount)s awarded.")
                % {
                    "currency": decision.currency,
                    "amount": Money(decision.amount, decision.currency).figure(),
                }
            }
        )
    if depends_on is not None and depends_on.project_id != project.pk:
        raise ValidationError({"depends_on": _("That milestone belongs to another project.")})
    n = (
        project.disbursements.filter(side=decision.side)
        .order_by("-instalment")
        .values_list("instalment", flat=True)
        .first()
        or 0
    ) + 1
    d = Disbursement.objects.create(
        project=project,
        funder=funder,
        side=decision.side,
        instalment=n,
        amount=value,
        currency=decision.currency,
        depends_on=depends_on,
    )
    record_event(actor, FundingAction.DISBURSEMENT_SCHEDULED, d, after=snapshot(d))
    return d


@transaction.atomic
def release_disbursement(actor: Any, disbursement: Disbursement) -> Disbursement:
    require_act_for_funder(actor, disbursement.funder)
    require_allows(PROJECT_FLOW, disbursement.project, "release")
    if disbursement.status != DisbursementStatus.SCHEDULED:
        raise ValidationError(_("This instalment has already been released."))
    if disbursement.depends_on is not None and disbursement.depends_on.accepted_report() is None:
        raise ValidationError(
            _("This instalment is released only after the report for “%(m)s” is accepted.")
            % {"m": disbursement.depends_on.display_title}
        )
    before = snapshot(disbursement)
    disbursement.status = DisbursementStatus.RELEASED
    disbursement.released_at = timezone.now()
    disbursement.released_by = actor
    disbursement.save()
    record_event(
        actor,
        FundingAction.DISBURSEMENT_RELEASED,
        disbursement,
        before=before,
        after=snapshot(disbursement),
    )
    _notify_team(
        disbursement.project,
        gettext_noop("Instalment released"),
        gettext_noop("%(funder)s released instalment %(n)s: %(currency)s %(amount)s."),
        {
            "funder": disbursement.funder.name,
            "n": disbursement.instalment,
            "currency": disbursement.currency,
            "amount": Money(disbursement.amount, disbursement.currency).figure(),
        },
    )
    return disbursement


@transaction.atomic
def terminate_project(actor: Any, project: Project, *, reason: str) -> Project:
    """Stop the project: scheduled instalments are cancelled. A joint project binds every
    funder, so each funder's officer agrees in turn (the first gives the reason); it is
    terminated when the last funder agrees."""
    require_manage_call(actor, project.proposal.call)
    require_allows(PROJECT_FLOW, project, "terminate")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the project is terminated.")})
    project = Project.objects.select_for_update().get(pk=project.pk)
    sides = list(project.proposal.call.sides.select_related("funder"))
    first_reason = reason.strip()
    if len(sides) > 1:
        agreed = project.approvals.filter(subject=ApprovalSubject.TERMINATION)
        if agreed.exists():
            first_reason = agreed.first().note  # type: ignore[union-attr]
        done = set(agreed.values_list("funder_id", flat=True))
        mine = [
            cs.funder
            for cs in sides
            if cs.funder_id not in done and can_act_for_funder(actor, cs.funder)
        ]
        if not mine:
            raise ValidationError(
                _("Your funder has agreed already; the other funder must agree too.")
            )
        for funder in mine:
            approval = JointApproval.objects.create(
                project=project,
                subject=ApprovalSubject.TERMINATION,
                funder=funder,
                approved_by=actor,
                note=reason.strip(),
            )
            record_event(
                actor,
                FundingAction.PROJECT_TERMINATION_APPROVED,
                approval,
                after=snapshot(approval),
            )
            done.add(funder.pk)
        if done != {cs.funder_id for cs in sides}:
            return project  # waiting for the other funder(s)
    reason = first_reason
    cancelled = project.disbursements.filter(status=DisbursementStatus.SCHEDULED).update(
        status=DisbursementStatus.CANCELLED
    )
    apply_transition(
        actor,
        project,
        PROJECT_FLOW,
        "terminate",
        audit_action=FundingAction.PROJECT_TERMINATED,
        check_roles=False,  # every funder's officer has agreed (above)
        audit_extra={"reason": reason.strip(), "cancelled_instalments": cancelled},
        termination_reason=reason.strip(),
        terminated_at=timezone.now(),
    )
    for m in project.proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related(
        "person"
    ):
        notify(
            m.person,
            gettext_noop("Project terminated"),
            gettext_noop("The project “%(title)s” was terminated: %(reason)s"),
            {"title": project.title, "reason": reason.strip()},
            url=project.get_absolute_url(),
        )
    return project
