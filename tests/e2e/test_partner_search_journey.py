"""Partner search in a real browser: a Hong Kong researcher describes a topic in
Traditional Chinese and finds a Mainland researcher whose papers are in Simplified
Chinese, with the reasons shown in Traditional script; then the own-profile search."""

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
    me = make_person(
        "hk-researcher", roles=("researcher",), password=PASSWORD, display_name="陳大文"
    )
    mine = ResearcherProfile.objects.create(
        person=me, organisation=hku, region="HK", keywords=["水稻", "基因組"]
    )
    rice = make_person("zj-rice", roles=("researcher",), display_name="王晓明", is_demo=True)
    rice_profile = ResearcherProfile.objects.create(
        person=rice, organisation=zju, region="CN", keywords=["水稻育种"]
    )
    pub = Publication.objects.create(
        title="水稻抗病基因组选择育种研究",
        abstract="利用基因组选择方法提高水稻抗病育种效率。",
        year=2019,
        language="zh-hans",
    )
    Authorship.objects.create(researcher=rice_profile, publication=pub)
    other = make_person("zj-bridge", roles=("researcher",), display_name="李桥")
    other_profile = ResearcherProfile.objects.create(
        person=other, organisation=zju, region="CN", keywords=["桥梁工程"]
    )
    pub2 = Publication.objects.create(title="大跨度桥梁风振控制", year=2018, language="zh-hans")
    Authorship.objects.create(researcher=other_profile, publication=pub2)
    matching.rebuild()
    return {"me": mine, "rice": rice_profile, "bridge": other_profile}


def test_hong_kong_researcher_finds_a_mainland_partner(
    page: Any, live_url: Any, researchers: dict[str, Any], screenshot_dir: Any
) -> None:
    page.goto(live_url("login"))
    page.locator('input[name="username"]').fill("hk-researcher")
    page.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    with page.expect_navigation():
        page.locator('[data-testid="language-switcher"] button[value="zh-hant"]').click()

    page.goto(live_url("people:partners"))
    page.locator('textarea[name="q"]').fill("水稻基因組選擇育種")
    page.locator('[data-testid="partner-search"] button[type="submit"]').click()
    results = page.locator('[data-testid="partner-results"] > li')
    results.first.wait_for()
    first = results.first.inner_text()
    assert "王晓明" in first
    # Shared terms are shown in the script of the UI (Traditional).
    assert "育種" in first or "水稻" in first
    assert "李桥" not in first
    # The hit's contact steps sit in one row of ordinary buttons (they were stacked, the
    # shortlist button the whole width of the page).
    actions = results.first.locator('[data-testid="contact-actions"]')
    intro = actions.locator('[data-testid="request-intro"]').bounding_box()
    shortlist = actions.locator('[data-testid="shortlist-add"]').bounding_box()
    assert intro and shortlist
    assert abs(intro["y"] - shortlist["y"]) < 4 and shortlist["x"] > intro["x"] + intro["width"]
    assert shortlist["width"] < 400
    page.screenshot(path=str(screenshot_dir / "partners-zh-hant.png"), full_page=True)

    # The own profile as the query: the researcher is never their own partner.
    page.goto(live_url("people:partners") + "?use_profile=on")
    names = page.locator('[data-testid="partner-results"]').inner_text()
    assert "王晓明" in names and "陳大文" not in names
