"""Screenshots of the pages issue #11 names, for its closing note.

Run against a served demo (``innobridge demo``, or the same database served by
``manage.py runserver``) with the same ``DATABASE_URL``, so that the script can look up
the demo's ids::

    DATABASE_URL=... .venv/bin/python scripts/screenshots_issue11.py --base http://127.0.0.1:8000

It drives Debian's Chromium (``/usr/bin/chromium``, headless; nothing is downloaded) with
Playwright, logs in as the demo accounts, and saves each page at desktop width (1280 px)
and, where the issue speaks of phones, at 390 px, into ``docs/screenshots/issue-11/``.
Each PNG is reduced to a 256-colour palette (Pillow) to keep the set small. A
``README.md`` beside them lists every file with the page, the language, and the page's
measured width (at 390 px the page fits when its scroll width is 390).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots" / "issue-11"
CHROMIUM = os.environ.get("INNOBRIDGE_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "innobridge-demo"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class Shot:
    name: str  # file stem
    what: str  # the page, as the issue names it
    user: str | None  # demo account, None: logged out
    lang: str  # en | zh-hant | zh-hans
    path: Callable[[], str]  # the address, looked up in the demo's database
    phone: bool = True  # also at 390 px
    prepare: Callable[[Any], None] | None = None  # acts on the page before the shot


def _ids() -> dict[str, Any]:
    """The demo objects the pages show (from the database the server uses)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
    import django

    django.setup()
    from innobridge.facilities.models import Facility, Resource
    from innobridge.funding.models import Call, Proposal, ProposalState
    from innobridge.people.models import Person

    researcher = Person.objects.get(username="demo-researcher")
    draft = Proposal.objects.filter(lead=researcher, state=ProposalState.DRAFT).first()
    call = Call.objects.filter(is_demo=True).order_by("-opens_at").first()
    manager = Person.objects.get(username="demo-facility")
    facility = Facility.objects.filter(managers=manager).order_by("pk").first()
    resource = Resource.objects.filter(facility=facility).order_by("pk").first()
    partner = (
        Person.objects.filter(is_demo=True, researcher_profile__region="CN")
        .exclude(username__in=["demo-reviewer"])
        .order_by("pk")
        .first()
    )
    return {
        "call": call.pk if call else None,
        "draft": draft.pk if draft else None,
        "facility": facility.pk if facility else None,
        "resource": resource.pk if resource else None,
        "partner": partner.pk if partner else None,
    }


def shots(ids: dict[str, Any]) -> list[Shot]:
    def search(page: Any) -> None:
        page.wait_for_load_state("networkidle")

    return [
        Shot("home-logged-out", "home page, logged out", None, "en", lambda: "/"),
        Shot(
            "home-logged-in",
            "home page, logged in (researcher)",
            "demo-researcher",
            "en",
            lambda: "/",
        ),
        Shot(
            "partner-search",
            "partner search (Traditional Chinese query, both regions)",
            "demo-researcher",
            "en",
            lambda: "/people/partners/?q=量子糾纏&region=HK&region=CN",
            prepare=search,
        ),
        Shot(
            "introduction-request",
            "request an introduction to a partner found",
            "demo-researcher",
            "en",
            lambda: f"/people/introductions/new/{ids['partner']}/",
        ),
        Shot(
            "facility-booking-zh-hant",
            "facility booking (繁體中文)",
            "demo-researcher",
            "zh-hant",
            lambda: f"/facilities/r/{ids['resource']}/",
        ),
        Shot(
            "call-zh-hans",
            "a call page (简体中文)",
            None,
            "zh-hans",
            lambda: f"/funding/calls/{ids['call']}/",
        ),
        Shot(
            "proposal-editor",
            "the proposal editor (the researcher's draft)",
            "demo-researcher",
            "en",
            lambda: f"/funding/proposals/{ids['draft']}/",
        ),
        Shot(
            "facility-manager",
            "the manager's facility page",
            "demo-facility",
            "en",
            lambda: f"/facilities/manage/f/{ids['facility']}/",
        ),
        Shot("not-found", "a 404", None, "zh-hant", lambda: "/no-such-page/"),
    ]


def optimise(png: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def take(base: str, out: Path) -> list[tuple[str, Shot, str, int]]:
    from playwright.sync_api import sync_playwright

    ids = _ids()
    out.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, Shot, str, int]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for shot in shots(ids):
            for label, viewport in (("desktop", DESKTOP), ("390", PHONE)):
                if label == "390" and not shot.phone:
                    continue
                context = browser.new_context(
                    base_url=base,
                    viewport=viewport,
                    device_scale_factor=1,
                    timezone_id="Asia/Hong_Kong",
                    locale={"en": "en-GB", "zh-hant": "zh-HK", "zh-hans": "zh-CN"}[shot.lang],
                )
                context.set_default_timeout(60_000)
                host = base.split("://", 1)[1].split("/", 1)[0].split(":")[0]
                context.add_cookies(
                    [
                        {
                            "name": "innobridge_language",
                            "value": shot.lang,
                            "domain": host,
                            "path": "/",
                        }
                    ]
                )
                page = context.new_page()
                if shot.user:
                    page.goto("/accounts/login/")
                    page.fill("input[name=username]", shot.user)
                    page.fill("input[name=password]", PASSWORD)
                    page.locator(
                        "main form button[type=submit], main form input[type=submit]"
                    ).first.click()
                    page.wait_for_load_state()
                # partner search embeds the query with the model: slow on a loaded machine
                page.goto(shot.path(), timeout=300_000)
                if shot.prepare:
                    shot.prepare(page)
                width = int(page.evaluate("document.documentElement.scrollWidth"))
                file = f"{shot.name}-{label}.png"
                (out / file).write_bytes(optimise(page.screenshot(full_page=False)))
                rows.append((file, shot, label, width))
                print(f"{file}: {width} px wide")
                context.close()
        browser.close()
    return rows


def write_index(out: Path, rows: list[tuple[str, Shot, str, int]]) -> None:
    lines = [
        "# Issue 11: screenshots",
        "",
        "Taken by `scripts/screenshots_issue11.py` on the demo (`innobridge demo`), "
        "Chromium headless; the viewport only (1280×900 or 390×844). *Page width* is the "
        "page's scroll width: at 390 px a page fits the phone when it is 390.",
        "",
        "| file | page | language | viewport | page width |",
        "|---|---|---|---|---|",
    ]
    for file, shot, label, width in rows:
        lines.append(f"| `{file}` | {shot.what} | {shot.lang} | {label} | {width} px |")
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the served demo")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = take(args.base.rstrip("/"), args.out)
    write_index(args.out, rows)
    total = sum((args.out / f).stat().st_size for f, *_ in rows)
    print(f"{len(rows)} screenshots, {total / 1e6:.2f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
