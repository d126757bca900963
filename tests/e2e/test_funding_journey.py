"""Joint research in a real browser: a Hong Kong researcher applies with a Mainland
partner → the officer screens and assigns → reviewers score → the officer awards → the
project gets a milestone report accepted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

PASSWORD = "a-Strong-passw0rd!"


@pytest.fixture
def setup(
    transactional_db: Any, make_person: Any, monkeypatch: Any, settings: Any, tmp_path: Any
) -> dict[str, Any]:
    from django.utils import timezone

    from innobridge.funding import matching, services
    from innobridge.funding.models import Funder
    from innobridge.people.models import Organisation, ResearcherProfile
    from tests.funding.conftest import FakeEmbedder

    monkeypatch.setattr(matching, "get_embedder", lambda: FakeEmbedder())
    settings.MEDIA_ROOT = tmp_path / "media"
    hk = Organisation.objects.create(
        name="HK Tech University", region="HK", primary_type="education"
    )
    cn = Organisation.objects.create(
        name="Shenzhen Institute", region="CN", primary_type="education"
    )
    other_hk = Organisation.objects.create(
        name="HK Review College", region="HK", primary_type="education"
    )
    other_cn = Organisation.objects.create(
        name="Beijing Review Academy", region="CN", primary_type="education"
    )

    def person(
        username: str, org: Any, roles: tuple[str, ...], keywords: list[str] | None = None
    ) -> Any:
        p = make_person(username, roles=roles)
        ResearcherProfile.objects.create(
            person=p, organisation=org, region=org.region, keywords=keywords or []
        )
        return p

    lead = person("lead", hk, ("researcher",))
    person("partner", cn, ("researcher",))
    officer = make_person("officer", roles=("programme_officer",))
    rhk = person("reviewer_hk", other_hk, ("reviewer",), ["graphene batteries"])
    rcn = person("reviewer_cn", other_cn, ("reviewer",), ["graphene"])
    hkf = Funder.objects.create(name="HK Fund", side="HK", currency="HKD")
    cnf = Funder.objects.create(name="Mainland Foundation", side="CN", currency="CNY")
    for f, r in ((hkf, rhk), (cnf, rcn)):
        f.officers.add(officer)
        f.reviewer_pool.add(r)
    scheme = services.create_scheme(officer, name="Joint", funders=[hkf, cnf])
    now = timezone.now()
    call = services.create_call(
        officer,
        scheme,
        title="Browser call",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        sides=[
            {
                "funder": hkf,
                "budget": "2000000",
                "project_cap": "1000000",
                "reviewers_per_proposal": 1,
            },
            {
                "funder": cnf,
                "budget": "2000000",
                "project_cap": "1000000",
                "reviewers_per_proposal": 1,
            },
        ],
        review_deadline=now + dt.timedelta(days=60),
    )
    return {"call": call, "lead": lead}


def login(page: Any, live_url: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_url("login"))
    form = page.locator('[data-testid="login-form"]')
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_funding_journey(page: Any, live_url: Any, setup: Any, screenshot_dir: Any) -> None:
    from innobridge.funding.models import Proposal

    call = setup["call"]
    # the Hong Kong researcher applies with a Mainland partner
    login(page, live_url, "lead")
    page.goto(live_url("funding:call", call.pk))
    page.locator('[data-testid="new-title-en"]').fill("Graphene batteries across the boundary")
    click(page, '[data-testid="start-proposal"]')
    form = page.locator('[data-testid="proposal-form"]')
    form.locator('textarea[name="abstract_en"]').fill(
        "Graphene electrodes for fast-charging batteries."
    )
    form.locator('input[name="keywords"]').fill("graphene, batteries")
    click(page, '[data-testid="save-draft"]')
    page.locator('[data-testid="invite-person"]').fill("partner")
    click(page, '[data-testid="invite"]')
    for side, amount in (("HK", "500000"), ("CN", "400000")):
        budget = page.locator('[data-testid="budget-form"]')
        budget.locator('select[name="side"]').select_option(side)
        budget.locator('input[name="amount"]').fill(amount)
        click(page, '[data-testid="add-budget"]')
    assert (
        "has not accepted the invitation yet"
        in page.locator('[data-testid="problems"]').inner_text()
    )
    proposal = Proposal.objects.get(lead=setup["lead"])
    login(page, live_url, "partner")
    page.goto(live_url("funding:proposal", proposal.pk))
    click(page, '[data-testid="accept-invitation"]')
    login(page, live_url, "lead")
    page.goto(live_url("funding:proposal", proposal.pk))
    click(page, '[data-testid="submit-proposal"]')
    assert "Submitted" in page.locator('[data-testid="proposal-state"]').inner_text()
    # the officer screens and assigns
    login(page, live_url, "officer")
    page.goto(live_url("funding:call_manage", call.pk))
    # each funder screens its own side: Hong Kong first, then the Mainland
    click(page, '[data-testid="screen-eligible"]')
    assert Proposal.objects.get(pk=proposal.pk).state == "submitted"
    click(page, '[data-testid="screen-eligible"]')
    assert Proposal.objects.get(pk=proposal.pk).state == "eligible"
    click(page, '[data-testid="run-assignment"]')
    click(page, '[data-testid="send-invitations"]')
    # each reviewer scores
    for reviewer in ("reviewer_hk", "reviewer_cn"):
        login(page, live_url, reviewer)
        page.goto(live_url("funding:reviews"))
        click(page, '[data-testid="accept-review"]')
        click(page, '[data-testid="write-review"]')
        review = page.locator('[data-testid="review-form"]')
        for field in review.locator('input[type="number"]').all():
            field.fill("4")
        click(page, '[data-testid="submit-review"]')
    # the officer awards (both funders)
    login(page, live_url, "officer")
    page.goto(live_url("funding:proposal", proposal.pk))
    click(page, '[data-testid="to-panel"]')
    for i in range(2):
        form = page.locator('[data-testid="decision-form"]').first
        form.locator('input[value="fund"]').check()
        form.locator('textarea[name="reasons"]').fill("Excellent joint proposal")
        if i == 0:  # the first funder cuts the amount and sets a condition
            form.locator('[data-testid="decision-amount"]').fill("350,000")
            form.locator('[data-testid="decision-conditions"]').fill("Quarterly reports")
        with page.expect_navigation():
            form.locator('[data-testid="record-decision"]').click()
    assert "Awarded" in page.locator('[data-testid="proposal-state"]').inner_text()
    assert not hasattr(Proposal.objects.get(pk=proposal.pk), "project")  # not yet accepted
    # the lead reads the award (letter in English and Chinese) and accepts: the project starts
    login(page, live_url, "lead")
    page.goto(live_url("funding:proposal", proposal.pk))
    award = page.locator('[data-testid="award"]').inner_text()
    assert "350,000.00" in award and "Quarterly reports" in award
    # (the first PDF of a process loads the 19 MB CJK font collection: allow for it)
    letter = page.request.get(live_url("funding:award_letter", proposal.pk), timeout=120_000)
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    page.screenshot(path=str(screenshot_dir / "funding-award.png"), full_page=True)
    click(page, '[data-testid="accept-award"]')
    project = Proposal.objects.get(pk=proposal.pk).project
    assert page.url.endswith(f"/projects/{project.pk}/")
    # the project gets a milestone report accepted
    login(page, live_url, "partner")
    page.goto(live_url("funding:project", project.pk))
    page.locator('[data-testid="open-report-form"]').first.click()
    page.locator('[data-testid="report-summary"]').first.fill("Prototype cells built in both labs.")
    click(page, '[data-testid="submit-report"]')
    login(page, live_url, "officer")
    page.goto(live_url("funding:project", project.pk))
    click(page, '[data-testid="accept-report"]')
    assert "Satisfactory" in page.locator('[data-testid="report-rating"]').first.inner_text()
    page.screenshot(path=str(screenshot_dir / "funding-project.png"), full_page=True)


def test_funding_bad_input_in_the_browser(page: Any, live_url: Any, setup: Any) -> None:
    """Missing partner, over-cap budget, wrong file type, double submission and late
    submission: each gets a clear message in the page and changes nothing."""
    from innobridge.funding.models import Attachment, Call, Proposal

    call = setup["call"]
    login(page, live_url, "lead")
    page.goto(live_url("funding:call", call.pk))
    page.locator('[data-testid="new-title-en"]').fill("Bad input")
    click(page, '[data-testid="start-proposal"]')
    form = page.locator('[data-testid="proposal-form"]')
    form.locator('textarea[name="abstract_en"]').fill("Graphene electrodes.")
    click(page, '[data-testid="save-draft"]')
    proposal = Proposal.objects.get(lead=setup["lead"])
    for side, amount in (("HK", "1500000"), ("CN", "400000")):  # the HK cap is 1,000,000
        budget = page.locator('[data-testid="budget-form"]')
        budget.locator('select[name="side"]').select_option(side)
        budget.locator('input[name="amount"]').fill(amount)
        click(page, '[data-testid="add-budget"]')
    problems = page.locator('[data-testid="problems"]').inner_text()
    assert "partner institution from Mainland" in problems  # missing partner
    assert "exceeds the cap of HKD 1,000,000.00" in problems  # over-cap budget
    click(page, '[data-testid="submit-proposal"]')
    errors = page.locator(".message.error").all_inner_texts()
    assert any("exceeds the cap" in e for e in errors), errors
    assert Proposal.objects.get(pk=proposal.pk).state == "draft"
    # wrong file type: a ZIP named .pdf
    page.locator('input[type="file"]').set_input_files(
        {"name": "proposal.pdf", "mimeType": "application/pdf", "buffer": b"PK\x03\x04zip"}
    )
    click(page, '[data-testid="upload-attachment"]')
    assert "Only PDF files are accepted." in page.locator(".message.error").first.inner_text()
    assert not Attachment.objects.filter(proposal=proposal).exists()
    # fix the team and the budget, then submit twice (the second from the stale page)
    line = proposal.budget_lines.get(side="HK")
    click(page, f'form[action$="/budget/{line.pk}/remove/"] button')
    budget = page.locator('[data-testid="budget-form"]')
    budget.locator('select[name="side"]').select_option("HK")
    budget.locator('input[name="amount"]').fill("500000")
    click(page, '[data-testid="add-budget"]')
    page.locator('[data-testid="invite-person"]').fill("partner")
    click(page, '[data-testid="invite"]')
    login(page, live_url, "partner")
    page.goto(live_url("funding:proposal", proposal.pk))
    click(page, '[data-testid="accept-invitation"]')
    login(page, live_url, "lead")
    page.goto(live_url("funding:proposal", proposal.pk))
    stale = page.context.new_page()
    stale.goto(live_url("funding:proposal", proposal.pk))
    click(page, '[data-testid="submit-proposal"]')
    assert "Submitted" in page.locator('[data-testid="proposal-state"]').inner_text()
    click(stale, '[data-testid="submit-proposal"]')
    assert "already been submitted" in stale.locator(".message.error").first.inner_text()
    stale.close()
    # late: a second draft in a call that has closed
    other = Proposal.objects.create(
        call=call, lead=setup["lead"], title_en="Too late", abstract_en="x", duration_months=24
    )
    from innobridge.funding.models import TeamMember

    TeamMember.objects.create(
        proposal=other,
        person=setup["lead"],
        organisation=setup["lead"].researcher_profile.organisation,
        side="HK",
        role="lead",
        status="accepted",
    )
    page.goto(live_url("funding:proposal", other.pk))
    from django.utils import timezone

    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    click(page, '[data-testid="submit-proposal"]')
    assert "closed" in page.locator(".message.error").first.inner_text()
    assert Proposal.objects.get(pk=other.pk).state == "draft"
