"""Rename the funding audit action names already stored to the registry's names
(``funding.<noun>.<verb in past tense>``, innobridge/funding/audit.py). AuditEvent is
append-only in its model and queryset; a migration's historical model has neither, so a
plain ``update()`` renames in place (the events themselves — who, what, when — unchanged).
"""

from django.db import migrations

# Frozen here (a migration must not follow later edits of the registry).
RENAMES = {
    "funding.assignment.accept": "funding.assignment.accepted",
    "funding.assignment.create": "funding.assignment.created",
    "funding.assignment.decline": "funding.assignment.declined",
    "funding.assignment.invite": "funding.assignment.invited",
    "funding.assignment.refill": "funding.assignment.refilled",
    "funding.assignment.release": "funding.assignment.released",
    "funding.assignment.remind": "funding.assignment.reminded",
    "funding.assignment.remove": "funding.assignment.removed",
    "funding.assignment.submit": "funding.assignment.submitted",
    "funding.attachment.add": "funding.attachment.added",
    "funding.attachment.remove": "funding.attachment.removed",
    "funding.budget.add": "funding.budget.added",
    "funding.budget.change": "funding.budget.changed",
    "funding.budget.remove": "funding.budget.removed",
    "funding.call.assign": "funding.call.assigned",
    "funding.call.conflicts": "funding.call.conflicts_refreshed",
    "funding.call.create": "funding.call.created",
    "funding.call.rubric": "funding.call.rubric_set",
    "funding.call.side": "funding.call.side_updated",
    "funding.call.update": "funding.call.updated",
    "funding.change.decide": "funding.change.decided",
    "funding.change.request": "funding.change.requested",
    "funding.conflict.declare": "funding.conflict.declared",
    "funding.decision.amend": "funding.decision.amended",
    "funding.decision.record": "funding.decision.recorded",
    "funding.disbursement.adjust": "funding.disbursement.adjusted",
    "funding.disbursement.release": "funding.disbursement.released",
    "funding.disbursement.schedule": "funding.disbursement.scheduled",
    "funding.member.accept": "funding.member.accepted",
    "funding.member.add": "funding.member.added",
    "funding.member.decline": "funding.member.declined",
    "funding.member.invite": "funding.member.invited",
    "funding.member.remove": "funding.member.removed",
    "funding.milestone.create": "funding.milestone.created",
    "funding.pool.add": "funding.pool.added",
    "funding.pool.remove": "funding.pool.removed",
    "funding.project.create": "funding.project.created",
    "funding.project.extend": "funding.project.extended",
    "funding.project.status": "funding.project.status_changed",
    "funding.project.team": "funding.project.team_changed",
    "funding.project.terminate": "funding.project.terminated",
    "funding.proposal.award": "funding.proposal.awarded",
    "funding.proposal.create": "funding.proposal.created",
    "funding.proposal.decline": "funding.proposal.declined",
    "funding.proposal.panel": "funding.proposal.moved_to_panel",
    "funding.proposal.review": "funding.proposal.review_started",
    "funding.proposal.screen": "funding.proposal.screened",
    "funding.proposal.screen_side": "funding.proposal.side_screened",
    "funding.proposal.submit": "funding.proposal.submitted",
    "funding.proposal.update": "funding.proposal.updated",
    "funding.proposal.withdraw": "funding.proposal.withdrawn",
    "funding.report.rate": "funding.report.rated",
    "funding.report.submit": "funding.report.submitted",
    "funding.review.submit": "funding.review.submitted",
    "funding.scheme.create": "funding.scheme.created",
    "funding.scheme.update": "funding.scheme.updated",
}


def _rename(apps, mapping):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for old, new in mapping.items():
        AuditEvent._base_manager.filter(action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMES)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_initial"),
        ("funding", "0004_proposal_duration_limits"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
