"""The funding officer's and applicant's tools in a real browser (#11 §5, §9): the editor
keeps the typed abstract when a budget line is added; the officer asks for more
information, the team answers in Chinese and resubmits; the officer downloads the call's
papers as Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from . import test_funding_journey as journey
from .test_funding_journey import click, login

setup = journey.setup  # the journey's world: a joint call, its officer, lead and partner


def _draft(setup: Any) -> Any:
    from innobridge.funding import services

    return services.create_proposal(setup["lead"], setup["call"], title_en="Sodium cells")


def test_adding_a_budget_line_keeps_the_typed_abstract(
    page: Any, live_url: Any, setup: Any, screenshot_dir: Any
) -> None:
    from innobridge.funding.models import Proposal

    p = _draft(setup)
    login(page, live_url, "lead")
    page.goto(live_url("funding:proposal", p.pk))
    form = page.locator('[data-testid="proposal-form"]')
    form.locator('textarea[name="abstract_en"]').fill("Sodium-ion cells for grid storage.")
    form.locator('input[name="keywords"]').fill("sodium, storage")
    # no "Save draft": straight to the budget line
    budget = page.locator('[data-testid="budget-form"]')
    budget.locator('select[name="side"]').select_option("HK")
    budget.locator('input[name="amount"]').fill("HK$ 300,000")
    click(page, '[data-testid="add-budget"]')
    form = page.locator('[data-testid="proposal-form"]')
    assert form.locator('textarea[name="abstract_en"]').input_value() == (
        "Sodium-ion cells for grid storage."
    )
    p = Proposal.objects.get(pk=p.pk)
    assert p.abstract_en == "Sodium-ion cells for grid storage."
    assert p.keywords == ["sodium", "storage"]
    assert p.budget_lines.get().amount == 300000
    page.screenshot(path=str(screenshot_dir / "funding-editor-keeps-draft.png"), full_page=True)
    # a refused line keeps the text too
    form.locator('textarea[name="abstract_zh"]').fill("鈉離子電池")
    page.locator('[data-testid="budget-form"] input[name="amount"]').fill("lots")
    click(page, '[data-testid="add-budget"]')
    assert "is not an amount" in page.locator(".message.error").first.inner_text()
    assert Proposal.objects.get(pk=p.pk).abstract_zh == "鈉離子電池"


def test_officer_asks_for_more_information_and_the_team_answers_in_chinese(
    page: Any, live_url: Any, setup: Any, screenshot_dir: Any
) -> None:
    from django.utils import timezone

    from innobridge.funding import services
    from innobridge.funding.models import InfoRequest, Proposal
    from innobridge.people.models import Person

    lead = setup["lead"]
    partner = Person.objects.get(username="partner")
    p = _draft(setup)
    services.update_proposal(lead, p, abstract_en="Sodium cells.")
    m = services.invite_member(lead, p, partner)
    services.respond_invitation(partner, m, accept=True)
    services.add_budget_line(lead, p, side="HK", category="staff", amount="300000")
    services.add_budget_line(lead, p, side="CN", category="staff", amount="200000")
    services.submit_proposal(lead, p)
    lead.preferred_language = "zh-hant"
    lead.save()
    # the officer sends it back with a question and a deadline
    login(page, live_url, "officer")
    page.goto(live_url("funding:proposal", p.pk))
    page.locator('[data-testid="request-info"] summary').first.click()
    form = page.locator('[data-testid="request-info-form"]').first
    form.locator("textarea").fill("Which Shenzhen lab hosts the pilot line?")
    when = timezone.localtime(timezone.now() + dt.timedelta(days=7))
    form.locator('[data-testid="info-deadline"]').fill(when.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        form.locator('[data-testid="send-info-request"]').click()
    assert Proposal.objects.get(pk=p.pk).state == "more_info"
    # the lead reads the question in Traditional Chinese and answers
    login(page, live_url, "lead")
    page.goto(live_url("funding:notifications"))
    assert "已要求補充資訊" in page.content()
    page.goto(live_url("funding:proposal", p.pk))
    assert "已要求補充資訊" in page.locator('[data-testid="proposal-state"]').inner_text()
    assert "Which Shenzhen lab" in page.locator('[data-testid="info-question"]').inner_text()
    page.locator('[data-testid="info-answer-text"]').fill("深圳研究院的中試線。")
    page.screenshot(path=str(screenshot_dir / "funding-more-info-zh-hant.png"), full_page=True)
    click(page, '[data-testid="answer-resubmit"]')
    assert Proposal.objects.get(pk=p.pk).state == "submitted"
    assert InfoRequest.objects.get().answer == "深圳研究院的中試線。"
    # a second question, missed: the officer sees it on the call's page
    services.request_information(
        Person.objects.get(username="officer"),
        p,
        setup["call"].sides.get(side="CN").funder,
        question="Budget letter?",
        deadline=timezone.now() + dt.timedelta(days=1),
    )
    InfoRequest.objects.filter(answered_at__isnull=True).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    login(page, live_url, "officer")
    page.goto(live_url("funding:call_manage", setup["call"].pk))
    assert page.locator('[data-testid="info-overdue"]').is_visible()
    assert page.locator('[data-testid="export-xlsx"]').is_visible()
    page.screenshot(path=str(screenshot_dir / "funding-officer-call-exports.png"), full_page=True)
    # the team never answers: the officer resumes screening without the answer
    page.goto(live_url("funding:proposal", p.pk))
    click(page, '[data-testid="resume-screening"]')
    assert Proposal.objects.get(pk=p.pk).state == "submitted"
    assert page.locator('[data-testid="info-lapsed"]').is_visible()
    assert page.locator('[data-testid="screen-form"]').first.is_visible()


def test_officer_downloads_the_calls_papers(page: Any, live_url: Any, setup: Any) -> None:
    import io

    from openpyxl import load_workbook

    login(page, live_url, "officer")
    page.goto(live_url("funding:call_manage", setup["call"].pk))
    with page.expect_download() as info:
        page.locator('[data-testid="export-xlsx"]').click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert "Reviews" in wb.sheetnames
    with page.expect_download() as info:
        page.locator('[data-testid="export-csv-decisions"]').click()
    assert Path(info.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")
