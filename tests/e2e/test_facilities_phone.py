"""The facilities pages on a phone (390 × 844, touch): no page scrolls sideways (wide
tables and the week grid scroll inside their own box), and the main controls — need
search, free-time search, booking form, confirmation, manager's decisions — are on
screen and usable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from .test_facilities_journey import _login, _open_day, setup  # noqa: F401  (fixture)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any, live_server: Any, transactional_db: Any) -> Any:
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Hong_Kong",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _fits(page: Any, name: str, screenshot_dir: Path) -> None:
    page.screenshot(path=str(screenshot_dir / f"facilities-phone-{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner + 1, f"{name}: page is {width}px wide on a {inner}px screen"


def test_facility_pages_on_a_phone(
    phone: Any,
    live_url: Any,
    setup: dict[str, Any],  # noqa: F811 (the journey's fixture, imported above)
    screenshot_dir: Path,
) -> None:
    page = phone
    tem = setup["tem"]
    page.goto(live_url("facilities:home"))
    _fits(page, "catalogue", screenshot_dir)
    search = page.locator('[data-testid="facility-search"] input[name="need"]')
    assert search.is_visible()
    box = search.bounding_box()
    assert box is not None and box["width"] > 150
    page.goto(live_url("facilities:free"))
    _fits(page, "free-form", screenshot_dir)

    _login(page, live_url, "li-researcher")
    day = _open_day()
    page.goto(live_url("facilities:resource", tem.pk) + f"?week={day.isoformat()}")
    _fits(page, "resource", screenshot_dir)
    form = page.locator('[data-testid="booking-form"]')
    form.locator('input[name="date"]').fill(day.isoformat())
    form.locator('input[name="start"]').fill("10:00")
    form.locator('input[name="end"]').fill("12:00")
    submit = form.locator('button[type="submit"]')
    submit.scroll_into_view_if_needed()
    assert submit.is_visible()
    with page.expect_navigation():
        submit.tap()
    _fits(page, "confirm", screenshot_dir)
    assert "CNY" in page.locator('[data-testid="quoted-price"]').inner_text()
    with page.expect_navigation():
        page.locator('[data-testid="send-request"]').tap()
    assert page.locator('[data-testid="booking-status"]').is_visible()
    _fits(page, "booking", screenshot_dir)

    start = f"{day.isoformat()}T00:00"
    end = f"{(day + dt.timedelta(days=2)).isoformat()}T00:00"
    page.goto(live_url("facilities:free") + f"?start={start}&end={end}&resource={tem.pk}")
    assert page.locator('[data-testid="free-slots"]').is_visible()
    _fits(page, "free-results", screenshot_dir)
    for name in ("my_bookings", "my_calendar", "my_statement"):
        page.goto(live_url(f"facilities:{name}"))
        _fits(page, name, screenshot_dir)

    _login(page, live_url, "fac-manager")
    for name in ("manage", "reports", "usage_bulk"):
        page.goto(live_url(f"facilities:{name}"))
        _fits(page, name, screenshot_dir)
    page.goto(live_url("facilities:manage"))
    approve = page.locator('[data-testid="requests"] button[type="submit"]').first
    approve.scroll_into_view_if_needed()
    assert approve.is_visible()
    with page.expect_navigation():
        approve.tap()
    from innobridge.facilities.models import Booking

    assert Booking.objects.get().status == "approved"
    page.goto(live_url("facilities:resource_manage", tem.pk))
    _fits(page, "resource-manage", screenshot_dir)
