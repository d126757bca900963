"""Relevance levels in a real browser, in the Traditional-Chinese UI: a topic nobody on the
other side works on says "no strong match; closest results" with each closest result
labelled weak (and counted as no match); a topic a Mainland researcher works on is labelled
a match (issue 11 §2)."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.people import matching
from innobridge.people.models import Authorship, Organisation, Publication, ResearcherProfile

PASSWORD = "Lion-Rock-2026!"


@pytest.fixture
def researchers(transactional_db: Any, make_person: Any) -> dict[str, Any]:
    hku = Organisation.objects.create(
        name="The University of Hong Kong",
        name_zh="香港大學",
        region="HK",
        primary_type="education",
    )
    zju = Organisation.objects.create(
        name="Zhejiang University", name_zh="浙江大学", region="CN", primary_type="education"
    )
    me = make_person("hk-levels", roles=("researcher",), password=PASSWORD, display_name="陳大文")
    ResearcherProfile.objects.create(person=me, organisation=hku, region="HK", keywords=["水稻"])
    out = {}
    for username, name, keywords, title in (
        ("zj-rice", "王晓明", ["水稻育种"], "水稻抗病基因组选择育种研究"),
        ("zj-bridge", "李桥", ["桥梁工程"], "大跨度桥梁风振控制"),
    ):
        person = make_person(username, roles=("researcher",), display_name=name)
        profile = ResearcherProfile.objects.create(
            person=person, organisation=zju, region="CN", keywords=keywords
        )
        pub = Publication.objects.create(title=title, year=2019, language="zh-hans")
        Authorship.objects.create(researcher=profile, publication=pub)
        out[username] = profile
    matching.rebuild()
    return out


def test_no_strong_match_and_level_labels_in_traditional_chinese(
    page: Any, live_url: Any, researchers: dict[str, Any], screenshot_dir: Any
) -> None:
    page.goto(live_url("login"))
    page.locator('input[name="username"]').fill("hk-levels")
    page.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    with page.expect_navigation():
        page.locator('[data-testid="language-switcher"] button[value="zh-hant"]').click()

    page.goto(live_url("people:partners"))
    page.locator('textarea[name="q"]').fill("量子糾纏")
    page.locator('[data-testid="partner-search"] button[type="submit"]').click()
    page.locator('[data-testid="partner-no-strong"]').wait_for()
    assert (
        "另一方沒有強匹配；最接近的結果："
        in page.locator('[data-testid="partner-no-strong"]').inner_text()
    )
    assert "0" in page.locator('[data-testid="partner-summary"]').inner_text()
    labels = page.locator('[data-testid="partner-results"] .level-badge')
    assert labels.count() >= 1
    assert {labels.nth(i).inner_text() for i in range(labels.count())} == {"弱：不算匹配"}
    page.screenshot(path=str(screenshot_dir / "partners-no-strong-zh-hant.png"), full_page=True)

    page.locator('textarea[name="q"]').fill("水稻基因組選擇育種")
    page.locator('[data-testid="partner-search"] button[type="submit"]').click()
    first = page.locator('[data-testid="partner-results"] > li').first
    first.locator(".level-badge").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=\"partner-no-strong\"]')")
    assert "王晓明" in first.inner_text()
    assert first.locator(".level-badge").inner_text() == "強匹配"
    page.screenshot(path=str(screenshot_dir / "partners-strong-zh-hant.png"), full_page=True)
