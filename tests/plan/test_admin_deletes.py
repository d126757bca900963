"""Deleting measures in the admin's list goes through ``services.delete_measure``: one
audit event a measure, as on the Plan's own pages."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.core.models import AuditEvent
from innobridge.plan.audit import PlanAction
from innobridge.plan.models import Area, Measure
from innobridge.plan.services import create_measure
from tests.pages import client_as, delete_selected

pytestmark = pytest.mark.django_db


def _measure(officer: Any, code: str) -> Measure:
    return create_measure(
        officer,
        area=Area.JOINT_RESEARCH,
        code=code,
        title_en=f"Measure {code}",
        source_name="ITF",
        responsible_sides=["HK"],
        order=1,
    )


def test_bulk_delete_of_measures_is_audited(officer: Any, make_person: Any) -> None:
    measures = [_measure(officer, "T-1"), _measure(officer, "T-2")]
    root = client_as(make_person("root", is_staff=True, is_superuser=True))
    r = delete_selected(root, "/admin/plan/measure/", [m.pk for m in measures])
    assert r.status_code == 302
    assert not Measure.objects.exists()
    deleted = AuditEvent.objects.filter(action=PlanAction.MEASURE_DELETED)
    assert sorted(int(e.object_id) for e in deleted) == sorted(m.pk for m in measures)
