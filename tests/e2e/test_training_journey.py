"""Training before booking, in a real browser and in three languages: a Mainland
researcher (简体中文) sees that the instrument needs training and requests it; the
facility manager (繁體中文) gets a notice, schedules a session in the training queue and
certifies them; the researcher (English) then sees "certified until …" and can book."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.test_facilities_journey import (
    PASSWORD,
    _login,
    _open_day,
    setup,  # noqa: F401  (the fixture)
)


@pytest.fixture
def scene(setup: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    tem = setup["tem"]
    tem.training_required = True
    tem.training_valid_months = 12
    tem.save()
    # The manager reads 繁體中文: notices are written in the recipient's language.
    setup["manager"].preferred_language = "zh-hant"
    setup["manager"].save()
    return setup


def _language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.locator(f'[data-testid="language-switcher"] button[value="{code}"]').click()


def test_request_training_get_certified_then_book(
    scene: dict[str, Any], page: Any, live_url: Any, screenshot_dir: Any
) -> None:
    from innobridge.facilities.models import TrainingRequest, TrainingRequestStatus

    assert PASSWORD
    tem = scene["tem"]
    _login(page, live_url, "li-researcher")
    _language(page, "zh-hans")
    page.goto(live_url("facilities:resource", tem.pk))
    status = page.locator('[data-testid="training-status"]')
    assert "须先接受培训" in status.inner_text()
    status.locator('textarea[name="message"]').fill("我用过类似的透射电镜。")
    with page.expect_navigation():
        status.locator('[data-testid="training-request"]').click()
    assert "已申请培训，等候处理" in page.locator('[data-testid="training-pending"]').inner_text()
    page.screenshot(path=str(screenshot_dir / "training-pending-zh-hans.png"), full_page=True)
    req = TrainingRequest.objects.get()

    _login(page, live_url, "fac-manager")
    _language(page, "zh-hant")
    page.goto(live_url("people:notices"))
    assert "培訓申請" in page.locator('[data-testid="notices"]').inner_text()
    page.goto(live_url("facilities:training_queue"))
    row = page.locator('[data-testid="training-row"]').first
    assert "李明" in row.inner_text() and "透射電子顯微鏡" in row.inner_text()
    session = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    row.locator('input[name="session_at"]').fill(session)
    with page.expect_navigation():
        row.locator('[data-testid="training-schedule"]').click()
    req.refresh_from_db()
    assert req.status == TrainingRequestStatus.SCHEDULED
    page.screenshot(path=str(screenshot_dir / "training-queue-zh-hant.png"), full_page=True)
    row = page.locator('[data-testid="training-row"]').first
    with page.expect_navigation():
        row.locator('[data-testid="training-approve"]').click()
    req.refresh_from_db()
    assert req.status == TrainingRequestStatus.CERTIFIED
    assert "沒有待處理的培訓申請" in page.locator('[data-testid="training-queue"]').inner_text()

    _login(page, live_url, "li-researcher")
    _language(page, "en")
    page.goto(live_url("facilities:resource", tem.pk))
    assert "certified until" in page.locator('[data-testid="training-certified"]').inner_text()
    day = _open_day()
    form = page.locator('[data-testid="booking-form"]')
    form.locator('input[name="date"]').fill(day.isoformat())
    form.locator('input[name="start"]').fill("10:00")
    form.locator('input[name="end"]').fill("12:00")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    assert "CNY 1,500.00" in page.locator('[data-testid="quoted-price"]').inner_text()
