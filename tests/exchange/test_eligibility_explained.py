"""A refused applicant learns what the programme admits: "not open to your career stage"
named no stage (and the programme page listed neither the stages admitted nor the
languages required), and the languages rule named language codes ("zh-hant")."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.exchange import services

from .conftest import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def students_only(world: Any) -> Any:
    world.programme.career_stages = ["student"]
    world.programme.languages = ["zh-hant"]
    world.programme.save()
    return world


def test_the_programme_page_lists_the_stages_and_languages(students_only: Any) -> None:
    page = Client().get(f"/exchange/programmes/{students_only.programme.pk}/").content.decode()
    assert '<dd data-testid="career-stages">Research student</dd>' in page
    assert "<dd>繁體中文</dd>" in page


@pytest.mark.parametrize(
    ("language", "stage"),
    [("en", "Research student"), ("zh-hant", "研究生"), ("zh-hans", "研究生")],
)
def test_the_refusal_names_what_is_admitted(students_only: Any, language: str, stage: str) -> None:
    from django.utils import translation

    app = draft(students_only, languages=["en"])
    with translation.override(language):
        problems = services.submission_problems(app)
    assert any(stage in p for p in problems), problems
    assert any("繁體中文" in p for p in problems), problems
    assert not any("zh-hant" in p for p in problems), problems
