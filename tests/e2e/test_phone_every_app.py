"""Every app's main pages on a phone (390 px wide), in the three languages, on the demo's
data: no page is wider than the screen (wide tables scroll inside their own box), and the
language switch is on screen; the booking week, which scrolls sideways, says so in a line
above it (as every wide table does). The pages a person reaches first in each app — lists, a
detail page of each kind, the manager's, officer's and enterprise's own pages, the plan
dashboard, an indicator and a funnel with their charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

LANGUAGES = ("en", "zh-hant", "zh-hans")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db: Any, settings: Any) -> dict[str, Any]:
    """The pillars' demos seeded as ``innobridge demo`` does (a tenth of the researchers)."""
    from innobridge.plan.services import seed_all, take_snapshot
    from tests.factories import seed_pillar_demos

    settings.INNOBRIDGE_2FA_REQUIRED_ROLES = []
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seed_pillar_demos()
    seed_all()
    take_snapshot("test")
    return {}


def _pages() -> list[tuple[str | None, str]]:
    """(account or None for a visitor, address) of each app's main pages."""
    from django.urls import reverse

    from innobridge.exchange.models import Programme
    from innobridge.facilities.models import Facility, Resource
    from innobridge.funding.models import Call, Proposal
    from innobridge.people.models import Organisation, Person
    from innobridge.plan.indicators import registry
    from innobridge.plan.models import Area
    from innobridge.transfer.models import Demand, Offer

    offer = Offer.objects.filter(state="published").order_by("pk").first() or Offer.objects.first()
    assert offer is not None
    pages: list[tuple[str | None, str]] = [
        (None, "/"),
        (None, reverse("funding:home")),
        (None, reverse("facilities:home")),
        (None, reverse("facilities:free")),
        (None, reverse("transfer:home")),
        (None, reverse("transfer:demands")),
        (None, reverse("exchange:home")),
        (None, reverse("plan:public")),
        (None, reverse("people:researchers")),
        (None, reverse("people:organisations")),
        (None, offer.get_absolute_url()),
        (None, Call.objects.order_by("pk").first().get_absolute_url()),  # type: ignore[union-attr]
        (None, Facility.objects.order_by("pk").first().get_absolute_url()),  # type: ignore[union-attr]
        (None, Resource.objects.order_by("pk").first().get_absolute_url()),  # type: ignore[union-attr]
        (None, Organisation.objects.order_by("pk").first().get_absolute_url()),  # type: ignore[union-attr]
        (None, reverse("exchange:programme", args=[Programme.objects.order_by("pk").first().pk])),  # type: ignore[union-attr]
        ("demo-researcher", reverse("people:partners") + "?q=quantum"),
        ("demo-researcher", reverse("facilities:my_bookings")),
        ("demo-researcher", reverse("funding:reviews")),
        ("demo-officer", reverse("funding:home")),
        ("demo-officer", reverse("funding:projects")),
        ("demo-officer", reverse("plan:home")),
        ("demo-officer", reverse("plan:area", args=[Area.JOINT_RESEARCH.value])),
        ("demo-officer", reverse("plan:indicator", args=[registry.all_keys()[0]])),
        ("demo-facility", reverse("facilities:manage")),
        ("demo-facility", reverse("facilities:reports")),
        ("demo-enterprise", reverse("transfer:matches")),
        ("demo-enterprise", reverse("transfer:mine")),
        ("demo-researcher", reverse("transfer:membership_request")),
        ("demo-admin", reverse("transfer:membership_requests")),
    ]
    # a request waiting, so that the requester's and the administrator's tables are there
    from innobridge.transfer.services import request_membership

    request_membership(
        Person.objects.get(username="demo-researcher"),
        {"company_name": "Tsuen Wan Photonics Ltd", "region": "HK", "job_title": "CTO",
         "registration_number": "12345678-000-05-26-1", "kind": "enterprise"},
    )  # fmt: skip
    proposal = Proposal.objects.exclude(state="draft").order_by("pk").first()
    if proposal is not None:
        pages.append(("demo-officer", proposal.get_absolute_url()))
    demand = Demand.objects.order_by("pk").first()
    if demand is not None:
        pages.append((None, demand.get_absolute_url()))
    pages.append(("demo-officer", reverse("transfer:offer_funnel", args=[offer.pk])))
    if Person.objects.filter(username="demo-tto").exists():
        pages.append(("demo-tto", reverse("transfer:mine")))
    return pages


def _session_cookie(username: str, url: str) -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    from innobridge.people.models import Person

    client = Client()
    client.force_login(Person.objects.get(username=username))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url}


def test_every_apps_main_pages_fit_a_phone_in_each_language(
    demo: dict[str, Any], browser: Any, live_server: Any, screenshot_dir: Path
) -> None:
    from innobridge.facilities.models import Resource

    pages = _pages()
    week = Resource.objects.order_by("pk").first().get_absolute_url()  # type: ignore[union-attr]
    hint = {
        "en": "Scroll sideways to see all of it →",
        "zh-hant": "左右捲動以查看全部 →",
        "zh-hans": "左右滚动以查看全部 →",
    }
    too_wide: list[str] = []
    for language in LANGUAGES:
        contexts: dict[str | None, Any] = {}
        try:
            for who, url in pages:
                if who not in contexts:
                    context = browser.new_context(
                        base_url=live_server.url,
                        viewport=PHONE,
                        is_mobile=True,
                        has_touch=True,
                        timezone_id="Asia/Hong_Kong",
                    )
                    context.set_default_timeout(30_000)
                    cookies = [
                        {"name": "innobridge_language", "value": language, "url": live_server.url}
                    ]
                    if who:
                        cookies.append(_session_cookie(who, live_server.url))
                    context.add_cookies(cookies)
                    contexts[who] = context.new_page()
                page = contexts[who]
                response = page.goto(url, wait_until="load")
                assert response is not None and response.status == 200, (who, url, language)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    name = url.strip("/").replace("/", "-").replace("?", "-") or "home"
                    page.screenshot(
                        path=str(screenshot_dir / f"phone-{language}-{name}.png"), full_page=True
                    )
                    too_wide.append(f"{language} {who or 'visitor'} {url}: {width}px")
                if url == week:  # the booking week scrolls sideways, and says so
                    calendar = page.locator(".fac-week")
                    calendar_hint = calendar.locator("xpath=preceding-sibling::p[1]")
                    assert calendar_hint.inner_text() == hint[language]
                    assert calendar_hint.is_visible()
                switch = page.locator('[data-testid="language-switcher"] button').first
                assert switch.is_visible(), (url, language)
        finally:
            for p in contexts.values():
                p.context.close()
    assert not too_wide, "\n".join(too_wide)
