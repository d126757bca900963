"""The home page helps a newcomer start and shows a signed-in user their own work; the
403, 404 and 500 pages are localised."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import path

from innobridge import urls as site_urls
from innobridge import views
from tests.funding.conftest import complete_proposal
from tests.pages import get_as, page_as


@pytest.mark.django_db
def test_a_newcomer_sees_what_the_platform_is_for_open_calls_and_how_to_start(world: Any) -> None:
    page = page_as("/")
    for testid in ("how-to-start", "home-search", "open-calls", "home-facilities", "home-help"):
        assert f'data-testid="{testid}"' in page
    assert "Joint call 2026" in page and world.call.get_absolute_url() in page
    assert "closes" in page
    assert "{#" not in page and "#}" not in page  # no template comment shown as text
    # A region with nothing in it is not a row of zeros.
    assert (
        "International" not in page.split('data-testid="home-directory"')[1].split("</article>")[0]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hant", "如何開始"), ("zh-hans", "如何开始")]
)
def test_the_home_page_speaks_the_readers_language(world: Any, language: str, heading: str) -> None:
    page = page_as("/", language=language)
    assert heading in page


@pytest.mark.django_db
def test_a_signed_in_user_sees_their_drafts_and_reviews_due(world: Any) -> None:
    from innobridge.funding import services

    draft = complete_proposal(world, title="Sodium batteries for the grid")
    page = page_as("/", user=world.lead)
    assert 'data-testid="panel-proposals"' in page
    assert "Sodium batteries for the grid" in page and draft.get_absolute_url() in page
    assert 'data-testid="how-to-start"' not in page

    submitted = services.submit_proposal(world.lead, draft)
    reviewer = world.reviewers_hk[0]
    from innobridge.funding.models import AssignmentStatus, ReviewAssignment

    ReviewAssignment.objects.create(
        proposal=submitted,
        reviewer=reviewer,
        funder=world.hk_funder,
        status=AssignmentStatus.INVITED,
    )
    page = page_as("/", user=reviewer)
    assert 'data-testid="panel-reviews"' in page and "Sodium batteries for the grid" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Page not found"), ("zh-hant", "找不到頁面"), ("zh-hans", "找不到页面")],
)
def test_a_bad_address_gives_a_localised_404(language: str, text: str) -> None:
    response = get_as("/no/such/page/", language=language)
    assert response.status_code == 404
    assert text in response.content.decode()
    assert 'data-testid="error-404"' in response.content.decode()


def _forbidden(request: Any) -> Any:
    raise PermissionDenied


def _broken(request: Any) -> Any:
    raise RuntimeError("boom")


urlpatterns = [path("forbidden/", _forbidden), path("broken/", _broken), *site_urls.urlpatterns]
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error


@pytest.mark.django_db
@pytest.mark.urls("tests.site.test_home")
@pytest.mark.parametrize(
    ("language", "text"), [("zh-hant", "您無權開啟此頁"), ("zh-hans", "您无权打开此页面")]
)
def test_a_forbidden_page_is_a_localised_403(language: str, text: str) -> None:
    response = get_as("/forbidden/", language=language)
    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.mark.urls("tests.site.test_home")
@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Something went wrong"), ("zh-hant", "出現錯誤"), ("zh-hans", "出现错误")],
)
def test_a_crash_is_a_localised_500_without_context_processors(language: str, text: str) -> None:
    from django.utils import translation

    request = RequestFactory().get("/broken/")
    with translation.override(language):
        response = views.server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert text in body and 'data-testid="error-500"' in body


def test_no_template_comment_spans_lines() -> None:
    """Django's ``{# … #}`` is one line only: spread over two, it is shown to the reader
    (the home page showed one); longer notes go in ``{% comment %}``."""
    import re
    from pathlib import Path

    root = Path(views.__file__).resolve().parent
    found = [
        f"{template.relative_to(root)}:{text[: match.start()].count(chr(10)) + 1}"
        for template in root.rglob("*.html")
        for text in [template.read_text(encoding="utf-8")]
        for match in re.finditer(r"\{#(?:(?!#\}).)*\n", text)
    ]
    assert not found, found


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "word"),
    [("en", "Enterprises:"), ("zh-hant", "企業："), ("zh-hans", "企业：")],
)
def test_a_newcomer_finds_transfer_exchanges_and_the_plan(
    world: Any, language: str, word: str
) -> None:
    """How to start named only a researcher's path: an enterprise, an exchange applicant
    and a curious visitor had nothing but the menu."""
    page = page_as("/", language=language)
    start = page.split('data-testid="start-other-roles"')[1].split("</ul>")[0]
    assert word in start
    for url in ("/transfer/", "/transfer/demands/", "/exchange/", "/plan/public/"):
        assert f'href="{url}"' in start, url
