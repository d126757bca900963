"""Day one for real users, in a real browser: booking works in both Chinese UIs (ISO date
values, a refused request keeps the date and the typed purpose and shows why at the form),
the calendar can be clicked to pick a time, user content is shown in the UI's script, the
home page and the error pages speak the reader's language, and they fit a 390 px phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_facilities_journey import _login, _open_day, setup  # noqa: F401  (fixture)

LANGUAGES = ["en", "zh-hant", "zh-hans"]


def _set_language(page: Any, live_server: Any, language: str) -> None:
    page.context.add_cookies(
        [{"name": "innobridge_language", "value": language, "url": live_server.url}]
    )


def _in_viewport(locator: Any) -> bool:
    return bool(
        locator.evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"
        )
    )


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_booking_in_chinese_keeps_the_date_and_purpose_and_shows_why(
    setup: dict[str, Any],  # noqa: F811
    page: Any,
    live_url: Any,
    live_server: Any,
    language: str,
    screenshot_dir: Path,
) -> None:
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if "conform" in m.text else None)
    _login(page, live_url, "li-researcher")
    _set_language(page, live_server, language)
    tem = setup["tem"]
    day = _open_day()
    page.goto(live_url("facilities:resource", tem.pk) + f"?week={day.isoformat()}")
    form = page.locator('[data-testid="booking-form"]')
    # The pre-filled date is there (it was blank: "2026/12/07" is not yyyy-MM-dd).
    prefilled = form.locator('input[name="date"]').input_value()
    assert len(prefilled) == 10 and prefilled[4] == "-", prefilled
    # The stored Traditional name is shown in the UI's script.
    heading = page.locator("h1").first.inner_text()
    assert ("透射电子显微镜" if language == "zh-hans" else "透射電子顯微鏡") in heading

    # Ask for a time the instrument is closed, with a purpose typed.
    purpose = "觀察納米顆粒的原子結構" if language == "zh-hant" else "观察纳米颗粒的原子结构"
    form.locator('input[name="date"]').fill(day.isoformat())
    form.locator('input[name="start"]').fill("03:00")
    form.locator('input[name="end"]').fill("04:00")
    form.locator('textarea[name="purpose"]').fill(purpose)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    form = page.locator('[data-testid="booking-form"]')
    assert form.locator('input[name="date"]').input_value() == day.isoformat()
    assert form.locator('input[name="start"]').input_value() == "03:00"
    assert form.locator('textarea[name="purpose"]').input_value() == purpose
    error = page.locator('[data-testid="booking-messages"] .message.error').first
    assert error.is_visible()
    assert _in_viewport(error), "the reason for the refusal is off screen"
    page.screenshot(path=str(screenshot_dir / f"dayone-refused-booking-{language}.png"))
    assert warnings == []


def test_clicking_the_calendar_picks_a_time(
    setup: dict[str, Any],  # noqa: F811
    page: Any,
    live_url: Any,
) -> None:
    _login(page, live_url, "li-researcher")
    tem = setup["tem"]
    day = _open_day()
    page.goto(live_url("facilities:resource", tem.pk) + f"?week={day.isoformat()}")
    body = page.locator(f'.fac-daybody[data-date="{day.isoformat()}"]')
    box = body.bounding_box()
    assert box is not None
    # 10:00 is 10/24 of the way down the day.
    body.click(position={"x": box["width"] / 2, "y": box["height"] * (10.1 / 24)})
    form = page.locator('[data-testid="booking-form"]')
    assert form.locator('input[name="date"]').input_value() == day.isoformat()
    assert form.locator('input[name="start"]').input_value() == "10:00"
    assert form.locator('input[name="end"]').input_value() == "11:00"
    # The list of the week links each open span to the form too.
    page.locator('[data-testid="week-list"] summary').click()
    span = page.locator('[data-testid="pick-span"]').first
    with page.expect_navigation():
        span.click()
    assert page.locator('[data-testid="booking-form"] input[name="start"]').input_value()


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_and_error_pages_fit_a_phone_in_each_language(
    setup: dict[str, Any],  # noqa: F811
    browser: Any,
    live_server: Any,
    language: str,
    screenshot_dir: Path,
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.add_cookies(
        [{"name": "innobridge_language", "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto("/")
        page.screenshot(
            path=str(screenshot_dir / f"dayone-home-phone-{language}.png"), full_page=True
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator('[data-testid="how-to-start"]').is_visible()
        assert page.locator('[data-testid="home-facilities"]').is_visible()
        # The language switch is on screen, not hidden in the menu.
        switch = page.locator('[data-testid="language-switcher"] button').first
        assert switch.is_visible()
        expected = {"en": "How to start", "zh-hant": "如何開始", "zh-hans": "如何开始"}[language]
        assert expected in page.locator("main").inner_text()

        response = page.goto("/no/such/page/")
        assert response is not None and response.status == 404
        title = {"en": "Page not found", "zh-hant": "找不到頁面", "zh-hans": "找不到页面"}
        assert title[language] in page.locator("h1").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_a_search_keeps_its_query_when_the_language_is_switched(
    setup: dict[str, Any],  # noqa: F811 (organisations come with it)
    page: Any,
    live_url: Any,
) -> None:
    page.goto(live_url("people:organisations"))
    search = page.locator('[data-testid="organisation-search"] input[name="q"]')
    search.fill("Tsinghua")
    search.press("Enter")
    page.wait_for_url("**q=Tsinghua**")
    with page.expect_navigation():
        page.locator('[data-testid="language-switcher"] button[value="zh-hans"]').click()
    assert "q=Tsinghua" in page.url
    assert page.locator('[data-testid="organisation-search"] input[name="q"]').input_value() == (
        "Tsinghua"
    )
    assert page.locator("html").get_attribute("lang") == "zh-Hans-CN"
