"""Screenshots of the pages issue #11 names, for its closing note.

Run against a served demo (``innobridge demo``, or the same database served by
``manage.py runserver``) with the same ``DATABASE_URL``, so that the script can look up
the demo's ids::

    DATABASE_URL=... .venv/bin/python scripts/screenshots_issue11.py --base http://127.0.0.1:8000

The "before" set is taken the same way from the commit the issue was filed against
(``1bccb59``), served from its own worktree and database, with ``--before``: the files get
a ``before-`` prefix, the ids are looked up with that checkout's models (``--code``), and a
page that did not exist then (the introduction request) is replaced by what a user saw in
its place (the partner's profile, which had no contact step)::

    INNOBRIDGE_VAR_DIR=/tmp/before-var .venv/bin/python scripts/screenshots_issue11.py \
        --before --code /tmp/before --base http://127.0.0.1:8412

It drives Debian's Chromium (``/usr/bin/chromium``, headless; nothing is downloaded) with
Playwright, logs in as the demo accounts, and saves each page at desktop width (1280 px)
and, where the issue speaks of phones, at 390 px, into ``docs/screenshots/issue-11/``.
Each PNG is reduced to a 128-colour palette (Pillow) to keep the set small. Every run
records its files with the page's measured width (at 390 px the page fits when its scroll
width is 390) in ``shots.json``, and ``README.md`` beside them pairs each page's before and
after shots by the issue's sections.
"""

from __future__ import annotations

