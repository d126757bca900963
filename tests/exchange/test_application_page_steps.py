"""The application page offers each reader only the steps it takes: the applicant's Submit
and Withdraw come without the coordinator's nomination note, and an offer is answered on
its own form (the page had a second Accept/Decline pair under "nomination note" that did
nothing when pressed)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from innobridge.exchange import services

from .conftest import draft, shortlisted, submitted

pytestmark = pytest.mark.django_db


def _page(user: Any, app: Any) -> str:
    c = Client()
    c.force_login(user)
    return c.get(f"/exchange/applications/{app.pk}/").content.decode()


def _steps(html: str) -> str:
    found = re.search(
        r'<form method="post" data-testid="application-actions">(.*?)</form>', html, re.S
    )
    return found.group(1) if found else ""


def test_the_applicant_submits_without_a_nomination_note(world: Any) -> None:
    steps = _steps(_page(world.applicant, draft(world)))
    assert 'value="submit"' in steps and 'value="withdraw"' in steps
    assert 'name="note"' not in steps


def test_the_coordinator_nominates_with_a_note(world: Any) -> None:
    steps = _steps(_page(world.cn_coordinator, submitted(world)))
    assert 'value="nominate"' in steps and 'name="note"' in steps


def test_an_offer_is_answered_only_on_its_own_form(world: Any) -> None:
    app = shortlisted(world)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    [offer] = services.send_offers(world.officer, run)
    html = _page(world.applicant, app)
    assert f'action="/exchange/offers/{offer.pk}/"' in html
    assert html.count('value="accept"') == 1 and html.count('value="decline"') == 1
    assert 'name="note"' not in html


def test_the_officer_is_not_offered_a_step_the_page_cannot_take(world: Any) -> None:
    """Offers are sent from the matching page; "Offer" here did nothing."""
    app = shortlisted(world)
    assert 'value="offer"' not in _page(world.officer, app)
