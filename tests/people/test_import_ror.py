"""The ROR import: the shared file, ROR dumps (schema v1 and v2, JSON and zip),
re-runs, links, rollback on malformed input, the audit event."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from innobridge.core.models import AuditEvent
from innobridge.people.models import Organisation
from innobridge.people.ror import RorFormatError, choose_zip_member, normalise_record
from innobridge.people.services import import_ror_records

from .ror_samples import (
    HKU,
    HKUST,
    HKUST_SZ,
    NTU_TW,
    OUTSIDE,
    QMH,
    V1_RECORDS,
    V2_RECORDS,
    flat,
    write_json,
    write_jsonl,
)

SHARED_FILE = Path(settings.DATA_DIR) / "ror" / "ror_cn_hk_mo.jsonl"
needs_shared = pytest.mark.skipif(
    not SHARED_FILE.exists(), reason=f"shared ROR data not found at {SHARED_FILE}"
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_ror", *args, stdout=out)
    return out.getvalue()


# --- the shared file ---------------------------------------------------------------


@needs_shared
def test_shared_file_imports_every_record_with_its_region() -> None:
    output = run()
    assert Organisation.objects.count() == 2344
    assert Organisation.objects.filter(region="CN").count() == 2263
    assert Organisation.objects.filter(region="HK").count() == 69
    assert Organisation.objects.filter(region="MO").count() == 12
    assert "2344 created" in output
    hkust = Organisation.objects.get(ror_id=HKUST)
    assert hkust.acronyms == ["HKUST"]
    assert hkust.primary_type == "education"
    assert hkust.types == ["education", "funder"]
    assert hkust.established == 1991
    assert hkust.website == "https://hkust.edu.hk"
    assert hkust.wikidata == "Q1333303"
    assert hkust.city == "Hong Kong"
    # HKUST's children are not in the file: kept as external links with their labels.
    assert not hkust.children.exists()
    assert {
        "type": "child",
        "ror_id": "00sz56h79",
        "label": "HKUST Shenzhen Research Institute",
    } in (hkust.external_relationships)
    authority = Organisation.objects.get(ror_id="05sn8t512")  # Hospital Authority
    assert authority.name_zh == "醫院管理局"
    childrens = Organisation.objects.get(ror_id="0476qkr33")
    assert authority in childrens.parents.all()
    assert childrens in authority.children.all()
    guangzhou = Organisation.objects.get(ror_id="050h0vm43")
    assert guangzhou.name_zh == "香港科技大学（广州）"
    assert hkust in guangzhou.related.all() and guangzhou in hkust.related.all()
    tsinghua = Organisation.objects.get(name="Tsinghua University")
    assert tsinghua.name_zh == "清华大学"
    # search text holds every name folded to Simplified
    cuhk = Organisation.objects.get(ror_id="00t33hh48")
    assert "香港中文大学" in cuhk.search_text and "cuhk" in cuhk.search_text
    event = AuditEvent.objects.get(action="people.organisations.imported")
    assert event.object_id == "ror-import"
    assert event.actor_repr == "import_ror"
    after = event.after or {}
    assert after["created"] == 2344
    assert after["regions"] == {"CN": 2263, "HK": 69, "MO": 12}


@needs_shared
def test_second_run_changes_nothing_and_says_so() -> None:
    run()
    stamps = dict(Organisation.objects.values_list("ror_id", "updated_at"))
    links = Organisation.parents.through.objects.count()
    output = run()
    assert "Nothing changed" in output
    assert "0 created, 0 updated, 2344 unchanged" in output
    assert Organisation.objects.count() == 2344
    assert Organisation.parents.through.objects.count() == links
    assert dict(Organisation.objects.values_list("ror_id", "updated_at")) == stamps
    runs = AuditEvent.objects.filter(action="people.organisations.imported").order_by("id")
    assert [(e.after or {})["changed"] for e in runs] == [True, False]


# --- ROR dump formats ------------------------------------------------------------------


def test_v2_dump_json(tmp_path: Path) -> None:
    path = write_json(tmp_path / "v2.0-2024-ror-data_schema_v2.json", V2_RECORDS)
    output = run(str(path))
    assert "2 created" in output  # Taiwan is not in the default countries
    hkust = Organisation.objects.get(ror_id=HKUST)
    assert hkust.name == "Hong Kong University of Science and Technology"
    assert hkust.name_zh == "香港科技大學"
    assert hkust.acronyms == ["HKUST"]
    assert hkust.other_names == ["HK Univ. of Sci. & Tech."]
    assert hkust.region == "HK" and hkust.country_code == "HK"
    assert hkust.city == "Hong Kong"
    assert hkust.latitude == pytest.approx(22.27832)
    assert hkust.website == "https://hkust.edu.hk"
    assert hkust.wikidata == "Q1333303"
    assert str(hkust.ror_last_modified) == "2024-12-11"
    assert hkust.types == ["education", "funder"]
    assert hkust.primary_type == "education"
    shenzhen = Organisation.objects.get(ror_id=HKUST_SZ)
    assert shenzhen.region == "CN"
    assert list(shenzhen.parents.all()) == [hkust]
    assert list(hkust.children.all()) == [shenzhen]
    assert hkust.external_relationships == [
        {"type": "related", "ror_id": OUTSIDE, "label": "Somewhere Else Institute"}
    ]
    assert shenzhen.external_relationships == []


def test_countries_all_maps_other_countries_to_international(tmp_path: Path) -> None:
    path = write_json(tmp_path / "dump.json", V2_RECORDS)
    run(str(path), "--countries", "all")
    taiwan = Organisation.objects.get(ror_id=NTU_TW)
    assert taiwan.region == "INT"
    assert taiwan.name_zh == "國立臺灣大學"
    run(str(path), "--countries", "TW")
    assert Organisation.objects.count() == 3


def test_bad_countries_option(tmp_path: Path) -> None:
    path = write_json(tmp_path / "dump.json", V2_RECORDS)
    with pytest.raises(CommandError, match="country codes"):
        run(str(path), "--countries", "Hong Kong")


def test_v1_dump_json(tmp_path: Path) -> None:
    path = write_json(tmp_path / "v1.50-ror-data.json", V1_RECORDS)
    run(str(path))
    hku = Organisation.objects.get(ror_id=HKU)
    assert hku.name == "University of Hong Kong"
    assert hku.name_zh == "香港大學"
    assert hku.acronyms == ["HKU"]
    assert hku.other_names == ["HKU Li Ka Shing"]
    assert hku.types == ["education"] and hku.primary_type == "education"
    assert hku.city == "Hong Kong" and hku.region == "HK"
    assert hku.website == "http://www.hku.hk/"
    assert hku.wikidata == "Q15568"
    assert hku.established == 1911
    qmh = Organisation.objects.get(ror_id=QMH)
    assert qmh.primary_type == "healthcare"
    assert list(hku.related.all()) == [qmh]
    assert list(qmh.related.all()) == [hku]
    assert Organisation.related.through.objects.count() == 2  # one pair, both directions


def test_zip_of_dump_prefers_schema_v2(tmp_path: Path) -> None:
    path = tmp_path / "v1.55-2024-10-31-ror-data.zip"
    v1_copy = [dict(r, name=r["name"] + " (v1 copy)") for r in V1_RECORDS]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("v1.55-2024-10-31-ror-data.csv", "id,name\n")
        archive.writestr("v1.55-2024-10-31-ror-data.json", json.dumps(v1_copy))
        archive.writestr("v1.55-2024-10-31-ror-data_schema_v2.json", json.dumps(V2_RECORDS))
    run(str(path))
    assert set(Organisation.objects.values_list("ror_id", flat=True)) == {HKUST, HKUST_SZ}


def test_zip_member_choice() -> None:
    assert choose_zip_member(["a/x.csv", "a/x.json", "a/x_schema_v2.json"]) == "a/x_schema_v2.json"
    assert choose_zip_member(["x_schema_v1.json", "x.json"]) == "x.json"
    assert choose_zip_member(["readme.txt"]) is None


def test_jsonl_of_any_schema_and_several_paths(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", V1_RECORDS)
    second = write_jsonl(
        tmp_path / "b.jsonl", [flat("0aaaaaa11", "Flat College", city="Macau", country_code="MO")]
    )
    output = run(str(first), str(second))
    assert "3 created" in output
    assert Organisation.objects.get(ror_id="0aaaaaa11").region == "MO"
    assert AuditEvent.objects.filter(action="people.organisations.imported").count() == 1


def test_normalised_record_chinese_name_from_untagged_alias() -> None:
    record = normalise_record(
        flat(
            "0aaaaaa11",
            "4Thparadigm (China)",
            labels=[{"lang": "en", "value": "4Thparadigm"}],
            aliases=["Beijing Wusi", "第四范式"],
            country_code="CN",
        )
    )
    assert record.name == "4Thparadigm (China)"
    assert record.name_zh == "第四范式"
    assert record.other_names == ["4Thparadigm", "Beijing Wusi"]


# --- updates and links -----------------------------------------------------------------


def test_update_changes_only_changed_records(tmp_path: Path) -> None:
    records = [flat("0aaaaaa11", "Alpha Institute"), flat("0bbbbbb22", "Beta Institute")]
    run(str(write_jsonl(tmp_path / "one.jsonl", records)))
    records[1] = dict(records[1], name="Beta Institute of Technology", acronyms=["BIT"])
    output = run(str(write_jsonl(tmp_path / "two.jsonl", records)))
    assert "0 created, 1 updated, 1 unchanged" in output
    beta = Organisation.objects.get(ror_id="0bbbbbb22")
    assert beta.name == "Beta Institute of Technology"
    assert "| bit |" in beta.search_text
    assert Organisation.objects.count() == 2


def test_links_follow_the_records_on_reimport(tmp_path: Path) -> None:
    parent = flat(
        "0aaaaaa11",
        "Parent University",
        relationships=[{"type": "child", "id": "0bbbbbb22", "label": "Lab"}],
    )
    child = flat(
        "0bbbbbb22", "Lab", relationships=[{"type": "parent", "id": "0aaaaaa11", "label": "Parent"}]
    )
    run(str(write_jsonl(tmp_path / "one.jsonl", [parent, child])))
    lab = Organisation.objects.get(ror_id="0bbbbbb22")
    assert [o.ror_id for o in lab.parents.all()] == ["0aaaaaa11"]
    # Both records drop the link: it goes.
    parent2 = {k: v for k, v in parent.items() if k != "relationships"}
    child2 = {k: v for k, v in child.items() if k != "relationships"}
    output = run(str(write_jsonl(tmp_path / "two.jsonl", [parent2, child2])))
    assert "1 removed" in output
    assert not lab.parents.exists()


def test_external_link_resolved_when_the_other_side_arrives(tmp_path: Path) -> None:
    child = flat(
        "0bbbbbb22",
        "Lab",
        relationships=[{"type": "parent", "id": "0aaaaaa11", "label": "Parent U"}],
    )
    run(str(write_jsonl(tmp_path / "one.jsonl", [child])))
    lab = Organisation.objects.get(ror_id="0bbbbbb22")
    assert lab.external_relationships == [
        {"type": "parent", "ror_id": "0aaaaaa11", "label": "Parent U"}
    ]
    run(str(write_jsonl(tmp_path / "two.jsonl", [flat("0aaaaaa11", "Parent University")])))
    lab.refresh_from_db()
    assert lab.external_relationships == []
    assert [o.ror_id for o in lab.parents.all()] == ["0aaaaaa11"]


# --- malformed input ---------------------------------------------------------------------


def test_malformed_jsonl_line_rolls_back_everything(tmp_path: Path) -> None:
    good = [flat("0aaaaaa11", "Alpha Institute"), flat("0bbbbbb22", "Beta Institute")]
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "".join(json.dumps(r) + "\n" for r in good) + '{"id": "0cccccc33", "name": \n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"bad\.jsonl, line 3: invalid JSON"):
        run(str(path))
    assert Organisation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="people.organisations.imported").exists()


def test_record_without_id_names_the_record(tmp_path: Path) -> None:
    records = [*V2_RECORDS[:2], {"names": [{"types": ["ror_display"], "value": "No id"}]}]
    path = write_json(tmp_path / "dump.json", records)
    with pytest.raises(CommandError, match=r"dump\.json, record 3: missing or invalid ROR id"):
        run(str(path))
    assert Organisation.objects.count() == 0


def test_failed_run_keeps_the_previous_state(tmp_path: Path) -> None:
    run(str(write_jsonl(tmp_path / "one.jsonl", [flat("0aaaaaa11", "Alpha Institute")])))
    bad = [flat("0aaaaaa11", "Alpha Renamed"), flat("0bbbbbb22", "Beta", status="closed")]
    with pytest.raises(CommandError, match="unknown status"):
        run(str(write_jsonl(tmp_path / "two.jsonl", bad)))
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Alpha Institute"]


def test_not_json_at_all(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    path.write_text("[{]", encoding="utf-8")
    with pytest.raises(CommandError, match="invalid JSON"):
        run(str(path))
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(CommandError, match="no such file"):
        run(str(missing))


def test_service_reports_format_errors() -> None:
    with pytest.raises(RorFormatError, match="the record has no name"):
        import_ror_records([{"id": "0aaaaaa11", "country_code": "HK"}])


def test_service_needs_an_administrator(make_person: Any) -> None:
    researcher = make_person("res", roles=("researcher",))
    with pytest.raises(PermissionDenied):
        import_ror_records([flat("0aaaaaa11", "Alpha")], actor=researcher)
    admin = make_person("boss", roles=("administrator",))
    report = import_ror_records([flat("0aaaaaa11", "Alpha")], actor=admin)
    assert report.created == 1
    event = AuditEvent.objects.get(action="people.organisations.imported")
    assert event.actor == admin


def test_v2_label_wins_over_alias_for_the_chinese_name() -> None:
    record = normalise_record(
        {
            "id": "https://ror.org/0aaaaaa11",
            "names": [
                {"lang": "zh", "types": ["alias"], "value": "港科大"},
                {"lang": "en", "types": ["ror_display", "label"], "value": "Alpha University"},
                {"lang": "zh", "types": ["label"], "value": "阿爾法大學"},
            ],
            "locations": [{"geonames_details": {"country_code": "HK", "name": "Hong Kong"}}],
            "status": "active",
            "types": ["education"],
        }
    )
    assert record.name == "Alpha University"
    assert record.name_zh == "阿爾法大學"
    assert record.other_names == ["港科大"]


def test_pretty_printed_api_answer_and_json_lines_named_json(tmp_path: Path) -> None:
    answer = tmp_path / "api.json"
    answer.write_text(
        json.dumps({"number_of_results": 1, "items": [V2_RECORDS[0]]}, indent=2),
        encoding="utf-8",
    )
    run(str(answer))
    assert Organisation.objects.get().ror_id == HKUST
    lines = write_jsonl(tmp_path / "lines.json", V1_RECORDS)
    run(str(lines))
    assert Organisation.objects.count() == 3
