"""Funding pages name calls, schemes and funders in the reader's language first (#11 §4):
a stored Chinese name shows in the Chinese UIs, in the UI's script (OpenCC)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


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
def test_call_page_in_the_readers_language_and_script(
    client, chinese_names, lang, title, funders, scheme
):
    w = chinese_names
    client.cookies["innobridge_language"] = lang
    html = client.get(reverse("funding:call", args=[w.call.pk])).content.decode()
    assert _h1(html) == title
    second = re.search(r'data-testid="other-title">(.*?)<', html).group(1)
    assert second == ("聯合研究徵集" if lang == "en" else "Joint call 2026")
    for name in funders:
        assert name in html
    assert scheme in html


def test_officer_pages_name_funders_in_chinese(client, chinese_names):
    w = chinese_names
    client.force_login(w.hk_officer)
    client.cookies["innobridge_language"] = "zh-hans"
    html = client.get(reverse("funding:call_manage", args=[w.call.pk])).content.decode()
    assert _h1(html) == "联合研究征集"
    assert "创新科技基金" in html and "HK Innovation Fund" not in html
