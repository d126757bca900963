"""Deleting measures in the admin's list goes through ``services.delete_measure``: one
audit event a measure, as on the Plan's own pages."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.core.models import AuditEvent
from innobridge.plan.audit import PlanAction
from innobridge.plan.models import Area, Measure
from innobridge.plan.services import create_measure
from tests.pages import delete_selected, superuser_client

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
    root = superuser_client(make_person)
    r = delete_selected(root, "/admin/plan/measure/", [m.pk for m in measures])
    assert r.status_code == 302
    assert not Measure.objects.exists()
    deleted = AuditEvent.objects.filter(action=PlanAction.MEASURE_DELETED)
    assert sorted(int(e.object_id) for e in deleted) == sorted(m.pk for m in measures)


def _gerd_series() -> Any:
    from innobridge.plan.models import ContextSeries

    return ContextSeries.objects.create(
        key="gerd",
        area=Area.JOINT_RESEARCH,
        name_en="GERD",
        unit="HKD m",
        source_name="C&SD",
        licence="Open data",
    )


def test_context_values_are_shown_read_only(make_person: Any) -> None:
    """A context series' values come from its cited source (``plan_seed``): the admin
    shows them and offers no add, change or delete."""
    import datetime as dt

    from innobridge.plan.models import ContextValue

    series = _gerd_series()
    ContextValue.objects.create(
        series=series, period="2023", period_start=dt.date(2023, 1, 1), value=1
    )
    root = superuser_client(make_person)
    r = root.get(f"/admin/plan/contextseries/{series.pk}/change/")
    [inline] = r.context["inline_admin_formsets"]
    assert not (
        inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission
    )


def test_a_context_series_is_read_only_in_the_admin(make_person: Any) -> None:
    """A series is loaded from the committed CSV files (``load_context``, audited): no
    service adds, changes or deletes one, so the admin writes none."""
    series = _gerd_series()
    root = superuser_client(make_person)
    change = f"/admin/plan/contextseries/{series.pk}/change/"
    assert root.get(change).status_code == 200  # shown
    data = {
        "key": "gerd",
        "area": Area.JOINT_RESEARCH,
        "name_en": "Changed",
        "unit": "HKD m",
        "source_name": "C&SD",
        "licence": "Open data",
    }
    assert root.post(change, data).status_code == 403
    assert root.post("/admin/plan/contextseries/add/", data | {"key": "new"}).status_code == 403
    assert (
        root.post(f"/admin/plan/contextseries/{series.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    series.refresh_from_db()
    assert series.name_en == "GERD" and type(series).objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_a_measure_is_added_and_changed_in_the_admin_through_the_services(
    officer: Any, make_person: Any
) -> None:
    """``create_measure``/``update_measure`` (audited, ``updated_by`` set by them), not
    the admin's own save; a refusal is a message and nothing is written."""
    from django.contrib.auth.models import Permission
    from django.contrib.messages import get_messages

    from tests.pages import admin_form_data, client_as

    measure = _measure(officer, "T-1")
    root = superuser_client(make_person)
    url = f"/admin/plan/measure/{measure.pk}/change/"
    data = admin_form_data(root.get(url))
    assert "updated_by" not in data
    r = root.post(url, data | {"title_en": "Joint laboratories"})
    assert r.status_code == 302, r.context and r.context["errors"]
    measure.refresh_from_db()
    assert measure.title_en == "Joint laboratories" and measure.updated_by.username == "root"
    event = AuditEvent.objects.get(action=PlanAction.MEASURE_UPDATED)
    assert (event.before["title_en"], event.after["title_en"]) == (
        "Measure T-1",
        "Joint laboratories",
    )
    r = root.post("/admin/plan/measure/add/", data | {"code": "T-2", "title_en": "Another"})
    assert r.status_code == 302, r.context and r.context["errors"]
    made = Measure.objects.get(code="T-2")
    assert AuditEvent.objects.get(action=PlanAction.MEASURE_CREATED, object_id=str(made.pk))

    clerk = make_person("clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_measure", "change_measure"])
    )
    client = client_as(clerk)
    r = client.post(url, admin_form_data(client.get(url)) | {"title_en": "Mine"})
    assert r.status_code == 302
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == ["Only programme officers edit the Plan's measures."]
    measure.refresh_from_db()
    assert measure.title_en == "Joint laboratories"
