"""A fellow's offer waits on the home page: an exchange applicant signed in saw only
"nothing waiting for you" (or other pillars' panels) while an offer lapsed unanswered;
the home page now lists their applications under way, a draft with the deadline and an
offer with its reply-by date, both linking to the application."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.exchange import services
from tests.pages import home_panel, page_as

from .conftest import draft, shortlisted

pytestmark = pytest.mark.django_db


def test_a_draft_shows_with_the_deadline(world: Any) -> None:
    app = draft(world)
    panel = home_panel(world.applicant, "exchange")
    assert f'href="/exchange/applications/{app.pk}/"' in panel
    assert "Draft — applications close" in panel


def test_an_offer_shows_with_its_reply_date_in_each_language(world: Any) -> None:
    app = shortlisted(world)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    [offer] = services.send_offers(world.officer, run)
    panel = home_panel(world.applicant, "exchange")
    assert f'href="/exchange/applications/{app.pk}/"' in panel
    assert "Offer made — reply by" in panel and 'class="urgent"' not in panel
    assert "回覆" in home_panel(world.applicant, "exchange", "zh-hant")
    assert "回复" in home_panel(world.applicant, "exchange", "zh-hans")
    assert offer.reply_by


def test_no_panel_for_someone_without_an_application(world: Any) -> None:
    assert 'data-testid="panel-exchange"' not in page_as("/", user=world.outsider)


def test_a_first_application_shows_on_the_next_page(world: Any) -> None:
    # the home page asks the person's facts first (issue #17); making an application
    # empties them, so the panel does not wait for the facts to expire
    assert 'data-testid="panel-exchange"' not in page_as("/", user=world.applicant)
    app = draft(world)
    assert f'href="/exchange/applications/{app.pk}/"' in home_panel(world.applicant, "exchange")
