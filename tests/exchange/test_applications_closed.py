"""A programme whose application window is over (or not yet open) showed "Apply" and the
whole form; only after typing it all did the applicant read that applications were open
from one date to another. The page now says so in place of the button, and the form's
address sends them back with the same words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.pages import client_as, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world: Any) -> Any:
    today = timezone.localdate()
    world.programme.applications_open = today - dt.timedelta(days=60)
    world.programme.applications_close = today - dt.timedelta(days=1)
    world.programme.save()
    return world


@pytest.mark.parametrize(("language", "word"), [("en", "open from"), ("zh-hant", "申請")])
def test_a_closed_programme_shows_its_window_instead_of_apply(
    closed: Any, language: str, word: str
) -> None:
    c = client_as(closed.applicant, language)
    url = f"/exchange/programmes/{closed.programme.pk}/"
    page = c.get(url).content.decode()
    assert word in section(page, "applications-closed", end="</span>")
    assert f'href="{url}apply/"' not in page
    response = c.get(f"{url}apply/")
    assert response.status_code == 302 and response["Location"] == url


def test_an_open_programme_still_offers_apply(world: Any) -> None:
    c = client_as(world.applicant)
    url = f"/exchange/programmes/{world.programme.pk}/"
    assert f'href="{url}apply/"' in c.get(url).content.decode()
    assert c.get(f"{url}apply/").status_code == 200
