"""Every form of every page, fuzzed: as each role, the pages reachable from the home page
(a bounded crawl over the demo world of tests/api/conftest.py) are rendered, their POST
forms collected, and each is sent NUL bytes, overlong strings, huge numbers and dates out
of range. No answer may be a 5xx, and an answer that refused the input (a 4xx, or the
form again with its errors) must leave every table as it was — no half-written rows."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.test import Client

ROLES = [
    "demo-officer",
    "demo-researcher",
    "demo-reviewer",
    "demo-facility",
    "demo-enterprise",
    "demo-enterprise-2",
    "demo-tto",
    "demo-coordinator",
    "exchange applicant",
    "exchange fellow",
    "exchange host",
    "demo-admin",
]
# the exchange demo's walkable roles are demo researchers chosen when it seeds
# (exchange.demo.DEMO_ACCOUNTS): found by their label
EXCHANGE_ROLES = {
    "exchange applicant": "Exchange applicant",
    "exchange fellow": "Exchange fellow",
    "exchange host": "Exchange host",
}
MAX_PAGES = 80  # per role
MAX_FORMS = 40  # per role
PER_SHAPE = 2  # pages per address shape (/facilities/r/7/ and /facilities/r/9/ share one)
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/accounts/logout/", "/i18n/")
SKIP_SUFFIXES = (".ics", ".csv", ".pdf", ".json")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": a.get("method", "get").lower(),
                "action": a.get("action", ""),
                "fields": {},
            }
        elif self._form is not None and tag in ("input", "textarea") and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "textarea").lower()
            if kind not in ("submit", "button", "file", "checkbox", "radio", "image", "reset"):
                self._form["fields"][a["name"]] = (kind, a.get("value", ""))
            elif kind == "radio" and a["name"] not in self._form["fields"]:
                self._form["fields"][a["name"]] = ("choice", a.get("value", ""))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"][a["name"]] = ("choice", "")
        elif self._form is not None and tag == "option" and self._select:
            kind, value = self._form["fields"][self._select]
            if not value and a.get("value"):
                self._form["fields"][self._select] = (kind, a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _payloads(fields: dict[str, tuple[str, str]]) -> list[tuple[str, dict[str, str]]]:
    def fill(text: str, number: str, date: str) -> dict[str, str]:
        data = {}
        for name, (kind, value) in fields.items():
            if name == "csrfmiddlewaretoken":
                continue
            if kind in ("hidden", "choice"):
                data[name] = value
            elif kind == "number":
                data[name] = number
            elif kind in ("date", "datetime-local", "week", "month"):
                data[name] = date
            elif kind == "time":
                data[name] = "25:99"
            elif kind == "email":
                data[name] = text[:50] + "@example.org"
            else:
                data[name] = text
        return data

    return [
        ("nul", fill("Nul\x00byte", "1\x00", "2026-01-01\x00")),
        ("overlong", fill("x" * 100_000, "9" * 40, "9999-12-31")),
        ("huge", fill("ok", "1e30", "0001-01-01")),
        ("negative", fill("ok", "-99999999999999999999", "10000-01-01")),
    ]


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.label.startswith(("sessions.", "axes."))
    }


def _shape(path: str) -> str:
    """The address with its ids left out: the pages (and forms) of one kind share it."""
    return re.sub(r"\d+", "N", path.split("?", 1)[0])


def _crawl(client: Client) -> list[tuple[str, dict[str, Any]]]:
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    queue = ["/"]
    forms: dict[tuple[str, tuple[str, ...]], tuple[str, dict[str, Any]]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or shapes.get(_shape(url), 0) >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[_shape(url)] = shapes.get(_shape(url), 0) + 1
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode("utf-8", "replace"))
        for href in page.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            if path not in seen:
                queue.append(path)
        for form in page.forms:
            if form["method"] != "post":
                continue
            action = urlsplit(urljoin(url, form["action"] or url)).path
            if action.startswith(SKIP_PREFIXES):
                continue
            # one form of each kind: the same form on another row adds nothing
            key = (_shape(action), tuple(sorted(form["fields"])))
            forms.setdefault(key, (action, form))
    return list(forms.values())[:MAX_FORMS]


def _username(role: str) -> str:
    if role not in EXCHANGE_ROLES:
        return role
    from innobridge.exchange.demo import DEMO_ACCOUNTS

    found = [name for label, name, _ in DEMO_ACCOUNTS if label.startswith(EXCHANGE_ROLES[role])]
    assert found, f"the exchange demo seeded no {role}: {DEMO_ACCOUNTS}"
    return found[0]


@pytest.mark.slow
@pytest.mark.parametrize("username", ROLES)
def test_every_form_refuses_bad_input_without_5xx_or_half_writes(
    username: str, demo_world: None, db: Any
) -> None:
    from innobridge.people.models import Person

    username = _username(username)
    client = Client(raise_request_exception=False)
    client.force_login(Person.objects.get(username=username))
    started = time.monotonic()
    forms = _crawl(client)
    problems: list[str] = []
    posts = 0
    for action, form in forms:
        for label, data in _payloads(form["fields"]):
            before = _row_counts()
            response = client.post(action, data)
            posts += 1
            if response.status_code >= 500:
                problems.append(f"{action} [{label}]: {response.status_code}")
            elif response.status_code >= 400 or b"errorlist" in response.content:
                after = _row_counts()
                changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                if changed:
                    problems.append(f"{action} [{label}] {response.status_code} wrote {changed}")
            client.force_login(Person.objects.get(username=username))  # a form may log out
    print(f"\n{username}: {len(forms)} forms, {posts} posts in {time.monotonic() - started:.0f} s")
    assert forms, "no form found"
    assert not problems, "\n".join(problems)
