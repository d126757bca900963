"""Personnel exchange in a real browser: a Mainland postdoc applies to two Hong Kong
placements → the home institution nominates → a referee uploads a letter through the
link (no account) → a reviewer scores → the officer runs both matchings, compares,
picks one and sends offers → the postdoc accepts → permits → on site → final report
accepted → completed, with every stipend instalment released."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from tests.exchange.conftest import PDF, World, world  # noqa: F401  (fixture)

PASSWORD = "a-Strong-passw0rd!"


def login(page: Any, live_url: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_url("login"))
    form = page.locator('[data-testid="login-form"]')
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def press(page: Any, name: str, value: str) -> None:
    with page.expect_navigation():
        page.locator(f'button[name="{name}"][value="{value}"]').first.click()


@pytest.fixture
def fast_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_mainland_postdoc_from_application_to_completed_stay(
    page: Any,
    live_url: Any,
    world: World,  # noqa: F811
    fast_media: None,
    tmp_path: Any,
) -> None:
    from innobridge.exchange.models import Application, InstalmentState, Stay

    w = world
    # 1. The postdoc applies to two Hong Kong placements.
    login(page, live_url, "postdoc")
    page.goto(live_url("exchange:programme", w.programme.pk))
    with page.expect_navigation():
        page.locator('a[href$="/apply/"]').click()
    page.fill('textarea[name="statement"]', "Graph neural networks for protein structure.")
    page.fill('input[name="birth_date"]', "1995-03-01")
    page.fill('input[name="phd_date"]', "2025-06-30")
    page.select_option('select[name="career_stage"]', "early")
    page.select_option('select[name="home_region"]', "CN")
    # The home institution: a box that suggests as one types (not a <select> of the
    # whole directory), prefilled from the profile.
    box = page.locator('input[name="home_organisation"]')
    assert box.input_value() == "Zhejiang University"
    box.fill("")
    box.press_sequentially("zheji", delay=30)
    suggestion = 'datalist#id_home_organisation-options option[value="Zhejiang University"]'
    page.locator(suggestion).wait_for(state="attached")
    box.fill("Zhejiang University")
    page.check('input[name="public_consent"]')
    with page.expect_navigation():
        page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()
    assert page.locator('[data-testid="application-state"]').inner_text() == "Draft"
    page.select_option('select[name="choice_1"]', str(w.p1.pk))
    page.select_option('select[name="choice_2"]', str(w.p2.pk))
    press(page, "action", "preferences")
    page.fill('input[name="name"]', "Prof. Referee")
    page.fill('input[name="email"]', "referee@example.org")
    press(page, "action", "referee")
    press(page, "action", "submit")
    assert page.locator('[data-testid="application-state"]').inner_text() == "Submitted"
    app = Application.objects.get(applicant=w.applicant)
    assert list(app.preferences.values_list("placement", flat=True)) == [w.p1.pk, w.p2.pk]

    # 2. The home institution's coordinator nominates.
    login(page, live_url, "cncoord")
    page.goto(live_url("exchange:application", app.pk))
    press(page, "action", "nominate")
    assert "Nominated" in page.locator('[data-testid="application-state"]').inner_text()

    nominated = [m for m in mail.outbox if m.to == [w.applicant.email]]
    assert any("nominated" in m.body for m in nominated)  # the applicant is told

    # 3. The referee uploads a letter through the e-mailed link, with no account.
    [invitation] = [m for m in mail.outbox if m.to == ["referee@example.org"]]
    path = re.search(r"/exchange/referee/\S+/", invitation.body).group(0)
    link = live_url("exchange:home").replace("/exchange/", path)
    page.context.clear_cookies()
    page.goto(link)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files('input[name="letter"]', str(pdf))
    with page.expect_navigation():
        page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()
    assert page.locator('[data-testid="referee-done"]').is_visible()
    page.goto(link)
    assert page.locator('[data-testid="referee-error"]').is_visible()  # one-time

    # 4. The officer assigns a reviewer, who scores.
    login(page, live_url, "officer")
    page.goto(live_url("exchange:application", app.pk))
    page.fill('input[name="reviewer"]', "reviewer")
    press(page, "action", "assign_reviewer")
    login(page, live_url, "reviewer")
    page.goto(live_url("exchange:review", app.reviews.get().pk))
    for inp in page.locator('input[name^="score_"]').all():
        inp.fill("4")
    press(page, "action", "score")

    # 5. The officer shortlists, runs both matchings, compares, picks one, sends offers.
    login(page, live_url, "officer")
    page.goto(live_url("exchange:application", app.pk))
    press(page, "action", "shortlist")
    page.goto(live_url("exchange:matching", w.programme.pk))
    press(page, "action", "run")
    table = page.locator('[data-testid="comparison"]')
    assert page.locator('[data-testid="blocking-stable"]').inner_text() == "0"
    assert page.locator('[data-testid="blocking-optimal"]').is_visible()
    # the third column: optimal with fairness, with the worst and mean rank of each method
    assert page.locator('[data-testid="blocking-fair"]').is_visible()
    assert page.locator('[data-testid="worst-fair"]').inner_text() == "1"
    assert page.locator('[data-testid="mean-stable"]').inner_text() == "1.0"
    assert "Graph neural networks for proteins" in table.inner_text()
    with page.expect_navigation():
        page.locator('[data-testid="choose-stable"]').click()
    with page.expect_navigation():
        page.locator('[data-testid="send-offers"]').click()

    # 6. The postdoc accepts; the stay goes through permits to on site.
    login(page, live_url, "postdoc")
    page.goto(live_url("exchange:application", app.pk))
    with page.expect_navigation():
        page.locator('[data-testid="offer"] button[value="accept"]').click()
    stay = Stay.objects.get(application=app)
    assert page.locator('[data-testid="stay-state"]').inner_text() == "Nominated"
    login(page, live_url, "supervisor")
    page.goto(live_url("exchange:stay", stay.pk))
    press(page, "action", "host_accept")
    login(page, live_url, "postdoc")
    page.goto(live_url("exchange:stay", stay.pk))
    press(page, "action", "start_permits")
    assert page.locator('[data-testid="stay-state"]').inner_text() == "Permits in progress"
    # A report before the stay has started is refused, nothing written.
    page.select_option('select[name="kind"]', "final")
    page.fill('textarea[name="text"]', "Too early")
    press(page, "action", "report")
    assert "once the stay has started" in page.content()
    assert not stay.reports.exists()
    login(page, live_url, "supervisor")
    page.goto(live_url("exchange:stay", stay.pk))
    press(page, "action", "arrive")
    assert page.locator('[data-testid="stay-state"]').inner_text() == "On site"

    # 7. Final report accepted → completed, every instalment released.
    login(page, live_url, "postdoc")
    page.goto(live_url("exchange:stay", stay.pk))
    for kind in ("mid_term", "final"):
        page.select_option('select[name="kind"]', kind)
        page.fill('textarea[name="text"]', f"My {kind} report.")
        press(page, "action", "report")
    login(page, live_url, "officer")
    page.goto(live_url("exchange:stay", stay.pk))
    press(page, "action", "accept_report")
    press(page, "action", "accept_report")
    press(page, "action", "complete")
    assert page.locator('[data-testid="stay-state"]').inner_text() == "Completed"
    stay.refresh_from_db()
    assert not stay.instalments.exclude(state=InstalmentState.RELEASED).exists()
    assert stay.instalments.count() == 5


def test_a_supervisor_posts_a_placement_typing_the_host_in_chinese(
    page: Any,
    live_url: Any,
    live_server: Any,
    world: World,  # noqa: F811
) -> None:
    """The host organisation is a box that suggests as one types, not a <select> of the
    host regions' directory; a host outside them is an error beside the box, in the
    reader's language, and nothing is posted until it is put right."""
    from innobridge.exchange.models import Placement
    from innobridge.people.services.organisations import organisation_search_text

    w = world
    w.hku.name_zh = "香港大學"
    w.hku.search_text = organisation_search_text(w.hku)
    w.hku.save()
    before = Placement.objects.count()
    login(page, live_url, "supervisor")
    page.context.add_cookies(
        [{"name": "innobridge_language", "value": "zh-hant", "url": live_server.url}]
    )
    page.goto(live_url("exchange:programme", w.programme.pk))
    with page.expect_navigation():
        page.locator('a[href$="/placements/new/"]').click()
    assert page.locator('select[name="organisation"]').count() == 0
    page.fill('input[name="title"]', "Protein folding")
    page.fill('input[name="months"]', "24")
    box = page.locator('input[name="organisation"]')
    box.fill("Zhejiang University")  # found, but a Mainland host: not in this programme
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    assert "本計劃只在以下地區接收學者：香港。" in page.locator(".errorlist").inner_text()
    assert Placement.objects.count() == before
    box = page.locator('input[name="organisation"]')
    box.fill("")
    box.press_sequentially("香港大", delay=30)
    suggestion = 'datalist#id_organisation-options option[value="The University of Hong Kong"]'
    page.locator(suggestion).wait_for(state="attached")
    box.fill("The University of Hong Kong")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    placement = Placement.objects.latest("pk")
    assert (placement.title, placement.organisation) == ("Protein folding", w.hku)
    assert page.url.endswith(f"/exchange/placements/{placement.pk}/")
