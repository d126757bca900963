"""The seeded measures cite their sources; context figures load from CSV with source,
licence and method breaks; a wrong file writes nothing."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from innobridge.core.models import AuditEvent
from innobridge.plan.audit import PlanAction
from innobridge.plan.indicators import registry
from innobridge.plan.models import Area, ContextSeries, ContextValue, Measure
from innobridge.plan.services import load_context, seed_measures
from innobridge.plan.services.seed import CONTEXT_DIR, SeedError, read_measures

pytestmark = pytest.mark.django_db


def test_every_seeded_measure_cites_a_source_in_three_languages() -> None:
    rows = read_measures()
    assert len(rows) >= 12
    assert {r["area"] for r in rows} == set(Area.values)  # all five areas
    for r in rows:
        assert r["source_url"].startswith(("http://", "https://")) and r["source_name"]
        for lang in ("en", "zh_hant", "zh_hans"):
            assert r[f"title_{lang}"] and r[f"description_{lang}"], (r["code"], lang)
        assert r["title_zh_hant"] != r["title_zh_hans"], r["code"]
        assert set(r["responsible_sides"]) <= {"HK", "CN"} and r["responsible_sides"]


def test_seeding_creates_the_measures_once_audited_and_keeps_officers_edits() -> None:
    report = seed_measures()
    assert len(report.created) == Measure.objects.count() >= 12
    assert AuditEvent.objects.filter(action=PlanAction.MEASURE_CREATED).count() == len(
        report.created
    )
    mhkjfs = Measure.objects.get(code="RES-1")
    assert mhkjfs.title("zh-hant") == "內地與香港聯合資助計劃"
    assert (
        mhkjfs.source_url
        == "https://www.itf.gov.hk/en/funding-programmes/supporting-research/mhkjfs/"
    )
    assert "proposals_submitted" in mhkjfs.indicator_keys
    # Only registered indicators are attached.
    known = set(registry.all_keys())
    for m in Measure.objects.all():
        assert set(m.indicator_keys) <= known
    Measure.objects.filter(code="RES-1").update(title_en="Edited by an officer")
    again = seed_measures()
    assert again.created == [] and "RES-1" in again.unchanged
    assert Measure.objects.get(code="RES-1").title_en == "Edited by an officer"


def test_context_loads_real_figures_with_source_and_licence() -> None:
    report = load_context()
    assert report.series == ContextSeries.objects.count() >= 5
    gerd = ContextSeries.objects.get(key="hk_gerd")
    assert gerd.licence and gerd.source_url and gerd.unit == "HK$ million"
    assert gerd.values.get(period="2022").value == Decimal("30138")
    assert ContextSeries.objects.get(key="hk_gerd_gdp_share").values.get().value == Decimal("1.07")
    cii = ContextSeries.objects.get(key="china_innovation_index")
    assert [(v.period, v.value) for v in cii.values.order_by("period_start")] == [
        ("2022", Decimal("155.7")),
        ("2023", Decimal("165.3")),
        ("2024", Decimal("174.2")),
    ]
    # The old method's index is a series of its own, never in the same line.
    assert not cii.values.filter(value=Decimal("242.6")).exists()
    assert (
        ContextSeries.objects.get(key="china_innovation_index_2005").values.get().period == "2020"
    )
    assert AuditEvent.objects.filter(action=PlanAction.CONTEXT_LOADED).count() == 1
    load_context()  # idempotent
    assert ContextValue.objects.count() == report.values


def _copy_context(tmp_path: Path) -> Path:
    target = tmp_path / "context"
    shutil.copytree(CONTEXT_DIR, target)
    return target


def test_a_method_break_is_read_from_the_file(tmp_path: Path) -> None:
    d = _copy_context(tmp_path)
    with (d / "values.csv").open("a", encoding="utf-8") as fh:
        fh.write("hk_gerd,2017,2017-01-01,1,true,https://example.org/x,test row\n")
    load_context(directory=d)
    values = list(ContextSeries.objects.get(key="hk_gerd").values.order_by("period_start"))
    assert [v.method_break for v in values] == [True, False]


@pytest.mark.parametrize(
    ("file", "line", "message"),
    [
        ("values.csv", "nosuch,2022,2022-01-01,1,false,,\n", "unknown series"),
        ("values.csv", "hk_gerd,2021,2021-01-01,many,false,,\n", "not a number"),
        ("values.csv", "hk_gerd,2021,2021-01-01,1,maybe,,\n", "method_break"),
        ("series.csv", "x_series,research,X,X,X,count,Someone,https://example.org,,\n", "licence"),
    ],
)
def test_a_wrong_context_file_writes_nothing(
    tmp_path: Path, file: str, line: str, message: str
) -> None:
    d = _copy_context(tmp_path)
    with (d / file).open("a", encoding="utf-8") as fh:
        fh.write(line)
    with pytest.raises(SeedError, match=message):
        load_context(directory=d)
    assert ContextSeries.objects.count() == 0 and ContextValue.objects.count() == 0


def test_the_command_loads_both_and_reports_a_bad_file(tmp_path: Path, capsys: Any) -> None:
    call_command("plan_seed")
    out = capsys.readouterr().out
    assert "measures:" in out and "context:" in out
    assert Measure.objects.exists() and ContextSeries.objects.exists()
    with pytest.raises(CommandError):
        call_command("plan_seed", "--no-measures", "--context-dir", str(tmp_path / "missing"))


def test_every_indicator_named_by_the_seed_file_is_in_the_registry() -> None:
    known = set(registry.all_keys())
    for row in read_measures():
        assert row["indicator_keys"], row["code"]
        assert set(row["indicator_keys"]) <= known, (
            row["code"],
            set(row["indicator_keys"]) - known,
        )
