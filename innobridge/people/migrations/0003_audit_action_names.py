"""Audit action names in one tense (``people.<noun>.<verb in past tense>``): rename the
events already written under the old present-tense names (and back on reverse). The
audit log is append-only for the application; a migration's historical model has no such
guard, and renaming the action keeps every event's meaning."""

from __future__ import annotations

from typing import Any

from django.db import migrations

RENAMED = {
    "people.organisations.import": "people.organisations.imported",
    "people.researcher.create": "people.researcher.created",
    "people.researcher.update": "people.researcher.updated",
    "people.publications.add": "people.publications.added",
    "people.publications.bulk_import": "people.publications.bulk_imported",
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
        ("people", "0002_role_groups"),
        ("core", "0002_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
