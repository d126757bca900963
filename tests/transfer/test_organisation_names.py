"""An offer's owner in the reader's language: the catalogue and the offer page named the
university in English on the Chinese pages although the directory has its Chinese name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "The University of Hong Kong"), ("zh-hant", "香港大學"), ("zh-hans", "香港大学")],
)
def test_the_owner_is_named_in_the_readers_language(
    make_offer: Any, language: str, name: str
) -> None:
    offer = make_offer()
    c = Client()
    c.cookies["innobridge_language"] = language
    for url in ("/transfer/", offer.get_absolute_url()):
        page = c.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f"{name} ·" in page, url
