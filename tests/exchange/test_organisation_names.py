"""Organisations in the reader's language on the exchange pages: a Chinese page named
every host and home institution in English although the directory has its Chinese name
(the programme's placements, the application, the choice lists of the forms)."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.people.services.organisations import organisation_search_text
from tests.pages import page_as

from .conftest import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(world: Any) -> Any:
    world.hku.name_zh = "香港大學"
    world.hku.save()
    world.zju.name_zh = "浙江大学"
    world.zju.search_text = organisation_search_text(world.zju)
    world.zju.save()
    return world


@pytest.mark.parametrize(
    ("language", "host", "home"),
    [
        ("en", "The University of Hong Kong", "Zhejiang University"),
        ("zh-hant", "香港大學", "浙江大學"),
        ("zh-hans", "香港大学", "浙江大学"),
    ],
)
def test_institutions_are_named_in_the_readers_language(
    named: Any, language: str, host: str, home: str
) -> None:
    programme = page_as(f"/exchange/programmes/{named.programme.pk}/", language=language)
    assert f"<td>{host}</td>" in programme
    app = draft(named)
    page = page_as(f"/exchange/applications/{app.pk}/", user=named.applicant, language=language)
    assert f"· {home}</p>" in page  # the heading
    assert f"Graph neural networks for proteins — {host}</option>" in page  # the choices
    assert f'value="{home}"' in page  # the home institution's box
