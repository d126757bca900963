"""In a browser: a manager rejects a request with a reason; the booker gets the e-mail in
Simplified Chinese, sees the rejection and its reason on "my bookings", makes a private
calendar address that a calendar app (no cookies) can read, then replaces it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .test_facilities_journey import HKT, _login, _open_day, setup  # noqa: F401  (fixture)


def test_rejection_mail_my_bookings_and_private_calendar(
    setup: dict[str, Any],  # noqa: F811 (the journey's fixture, imported above)
    page: Any,
    browser: Any,
    live_url: Any,
    mailoutbox: list[Any],
    screenshot_dir: Any,
) -> None:
    from innobridge.facilities import services

    li, manager, tem = setup["li"], setup["manager"], setup["tem"]
    li.email, li.preferred_language = "li@example.cn", "zh-hans"
    li.save(update_fields=["email", "preferred_language"])
    manager.email = "manager@example.hk"
    manager.save(update_fields=["email"])
    day = _open_day()

    def at(h: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(h), tzinfo=HKT)

    kept = services.request_booking(li, tem, at(10), at(12), purpose="纳米颗粒 HRTEM")
    refused = services.request_booking(li, tem, at(14), at(16), purpose="第二次")
    assert [m.to for m in mailoutbox] == [["manager@example.hk"]] * 2
    mailoutbox.clear()

    # The manager rejects one request, with a reason, in the browser.
    _login(page, live_url, "fac-manager")
    page.goto(live_url("facilities:booking", refused.pk))
    page.locator('textarea[name="reason"], input[name="reason"]').fill("电镜下午维护")
    with page.expect_navigation():
        page.get_by_role("button", name="Reject").click()
    refused.refresh_from_db()
    assert refused.status == "rejected"
    (mail,) = mailoutbox
    assert mail.to == ["li@example.cn"]
    assert "透射电子显微镜" in mail.subject  # the booker's language and script
    assert "已拒绝" in mail.body and "电镜下午维护" in mail.body

    # The booker sees where each request stands.
    _login(page, live_url, "li-researcher")
    page.goto(live_url("facilities:my_bookings"))
    pending = page.locator('[data-testid="my-bookings-pending"]').inner_text()
    assert f"{day:%Y-%m-%d} 10:00–12:00" in pending
    declined = page.locator('[data-testid="my-bookings-declined"]').inner_text()
    assert "电镜下午维护" in declined

    # A private calendar address that works without logging in.
    with page.expect_navigation():
        page.locator('[data-testid="calendar-feed"] button[type="submit"]').click()
    url = page.locator('[data-testid="feed-url"]').input_value()
    assert url.startswith(live_url("facilities:home")) and url.endswith(".ics")
    page.screenshot(path=str(screenshot_dir / "facilities-calendar-feed.png"), full_page=True)
    calendar_app = browser.new_context()  # no cookies: like Google Calendar fetching it
    try:
        feed = calendar_app.request.get(url)
        assert feed.status == 200
        body = feed.text()
        assert f"booking-{kept.pk}@" in body and f"booking-{refused.pk}@" not in body
        # Replace the address: the old one stops working.
        with page.expect_navigation():
            page.locator('[data-testid="calendar-feed"] form').first.locator("button").click()
        new_url = page.locator('[data-testid="feed-url"]').input_value()
        assert new_url != url
        assert calendar_app.request.get(url).status == 404
        assert calendar_app.request.get(new_url).status == 200
    finally:
        calendar_app.close()
