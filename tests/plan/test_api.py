"""The plan API: typed answers, officers only for the full figures, errors as 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.plan.indicators import registry

pytestmark = pytest.mark.django_db


def client_for(person: Any) -> Client:
    c = Client()
    c.force_login(person)
    return c


def test_indicators_need_an_officer(researcher: Any) -> None:
    assert Client().get("/api/plan/indicators").status_code == 401
    assert client_for(researcher).get("/api/plan/indicators").status_code == 403
    assert client_for(researcher).post("/api/plan/snapshots").status_code == 403


def test_registry_series_and_breakdowns(officer: Any) -> None:
    c = client_for(officer)
    data = c.get("/api/plan/indicators").json()
    assert len(data) == len(registry.all_keys()) >= 25
    one = next(i for i in data if i["key"] == "success_rate")
    assert one["unit"] == "percent" and one["name_zh_hant"] == "聯合申請成功率"
    assert c.post("/api/plan/snapshots").status_code == 201
    s = c.get("/api/plan/indicators/proposals_submitted/series").json()
    last = s["points"][-1]
    assert last["live"] is True and float(last["value"]) == 0
    r = c.get("/api/plan/indicators/proposals_submitted/series?dimension=region&breakdown_key=HK")
    assert r.status_code == 200
    assert (
        c.get("/api/plan/indicators/proposals_submitted/series?dimension=nope").status_code == 422
    )
    r = c.get("/api/plan/indicators/proposals_submitted/series?dimension=" + "x" * 50)
    assert r.status_code == 422
    b = c.get("/api/plan/indicators/facility_hours_used/breakdowns/kind").json()
    assert b["additive"] is True and b["cells"] == []
    assert c.get("/api/plan/indicators/facility_hours_used/breakdowns/nope").status_code == 404
    assert c.get("/api/plan/indicators/nope").status_code == 404


def test_measures_and_public_figures_are_open() -> None:
    assert Client().get("/api/plan/measures").status_code == 200
    data = Client().get("/api/plan/public").json()
    assert {d["key"] for d in data} == {i.key for i in registry.all_indicators() if i.public}
