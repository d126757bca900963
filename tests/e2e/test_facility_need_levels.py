"""Facility search by need in a real browser, in the Simplified-Chinese UI: a need that no
resource serves says so ("no strong match; closest results", nothing counted, each result
labelled weak); a need a resource serves is labelled a match (issue 11 §2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def catalogue(transactional_db: Any) -> Iterator[None]:
    from innobridge.facilities import matching
    from innobridge.facilities.models import Facility, Resource
    from innobridge.people.models import Organisation
    from tests.facilities.conftest import TinyEmbedder

    hkust = Organisation.objects.create(
        name="HKUST",
        name_zh="香港科技大學",
        region="HK",
        city="Hong Kong",
        primary_type="education",
    )
    fac = Facility.objects.create(
        name="Materials Characterization and Preparation Facility",
        name_zh="材料表徵及製備設施",
        organisation=hkust,
        city="Hong Kong",
        region="HK",
    )
    Resource.objects.create(
        facility=fac,
        kind="instrument",
        name="Transmission electron microscope",
        name_zh="透射電子顯微鏡",
        techniques=["TEM"],
        description="Atomic-resolution imaging of nanoparticles.",
        description_zh="用於納米顆粒的原子級成像。",
    )
    Resource.objects.create(
        facility=fac,
        kind="compute",
        name="GPU cluster",
        name_zh="GPU計算集群",
        techniques=["deep learning"],
        description="GPU nodes for training deep learning models.",
        description_zh="用於訓練深度學習模型的GPU節點。",
    )
    matching.set_embedder(TinyEmbedder())  # the live server runs in this process
    yield
    matching.set_embedder(None)


def test_need_levels_in_simplified_chinese(
    page: Any, live_url: Any, catalogue: None, screenshot_dir: Any
) -> None:
    page.goto(live_url("facilities:home"))
    with page.expect_navigation():
        page.locator('[data-testid="language-switcher"] button[value="zh-hans"]').click()
    page.goto(live_url("facilities:home"))
    page.locator('input[name="need"]').fill("超新星中微子探测")
    with page.expect_navigation():
        page.locator('[data-testid="facility-search"] button[type="submit"]').first.click()
    banner = page.locator('[data-testid="need-no-strong"]')
    assert banner.inner_text() == "没有与您的需求强匹配的资源；最接近的结果："
    assert page.locator('[data-testid="need-summary"]').inner_text().startswith("0")
    labels = page.locator('[data-testid="resource-results"] .level-badge')
    assert labels.count() >= 1
    assert {labels.nth(i).inner_text() for i in range(labels.count())} == {"弱：不算匹配"}
    page.screenshot(
        path=str(screenshot_dir / "facility-need-no-strong-zh-hans.png"), full_page=True
    )

    page.locator('input[name="need"]').fill("透射电子显微镜")
    with page.expect_navigation():
        page.locator('[data-testid="facility-search"] button[type="submit"]').first.click()
    first = page.locator('[data-testid="resource-results"] > li').first
    assert "透射电子显微镜" in first.inner_text()
    assert first.locator(".level-badge").inner_text() in {"强匹配", "可能匹配"}
    assert page.locator('[data-testid="need-summary"]').inner_text().startswith("1")
    page.screenshot(path=str(screenshot_dir / "facility-need-match-zh-hans.png"), full_page=True)