import argparse
import io
import json
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
SET_LANGUAGE = """lang => {
  const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
  const form = document.createElement('form');
  form.method = 'post';
  form.action = '/i18n/setlang/';
  for (const [name, value] of [['csrfmiddlewaretoken', token], ['language', lang],
                               ['next', '/']]) {
    const input = document.createElement('input');
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""
PHONE = {"width": 390, "height": 844}


@dataclass
class Shot:
    name: str  # file stem
    what: str  # the page, as the issue names it
    user: str | None  # demo account, None: logged out
    lang: str  # en | zh-hant | zh-hans
    path: Callable[[], str]  # the address, looked up in the demo's database
    sections: str  # the sections the page shows
    phone: bool = True  # also at 390 px
    prepare: Callable[[Any], None] | None = None  # acts on the page before the shot
    before: str = ""  # what the "before" shot shows when the page did not exist then


def _ids(code: Path = ROOT) -> dict[str, Any]:
    """The demo objects the pages show (from the database the server uses), looked up with
    the models of ``code`` (the checkout being shot); the queries use only fields that the
    models of both states of the issue have."""
    sys.path.insert(0, str(code))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
    import django

    django.setup()
    from innobridge.facilities.models import Facility, Resource
    from innobridge.funding.models import Call, Proposal, ProposalState
    from innobridge.people.models import Person

    researcher = Person.objects.get(username="demo-researcher")
    draft = Proposal.objects.filter(lead=researcher, state=ProposalState.DRAFT).first()
    call = Call.objects.order_by("-opens_at").first()  # the open call
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
        "partner_profile": partner.researcher_profile.pk if partner else None,
    }


def shots(ids: dict[str, Any], *, before: bool = False) -> list[Shot]:
    def search(page: Any) -> None:
        page.wait_for_load_state("networkidle")
        results = page.locator("#partner-results, [data-testid='partner-results']").first
        if results.count():
            results.scroll_into_view_if_needed()

    def booking_form(page: Any) -> None:
        # the form and its date field (blank in the Chinese UIs before the fix)
        date = page.locator("form input[name=date]").first
        if date.count():
            date.evaluate("e => e.scrollIntoView({block: 'center'})")

    introduction = (
        f"/people/researchers/{ids['partner_profile']}/"
        if before
        else f"/people/introductions/new/{ids['partner']}/"
    )
    return [
        Shot("home-logged-out", "home page, logged out", None, "en", lambda: "/", "§6"),
        Shot(
            "home-logged-in",
            "home page, logged in (researcher)",
            "demo-researcher",
            "en",
            lambda: "/",
            "§6",
        ),
        Shot(
            "partner-search",
            "partner search (Traditional Chinese query 量子糾纏, both regions)",
            "demo-researcher",
            "en",
            lambda: "/people/partners/?q=量子糾纏&region=HK&region=CN",
            "§1, §2",
            prepare=search,
        ),
        Shot(
            "introduction-request",
            "request an introduction to a partner found",
            "demo-researcher",
            "en",
            lambda: introduction,
            "§1",
            before="the page did not exist: the Mainland partner's profile, where a search "
            "hit led, with no contact step",
        ),
        Shot(
            "facility-booking-zh-hant",
            "facility booking (繁體中文), scrolled to the booking form",
            "demo-researcher",
            "zh-hant",
            lambda: f"/facilities/r/{ids['resource']}/",
            "§3, §4",
            prepare=booking_form,
        ),
        Shot(
            "call-zh-hans",
            "a call page (简体中文)",
            None,
            "zh-hans",
            lambda: f"/funding/calls/{ids['call']}/",
            "§4, §7, §8",
        ),
        Shot(
            "proposal-editor",
            "the proposal editor (the researcher's draft)",
            "demo-researcher",
            "en",
            lambda: f"/funding/proposals/{ids['draft']}/",
            "§5",
        ),
        Shot(
            "facility-manager",
            "the manager's facility page",
            "demo-facility",
            "en",
            lambda: f"/facilities/manage/f/{ids['facility']}/",
            "§7",
        ),
        Shot("not-found", "a 404", None, "zh-hant", lambda: "/no-such-page/", "§6"),
    ]


def optimise(png: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def take(
    base: str,
    out: Path,
    *,
    prefix: str = "",
    code: Path = ROOT,
    before: bool = False,
    only: tuple[str, ...] = (),
) -> list[tuple[str, Shot, str, int]]:
    from playwright.sync_api import sync_playwright

    ids = _ids(code)
    out.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, Shot, str, int]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for shot in shots(ids, before=before):
            if only and shot.name not in only:
                continue
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
                    # signing in restores the account's language over the cookie: choose
                    # the shot's language as a user does (the switch's own form, posted)
                    with page.expect_navigation():
                        page.evaluate(SET_LANGUAGE, shot.lang)
                # partner search embeds the query with the model: slow on a loaded machine
                page.goto(shot.path(), timeout=300_000)
                if shot.prepare:
                    shot.prepare(page)
                width = int(page.evaluate("document.documentElement.scrollWidth"))
                file = f"{prefix}{shot.name}-{label}.png"
                (out / file).write_bytes(optimise(page.screenshot(full_page=False)))
                rows.append((file, shot, label, width))
                print(f"{file}: {width} px wide")
                context.close()
        browser.close()
    return rows


def record(
    out: Path,
    rows: list[tuple[str, Shot, str, int]],
    *,
    before: bool,
    notes: dict[str, str] | None = None,
) -> None:
    """Add this run's files to ``shots.json`` (file → page width, what it shows, and a
    note on the state of the run, e.g. an index still being built)."""
    index = out / "shots.json"
    known = json.loads(index.read_text(encoding="utf-8")) if index.exists() else {}
    for file, shot, _label, width in rows:
        shows = shot.before if before and shot.before else ""
        note = (notes or {}).get(shot.name, "")
        known[file] = {"width": width, "shows": "; ".join(t for t in (shows, note) if t)}
    index.write_text(json.dumps(known, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_index(out: Path, commit: str) -> None:
    """README.md: each page's before and after shots side by side, by the issue's sections."""
    known = json.loads((out / "shots.json").read_text(encoding="utf-8"))
    lines = [
        "# Issue 11: before and after",
        "",
        "Taken by `scripts/screenshots_issue11.py` with Chromium (headless, 1× scale, the "
        "viewport only: 1280×900 or 390×844, 128-colour PNG). *Before*: commit "
        f"`{commit}` (the state the issue was filed against), its own demo (`innobridge "
        "demo`) and database, served from a temporary worktree, with `--before`. *After*: "
        "this branch's demo with the researcher index built (`innobridge demo --no-serve`, "
        "which builds it). The width in brackets is the page's scroll width: at 390 px a "
        "page fits the phone when it is 390.",
        "",
        "| issue § | page | language | viewport | before | after |",
        "|---|---|---|---|---|---|",
    ]
    notes: list[str] = []
    for shot in shots({k: 0 for k in ("partner", "partner_profile")}):
        for label in ("desktop", "390"):
            after, before = f"{shot.name}-{label}.png", f"before-{shot.name}-{label}.png"

            def cell(file: str) -> str:
                row = known.get(file)
                return f"`{file}` ({row['width']} px)" if row else "—"

            lines.append(
                f"| {shot.sections} | {shot.what} | {shot.lang} | {label} | "
                f"{cell(before)} | {cell(after)} |"
            )
            for when, file in (("before", before), ("after", after)):
                shows = known.get(file, {}).get("shows")
                if shows and label == "desktop":
                    notes.append(f"- *{shot.what}*, {when}: {shows}.")
    if notes:
        lines += ["", *notes]
    lines += [
        "",
        "Sections 8 and 9 name no single page: the call page shows §8's names and demo "
        "badges; the officer's pages (demo timeline, badges, exports, award, requests for "
        "more information) are checked in a browser by `tests/e2e/test_demo_data.py` and "
        "`tests/e2e/test_funding_officer_tools.py`.",
    ]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the served demo")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--before",
        action="store_true",
        help="the site is the state the issue was filed against: files get a 'before-' "
        "prefix, and pages that did not exist then show what a user saw in their place",
    )
    parser.add_argument(
        "--prefix", default=None, help="file name prefix (default: 'before-' with --before)"
    )
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="the checkout whose models look up the demo's ids (the one being served)",
    )
    parser.add_argument("--commit", default="1bccb59", help="the 'before' commit, for README")
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        metavar="NAME=TEXT",
        help="a note on one page's shots in this run (README), e.g. partner-search=...",
    )
    parser.add_argument("--only", action="append", default=[], help="retake this page only")
    args = parser.parse_args()
    prefix = args.prefix if args.prefix is not None else ("before-" if args.before else "")
    rows = take(
        args.base.rstrip("/"),
        args.out,
        prefix=prefix,
        code=args.code,
        before=args.before,
        only=tuple(args.only),
    )
    notes = dict(n.split("=", 1) for n in args.note)
    record(args.out, rows, before=args.before, notes=notes)
    write_index(args.out, args.commit)
    total = sum((args.out / f).stat().st_size for f, *_ in rows)
    print(f"{len(rows)} screenshots, {total / 1e6:.2f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
