"""The dashboard's pages, downloads and permissions: officers see everything and edit
measures; everyone else gets the public page with small counts suppressed."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from innobridge.core.models import AuditEvent
from innobridge.plan.audit import PlanAction
from innobridge.plan.indicators import registry
from innobridge.plan.models import Area, IndicatorSnapshot, Measure
from innobridge.plan.services import create_measure, delete_measure, today_hk
from tests.pages import client_as

pytestmark = pytest.mark.django_db


def no_inline_script(html: str) -> bool:
    """Every <script> loads a file or is a JSON data block (the CSP forbids the rest)."""
    for tag in re.findall(r"<script[^>]*>", html):
        if "src=" not in tag and 'type="application/json"' not in tag:
            return False
    return True


def measure_data(**over: Any) -> dict[str, Any]:
    data = {
        "area": Area.JOINT_RESEARCH,
        "code": "T-1",
        "title_en": "Joint funding scheme",
        "title_zh_hant": "聯合資助計劃",
        "title_zh_hans": "联合资助计划",
        "description_en": "Both sides fund joint projects.",
        "source_name": "ITF",
        "source_url": "https://www.itf.gov.hk/",
        "responsible_sides": ["HK", "CN"],
        "indicator_keys": ["proposals_submitted"],
        "order": 1,
    }
    data.update(over)
    return data


def test_officer_sees_overview_area_and_indicator_pages(officer: Any) -> None:
    create_measure(officer, **measure_data())
    c = client_as(officer)
    r = c.get("/plan/")
    assert r.status_code == 200
    html = r.content.decode()
    for area in Area:
        assert f'data-testid="area-{area.value}"' in html
    for key in registry.all_keys():
        assert f'data-testid="card-{key}"' in html
    r = c.get(f"/plan/area/{Area.JOINT_RESEARCH.value}/")
    assert r.status_code == 200 and 'data-testid="measure-T-1"' in r.content.decode()
    r = c.get("/plan/indicators/proposals_submitted/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="definition"' in html and 'data-testid="series-table"' in html
    for dim in registry.get("proposals_submitted").breakdowns:
        assert f'data-testid="breakdown-{dim}"' in html
    assert "plotly.min.js" in html and no_inline_script(html)
    assert c.get("/plan/indicators/nope/").status_code == 404
    assert c.get("/plan/area/nope/").status_code == 404


def test_pages_in_chinese(officer: Any) -> None:
    r = client_as(officer, "zh-hant").get("/plan/indicators/proposals_submitted/")
    assert "已提交的聯合申請" in r.content.decode()
    r = client_as(officer, "zh-hans").get("/plan/indicators/proposals_submitted/")
    assert "已提交的联合申请" in r.content.decode()


def test_downloads_of_every_table(officer: Any) -> None:
    c = client_as(officer)
    ind = registry.get("facility_hours_used")
    for table in ["series", *ind.breakdowns]:
        r = c.get(f"/plan/indicators/{ind.key}/{table}.csv")
        assert r.status_code == 200, table
        body = r.content.decode("utf-8")
        assert body.startswith("\ufeff") and "Definition" in body
        r = c.get(f"/plan/indicators/{ind.key}/{table}.xlsx")
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws.max_row >= 2
    assert c.get(f"/plan/indicators/{ind.key}/nope.csv").status_code == 404
    assert c.get(f"/plan/indicators/{ind.key}/series.pdf").status_code == 404


def test_others_get_the_public_page_only(researcher: Any) -> None:
    assert 'href="/plan/"' in Client().get("/").content.decode()  # "Action plan" in the menu
    for c in (Client(), client_as(researcher)):
        assert c.get("/plan/").url == "/plan/public/"
        assert c.get("/plan/area/research/").url == "/plan/public/"
        assert c.get("/plan/indicators/proposals_submitted/").url == "/plan/public/"
        assert c.get("/plan/public/").status_code == 200
    c = client_as(researcher)
    assert c.get("/plan/indicators/proposals_submitted/series.csv").status_code == 403
    assert c.post("/plan/snapshot/").status_code == 403
    assert c.get("/plan/measures/new/").status_code == 403
    assert not IndicatorSnapshot.objects.exists()


def _snap(key: str, value: int, dimension: str = "", cell: str = "") -> None:
    IndicatorSnapshot.objects.create(
        indicator_key=key,
        taken_on=today_hk(),
        dimension=dimension,
        key=cell,
        label=cell,
        value=Decimal(value),
    )


def test_public_page_suppresses_small_counts() -> None:
    _snap("offers_listed", 33)
    _snap("offers_listed", 3, "region", "HK")
    _snap("offers_listed", 10, "region", "CN")
    _snap("offers_listed", 20, "region", "INT")
    _snap("deals_signed", 2)
    html = Client().get("/plan/public/").content.decode()
    assert re.search(r'data-testid="cell-region-HK">[^<]*: &lt;5<', html)
    assert re.search(r'data-testid="cell-region-CN">[^<]*: x<', html)
    assert re.search(r'data-testid="cell-region-INT">[^<]*: 20<', html)
    assert re.search(r'data-testid="public-deals_signed">.*?public-value">&lt;5<', html, re.S)
    assert "institution" not in re.findall(r"cell-(\w+)-", html)
    r = Client().get("/plan/public/table.csv")
    body = r.content.decode("utf-8")
    assert r.status_code == 200 and "<5" in body and ",3," not in body
    assert Client().get("/plan/public/table.xlsx").status_code == 200
    # and the public API says the same
    data = Client().get("/api/plan/public").json()
    offers = next(i for i in data if i["key"] == "offers_listed")
    assert {c["key"]: c["value"] for c in offers["breakdowns"]["region"]} == {
        "HK": "<5",
        "CN": "x",
        "INT": "20",
    }
    assert next(i for i in data if i["key"] == "deals_signed")["value"] == "<5"


def test_a_percentage_of_a_small_count_is_not_public() -> None:
    _snap("deals_interest", 3)
    _snap("deals_signed", 1)
    _snap("deal_conversion", 33)
    data = Client().get("/api/plan/public").json()
    assert next(i for i in data if i["key"] == "deal_conversion")["value"] == "—"


def test_officer_takes_a_snapshot_from_the_page(officer: Any) -> None:
    r = client_as(officer).post("/plan/snapshot/")
    assert r.status_code == 302
    assert set(
        IndicatorSnapshot.objects.filter(dimension="").values_list("indicator_key", flat=True)
    ) == set(registry.all_keys())
    assert AuditEvent.objects.filter(action=PlanAction.SNAPSHOT_TAKEN, actor=officer).exists()


def test_officer_adds_and_edits_a_measure(officer: Any) -> None:
    c = client_as(officer)
    form = {
        **measure_data(),
        "responsible_sides": ["HK"],
        "indicator_keys": ["proposals_submitted", "success_rate"],
        "period_start": "2024-01-01",
        "period_end": "2025-12-31",
    }
    r = c.post("/plan/measures/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    m = Measure.objects.get(code="T-1")
    assert m.indicator_keys == ["proposals_submitted", "success_rate"]
    assert m.responsible_sides == ["HK"] and m.period_end == dt.date(2025, 12, 31)
    assert AuditEvent.objects.filter(action=PlanAction.MEASURE_CREATED, object_id=str(m.pk))
    r = c.post(f"/plan/measures/{m.pk}/edit/", {**form, "title_en": "Renamed"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.title_en == "Renamed"
    ev = AuditEvent.objects.get(action=PlanAction.MEASURE_UPDATED)
    assert ev.before["title_en"] == "Joint funding scheme" and ev.after["title_en"] == "Renamed"


def test_bad_measure_input_is_a_form_error_and_writes_nothing(officer: Any) -> None:
    c = client_as(officer)
    base = {**measure_data(), "responsible_sides": ["HK"], "indicator_keys": []}
    bad = [
        {"period_start": "2025-01-01", "period_end": "2024-01-01"},
        {"indicator_keys": ["no_such_indicator"]},
        {"responsible_sides": []},
        {"code": "has space"},
        {"title_en": "x" * 301},
        {"source_url": "not a url"},
    ]
    for change in bad:
        r = c.post("/plan/measures/new/", {**base, **change})
        assert r.status_code == 200, change
        assert "errorlist" in r.content.decode(), change
    assert not Measure.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("period_start", "0001-01-01"),
        ("period_start", "9999-12-31"),
        ("period_end", "9999-12-31"),
        ("period_end", "1899-12-31"),
        ("order", "32768"),  # PostgreSQL's smallint refuses it; SQLite would store it
        ("order", str(2**63)),
        ("order", "-1"),
        ("order", "1e20"),
    ],
)
def test_a_measure_date_or_order_beyond_the_models_range_is_a_form_error(
    officer: Any, field: str, value: str
) -> None:
    """The period takes the API's dates (1900-2199) and the order the model's range
    (0-32767) on every database: a clear error beside the field, nothing written."""
    c = Client(raise_request_exception=False, headers={"accept-language": "en"})
    c.force_login(officer)
    base = {**measure_data(), "responsible_sides": ["HK"], "indicator_keys": []}
    r = c.post("/plan/measures/new/", {**base, field: value})
    assert r.status_code == 200
    assert r.context["form"].errors.get(field), r.context["form"].errors
    assert not Measure.objects.exists()
    m = create_measure(officer, **measure_data())
    r = c.post(f"/plan/measures/{m.pk}/edit/", {**base, field: value})
    assert r.status_code == 200 and r.context["form"].errors.get(field)
    assert Measure.objects.values().get(pk=m.pk)[field] in (None, 1)
    r = c.post("/plan/measures/new/", {**base, "code": "T-2", "order": "32767"})
    assert r.status_code == 302 and Measure.objects.get(code="T-2").order == 32767


def test_deleting_a_measure_is_audited(officer: Any, researcher: Any) -> None:
    from django.core.exceptions import PermissionDenied

    m = create_measure(officer, **measure_data())
    with pytest.raises(PermissionDenied):
        delete_measure(researcher, m)
    pk = m.pk
    delete_measure(officer, m)
    assert not Measure.objects.exists()
    assert AuditEvent.objects.filter(action=PlanAction.MEASURE_DELETED, object_id=str(pk))
