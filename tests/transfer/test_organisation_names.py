"""An offer's owner in the reader's language: the catalogue and the offer page named the
university in English on the Chinese pages although the directory has its Chinese name."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages import page_as

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "The University of Hong Kong"), ("zh-hant", "香港大學"), ("zh-hans", "香港大学")],
)
def test_the_owner_is_named_in_the_readers_language(
    make_offer: Any, language: str, name: str
) -> None:
    offer = make_offer()
    for url in ("/transfer/", offer.get_absolute_url()):
        page = page_as(url, language=language)
        assert f"{name} ·" in page, url
