"""Facilities journey in a real browser: a Mainland researcher finds a Hong Kong
instrument by describing the need in Simplified Chinese, sees the Mainland-academic
tariff, books it through the confirmation step; the manager approves; usage is recorded
and appears on the researcher's statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

HKT = ZoneInfo("Asia/Hong_Kong")
PASSWORD = "Harbour-Bridge-2026!"


@pytest.fixture
def setup(transactional_db: Any) -> dict[str, Any]:
    from django.contrib.auth.models import Group

    from innobridge.facilities.models import Facility, Resource, Tariff
    from innobridge.people.models import Organisation, Person, ResearcherProfile

    hkust = Organisation.objects.create(
        name="Hong Kong University of Science and Technology",
        name_zh="香港科技大學",
        region="HK",
        city="Hong Kong",
        primary_type="education",
    )
    tsinghua = Organisation.objects.create(
        name="Tsinghua University",
        name_zh="清华大学",
        region="CN",
        city="Beijing",
        primary_type="education",
    )
    manager = Person.objects.create_user("fac-manager", password=PASSWORD, display_name="梁志偉")
    manager.groups.add(Group.objects.get(name="facility_manager"))
    li = Person.objects.create_user("li-researcher", password=PASSWORD, display_name="李明")
    li.groups.add(Group.objects.get(name="researcher"))
    ResearcherProfile.objects.create(person=li, organisation=tsinghua, region="CN")
    fac = Facility.objects.create(
        name="Materials Characterization and Preparation Facility",
        name_zh="材料表徵及製備設施",
        organisation=hkust,
        city="Hong Kong",
        region="HK",
    )
    fac.managers.add(manager)
    tem = Resource.objects.create(
        facility=fac,
        kind="instrument",
        name="Transmission electron microscope, 200 kV",
        name_zh="透射電子顯微鏡",
        techniques=["TEM", "HRTEM"],
        description="Field-emission TEM for atomic-resolution imaging of nanoparticles.",
        description_zh="場發射透射電鏡，用於納米顆粒的原子級成像。",
        min_duration_minutes=60,
        max_duration_minutes=240,
        lead_time_hours=24,
    )
    Resource.objects.create(
        facility=fac,
        kind="instrument",
        name="NMR spectrometer 600 MHz",
        name_zh="核磁共振波譜儀",
        description="Solution NMR for organic structure elucidation.",
        description_zh="溶液核磁共振，用於有機化合物結構鑑定。",
    )
    for cat, price, cur in [
        ("internal", 500, "HKD"),
        ("hk_academic", 800, "HKD"),
        ("mainland_academic", 750, "CNY"),
        ("industry", 2000, "HKD"),
    ]:
        Tariff.objects.create(
            resource=tem, category=cat, unit="hour", price=Decimal(price), currency=cur
        )
    return {"tem": tem, "li": li, "manager": manager}


def _login(page: Any, live_url: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_url("login"))
    form = page.locator('[data-testid="login-form"]')
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def _open_day() -> dt.date:
    import holidays

    day = dt.datetime.now(HKT).date() + dt.timedelta(days=3)
    hk = holidays.country_holidays("HK", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in hk:
        day += dt.timedelta(days=1)
    return day


def test_mainland_researcher_books_hong_kong_instrument(
    setup: dict[str, Any], page: Any, live_url: Any, screenshot_dir: Any
) -> None:
    from innobridge.facilities.models import Booking

    _login(page, live_url, "li-researcher")
    with page.expect_navigation():
        page.locator('[data-testid="language-switcher"] button[value="zh-hans"]').click()

    # Describe the need in Simplified Chinese.
    page.goto(live_url("facilities:home"))
    page.locator('input[name="need"]').fill("我需要用透射电镜观察纳米颗粒的原子结构")
    with page.expect_navigation():
        page.locator('[data-testid="facility-search"] button[type="submit"]').first.click()
    first = page.locator('[data-testid="resource-results"] li a').first
    assert "透射电子显微镜" in first.inner_text()  # stored Traditional, shown Simplified
    with page.expect_navigation():
        first.click()

    # The Mainland-academic tariff is the viewer's own.
    mine = page.locator('[data-testid="tariffs"] tr[aria-current="true"]')
    assert "CNY 750" in mine.inner_text()

    # Book: price first, then confirm.
    day = _open_day()
    form = page.locator('[data-testid="booking-form"]')
    form.locator('input[name="date"]').fill(day.isoformat())
    form.locator('input[name="start"]').fill("10:00")
    form.locator('input[name="end"]').fill("12:00")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    assert "CNY 1,500.00" in page.locator('[data-testid="quoted-price"]').inner_text()
    page.screenshot(path=str(screenshot_dir / "facilities-confirm-zh-hans.png"))
    with page.expect_navigation():
        page.locator('[data-testid="send-request"]').click()
    booking = Booking.objects.get()
    assert booking.status == "requested" and booking.price == Decimal("1500.00")

    # The manager approves.
    _login(page, live_url, "fac-manager")
    page.goto(live_url("facilities:booking", booking.pk))
    with page.expect_navigation():
        page.locator('[data-testid="approve"]').click()
    booking.refresh_from_db()
    assert booking.status == "approved"

    # Time passes: the session took place (moved into the past), usage is recorded.
    shift = dt.timedelta(days=30)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=booking.starts_at - shift, ends_at=booking.ends_at - shift
    )
    page.goto(live_url("facilities:booking", booking.pk))
    with page.expect_navigation():
        page.locator('[data-testid="record-usage"]').click()
    booking.refresh_from_db()
    assert booking.status == "used"

    # It is on the researcher's statement for that month.
    _login(page, live_url, "li-researcher")
    month = booking.starts_at.astimezone(HKT).strftime("%Y-%m")
    page.goto(live_url("facilities:my_statement") + f"?month={month}")
    statement = page.locator('[data-testid="statement"]').inner_text()
    assert "CNY 1,500.00" in statement
    page.screenshot(path=str(screenshot_dir / "facilities-statement.png"))
