"""The offer catalogue in pages of 20 (it listed up to 200 offers on one page, ~27,000 px
tall), the filters and the search kept in the page links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from innobridge.transfer.models import Offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_offer: Any) -> list[Offer]:
    # 23 granted patents and 3 applications: 26 offers, two pages; 23 granted, two pages
    offers = [make_offer(title=f"Granted offer {i:02d}") for i in range(23)]
    offers += [
        make_offer(title=f"Filed offer {i:02d}", ip_type="patent_application") for i in range(3)
    ]
    return offers


def _get(url: str) -> str:
    return Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def _cards(page: str) -> list[str]:
    return re.findall(r'data-testid="offer-(\d+)"', page)


def test_the_catalogue_is_paginated(catalogue: list[Offer]) -> None:
    first, second = _get("/transfer/"), _get("/transfer/?page=2")
    assert len(_cards(first)) == 20 and len(_cards(second)) == 6
    assert not set(_cards(first)) & set(_cards(second))
    assert {int(i) for i in _cards(first) + _cards(second)} == {o.pk for o in catalogue}
    assert 'href="?page=2" rel="next"' in first and "Page 1 of 2" in first
    assert 'href="?page=1" rel="prev"' in second and "Page 2 of 2" in second


def test_filters_survive_in_the_page_links(catalogue: list[Offer]) -> None:
    first = _get("/transfer/?ip_type=granted_patent")
    assert 'href="?ip_type=granted_patent&amp;page=2" rel="next"' in first
    second = _get("/transfer/?ip_type=granted_patent&page=2")
    assert len(_cards(second)) == 3 and "Filed offer" not in second
    assert 'href="?ip_type=granted_patent&amp;page=1" rel="prev"' in second


def test_one_page_has_no_page_links(make_offer: Any) -> None:
    make_offer()
    assert 'data-testid="offer-pages"' not in _get("/transfer/")


def test_the_search_survives_in_the_page_links(catalogue: list[Offer]) -> None:
    first = _get("/transfer/?q=flexible+perovskite+solar+cell")
    assert len(_cards(first)) == 20
    assert 'href="?q=flexible+perovskite+solar+cell&amp;page=2" rel="next"' in first
    second = _get("/transfer/?q=flexible+perovskite+solar+cell&page=2")
    assert len(_cards(second)) == 6 and not set(_cards(first)) & set(_cards(second))
