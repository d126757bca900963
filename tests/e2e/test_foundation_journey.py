"""The foundation as a new user meets it, in a real browser: sign up, log in as each
demo role, switch the language (en → 繁體中文 → 简体中文), search the organisation
directory in Traditional and Simplified characters, open a researcher profile."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.e2e.conftest import in_ci

HOME_SCREENSHOTS = {
    "en": "home-en.png",
    "zh-hant": "home-zh-hant.png",
    "zh-hans": "home-zh-hans.png",
}
# Real ROR records (CC0) read from settings.DATA_DIR: HKUST, HKUST (Guangzhou), CUHK,
# Tsinghua, Peking.
ROR_IDS = {"00q4vv597", "050h0vm43", "00t33hh48", "03cve4549", "02v51f717"}


def _data_file(*parts: str) -> Path:
    path = Path(settings.DATA_DIR).joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing (settings.DATA_DIR / INNOBRIDGE_DATA_DIR)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture
def organisations(transactional_db: Any) -> None:
    from innobridge.people import services

    path = _data_file("ror", "ror_cn_hk_mo.jsonl")
    with path.open(encoding="utf-8") as handle:
        records = [r for r in map(json.loads, handle) if r["id"] in ROR_IDS]
    assert len(records) == len(ROR_IDS)
    services.import_ror_records(records)


@pytest.fixture
def demo_people(organisations: None) -> None:
    """The six role accounts and a few demo researchers with real papers."""
    from innobridge.people import demo

    _data_file("csl")
    demo.seed_role_accounts()
    demo.seed_researchers(scale=0.05)


def _switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.locator(f'[data-testid="language-switcher"] button[value="{code}"]').click()


def _heading(page: Any) -> str:
    return str(page.locator("main h1").first.inner_text()).strip()


def test_sign_up_confirms_the_address_and_logs_in(page: Any, live_url: Any) -> None:
    from innobridge.people.models import Person

    page.goto(live_url("signup"))
    form = page.locator('[data-testid="signup-form"]')
    form.locator('input[name="username"]').fill("new-researcher")
    form.locator('input[name="display_name"]').fill("李小龍")
    form.locator('input[name="email"]').fill("new-researcher@example.org")
    form.locator('input[name="password1"]').fill("Harbour-Bridge-2026!")
    form.locator('input[name="password2"]').fill("Harbour-Bridge-2026!")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    # not logged in before the address is confirmed: follow the e-mailed link
    assert page.locator('[data-testid="verify-email-sent"]').count() == 1
    assert page.locator('[data-testid="logout"]').count() == 0
    import re

    from django.core import mail

    link = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[-1].body)
    assert link and mail.outbox[-1].to == ["new-researcher@example.org"]
    page.goto(link.group(0))
    assert "/accounts/signup/" not in page.url
    assert page.locator('[data-testid="logout"]').count() == 1
    person = Person.objects.get(username="new-researcher")
    assert person.groups.filter(name="researcher").exists()
    assert not person.is_demo


def test_each_demo_role_logs_in(page: Any, live_url: Any, demo_people: None) -> None:
    from innobridge.people.demo import DEMO_ACCOUNTS

    assert len(DEMO_ACCOUNTS) == 6
    for _label, username, password in DEMO_ACCOUNTS:
        page.context.clear_cookies()
        page.goto(live_url("login"))
        form = page.locator('[data-testid="login-form"]')
        form.locator('input[name="username"]').fill(username)
        form.locator('input[name="password"]').fill(password)
        with page.expect_navigation():
            form.locator('button[type="submit"]').click()
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        assert page.locator('[data-testid="logout"]').count() == 1, username
    # The administrator reaches the Django admin.
    page.goto(live_url("admin:index"))
    assert "/admin/login/" not in page.url


def test_language_switch_changes_the_page(page: Any, live_url: Any, screenshot_dir: Path) -> None:
    page.goto(live_url("home"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(screenshot_dir / HOME_SCREENSHOTS["en"]), full_page=True)

    page.goto(live_url("login"))
    english = _heading(page)
    assert english == "Log in"
    seen = {"en": english}
    for code, lang in (("zh-hant", "zh-Hant-HK"), ("zh-hans", "zh-Hans-CN")):
        _switch_language(page, code)
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator(f'button[value="{code}"][aria-pressed="true"]').count() == 1
        seen[code] = _heading(page)
        assert re.search(r"[\u4e00-\u9fff]", seen[code]), f"{code}: {seen[code]!r} not Chinese"
        page.goto(live_url("home"))
        page.screenshot(path=str(screenshot_dir / HOME_SCREENSHOTS[code]), full_page=True)
        page.goto(live_url("login"))
    assert len(set(seen.values())) == 3, seen
    # The choice sticks (a cookie): the next page is still in Simplified Chinese.
    page.goto(live_url("people:organisations"))
    assert page.locator("html").get_attribute("lang") == "zh-Hans-CN"
    for name in HOME_SCREENSHOTS.values():
        assert (screenshot_dir / name).stat().st_size > 10_000


def test_directory_search_is_script_blind(page: Any, live_url: Any, organisations: None) -> None:
    found = {}
    for query in ("香港科技大學", "香港科技大学"):
        page.goto(live_url("people:organisations") + f"?q={query}")
        links = page.locator('#organisation-results a[href*="/people/organisations/"]')
        found[query] = sorted(set(links.evaluate_all("els => els.map(e => e.pathname)")))
    assert found["香港科技大學"], "Traditional search found nothing"
    assert found["香港科技大學"] == found["香港科技大学"]
    # The record itself: HKUST (Guangzhou), whose ROR Chinese name is Simplified.
    page.goto(live_url("people:organisations") + "?q=香港科技大學")
    page.locator('#organisation-results a[href*="/people/organisations/"]').first.click()
    page.wait_for_load_state()
    assert "Hong Kong University of Science and Technology" in page.locator("main").inner_text()


def test_open_a_researcher_profile(page: Any, live_url: Any, demo_people: None) -> None:
    from innobridge.people.models import ResearcherProfile

    page.goto(live_url("people:researchers"))
    profile = (
        ResearcherProfile.objects.filter(person__is_demo=True, publications__isnull=False)
        .order_by("pk")
        .first()
    )
    assert profile is not None
    link = page.locator(f'a[href="{profile.get_absolute_url()}"]')
    if link.count() == 0:  # not on the first page of the listing
        page.goto(live_url("people:researcher", profile.pk))
    else:
        with page.expect_navigation():
            link.first.click()
    card = page.locator('[data-testid="researcher-profile"]')
    card.wait_for()
    assert profile.person.display_name in card.inner_text()
    assert page.locator('[data-testid="demo-badge"]').count() >= 1
    publications = page.locator('[data-testid="publications"]')
    first = profile.publications.order_by("-year", "title").first()
    assert first is not None
    assert first.title[:30] in publications.inner_text()
