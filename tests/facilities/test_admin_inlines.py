"""The resource's admin page saves its tariff and maintenance rows through the services
(the manager's check, the rules, the audit event), in the page's transaction: a refusal
saves nothing and comes back as a message."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from innobridge.core.models import AuditEvent
from innobridge.facilities.audit import FacilitiesAction
from innobridge.facilities.models import MaintenanceBlock, Tariff
from tests.pages import admin_form_data, admin_row, formset_prefix, superuser_client

from .steps import approved

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_tariff_and_maintenance_rows_are_written_through_the_services(
    resource: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    url = f"/admin/facilities/resource/{resource.pk}/change/"
    data = admin_form_data(root.get(url))
    tariffs, blocks = formset_prefix(data, "tariff"), formset_prefix(data, "maintenance")
    rows = {data[f"{tariffs}-{i}-category"]: i for i in range(int(data[f"{tariffs}-TOTAL_FORMS"]))}
    admin_row(data, tariffs, rows["industry"], DELETE=True)
    admin_row(data, tariffs, rows["internal"], price="550.00")
    admin_row(
        data,
        blocks,
        0,
        starts_at_0="2026-05-04",
        starts_at_1="09:00:00",
        ends_at_0="2026-05-04",
        ends_at_1="17:00:00",
        reason="Annual service",
    )
    r = root.post(url, data)
    assert r.status_code == 302, r.context and r.context["errors"]
    assert not Tariff.objects.filter(resource=resource, category="industry").exists()
    assert Tariff.objects.get(resource=resource, category="internal").price == Decimal("550")
    block = MaintenanceBlock.objects.get(resource=resource)
    assert block.reason == "Annual service"
    assert [e.object_id for e in _events(FacilitiesAction.MAINTENANCE_ADDED)] == [str(block.pk)]
    assert len(_events(FacilitiesAction.TARIFF_DELETED)) == 1
    assert len(_events(FacilitiesAction.TARIFF_UPDATED)) == 1

    data = admin_form_data(root.get(url))
    admin_row(data, blocks, 0, DELETE=True)
    assert root.post(url, data).status_code == 302
    assert not MaintenanceBlock.objects.exists()
    assert len(_events(FacilitiesAction.MAINTENANCE_REMOVED)) == 1


def test_a_refused_row_saves_nothing_and_says_why(
    resource: Any, manager: Any, people: dict[str, Any], make_person: Any
) -> None:
    approved(people["hk"], resource, manager, day=4)  # 2026-03-04 10:00-12:00 HK
    root = superuser_client(make_person)
    url = f"/admin/facilities/resource/{resource.pk}/change/"
    data = admin_form_data(root.get(url))
    tariffs, blocks = formset_prefix(data, "tariff"), formset_prefix(data, "maintenance")
    admin_row(data, tariffs, 0, DELETE=True)
    admin_row(
        data,
        blocks,
        0,
        starts_at_0="2026-03-03",
        starts_at_1="00:00:00",
        ends_at_0="2026-03-06",
        ends_at_1="00:00:00",
        reason="Repair",
    )
    before = AuditEvent.objects.count()
    r = root.post(url, data)
    assert r.status_code == 302 and r["Location"] == url
    assert Tariff.objects.filter(resource=resource).count() == 5  # the deletion too: undone
    assert not MaintenanceBlock.objects.exists()
    assert AuditEvent.objects.count() == before
    page = root.get(url).content.decode()
    assert "1 booking(s) fall in that time; cancel or reject them first." in page
