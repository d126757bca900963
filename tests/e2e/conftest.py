"""Browser journeys: Playwright for Python driving Debian's Chromium
(/usr/bin/chromium, headless) against pytest-django's ``live_server``.

No browser is downloaded (never ``playwright install``). Without /usr/bin/chromium
these tests are skipped, except in CI (``CI=true``), where that is a failure.

Use the ``page`` fixture (a fresh browser context per test) and ``live_url(name,
*args)`` for addresses by URL name. Screenshots go to ``var/screenshots/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("INNOBRIDGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def browser(django_db_setup: Any) -> Iterator[Any]:
    """Chromium for one test module. Playwright's sync API runs an event loop in
    this thread; the Django ORM calls that the tests and pytest-django make beside it
    are still synchronous and safe, so DJANGO_ALLOW_ASYNC_UNSAFE is set while the
    browser runs (and removed after, so it never reaches other tests). The test
    database is set up before the loop starts."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if in_ci():
            pytest.fail(f"CI=true: browser tests must run, but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any, transactional_db: Any) -> Iterator[Any]:
    """A new page in a fresh context (no cookies), English by default."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Asia/Hong_Kong",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def live_url(live_server: Any) -> Callable[..., str]:
    from django.urls import reverse

    def url(name: str, *args: Any, **kwargs: Any) -> str:
        return live_server.url + reverse(name, args=args, kwargs=kwargs or None)

    return url


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
