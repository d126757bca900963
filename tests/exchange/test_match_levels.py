"""Applicant ↔ placement lists show the calibrated levels (strong / possible / weak) of
partner search (innobridge.matching.levels), on the officer's matching page, on the
supervisor's placement page and in the API (issue 11 §2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.exchange import services
from innobridge.exchange.matching import pair_level
from innobridge.exchange.models import MatchingRun
from innobridge.matching.levels import THRESHOLDS

from .conftest import shortlisted

pytestmark = pytest.mark.django_db
PASSAGE = THRESHOLDS["passage"]


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_pair_level_uses_the_partner_search_thresholds() -> None:
    assert pair_level(None) == ""
    assert pair_level(PASSAGE.strong) == "strong"
    assert pair_level((PASSAGE.strong + PASSAGE.possible) / 2) == "possible"
    assert pair_level(PASSAGE.possible - 0.01) == "weak"


def _run_with(world: Any, affinity: float) -> tuple[Any, MatchingRun]:
    app = shortlisted(world, prefs=(world.p1,))
    run = services.run_matching(world.officer, world.programme, "stable")
    run.options = {**run.options, "affinity": {f"{app.pk}:{world.p1.pk}": affinity}}
    run.save(update_fields=["options"])
    assert run.pairs == [[app.pk, world.p1.pk]]
    return app, run


@pytest.mark.parametrize(
    ("lang", "affinity", "level", "label"),
    [
        ("en", 0.55, "strong", "Strong match"),
        ("zh-hant", 0.40, "possible", "可能匹配"),
        ("zh-hans", 0.20, "weak", "弱：不算匹配"),
    ],
)
def test_matching_and_placement_pages_show_the_level(world, lang, affinity, level, label):
    _run_with(world, affinity)
    page = _client(world.officer).get(
        f"/exchange/programmes/{world.programme.pk}/matching/", HTTP_ACCEPT_LANGUAGE=lang
    )
    html = page.content.decode()
    assert f'data-level="{level}"' in html and label in html
    # the supervisor ranking the applicants who chose the placement sees the same level
    html = (
        _client(world.supervisor)
        .get(f"/exchange/placements/{world.p1.pk}/", HTTP_ACCEPT_LANGUAGE=lang)
        .content.decode()
    )
    assert 'data-testid="placement-applicant"' in html and f'data-level="{level}"' in html


def test_placement_page_before_any_run_says_so(world):
    shortlisted(world, prefs=(world.p1,))
    html = _client(world.supervisor).get(f"/exchange/placements/{world.p1.pk}/").content.decode()
    assert 'data-testid="placement-applicant"' in html and "data-level" not in html
    assert "after a matching run" in html


def test_the_api_gives_each_pair_its_level(world):
    app, _run = _run_with(world, 0.55)
    r = _client(world.officer).get(f"/api/exchange/programmes/{world.programme.pk}/matchings")
    assert r.status_code == 200
    matched = r.json()[0]["matched"]
    assert matched == [
        {"application": app.pk, "placement": world.p1.pk, "affinity": 0.55, "level": "strong"}
    ]
