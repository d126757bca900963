"""Migration 0008 bounds monthly quotas at 744 hours: a quota set higher before (which
never limited anyone) is lowered to 744, lower ones and "no quota" stay as they were."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("facilities", "0007_training_requests")]


@pytest.mark.django_db(transaction=True)
def test_quotas_above_a_month_are_lowered_to_744(make_person: Any) -> None:
    from innobridge.people.models import Organisation

    li, wong = make_person("li"), make_person("wong")
    org = Organisation.objects.create(name="HKU", region="HK")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Facility = apps.get_model("facilities", "Facility")
    Resource = apps.get_model("facilities", "Resource")
    UserQuota = apps.get_model("facilities", "UserQuota")
    fac = Facility.objects.create(name="Imaging", organisation_id=org.pk)
    big = Resource.objects.create(
        facility=fac, kind="instrument", name="A", monthly_quota_hours=10_000
    )
    small = Resource.objects.create(
        facility=fac, kind="instrument", name="B", monthly_quota_hours=20
    )
    none = Resource.objects.create(facility=fac, kind="instrument", name="C")
    UserQuota.objects.create(person_id=li.pk, resource=big, monthly_hours=5000)
    UserQuota.objects.create(person_id=wong.pk, resource=big, monthly_hours=744)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from innobridge.facilities.models import Resource as Live
    from innobridge.facilities.models import UserQuota as LiveQuota

    assert Live.objects.get(pk=big.pk).monthly_quota_hours == 744
    assert Live.objects.get(pk=small.pk).monthly_quota_hours == 20
    assert Live.objects.get(pk=none.pk).monthly_quota_hours is None
    assert sorted(LiveQuota.objects.values_list("monthly_hours", flat=True)) == [744, 744]
