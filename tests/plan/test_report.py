"""The quarterly report: a PDF per quarter in three languages with the CJK font
embedded; its figures are the snapshots' (checked by extracting the text)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from innobridge.plan.indicators import registry
from innobridge.plan.models import IndicatorSnapshot
from innobridge.plan.report import Quarter, gather, quarterly_report
from innobridge.plan.services import load_context, seed_measures
from tests.pdf_text import pdf_embeds_font, pdf_text

pytestmark = pytest.mark.django_db

KEY = "proposals_submitted"


def test_quarters_parse_and_step() -> None:
    q = Quarter.parse("2026Q3")
    assert (q.start, q.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert Quarter.parse("2026-q4").end == dt.date(2026, 12, 31)
    assert q.previous() == Quarter(2026, 2) and Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    for bad in ("2026Q5", "Q3", "26Q1", "", "2026Q3x"):
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def _snap(
    day: dt.date,
    value: str,
    *,
    dimension: str = "",
    key: str = "",
    label: str = "",
    version: int = 1,
) -> None:
    IndicatorSnapshot.objects.create(
        indicator_key=KEY,
        taken_on=day,
        dimension=dimension,
        key=key,
        label=label,
        value=Decimal(value),
        method_version=version,
    )


@pytest.fixture
def history() -> None:
    seed_measures()
    load_context()
    _snap(dt.date(2026, 5, 1), "3000")
    _snap(dt.date(2026, 6, 30), "3988")  # last of Q2
    _snap(dt.date(2026, 8, 15), "4100")
    _snap(dt.date(2026, 9, 30), "4217")  # last of Q3
    _snap(dt.date(2026, 9, 30), "2911", dimension="region", key="HK")
    _snap(dt.date(2026, 9, 30), "1306", dimension="region", key="CN")


def test_the_quarter_takes_the_last_snapshot_in_each_quarter(history: None) -> None:
    data = gather(Quarter(2026, 3))
    section = next(s for a in data.areas for s in a.indicators if s.indicator.key == KEY)
    assert section.current.value == Decimal("4217") and section.previous.value == Decimal("3988")
    assert section.change == Decimal("229")
    assert section.points[0].value is None  # no snapshot two years ago: a gap, not 0
    assert section.dimension == "region"
    assert [c.value for c in section.cells] == [Decimal("2911"), Decimal("1306")]


@pytest.mark.parametrize(
    ("lang", "face", "words"),
    [
        (
            "en",
            "NotoSansCJKSC",
            ["quarterly report, 2026 Q3", "Mainland–Hong Kong Joint Funding Scheme", "Licence"],
        ),
        (
            "zh-hant",
            "NotoSansCJKHK",
            [
                "季度報告：2026年第3季",
                "內地與香港聯合資助計劃",
                "香港本地研究及發展總開支",
                "授權條款",
            ],
        ),
        (
            "zh-hans",
            "NotoSansCJKSC",
            [
                "季度报告：2026年第3季度",
                "内地与香港联合资助计划",
                "香港本地研究及发展总开支",
                "许可条款",
            ],
        ),
    ],
)
def test_the_report_in_each_language_has_the_figures_names_and_sources(
    history: None, lang: str, face: str, words: list[str]
) -> None:
    data = quarterly_report(Quarter(2026, 3), lang)
    assert data.startswith(b"%PDF") and pdf_embeds_font(data, face)
    text = pdf_text(data)
    ind = registry.get(KEY)
    assert "".join(ind.name.get(lang).split()) in text
    assert "".join(ind.definition.get(lang).split())[:20] in text
    for figure in ("4,217", "3,988", "+229", "2,911", "1,306"):
        assert figure in text, figure
    for word in words:
        assert "".join(word.split()) in text, word
    # Context figures with their source address; measures' sources.
    assert "155.7" in text and "30,138" in text
    assert "itf.gov.hk/en/funding-programmes" in text


def test_a_method_change_is_not_joined_and_is_said(history: None) -> None:
    _snap(dt.date(2026, 3, 31), "10", version=2)  # Q1 under another method
    data = gather(Quarter(2026, 3))
    section = next(s for a in data.areas for s in a.indicators if s.indicator.key == KEY)
    assert section.breaks  # version 2 in Q1, then version 1 again
    text = pdf_text(quarterly_report(Quarter(2026, 3), "en"))
    assert "Themethodchangedduringthisperiod" in text


def test_the_current_quarter_without_a_snapshot_is_computed_live_and_marked() -> None:
    from innobridge.plan.services import today_hk

    q = Quarter.of(today_hk())
    data = gather(q)
    section = next(s for a in data.areas for s in a.indicators if s.indicator.key == KEY)
    assert section.current.live and data.has_live
    assert "*" in pdf_text(quarterly_report(q, "en"))


def test_the_command_writes_the_pdf(history: None, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "r.pdf"
    call_command("plan_report", "--quarter", "2026Q3", "--lang", "zh-hant", "--output", str(out))
    assert "4,217" in pdf_text(out.read_bytes())
    with pytest.raises(CommandError):
        call_command("plan_report", "--quarter", "2026Q9")


def test_officers_generate_it_from_the_page_others_may_not(
    history: None, client: Any, make_person: Any
) -> None:
    officer = make_person(roles=("programme_officer",))
    client.force_login(officer)
    page = client.get("/plan/report/")
    assert page.status_code == 200 and b"report-form" in page.content
    r = client.get("/plan/report/", {"quarter": "2026Q3", "lang": "zh-hans"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "innobridge-plan-2026Q3-zh-hans.pdf" in r["Content-Disposition"]
    assert "内地与香港联合资助计划" in pdf_text(r.content)
    assert client.get("/plan/report/", {"quarter": "1999Q3", "lang": "en"}).status_code == 400
    client.force_login(make_person(roles=("researcher",)))
    assert client.get("/plan/report/").status_code == 403
