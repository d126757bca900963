"""The home page's public overview (open calls, facilities, the directory's counts) is
cached per language for a short time and dropped when what it shows changes; a signed-in
user's own panels never are cached."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from innobridge import dashboard
from tests.factories import ResearcherFactory


@pytest.mark.django_db
def test_the_public_overview_is_cached_per_language(django_assert_num_queries: Any) -> None:
    first = dashboard.public_overview()
    before = first["stats"]["researchers"]
    with django_assert_num_queries(0):  # served from the cache
        again = dashboard.public_overview()
    assert again["stats"]["researchers"] == before
    assert dashboard.OVERVIEW_CACHE_SECONDS <= 60  # a minute at most, whatever happens

    # A write to what it shows drops it at once (core/caching.py: the public generation).
    ResearcherFactory(is_public=True)
    assert dashboard.public_overview()["stats"]["researchers"] == before + 1

    with translation.override("zh-hant"):  # its own entry (call titles in the reader's script)
        assert dashboard.public_overview()["stats"]["researchers"] == before + 1
        with django_assert_num_queries(0):
            dashboard.public_overview()

    cache.clear()
    assert dashboard.public_overview()["stats"]["researchers"] == before + 1


@pytest.mark.django_db
def test_a_signed_in_users_panels_are_not_cached(client: Any, world: Any) -> None:
    from tests.funding.conftest import complete_proposal

    client.force_login(world.lead)
    assert 'data-testid="panel-proposals"' not in client.get("/").content.decode()
    complete_proposal(world, title="Sodium batteries for the grid")
    page = client.get("/").content.decode()  # the overview is cached, the panels are not
    assert 'data-testid="panel-proposals"' in page and "Sodium batteries for the grid" in page
