"""Finding resources: a need described in English, Traditional or Simplified Chinese
(matching engine), combined with the filters (type, organisation, city, region,
free in a date range), on the page and in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.facilities import services
from innobridge.facilities.models import Facility, Resource, Tariff
from tests.pages import page_as

from .conftest import HKT, next_open_day


@pytest.fixture
def catalogue(resource: Any, orgs: dict[str, Any], manager: Any) -> dict[str, Any]:
    """The HKUST TEM (fixture) plus a Shenzhen sequencer and a Beijing compute cluster."""
    sz = Facility.objects.create(
        name="SUSTech Core Research Facilities",
        name_zh="南方科技大学分析测试中心",
        organisation=orgs["sustech"],
        city="Shenzhen",
        region="CN",
    )
    bj = Facility.objects.create(
        name="Tsinghua High-Performance Computing Center",
        name_zh="清华大学高性能计算中心",
        organisation=orgs["tsinghua"],
        city="Beijing",
        region="CN",
    )
    seq = Resource.objects.create(
        facility=sz,
        kind="instrument",
        name="Illumina NovaSeq 6000 sequencer",
        name_zh="高通量基因测序仪",
        techniques=["DNA sequencing", "RNA-seq"],
        description="High-throughput DNA and RNA sequencing of genomes and transcriptomes.",
        description_zh="基因组和转录组的高通量DNA与RNA测序。",
        holiday_calendar="CN",
    )
    hpc = Resource.objects.create(
        facility=bj,
        kind="compute",
        name="GPU cluster (A100)",
        name_zh="GPU计算集群",
        techniques=["deep learning", "molecular dynamics"],
        description="GPU nodes for training deep learning models and molecular dynamics.",
        description_zh="用于训练深度学习模型和分子动力学模拟的GPU节点。",
        holiday_calendar="CN",
        opening_hours={str(d): [["00:00", "24:00"]] for d in range(7)},
    )
    for r in (seq, hpc):
        Tariff.objects.create(
            resource=r, category="hk_academic", unit="hour", price=100, currency="CNY"
        )
    return {"tem": resource, "seq": seq, "hpc": hpc, "sz": sz, "bj": bj}


def _ids(body: str, catalogue: dict[str, Any]) -> list[str]:
    """Which of the three resources a results page lists, in order."""
    found = []
    for key in ("tem", "seq", "hpc"):
        url = catalogue[key].get_absolute_url()
        if f'href="{url}"' in body:
            found.append((body.index(f'href="{url}"'), key))
    return [k for _pos, k in sorted(found)]


@pytest.mark.parametrize(
    ("language", "need", "best"),
    [
        ("en", "image nanostructures with a transmission electron microscope", "tem"),
        ("zh-hant", "透射電子顯微鏡 觀察納米結構", "tem"),
        ("zh-hans", "透射电子显微镜 观察纳米结构", "tem"),
        ("en", "RNA sequencing of transcriptomes", "seq"),
        ("zh-hant", "基因組 測序", "seq"),
        ("zh-hans", "训练深度学习模型", "hpc"),
    ],
)
def test_need_in_three_languages(
    tiny_embedder: Any, catalogue: dict[str, Any], language: str, need: str, best: str
) -> None:
    body = page_as(reverse("facilities:home"), language=language, data={"need": need})
    assert _ids(body, catalogue)[:1] == [best], (need, _ids(body, catalogue))
    api = Client().get("/api/facilities/resources", {"need": need}).json()
    assert api[0]["id"] == catalogue[best].pk


def test_filters_on_the_page(client: Client, catalogue: dict[str, Any]) -> None:
    url = reverse("facilities:home")

    def listed(**params: Any) -> list[str]:
        return _ids(client.get(url, params).content.decode(), catalogue)

    assert listed() == ["tem", "seq", "hpc"] or set(listed()) == {"tem", "seq", "hpc"}
    assert listed(kind="compute") == ["hpc"]
    assert set(listed(region="CN")) == {"seq", "hpc"}
    assert listed(region="HK") == ["tem"]
    assert listed(organisation=catalogue["sz"].organisation_id) == ["seq"]
    assert listed(city="Beijing") == ["hpc"]
    assert listed(city="Shenzhen", kind="compute") == []


def test_need_combined_with_filters(tiny_embedder: Any, catalogue: dict[str, Any]) -> None:
    c = Client()
    body = c.get(
        reverse("facilities:home"), {"need": "electron microscope", "region": "CN"}
    ).content.decode()
    assert "tem" not in _ids(body, catalogue)
    api = Client().get(
        "/api/facilities/resources", {"need": "深度学习", "kind": "compute", "city": "Beijing"}
    )
    assert [r["id"] for r in api.json()] == [catalogue["hpc"].pk]


def test_free_in_a_date_range(
    client: Client, catalogue: dict[str, Any], people: dict[str, Any], manager: Any
) -> None:
    """A resource fully booked or under maintenance over the range drops out."""
    day = next_open_day()
    tem = catalogue["tem"]
    start = dt.datetime.combine(day, dt.time(0), tzinfo=HKT)
    services.add_maintenance(manager, tem, start, start + dt.timedelta(days=1))
    params = {"free_from": day.isoformat(), "free_to": day.isoformat()}
    body = client.get(reverse("facilities:home"), params).content.decode()
    assert "tem" not in _ids(body, catalogue) and "hpc" in _ids(body, catalogue)
    params["free_to"] = (day + dt.timedelta(days=6)).isoformat()
    body = client.get(reverse("facilities:home"), params).content.decode()
    assert "tem" in _ids(body, catalogue)
    bad = {"free_from": day.isoformat(), "free_to": (day - dt.timedelta(days=1)).isoformat()}
    body = client.get(reverse("facilities:home"), bad).content.decode()
    assert "before its start" in body


def _fake_need(catalogue: dict[str, Any], scores: dict[str, float]) -> Any:
    from innobridge.facilities import matching
    from innobridge.matching.levels import level

    def search_need(need: str, **kwargs: Any) -> list[matching.Match]:
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        return [matching.Match(catalogue[k].pk, s, ["x"], "", level(s, "query")) for k, s in ranked]

    return search_need


def test_need_counts_only_matches_with_their_levels(
    catalogue: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not "3 resources match": only the resources at a match level are counted, each is
    labelled, and the unrelated ones are not listed when a strong match exists."""
    from innobridge.facilities import matching
    from innobridge.matching.levels import THRESHOLDS

    th = THRESHOLDS["query"]
    scores = {"tem": th.strong + 0.05, "seq": th.possible - 0.05, "hpc": 0.02}
    monkeypatch.setattr(matching, "search_need", _fake_need(catalogue, scores))
    body = Client().get(reverse("facilities:home"), {"need": "electron microscope"})
    html = body.content.decode()
    assert _ids(html, catalogue) == ["tem"]
    assert "1 resource matches your need" in html and "Strong match" in html
    assert 'data-testid="need-no-strong"' not in html
    api = Client().get("/api/facilities/resources", {"need": "electron microscope"}).json()
    assert [(r["id"], r["level"]) for r in api] == [(catalogue["tem"].pk, "strong")]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "No strong match for your need; closest results:"),
        ("zh-hant", "沒有與您的需求強匹配的資源；最接近的結果："),
        ("zh-hans", "没有与您的需求强匹配的资源；最接近的结果："),
    ],
)
def test_a_need_nothing_matches_says_so(
    catalogue: dict[str, Any], monkeypatch: pytest.MonkeyPatch, language: str, text: str
) -> None:
    from innobridge.facilities import matching
    from innobridge.matching.levels import THRESHOLDS

    th = THRESHOLDS["query"]
    scores = {"tem": th.possible - 0.02, "seq": th.possible - 0.06, "hpc": -0.01}
    monkeypatch.setattr(matching, "search_need", _fake_need(catalogue, scores))
    need = {"need": "supernova neutrinos"}
    html = page_as(reverse("facilities:home"), language=language, data=need)
    assert text in html
    assert _ids(html, catalogue) == ["tem", "seq"]  # the closest, labelled weak; never hpc
    assert html.count('data-level="weak"') == 2
    assert 'data-testid="need-summary"' in html
    count = {"en": "0 resources match your need", "zh-hant": "0", "zh-hans": "0"}[language]
    assert count in html
