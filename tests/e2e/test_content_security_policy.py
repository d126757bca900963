"""The strict Content-Security-Policy holds on the main pages: every page is served with
it (and a Permissions-Policy), and the browser reports no violation — no inline script,
no inline handler, no asset from elsewhere — as a visitor, a researcher and a facility
manager (whose reports page draws Plotly charts), and on the API docs (Swagger UI from
the project's own static files)."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_facilities_journey import PASSWORD, _login, setup  # noqa: F401

PUBLIC = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/people/researchers/",
    "/people/organisations/",
    "/people/partners/",
    "/facilities/",
    "/facilities/free/",
    "/funding/",
    "/api/docs",
]
RESEARCHER = [
    "/accounts/",
    "/accounts/two-factor/",
    "/facilities/my/",
    "/facilities/my/calendar/",
    "/funding/",
]
MANAGER = ["/facilities/manage/", "/facilities/manage/reports/", "/facilities/manage/usage/"]


def _watch(page: Any) -> list[str]:
    violations: list[str] = []

    def on_console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def _visit(page: Any, base: str, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        policy = response.headers.get("content-security-policy", "")
        assert (
            "script-src 'self'" in policy
            and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        ), (path, policy)
        # No inline style either: style attributes and injected <style> elements are refused.
        assert "style-src 'self'" in policy and "unsafe-inline" not in policy, (path, policy)
        assert "permissions-policy" in response.headers, path
        page.wait_for_load_state("networkidle")


def test_main_pages_raise_no_csp_violation(page: Any, live_server: Any, live_url: Any, setup: Any):  # noqa: F811
    from innobridge.facilities.models import CalendarFeed

    violations = _watch(page)
    _visit(page, live_server.url, [*PUBLIC, f"/facilities/r/{setup['tem'].pk}/"])
    # The calendar's hour marks are placed by positions.js (CSSOM), not style attributes.
    marks = page.locator(".fac-hours span[data-pos-top]")
    assert marks.count() > 0
    assert marks.last.evaluate("el => el.style.top === parseFloat(el.dataset.posTop) + '%'")
    assert marks.last.evaluate("el => el.style.top !== '0%' && el.style.top !== ''")
    _login(page, live_url, "li-researcher")
    CalendarFeed.objects.get_or_create(person=setup["li"])
    _visit(page, live_server.url, RESEARCHER)
    _login(page, live_url, "fac-manager")
    _visit(page, live_server.url, MANAGER)
    charts = page.locator(".plotly-chart .main-svg")
    page.goto(live_server.url + "/facilities/manage/reports/")
    page.wait_for_load_state("networkidle")
    assert charts.count() > 0, ("the report charts were not drawn", violations)
    # Plotly's own rules come from plotly.css (no <style> element injected by the library).
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    bar = page.locator(".fac-bar span[data-pos-width]").first
    assert bar.evaluate("el => el.style.width").endswith("%")
    assert violations == []
