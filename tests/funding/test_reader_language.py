"""Funding pages name calls, schemes and funders in the reader's language first (#11 §4):
a stored Chinese name shows in the Chinese UIs, in the UI's script (OpenCC)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.pages import page_as


@pytest.fixture
def chinese_names(world):
    world.call.title_zh = "聯合研究徵集"  # stored in Traditional
    world.call.save()
    world.hk_funder.name_zh = "創新科技基金"
    world.hk_funder.save()
    world.cn_funder.name_zh = "内地科学基金会"  # stored in Simplified
    world.cn_funder.save()
    world.scheme.name_zh = "联合资助计划"
    world.scheme.save()
    return world


def _h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    ("lang", "title", "funders", "scheme"),
    [
        (
            "en",
            "Joint call 2026",
            ["HK Innovation Fund", "Mainland Science Foundation"],
            "Joint Scheme",
        ),
        ("zh-hant", "聯合研究徵集", ["創新科技基金", "內地科學基金會"], "聯合資助計劃"),
        ("zh-hans", "联合研究征集", ["创新科技基金", "内地科学基金会"], "联合资助计划"),
    ],
)
def test_call_page_in_the_readers_language_and_script(chinese_names, lang, title, funders, scheme):
    w = chinese_names
    html = page_as(reverse("funding:call", args=[w.call.pk]), language=lang)
    assert _h1(html) == title
    second = re.search(r'data-testid="other-title">(.*?)<', html).group(1)
    assert second == ("聯合研究徵集" if lang == "en" else "Joint call 2026")
    for name in funders:
        assert name in html
    assert scheme in html


def test_officer_pages_name_funders_in_chinese(chinese_names):
    w = chinese_names
    url = reverse("funding:call_manage", args=[w.call.pk])
    html = page_as(url, user=w.hk_officer, language="zh-hans")
    assert _h1(html) == "联合研究征集"
    assert "创新科技基金" in html and "HK Innovation Fund" not in html


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("en", ["石墨烯电池", "锂离子"], []),
        ("zh-hant", ["石墨烯電池", "鋰離子"], ["石墨烯电池", "锂离子"]),
        ("zh-hans", ["石墨烯电池", "锂离子"], []),
    ],
)
def test_reviewer_explanations_in_the_ui_script(world, submitted, lang, shown, hidden):
    # The officer's assignment table quotes the reviewer's closest sentence and the
    # shared terms, stored as written (Simplified here), in the reader's script.
    from innobridge.funding.models import ReviewAssignment

    from .steps import eligible, to_review

    proposal = to_review(world, eligible(world, submitted))
    assignment = ReviewAssignment.objects.filter(proposal=proposal).order_by("pk").first()
    assignment.explanation = {"shared_terms": ["锂离子"], "closest_text": "石墨烯电池的研究"}
    assignment.save()
    url = reverse("funding:call_manage", args=[world.call.pk])
    page = page_as(url, user=world.hk_officer, language=lang)
    why = "".join(re.findall(r'<td class="why">(.*?)</td>', page, re.S))
    for text in shown:
        assert text in why
    for text in hidden:
        assert text not in why
