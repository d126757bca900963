"""Audit action names in one tense (``facilities.<noun>.<verb in past tense>``): rename the
events already written under the old present-tense names (and back on reverse). The
audit log is append-only for the application; a migration's historical model has no such
guard, and renaming the action keeps every event's meaning."""

from __future__ import annotations

from typing import Any

from django.db import migrations

RENAMED = {
    "facilities.booking.request": "facilities.booking.requested",
    "facilities.booking.approve": "facilities.booking.approved",
    "facilities.booking.reject": "facilities.booking.rejected",
    "facilities.booking.cancel": "facilities.booking.cancelled",
    "facilities.booking.use": "facilities.booking.used",
    "facilities.booking.no_show": "facilities.booking.marked_no_show",
    "facilities.usage.record": "facilities.usage.recorded",
    "facilities.charge.create": "facilities.charge.created",
    "facilities.charge.dispute": "facilities.charge.disputed",
    "facilities.charge.adjust": "facilities.charge.adjusted",
    "facilities.dispute.resolve": "facilities.dispute.resolved",
    "facilities.certificate.grant": "facilities.certificate.granted",
    "facilities.certificate.revoke": "facilities.certificate.revoked",
    "facilities.maintenance.add": "facilities.maintenance.added",
    "facilities.maintenance.remove": "facilities.maintenance.removed",
    "facilities.facility.create": "facilities.facility.created",
    "facilities.facility.update": "facilities.facility.updated",
    "facilities.resource.create": "facilities.resource.created",
    "facilities.resource.update": "facilities.resource.updated",
    "facilities.tariff.create": "facilities.tariff.created",
    "facilities.tariff.update": "facilities.tariff.updated",
    "facilities.tariff.delete": "facilities.tariff.deleted",
    "facilities.quota.remove": "facilities.quota.removed",
    "facilities.calendar_feed.enable": "facilities.calendar_feed.enabled",
    "facilities.calendar_feed.regenerate": "facilities.calendar_feed.regenerated",
    "facilities.calendar_feed.revoke": "facilities.calendar_feed.revoked",
}


def forwards(apps: Any, schema_editor: Any) -> None:
    AuditEvent = apps.get_model("core", "AuditEvent")
    for old, new in RENAMED.items():
        AuditEvent.objects.filter(action=old).update(action=new)


def backwards(apps: Any, schema_editor: Any) -> None:
    AuditEvent = apps.get_model("core", "AuditEvent")
    for old, new in RENAMED.items():
        AuditEvent.objects.filter(action=new).update(action=old)


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0004_calendar_feed"),
        ("core", "0002_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
