"""A partner found is no longer a dead end, in a real browser and in three languages: a
Hong Kong researcher (繁體中文) finds a Mainland researcher by partner search, shortlists
them and requests an introduction; the Mainland researcher (简体中文) sees the notice and
accepts; each then sees the other's contact details, the data protection officer
(English) sees the cross-boundary transfer in the register, and the Hong Kong researcher
invites the new contact to a draft proposal from the profile, choosing the proposal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from innobridge.people import matching
from innobridge.people.models import Authorship, Organisation, Publication, ResearcherProfile

PASSWORD = "Lion-Rock-2026!"


@pytest.fixture
def scene(transactional_db: Any, make_person: Any) -> dict[str, Any]:
    from innobridge.funding import services as funding
    from innobridge.funding.models import Funder

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
        "hk-researcher",
        roles=("researcher",),
        password=PASSWORD,
        display_name="陳大文",
        email="chan@hku.example",
        preferred_language="zh-hant",
    )
    ResearcherProfile.objects.create(person=me, organisation=hku, region="HK", keywords=["水稻"])
    rice = make_person(
        "zj-rice",
        roles=("researcher",),
        password=PASSWORD,
        display_name="王晓明",
        email="wang@zju.example",
        preferred_language="zh-hans",
    )
    rice_profile = ResearcherProfile.objects.create(
        person=rice, organisation=zju, region="CN", keywords=["水稻育种"], position="教授"
    )
    pub = Publication.objects.create(
        title="水稻抗病基因组选择育种研究", year=2019, language="zh-hans"
    )
    Authorship.objects.create(researcher=rice_profile, publication=pub)
    make_person("dpo", roles=("data_protection_officer",), password=PASSWORD)
    officer = make_person("officer", roles=("programme_officer",))
    hk_f = Funder.objects.create(name="HK Innovation Fund", side="HK", currency="HKD")
    cn_f = Funder.objects.create(name="Mainland Science Foundation", side="CN", currency="CNY")
    hk_f.officers.add(officer)
    scheme = funding.create_scheme(officer, name="Joint Scheme", funders=[hk_f, cn_f])
    now = timezone.now()
    call = funding.create_call(
        officer,
        scheme,
        title="Joint call 2026",
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=20),
        sides=[
            {"funder": hk_f, "budget": "3000000", "project_cap": "1200000"},
            {"funder": cn_f, "budget": "2500000", "project_cap": "1000000"},
        ],
    )
    draft = funding.create_proposal(me, call, title_en="Rice genomic selection")
    matching.rebuild()
    return {"me": me, "rice": rice, "rice_profile": rice_profile, "draft": draft}


def _login(page: Any, live_url: Any, username: str, language: str) -> None:
    page.context.clear_cookies()
    page.goto(live_url("login"))
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    with page.expect_navigation():
        page.locator(f'[data-testid="language-switcher"] button[value="{language}"]').click()


def test_find_shortlist_introduce_accept_invite(
    page: Any, live_url: Any, scene: dict[str, Any], screenshot_dir: Any
) -> None:
    from innobridge.funding.models import TeamMember
    from innobridge.people.models import ContactDisclosure

    # 1. The Hong Kong researcher (繁體中文) finds the partner and acts on the hit.
    _login(page, live_url, "hk-researcher", "zh-hant")
    page.goto(live_url("people:partners"))
    page.locator('textarea[name="q"]').fill("水稻基因組選擇育種")
    page.locator('[data-testid="partner-search"] button[type="submit"]').click()
    hit = page.locator('[data-testid="partner-results"] > li').first
    hit.wait_for()
    assert "王晓明" in hit.inner_text()
    with page.expect_navigation():
        hit.locator('[data-testid="shortlist-add"]').click()
    # Back on the search, with the query kept, the hit now says it is shortlisted.
    hit = page.locator('[data-testid="partner-results"] > li').first
    assert hit.locator('[data-testid="on-shortlist"]').inner_text().strip().endswith("候選名單上")
    with page.expect_navigation():
        hit.locator('[data-testid="request-intro"]').click()
    form = page.locator('[data-testid="intro-form"]')
    form.locator('textarea[name="message"]').fill("我們研究水稻基因組，希望合作申請聯合資助。")
    with page.expect_navigation():
        form.locator('[data-testid="intro-send"]').click()
    # Without consent: refused, with the reason beside the box, in Traditional Chinese.
    assert "請同意" in page.locator("main").inner_text()
    form = page.locator('[data-testid="intro-form"]')
    form.locator('input[name="consent"]').check()
    with page.expect_navigation():
        form.locator('[data-testid="intro-send"]').click()
    assert "等待回覆" in page.locator('[data-testid="intro-status"]').inner_text()
    page.screenshot(path=str(screenshot_dir / "introduction-sent-zh-hant.png"), full_page=True)

    # 2. The Mainland researcher (简体中文) sees the notice and accepts.
    _login(page, live_url, "zj-rice", "zh-hans")
    page.goto(live_url("people:notices"))
    notices = page.locator('[data-testid="notices"]').inner_text()
    assert "陳大文" in notices and "介绍" in notices
    with page.expect_navigation():
        page.locator('[data-testid="notices"] a').first.click()
    assert "希望合作" in page.locator('[data-testid="intro-message"]').inner_text()
    assert "chan@hku.example" not in page.content()
    with page.expect_navigation():
        page.locator('[data-testid="intro-accept"]').click()
    card = page.locator('[data-testid="contact-card"]').inner_text()
    assert "chan@hku.example" in card
    page.screenshot(path=str(screenshot_dir / "introduction-accepted-zh-hans.png"), full_page=True)
    assert ContactDisclosure.objects.filter(cross_boundary=True).count() == 2

    # 3. The data protection officer (English) sees the transfer in the register.
    _login(page, live_url, "dpo", "en")
    page.goto(live_url("people:disclosures"))
    register = page.locator('[data-testid="disclosures"]').inner_text()
    assert "陳大文" in register and "王晓明" in register
    assert "2 disclosures" in page.locator('[data-testid="disclosure-count"]').inner_text()

    # 4. The Hong Kong researcher sees the contact and invites them to the draft.
    _login(page, live_url, "hk-researcher", "en")
    page.goto(live_url("people:researcher", scene["rice_profile"].pk))
    with page.expect_navigation():
        page.locator('[data-testid="contact-details"]').click()
    assert "wang@zju.example" in page.locator('[data-testid="contact-card"]').inner_text()
    page.goto(live_url("people:researcher", scene["rice_profile"].pk))
    with page.expect_navigation():
        page.locator('[data-testid="action-invite-proposal"]').click()
    form = page.locator('[data-testid="invite-person-form"]')
    assert "Rice genomic selection" in form.inner_text()
    with page.expect_navigation():
        form.locator('[data-testid="invite-person-send"]').click()
    assert TeamMember.objects.filter(proposal=scene["draft"], person=scene["rice"]).exists()
    assert "王晓明" in page.locator("main").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_url("people:shortlist"))
    assert "王晓明" in page.locator('[data-testid="shortlist"]').inner_text()
    page.screenshot(path=str(screenshot_dir / "shortlist-phone.png"), full_page=True)
