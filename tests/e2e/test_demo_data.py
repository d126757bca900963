"""The funding demo as a programme officer sees it in a real browser (issue 11 §8): demo
funders, schemes and calls carry a "Demo" badge in the reader's language (示範 / 示范 /
Demo) instead of the word in their names, and the dates on the officer's pages tell one
coherent story — each call named after the year it opened and closing after it opens,
reviews due after the call closes, the funded project starting after its call closed
and before today, its reports written after the start, and nothing overdue."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone

from tests.funding.test_demo import population

PASSWORD = "a-Strong-passw0rd!"
BADGE = {"en": "Demo", "zh-hant": "示範", "zh-hans": "示范"}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def funding_demo(transactional_db: Any, make_person: Any, settings: Any) -> None:
    from innobridge.funding import demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    population(make_person, orgs=4, per_org=4)
    out = io.StringIO()
    demo.seed(out)
    assert "a decided call with a project" in out.getvalue(), out.getvalue()


def _login(page: Any, live_url: Any, language: str) -> None:
    page.goto(live_url("login"))
    form = page.locator('[data-testid="login-form"]')
    form.locator('input[name="username"]').fill("demo-officer")
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    if language != "en":
        with page.expect_navigation():
            page.locator(f'[data-testid="language-switcher"] button[value="{language}"]').click()


def _title(call: Any, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return str(call.display_title)


def _dates(text: str) -> list[dt.date]:
    return [dt.date.fromisoformat(d) for d in DATE.findall(text)]


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_demo_funders_schemes_and_calls_wear_the_badge_not_the_word(
    funding_demo: None, page: Any, live_url: Any, language: str
) -> None:
    from innobridge.funding.models import Call

    _login(page, live_url, language)
    label = BADGE[language]
    # the officer's schemes page: the scheme, both funders and every call
    page.goto(live_url("funding:schemes"))
    scheme = page.locator('[data-testid="scheme"]')
    assert scheme.count() == 1
    badges = scheme.locator('[data-testid="demo-badge"]')
    calls = scheme.locator('[data-testid="scheme-call"]')
    assert calls.count() == 3
    assert badges.count() == 1 + 2 + 3  # scheme, two funders, three calls
    assert {badges.nth(i).inner_text().strip() for i in range(badges.count())} == {label}
    # a call's page: the call, its scheme and its two funders, each badged
    call = Call.objects.order_by("-opens_at").first()
    assert call is not None
    page.goto(live_url("funding:call", call.pk))
    badges = page.locator('main [data-testid="demo-badge"]')
    assert badges.count() == 4
    assert {badges.nth(i).inner_text().strip() for i in range(badges.count())} == {label}
    # the names themselves say nothing of a demo, in any language
    title = page.locator("main h1").evaluate(
        "h => [...h.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('')"
    )
    assert title.strip() and not re.search(r"demo|示範|示范", title, re.I)
    # the badge explains itself on hover
    assert page.locator('main h1 [data-testid="demo-badge"]').get_attribute("title")


def test_the_officers_pages_tell_a_coherent_timeline(
    funding_demo: None, page: Any, live_url: Any
) -> None:
    from innobridge.funding.models import Call, Project

    today = timezone.localdate()
    _login(page, live_url, "zh-hant")

    # Schemes page: every call is named after the year it opened and closes after it opens.
    page.goto(live_url("funding:schemes"))
    rows = page.locator('[data-testid="scheme-call"]')
    windows = {}
    for i in range(rows.count()):
        text = rows.nth(i).inner_text()
        opens, closes = _dates(text)
        title = rows.nth(i).locator("a").first.inner_text()
        assert str(opens.year) in title, (title, opens)  # not "Call 2025" opening in 2026
        assert opens < closes, text
        windows[title] = (opens, closes)
    assert len(windows) == 3

    # The call in review: every review is due after the call closed, none overdue yet.
    in_review = Call.objects.filter(decided_at__isnull=True, closes_at__lt=timezone.now()).get()
    page.goto(live_url("funding:call_manage", in_review.pk))
    closes = windows[_title(in_review, "zh-hant")][1]
    due_cells = page.locator("table").nth(1).locator("tbody tr td:nth-child(7)")
    due = [d for i in range(due_cells.count()) for d in _dates(due_cells.nth(i).inner_text())]
    assert due and all(closes < d for d in due), (closes, due)
    assert page.locator('[data-testid="review-overdue"]').count() == 0

    # The funded project: it started after its call closed (not today), runs beyond today,
    # its milestones fall within it and its reports came months after the start.
    project = Project.objects.select_related("proposal__call").get()
    decided_call = project.proposal.call
    call_closes = windows[_title(decided_call, "zh-hant")][1]
    page.goto(live_url("funding:project", project.pk))
    start, end = _dates(page.locator("main hgroup p").first.inner_text())
    assert call_closes < start < today < end, (call_closes, start, today, end)
    milestones = page.locator("main article")
    assert milestones.count() >= 2
    reports = 0
    for i in range(milestones.count()):
        article = milestones.nth(i)
        (due_date,) = _dates(article.locator("header").inner_text())
        assert start < due_date <= end
        for day in _dates(" ".join(article.locator("p").all_inner_texts())):
            assert start + dt.timedelta(days=90) <= day <= today, (start, day)
            reports += 1
    assert reports >= 1  # a project running for months has reported
    assert page.locator('[data-testid="overdue"]').count() == 0
