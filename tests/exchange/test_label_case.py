"""Exchange labels and table headers in sentence case, as funding's and facilities' are
("statement", "state:", "type", "direction", "topic", "seats" were in lower case), and
still translated in both Chinese scripts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import innobridge.exchange
from tests.pages import page_as

from .conftest import draft

# Phrases inside a sentence or in brackets, not labels.
IN_A_SENTENCE = {"demo", "adjusted by hand", "from the waiting list", "after a matching run"}


def test_no_exchange_template_has_a_lower_case_label() -> None:
    templates = Path(innobridge.exchange.__file__).parent / "templates"
    lower = {
        (f.name, m)
        for f in templates.rglob("*.html")
        for m in re.findall(r'\{% translate "([a-z][^"]*)" %\}', f.read_text())
        if m not in IN_A_SENTENCE
    }
    assert not lower


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["<th>Type</th>", "<th>Direction</th>", "<th>Topic</th>", "<th>Seats</th>"]),
        ("zh-hant", ["<th>類型</th>", "<th>交流方向</th>", "<th>課題</th>", "<th>名額</th>"]),
        ("zh-hans", ["<th>类型</th>", "<th>交流方向</th>", "<th>课题</th>", "<th>名额</th>"]),
    ],
)
def test_headers_are_in_sentence_case_and_translated(
    world: Any, language: str, words: list[str]
) -> None:
    page = page_as("/exchange/", language=language) + page_as(
        f"/exchange/programmes/{world.programme.pk}/", language=language
    )
    for word in words:
        assert word in page


@pytest.mark.django_db
def test_application_labels_in_sentence_case(world: Any) -> None:
    app = draft(world)
    page = page_as(f"/exchange/applications/{app.pk}/", user=world.applicant)
    assert "<p>State: <strong" in page
    page = page_as(f"/exchange/applications/{app.pk}/", user=world.applicant, language="zh-hans")
    assert "<p>状态: <strong" in page
