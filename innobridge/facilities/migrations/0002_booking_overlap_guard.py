"""No double booking, guaranteed by the database (see innobridge/facilities/db.py):
an exclusion constraint on PostgreSQL, BEFORE INSERT/UPDATE triggers on SQLite."""

from django.db import migrations

from innobridge.facilities.db import CreateOverlapGuard


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [CreateOverlapGuard()]
