"""The institution coordinator role is a group, like every role."""

from django.db import migrations


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="institution_coordinator")


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_initial"),
        ("people", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
