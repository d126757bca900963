"""Programme titles in the reader's language: a Chinese page linked the programme by its
English title ("Hong Kong Scholars Program") on the application, placement and stay pages
and in the notices although the programme has a Chinese title."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.core.models import Notice

from .conftest import draft, shortlisted

pytestmark = pytest.mark.django_db


@pytest.fixture
def titled(world: Any) -> Any:
    world.programme.title_zh = "香港学者计划"
    world.programme.save()
    return world


def _get(user: Any, url: str, language: str) -> str:
    c = Client()
    c.force_login(user)
    c.cookies["innobridge_language"] = language
    return c.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


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
    page = _get(titled.applicant, f"/exchange/applications/{app.pk}/", language)
    assert f'/exchange/programmes/{titled.programme.pk}/">{title}</a>' in page
    page = _get(titled.applicant, f"/exchange/placements/{titled.p1.pk}/", language)
    assert f'/exchange/programmes/{titled.programme.pk}/">{title}</a>' in page


def test_without_a_chinese_title_the_english_one_is_shown(world: Any) -> None:
    app = draft(world)
    page = _get(world.applicant, f"/exchange/applications/{app.pk}/", "zh-hant")
    assert ">Hong Kong Scholars Program (test)</a>" in page


def test_notices_name_the_programme_in_the_recipients_language(titled: Any) -> None:
    titled.applicant.preferred_language = "zh-hant"
    titled.applicant.save()
    shortlisted(titled)
    notices = Notice.objects.filter(recipient=titled.applicant, source="exchange")
    assert notices and all("香港學者計劃" in n.subject + n.body for n in notices)
    assert not any("Hong Kong Scholars Program" in n.subject + n.body for n in notices)
