"""Programme titles in the reader's language: a Chinese page linked the programme by its
English title ("Hong Kong Scholars Program") on the application, placement and stay pages
and in the notices although the programme has a Chinese title."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.core.models import Notice
from tests.pages import page_as

from .conftest import draft, shortlisted

pytestmark = pytest.mark.django_db


@pytest.fixture
def titled(world: Any) -> Any:
    world.programme.title_zh = "香港学者计划"
    world.programme.save()
    return world


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Hong Kong Scholars Program (test)"),
        ("zh-hant", "香港學者計劃"),
        ("zh-hans", "香港学者计划"),
    ],
)
def test_programme_is_named_in_the_readers_language(titled: Any, language: str, title: str) -> None:
    app = draft(titled)
    page = page_as(f"/exchange/applications/{app.pk}/", user=titled.applicant, language=language)
    assert f'/exchange/programmes/{titled.programme.pk}/">{title}</a>' in page
    page = page_as(
        f"/exchange/placements/{titled.p1.pk}/", user=titled.applicant, language=language
    )
    assert f'/exchange/programmes/{titled.programme.pk}/">{title}</a>' in page


def test_without_a_chinese_title_the_english_one_is_shown(world: Any) -> None:
    app = draft(world)
    page = page_as(f"/exchange/applications/{app.pk}/", user=world.applicant, language="zh-hant")
    assert ">Hong Kong Scholars Program (test)</a>" in page


def test_notices_name_the_programme_in_the_recipients_language(titled: Any) -> None:
    titled.applicant.preferred_language = "zh-hant"
    titled.applicant.save()
    shortlisted(titled)
    notices = Notice.objects.filter(recipient=titled.applicant, source="exchange")
    assert notices and all("香港學者計劃" in n.subject + n.body for n in notices)
    assert not any("Hong Kong Scholars Program" in n.subject + n.body for n in notices)
