"""Researcher journeys in a real browser: live (HTMX) filtering of the listing across
scripts, and an owner editing the profile and importing publications."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "people" / "data"
PASSWORD = "pw-Strong-1!"


@pytest.fixture
def researchers(transactional_db: Any) -> dict[str, Any]:
    from innobridge.people.models import Organisation
    from innobridge.people.services import create_researcher, organisation_search_text

    hk = Organisation.objects.create(name="HKUST", name_zh="香港科技大學", region="HK")
    cn = Organisation.objects.create(name="Sun Yat-sen University", name_zh="中山大学", region="CN")
    for org in (hk, cn):
        org.search_text = organisation_search_text(org)
        org.save()
    chan = create_researcher(
        None,
        username="chan",
        password=PASSWORD,
        display_name="陳大文",
        organisation=hk,
        keywords=["材料科學"],
        is_demo=True,
    )
    li = create_researcher(
        None,
        username="li",
        password=PASSWORD,
        display_name="Li Wei",
        organisation=cn,
        keywords=["robotics"],
    )
    return {"chan": chan, "li": li, "hk": hk, "cn": cn}


def test_listing_filters_live_across_scripts(
    page: Any, live_url: Any, researchers: Any, screenshot_dir: Path
) -> None:
    page.goto(live_url("people:researchers"))
    results = page.locator("#researcher-results")
    assert "Li Wei" in results.inner_text() and "陳大文" in results.inner_text()
    # Typing (no submit) updates the results through HTMX; Simplified finds Traditional.
    page.locator("#researcher-q").fill("材料科学")
    page.wait_for_function(
        "() => !document.querySelector('#researcher-results').innerText.includes('Li Wei')"
    )
    assert "陳大文" in results.inner_text()
    assert "q=" in page.url  # the address follows the filter
    assert results.locator('[data-testid="demo-badge"]').count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_dir / "researchers-phone.png"), full_page=True)


def test_owner_edits_and_imports(
    page: Any, live_url: Any, researchers: Any, screenshot_dir: Path
) -> None:
    li = researchers["li"]
    page.goto(live_url("login"))
    form = page.locator('[data-testid="login-form"]')
    form.locator('input[name="username"]').fill("li")
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    page.goto(live_url("people:researcher", li.pk))
    with page.expect_navigation():
        page.locator('[data-testid="edit-profile"]').click()
    edit = page.locator('[data-testid="profile-form"]')
    edit.locator('input[name="orcid"]').fill("0000-0002-1825-0097")
    edit.locator('input[name="organisation"]').fill("香港科技大学")
    edit.locator('input[name="keywords"]').fill("robotics, 機械人")
    with page.expect_navigation():
        edit.locator('button[type="submit"]').click()
    card = page.locator('[data-testid="researcher-profile"]')
    assert "HKUST" in card.inner_text()
    assert page.locator('[data-testid="orcid-link"]').get_attribute("href") == (
        "https://orcid.org/0000-0002-1825-0097"
    )
    with page.expect_navigation():
        page.locator('[data-testid="import-publications"]').click()
    importer = page.locator('[data-testid="import-form"]')
    importer.locator('input[value="csv"]').check()
    importer.locator('input[type="file"]').set_input_files(str(DATA / "publications.csv"))
    with page.expect_navigation():
        importer.locator('button[type="submit"]').click()
    publications = page.locator('[data-testid="publications"]')
    assert "Deep learning for protein folding" in publications.inner_text()
    assert "Imported 2 publications" in page.locator(".messages").inner_text()
    page.screenshot(path=str(screenshot_dir / "researcher-profile.png"), full_page=True)
