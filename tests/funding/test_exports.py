"""Exports of a call's papers (#11 §9): XLSX and CSV (UTF-8 with a BOM) of proposals,
assignments, reviews, rankings and decisions, per call and per funder, for the call's
programme officers only; each download is audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from innobridge.core.models import AuditEvent
from innobridge.funding import exports, services
from innobridge.funding.audit import FundingAction
from tests.pages import client_as

from .steps import to_panel


@pytest.fixture
def decided(world, submitted):
    p = to_panel(world, submitted)
    p.title_zh = "石墨烯電池"
    p.save()
    services.record_decision(
        world.hk_officer,
        p,
        world.hk_funder,
        decision="fund",
        reasons="Strong",
        amount="700,000",
        conditions="Quarterly reports",
    )
    return p


def _sheet(wb, title):
    return [list(r) for r in wb[title].iter_rows(values_only=True)]


def test_officer_downloads_the_whole_call_as_a_workbook(client, world, decided):
    client.force_login(world.hk_officer)
    r = client.get(reverse("funding:call_export", args=[world.call.pk]))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="call-' in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Proposals", "Assignments", "Reviews", "Rankings", "Decisions"]
    proposals = _sheet(wb, "Proposals")
    assert proposals[1][0] == decided.pk and proposals[1][2] == "石墨烯電池"
    # requested amounts are numbers, per side and currency
    head = proposals[0]
    hk_col = head.index("Requested from HK Innovation Fund (HKD)")
    assert proposals[1][hk_col] == 800000
    assignments = _sheet(wb, "Assignments")
    reviewers = {row[3] for row in assignments[1:]}
    assert reviewers and reviewers <= {
        str(r) for r in world.reviewers_hk + world.reviewers_cn
    }  # officers see who reviewed
    reviews = _sheet(wb, "Reviews")
    assert len(reviews) == 5 and reviews[1][-1] == "fine"
    rankings = _sheet(wb, "Rankings")
    assert {r[0] for r in rankings[1:]} == {"HK Innovation Fund", "Mainland Science Foundation"}
    hk_rank = next(r for r in rankings[1:] if r[0] == "HK Innovation Fund")
    assert hk_rank[1] == 1 and hk_rank[2] == decided.pk and hk_rank[-1] == "Fund"
    decisions = _sheet(wb, "Decisions")
    assert decisions[1][2:9] == [
        "HK Innovation Fund",
        "Hong Kong",
        "Fund",
        "HKD",
        800000,
        700000,
        "Quarterly reports",
    ]
    ev = AuditEvent.objects.get(action=FundingAction.CALL_EXPORTED)
    assert ev.actor_id == world.hk_officer.pk and ev.after["format"] == "xlsx"


def test_one_funders_side_only(client, world, decided):
    client.force_login(world.cn_officer)
    url = reverse("funding:call_export", args=[world.call.pk])
    r = client.get(url, {"funder": world.cn_funder.pk})
    wb = load_workbook(io.BytesIO(r.content))
    funders = {row[2] for row in _sheet(wb, "Assignments")[1:]}
    assert funders == {"Mainland Science Foundation"}
    assert {row[0] for row in _sheet(wb, "Rankings")[1:]} == {"Mainland Science Foundation"}
    assert _sheet(wb, "Decisions")[1:] == []  # the Mainland funder has not decided yet
    assert client.get(url, {"funder": "x"}).status_code == 404
    assert client.get(url, {"funder": 99999}).status_code == 404


def test_csv_per_table_opens_in_excel_with_chinese(client, world, decided):
    client.force_login(world.hk_officer)
    for table in exports.TABLES:
        r = client.get(reverse("funding:call_export_csv", args=[world.call.pk, table]))
        assert r.status_code == 200, table
        assert r["Content-Type"] == "text/csv; charset=utf-8"
        assert r.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Chinese
    r = client.get(reverse("funding:call_export_csv", args=[world.call.pk, "proposals"]))
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "ID" and "石墨烯電池" in rows[1]
    assert (
        client.get(reverse("funding:call_export_csv", args=[world.call.pk, "secrets"])).status_code
        == 404
    )


def test_headers_in_the_officers_language(world, decided):
    url = reverse("funding:call_export_csv", args=[world.call.pk, "decisions"])
    r = client_as(world.hk_officer, "zh-hans").get(url)
    header = r.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("申请书编号,申请书,") and "批准" not in header[:5]


@pytest.mark.parametrize("who", ["lead", "partner", "reviewer", "outsider"])
def test_nobody_but_the_calls_officers_may_export(client, world, decided, who, make_person):
    person = {
        "lead": world.lead,
        "partner": world.partner,
        "reviewer": world.reviewers_hk[0],
        "outsider": world.outsider,
    }[who]
    client.force_login(person)
    assert client.get(reverse("funding:call_export", args=[world.call.pk])).status_code == 403
    r = client.get(reverse("funding:call_export_csv", args=[world.call.pk, "reviews"]))
    assert r.status_code == 403
    assert not AuditEvent.objects.filter(action=FundingAction.CALL_EXPORTED).exists()


def test_officer_of_another_funder_may_not_export(client, world, decided, make_person):
    from innobridge.funding.models import Funder

    other = Funder.objects.create(name="Macao Fund", side="HK", currency="HKD")
    officer = make_person("mo_officer", roles=("programme_officer",))
    other.officers.add(officer)
    client.force_login(officer)
    assert client.get(reverse("funding:call_export", args=[world.call.pk])).status_code == 403


def test_anonymous_is_sent_to_log_in(client, world):
    r = client.get(reverse("funding:call_export", args=[world.call.pk]))
    assert r.status_code == 302 and "login" in r["Location"]


def test_export_buttons_on_the_officers_call_page(client, world, decided):
    client.force_login(world.hk_officer)
    page = client.get(reverse("funding:call_manage", args=[world.call.pk])).content.decode()
    assert 'data-testid="export-xlsx"' in page
    assert reverse("funding:call_export_csv", args=[world.call.pk, "reviews"]) in page
    assert f"?funder={world.hk_funder.pk}" in page
