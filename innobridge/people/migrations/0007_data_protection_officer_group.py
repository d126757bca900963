"""The data protection officer's role group (sees and exports the register of personal
data shared between people)."""

from django.db import migrations


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="data_protection_officer")


class Migration(migrations.Migration):
    dependencies = [("people", "0006_contacts")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
