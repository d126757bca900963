"""The Action Plan dashboard in a real browser: an officer opens the dashboard, drills
from an area to an indicator, breaks it down by institution, downloads the XLSX and
generates the quarterly PDF (Traditional Chinese); an anonymous visitor sees the public
page with the small count suppressed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "Harbour-Bridge-2026!"


@pytest.fixture
def setup(transactional_db: Any) -> dict[str, Any]:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from innobridge.funding.models import Call, Proposal, Scheme, TeamMember
    from innobridge.people.models import Organisation, Person
    from innobridge.plan.services import seed_all, take_snapshot

    hku = Organisation.objects.create(
        name="The University of Hong Kong", name_zh="香港大學", region="HK", city="Hong Kong"
    )
    polyu = Organisation.objects.create(
        name="The Hong Kong Polytechnic University", region="HK", city="Hong Kong"
    )
    thu = Organisation.objects.create(
        name="Tsinghua University", name_zh="清华大学", region="CN", city="Beijing"
    )
    um = Organisation.objects.create(name="University of Macau", region="MO", city="Macao")
    officer = Person.objects.create_user("officer", password=PASSWORD, email="officer@example.org")
    officer.groups.add(Group.objects.get_or_create(name="programme_officer")[0])
    people = [
        Person.objects.create_user(f"r{i}", password=PASSWORD, email=f"r{i}@example.org")
        for i in range(16)
    ]
    now = timezone.now()
    scheme = Scheme.objects.create(name="Joint Funding Scheme")
    call = Call.objects.create(
        scheme=scheme,
        title="Joint call",
        opens_at=now - dt.timedelta(days=60),
        closes_at=now + dt.timedelta(days=30),
    )
    # Seven joint proposals: HKU (6) or PolyU (1) with Tsinghua (6) or Macau (1).
    for i in range(7):
        p = Proposal.objects.create(
            call=call,
            lead=people[2 * i],
            title_en=f"Joint proposal {i}",
            state="submitted",
            submitted_at=now - dt.timedelta(days=i + 1),
        )
        hk_org, other = (hku, thu) if i < 6 else (polyu, um)
        TeamMember.objects.create(
            proposal=p,
            person=p.lead,
            organisation=hk_org,
            side="HK",
            role="lead",
            status="accepted",
        )
        TeamMember.objects.create(
            proposal=p,
            person=people[2 * i + 1],
            organisation=other,
            side=other.region,
            role="partner_lead",
            status="accepted",
        )
    seed_all()
    take_snapshot("test")  # what the daily job stores: the report reads it
    return {"officer": officer}


def login(page: Any, live_url: Any, username: str) -> None:
    page.goto(live_url("login"))
    form = page.locator('[data-testid="login-form"]')
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def test_officer_drills_down_downloads_and_reports_visitor_sees_suppressed(
    page: Any, live_url: Any, setup: dict[str, Any], screenshot_dir: Any, browser: Any
) -> None:
    from openpyxl import load_workbook

    from tests.pdf_text import pdf_embeds_font, pdf_text

    login(page, live_url, "officer")
    page.goto(live_url("plan:home"))
    card = page.locator('[data-testid="card-proposals_submitted"]')
    assert card.locator('[data-testid="value"]').inner_text().startswith("7")
    page.screenshot(path=str(screenshot_dir / "plan-overview.png"), full_page=True)

    # Area → its measures (seeded, with their sources) → the indicator.
    page.locator('[data-testid="area-research"] h2 a').click()
    page.wait_for_url("**/plan/area/research/")
    assert (
        "Mainland–Hong Kong Joint Funding Scheme"
        in page.locator('[data-testid="measure-RES-1"]').inner_text()
    )
    page.locator('[data-testid="card-proposals_submitted"] a').first.click()
    page.wait_for_url("**/plan/indicators/proposals_submitted/")

    # Broken down by institution: HKU and Tsinghua on six proposals each.
    by_inst = page.locator('[data-testid="breakdown-institution"]')
    by_inst.scroll_into_view_if_needed()
    text = by_inst.inner_text()
    assert "The University of Hong Kong" in text and "Tsinghua University" in text
    row = by_inst.locator("tr", has_text="The University of Hong Kong")
    assert row.locator("td").nth(1).inner_text().strip() == "6"
    page.screenshot(path=str(screenshot_dir / "plan-indicator.png"), full_page=True)

    with page.expect_download() as dl:
        page.locator('[data-testid="download-institution-xlsx"]').click()
    download = dl.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    cells = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    assert any("The University of Hong Kong" in r and 6 in r for r in cells), cells

    # The quarterly report, in Traditional Chinese, generated from the page.
    page.goto(live_url("plan:home"))
    page.locator('[data-testid="report-link"]').click()
    form = page.locator('[data-testid="report-form"]')
    form.locator('select[name="lang"]').select_option("zh-hant")
    # Generating the whole report takes a few seconds (more on a loaded machine).
    with page.expect_download(timeout=120_000) as dl:
        form.locator('[data-testid="report-generate"]').click(no_wait_after=True)
    pdf = Path(dl.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and pdf_embeds_font(pdf, "NotoSansCJKHK")
    report = pdf_text(pdf)
    assert (
        "季度報告" in report and "內地與香港聯合資助計劃" in report and "已提交的聯合申請" in report
    )

    # An anonymous visitor: the public page, the Macao count of 1 shown as <5.
    visitor = browser.new_context(base_url=page.context.pages[0].url, locale="en-GB")
    try:
        anon = visitor.new_page()
        anon.goto(live_url("plan:home"))
        anon.wait_for_url("**/plan/public/")
        row = anon.locator('[data-testid="public-proposals_submitted"]')
        assert row.locator('[data-testid="public-value"]').inner_text().strip() == "7"
        for summary in row.locator("summary").all():
            summary.click()
        macao = row.locator('[data-testid="cell-region-MO"]')
        assert macao.inner_text().endswith("<5")
        assert "University of Hong Kong" not in anon.content()  # no institutions in public
        anon.screenshot(path=str(screenshot_dir / "plan-public.png"), full_page=True)
    finally:
        visitor.close()

    # A visitor reading Traditional Chinese: the cities in Chinese, as in the directory.
    visitor = browser.new_context(locale="zh-HK")
    visitor.add_cookies(
        [{"name": "innobridge_language", "value": "zh-hant", "url": live_url("plan:public")}]
    )
    try:
        anon = visitor.new_page()
        anon.goto(live_url("plan:public"))
        row = anon.locator('[data-testid="public-proposals_submitted"]')
        for summary in row.locator("summary").all():
            summary.click()
        assert row.locator('[data-testid="cell-city-Beijing"]').inner_text().startswith("北京")
        assert row.locator('[data-testid="cell-city-Hong Kong"]').inner_text().startswith("香港")
        assert "Beijing" not in row.inner_text()
    finally:
        visitor.close()


def test_the_dashboard_on_a_phone_keeps_indicator_names_readable(
    live_url: Any, setup: dict[str, Any], browser: Any, live_server: Any, screenshot_dir: Any
) -> None:
    """At 390 px the sparkline column squeezed each indicator's name to two or three
    Chinese characters a line; the name keeps ~9em and the table scrolls in its box."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_cookies(
        [{"name": "innobridge_language", "value": "zh-hans", "url": live_server.url}]
    )
    page = context.new_page()
    try:
        login(page, live_url, "officer")  # the log-in applies the account's own language
        context.add_cookies(
            [{"name": "innobridge_language", "value": "zh-hans", "url": live_server.url}]
        )
        page.goto(live_url("plan:home"))
        assert page.locator("html").get_attribute("lang") == "zh-Hans-CN"
        cell = page.locator('[data-testid="card-proposals_submitted"] td').first
        font = float(cell.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert cell.bounding_box()["width"] >= 9 * font - 1  # 125 px before, 9em = 137
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        page.screenshot(path=str(screenshot_dir / "plan-overview-phone-zh-hans.png"))
    finally:
        context.close()
