"""The organisation directory: script-blind search, ranking, filters, HTMX partial,
detail page, three UI languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from innobridge.people import selectors
from innobridge.people.models import Organisation
from innobridge.people.ror import read_ror_path
from innobridge.people.services import import_ror_records

from .ror_samples import HKU, HKUST, HKUST_SZ, QMH, V1_RECORDS, V2_RECORDS, flat

SHARED_FILE = Path(settings.DATA_DIR) / "ror" / "ror_cn_hk_mo.jsonl"

pytestmark = pytest.mark.django_db

LIST = reverse("people:organisations")


@pytest.fixture
def shared_orgs(db: Any) -> None:
    if not SHARED_FILE.exists():
        pytest.skip(f"shared ROR data not found at {SHARED_FILE}")
    import_ror_records(read_ror_path(SHARED_FILE))


@pytest.fixture
def sample_orgs(db: Any) -> None:
    import_ror_records(
        [
            *V2_RECORDS,
            *V1_RECORDS,
            flat("0aaaaaa11", "Old Institute", status="withdrawn"),
            flat("0bbbbbb22", "Macau Lab", country_code="MO", city="Macau", types=["facility"]),
        ],
        countries=None,
    )


def names(html: str) -> list[str]:
    return re.findall(r"<a href=\"/people/organisations/\d+/\"><strong>(.*?)</strong>", html)


def result_count(html: str) -> int:
    match = re.search(r'data-testid="result-count">\s*([\d,]+)', html)
    assert match, html[:500]
    return int(match.group(1).replace(",", ""))


# --- search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["香港科技大學", "香港科技大学", "hkust", "HKUST", "Hong Kong University of Science"]
)
def test_hkust_found_in_any_script_or_acronym(shared_orgs: None, query: str) -> None:
    found = list(selectors.search_organisations(q=query))
    assert found[0].ror_id == HKUST, [o.name for o in found[:5]]


def test_traditional_and_simplified_find_the_same_records(shared_orgs: None) -> None:
    def ids(q: str) -> list[str | None]:
        return [o.ror_id for o in selectors.search_organisations(q=q)]

    assert ids("香港科技大學") == ids("香港科技大学")
    assert ids("人工智慧") == ids("人工智能") != []
    assert ids("清華大學") == ids("清华大学") != []
    assert ids("醫院管理局") == ids("医院管理局") != []


def test_ranking_exact_then_prefix_then_others(db: Any) -> None:
    import_ror_records(
        [
            flat("0aaaaaa11", "Zeta Institute of Peking University"),
            flat("0bbbbbb22", "Peking University Health Science Center"),
            flat("0cccccc33", "Peking University", acronyms=["PKU"]),
            flat("0dddddd44", "Applied Peking University Studies"),
        ]
    )
    order = [o.name for o in selectors.search_organisations(q="peking university")]
    assert order[0] == "Peking University"
    assert order[1] == "Peking University Health Science Center"
    assert set(order[2:]) == {
        "Zeta Institute of Peking University",
        "Applied Peking University Studies",
    }
    assert [o.name for o in selectors.search_organisations(q="pku")] == ["Peking University"]


def test_filters(sample_orgs: None) -> None:
    def ror_ids(**kw: Any) -> set[str | None]:
        return {o.ror_id for o in selectors.search_organisations(**kw)}

    assert ror_ids(region="HK") == {HKUST, HKU, QMH}
    assert ror_ids(region="CN") == {HKUST_SZ}
    assert ror_ids(region="INT") == {"05bqach95"}
    assert ror_ids(type="healthcare") == {QMH}
    assert ror_ids(city="shenzhen") == {HKUST_SZ}
    assert "0aaaaaa11" not in ror_ids()
    assert "0aaaaaa11" in ror_ids(include_inactive=True)


# --- pages --------------------------------------------------------------------------------


def test_list_page_search_filters_and_count(client: Client, sample_orgs: None) -> None:
    html = client.get(LIST).content.decode()
    assert result_count(html) == 6  # the withdrawn one is hidden
    assert "Data: Research Organization Registry (ROR), CC0" in html
    assert 'hx-get="/people/organisations/"' in html
    html = client.get(LIST, {"q": "香港科技大学"}).content.decode()
    assert names(html)[:2] == [
        "Hong Kong University of Science and Technology",
        "HKUST Shenzhen Research Institute",
    ]
    html = client.get(LIST, {"region": "HK", "type": "healthcare"}).content.decode()
    assert names(html) == ["Queen Mary Hospital"]
    html = client.get(LIST, {"inactive": "1"}).content.decode()
    assert result_count(html) == 7 and "Old Institute" in names(html)
    # unknown filter values are ignored, not an error
    assert client.get(LIST, {"region": "XX", "type": "zoo", "page": "x"}).status_code == 200


def test_htmx_request_gets_only_the_results(client: Client, sample_orgs: None) -> None:
    response = client.get(LIST, {"q": "hku"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert names(html)[0] == "University of Hong Kong"
    assert "HX-Request" in response["Vary"]
    restore = client.get(
        LIST, {"q": "hku"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


def test_pagination(client: Client, db: Any) -> None:
    import_ror_records(
        [flat(f"0aaaa{n:02d}11", f"Institute {n:02d}") for n in range(30)]  # 30 records
    )
    html = client.get(LIST, {"q": "institute"}).content.decode()
    assert result_count(html) == 30
    assert len(names(html)) == 25
    assert "page=2" in html
    page2 = client.get(LIST, {"q": "institute", "page": "2"}).content.decode()
    assert len(names(page2)) == 5
    assert "q=institute&amp;page=1" in page2


def test_detail_page(client: Client, sample_orgs: None, make_person: Any) -> None:
    from innobridge.people.models import ResearcherProfile

    hkust = Organisation.objects.get(ror_id=HKUST)
    person = make_person("chan", display_name="陳大文")
    ResearcherProfile.objects.create(person=person, organisation=hkust, region="HK")
    hidden = make_person("hidden", display_name="Hidden Person")
    ResearcherProfile.objects.create(
        person=hidden, organisation=hkust, region="HK", is_public=False
    )
    html = client.get(hkust.get_absolute_url()).content.decode()
    assert "Hong Kong University of Science and Technology" in html
    assert "香港科技大學" in html
    assert "HKUST" in html and "HK Univ. of Sci. &amp; Tech." in html
    assert "https://ror.org/00q4vv597" in html
    assert "https://www.wikidata.org/wiki/Q1333303" in html
    assert "https://hkust.edu.hk" in html
    assert "1991" in html
    assert "region-HK" in html
    shenzhen = Organisation.objects.get(ror_id=HKUST_SZ)
    assert shenzhen.get_absolute_url() in html  # child link
    assert "Somewhere Else Institute" in html and "https://ror.org/0abcdef12" in html
    assert "陳大文" in html and "Hidden Person" not in html
    assert "Data: Research Organization Registry (ROR), CC0" in html
    child_html = client.get(shenzhen.get_absolute_url()).content.decode()
    assert hkust.get_absolute_url() in child_html  # parent link
    assert client.get(reverse("people:organisation", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "香港科技大学深圳研究院"),
        ("zh-hant", "香港科技大學深圳研究院"),
        ("zh-hans", "香港科技大学深圳研究院"),
    ],
)
def test_pages_in_three_languages(
    client: Client, sample_orgs: None, language: str, shown: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    shenzhen = Organisation.objects.get(ror_id=HKUST_SZ)
    list_html = client.get(LIST, {"q": "深圳"}).content.decode()
    assert shown in list_html
    detail = client.get(shenzhen.get_absolute_url())
    assert detail.status_code == 200
    html = detail.content.decode()
    assert shown in html
    if language == "zh-hant":
        # the original script stays available
        assert "香港科技大学深圳研究院" in html
    lang_attr = {"en": 'lang="en"', "zh-hant": 'lang="zh-Hant-HK"', "zh-hans": 'lang="zh-Hans-CN"'}
    assert lang_attr[language] in html


def test_accept_language_header(client: Client, sample_orgs: None) -> None:
    html = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-HK").content.decode()
    assert 'lang="zh-Hant-HK"' in html
