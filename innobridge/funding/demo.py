"""Demo data for joint research: two demo funders (Hong Kong, HKD; Mainland, CNY), a joint
scheme, an OPEN call with submitted proposals (and a draft of the demo researcher), and a
DECIDED call whose proposals went through screening, engine-based reviewer assignment,
reviews and both funders' decisions — one awarded (now a project with an accepted
progress report and a released instalment), one not funded.

Everything goes through the services (so the audit log shows the story). The people are
the demo researchers of ``innobridge/people/demo.py`` (``Person.is_demo``) and the role
accounts; the proposals' titles and abstracts come from their (real) publications.
Idempotent: a second run finds the demo scheme and does nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TextIO

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from innobridge.core.permissions import Role
from innobridge.people.models import Person

from . import services
from .models import (
    AssignmentStatus,
    Criterion,
    DecisionChoice,
    Funder,
    ReportRating,
    ReviewAssignment,
    Scheme,
)

SCHEME_NAME = "Mainland–Hong Kong Joint Research Scheme (demo)"


# Per side: proposals of the decided call, reviewers (at least), proposals of the open call.
DECIDED_PROPOSALS = 3
MIN_REVIEWERS, MAX_REVIEWERS = 2, 5
MIN_OPEN, MAX_OPEN = 1, 4
MIN_PER_SIDE = DECIDED_PROPOSALS + MIN_REVIEWERS + MIN_OPEN


def _at(moment: dt.datetime, days: int, hour: int) -> dt.datetime:
    """A round Hong Kong time near ``moment``: ``days`` days later (or earlier) at
    ``hour``:00 — calls open at 09:00 and close at 17:00, as real calls do."""
    local = timezone.localtime(moment) + dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _call_titles(first: int, second: int) -> list[tuple[str, str]]:
    """(English, Chinese) titles of the demo's two calls, opened in years ``first`` and
    ``second``: each named after its own year, with its round when both open in one year."""
    if first != second:
        return [
            (f"Joint Research Call {first} (demo)", f"{first}年聯合研究徵集（示範）"),
            (f"Joint Research Call {second} (demo)", f"{second}年聯合研究徵集（示範）"),
        ]
    return [
        (
            f"Joint Research Call {first}, first round (demo)",
            f"{first}年第一輪聯合研究徵集（示範）",
        ),
        (
            f"Joint Research Call {first}, second round (demo)",
            f"{first}年第二輪聯合研究徵集（示範）",
        ),
    ]


def _role_usernames() -> list[str]:
    """The people demo's role accounts (demo-officer, demo-researcher, …): not drawn as
    applicants or reviewers (the demo researchers themselves are demo-001, demo-002…)."""
    try:
        from innobridge.people.demo import ROLE_ACCOUNTS
    except ImportError:  # pragma: no cover - the people demo is part of the project
        return ["demo-admin", "demo-officer", "demo-researcher", "demo-reviewer"]
    return ["demo-admin", *(a[1] for a in ROLE_ACCOUNTS)]


def _researchers(region: str) -> list[Person]:
    return list(
        Person.objects.filter(
            is_demo=True,
            researcher_profile__region=region,
            researcher_profile__organisation__isnull=False,
            researcher_profile__organisation__region=region,
        )
        .exclude(username__in=_role_usernames())
        .select_related("researcher_profile__organisation")
        .order_by("pk")
    )


def _topic(person: Person) -> dict[str, Any]:
    pub = person.researcher_profile.publications.order_by("-year", "pk").first()
    kws = list(person.researcher_profile.keywords or [])[:5]
    if pub is None:
        return {"title_en": f"Joint research on {', '.join(kws) or 'innovation'}", "keywords": kws}
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in pub.title)
    key = "zh" if zh else "en"
    return {
        f"title_{key}": pub.title[:290],
        f"abstract_{key}": (pub.abstract or pub.title)[:2000],
        "keywords": kws,
    }


def _proposal(
    call: Any, lead: Person, partner: Person, rng: random.Random, now: dt.datetime, submit: bool
) -> Any:
    p = services.create_proposal(lead, call, duration_months=24, now=now, **_topic(lead))
    m = services.invite_member(lead, p, partner, now=now)
    services.respond_invitation(partner, m, accept=True, now=now)
    for cs in call.sides.all():
        share = rng.choice([0.4, 0.55, 0.7, 0.85])
        amount = (cs.project_cap * Decimal(str(share))).quantize(Decimal("1000"))
        services.add_budget_line(
            lead,
            p,
            side=cs.side,
            category="staff",
            amount=amount / 2,
            description="Research staff",
            now=now,
        )
        services.add_budget_line(
            lead,
            p,
            side=cs.side,
            category="equipment",
            amount=amount / 2,
            description="Equipment",
            now=now,
        )
    if submit:
        p = services.submit_proposal(lead, p, now=now)
    return p


def seed(stdout: TextIO, *, seed: int = 2026) -> None:
    if Scheme.objects.filter(name=SCHEME_NAME).exists():
        stdout.write("funding: demo scheme already present\n")
        return
    officer = Person.objects.filter(username="demo-officer").first()
    researcher = Person.objects.filter(username="demo-researcher").first()
    demo_reviewer = Person.objects.filter(username="demo-reviewer").first()
    hk, cn = _researchers("HK"), _researchers("CN")
    if officer is None or len(hk) < MIN_PER_SIDE or len(cn) < MIN_PER_SIDE:
        stdout.write(
            f"funding: not enough demo people (found demo-officer: {officer is not None}, "
            f"{len(hk)} Hong Kong and {len(cn)} Mainland demo researchers with an "
            f"organisation; {MIN_PER_SIDE} per side needed — run the people demo first); "
            "skipped\n"
        )
        return
    rng = random.Random(seed)
    rng.shuffle(hk)
    rng.shuffle(cn)
    try:
        # the story's notifications stay in the app: no e-mail to the demo addresses
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),  # all or nothing: a re-run after a failure starts clean
        ):
            _seed(stdout, officer, researcher, demo_reviewer, hk, cn, rng)
    except ValidationError as exc:
        stdout.write(f"funding: the demo could not be seeded: {' '.join(exc.messages)}\n")


def _seed(
    stdout: TextIO,
    officer: Person,
    researcher: Person | None,
    demo_reviewer: Person | None,
    hk: list[Person],
    cn: list[Person],
    rng: random.Random,
) -> None:
    reviewer_group = Group.objects.get(name=Role.REVIEWER)
    hk_funder = Funder.objects.create(
        name="Hong Kong Innovation Fund (demo)",
        name_zh="香港創新基金（示範）",
        side="HK",
        currency="HKD",
    )
    cn_funder = Funder.objects.create(
        name="Mainland Science Foundation (demo)",
        name_zh="内地科学基金（示范）",
        side="CN",
        currency="CNY",
    )
    for f in (hk_funder, cn_funder):
        f.officers.add(officer)
    scheme = services.create_scheme(
        officer,
        name=SCHEME_NAME,
        name_zh="內地與香港聯合研究計劃（示範）",
        funders=[hk_funder, cn_funder],
    )
    now = timezone.now()
    sides = [
        {
            "funder": hk_funder,
            "budget": "6000000",
            "project_cap": "1500000",
            "reviewers_per_proposal": 2,
            "max_reviewer_load": 4,
        },
        {
            "funder": cn_funder,
            "budget": "5000000",
            "project_cap": "1200000",
            "reviewers_per_proposal": 2,
            "max_reviewer_load": 4,
        },
    ]
    description = (
        "Joint projects by a Hong Kong and a Mainland team. The Hong Kong team applies to "
        "the Hong Kong funder (HKD) and the Mainland team to the Mainland funder (CNY); a "
        "project is funded only when both funders support it."
    )
    # 1. a decided call (last year's round)
    opened = now - dt.timedelta(days=200)
    reopened = now - dt.timedelta(days=20)
    # A call is named after the year it opens (never "Call 2025" opening in 2026); two
    # rounds in one year are told apart.
    titles = _call_titles(_at(opened, -1, 9).year, _at(reopened, -1, 9).year)
    decided = services.create_call(
        officer,
        scheme,
        title=titles[0][0],
        title_zh=titles[0][1],
        description=description,
        opens_at=_at(opened, -1, 9),
        closes_at=_at(opened + dt.timedelta(days=60), 1, 17),
        sides=sides,
        review_deadline=now + dt.timedelta(days=30),
    )
    during = opened + dt.timedelta(days=10)
    n = DECIDED_PROPOSALS
    past = [_proposal(decided, hk[i], cn[i], rng, during, True) for i in range(n)]
    # Reviewer pools: people free of conflicts with the decided call's teams (same
    # organisation, co-authorship), so the engine can give every proposal its reviewers.
    pools: dict[str, list[Person]] = {}
    rest: dict[str, list[Person]] = {}
    for side, people in (("HK", hk[n:]), ("CN", cn[n:])):
        free = [r for r in people if not any(services.is_conflicted(p, r) for p in past)]
        chosen = free[:MAX_REVIEWERS]
        if len(chosen) < MIN_REVIEWERS:  # a very small demo: take whoever is left
            chosen = (chosen + [r for r in people if r not in chosen])[:MIN_REVIEWERS]
        pools[side] = chosen
        rest[side] = [r for r in people if r not in chosen]
    demo_side = ""
    if demo_reviewer is not None and getattr(demo_reviewer, "researcher_profile", None):
        # in the pool (the engine keeps them off proposals they are conflicted with)
        demo_side = "CN" if demo_reviewer.researcher_profile.region == "CN" else "HK"
        pools[demo_side].append(demo_reviewer)
    for p in pools["HK"] + pools["CN"]:
        p.groups.add(reviewer_group)
    hk_funder.reviewer_pool.add(*pools["HK"])
    cn_funder.reviewer_pool.add(*pools["CN"])
    for p in past:
        services.screen_proposal(officer, p, eligible=True)
    services.run_assignment(officer, decided, cross_border=False)
    services.send_invitations(officer, decided)
    for a in ReviewAssignment.objects.filter(
        proposal__call=decided, status=AssignmentStatus.INVITED
    ).select_related("funder"):
        services.respond_assignment(a.reviewer, a, accept=True)
        crits = Criterion.objects.filter(call=decided, funder=a.funder)
        base = {past[0].pk: 5, past[1].pk: 3, past[2].pk: 4}[a.proposal_id]
        scores = {c.pk: max(1, min(c.max_score, base - rng.randint(0, 1))) for c in crits}
        services.submit_review(
            a.reviewer, a, scores=scores, comments="Clear objectives and a complementary team."
        )
    for p in past:
        p.refresh_from_db()
        services.move_to_panel(officer, p)
    services.record_decision(
        officer,
        past[0],
        hk_funder,
        decision=DecisionChoice.FUND,
        reasons="Excellent science and a strong partnership.",
    )
    services.record_decision(
        officer,
        past[0],
        cn_funder,
        decision=DecisionChoice.FUND,
        reasons="Highly ranked by the Mainland panel.",
    )
    services.record_decision(
        officer, past[1], hk_funder, decision=DecisionChoice.FUND, reasons="Good proposal."
    )
    services.record_decision(
        officer,
        past[1],
        cn_funder,
        decision=DecisionChoice.NOT_FUND,
        reasons="Ranked below the funding line on the Mainland side.",
    )
    past[0].refresh_from_db()
    project = services.accept_award(past[0].lead, past[0].award)
    milestone = project.milestones.order_by("due_date").first()
    assert milestone is not None  # every project has its final report
    report = services.submit_report(
        past[0].lead,
        project,
        milestone=milestone,
        # the project starts on the day its award is accepted: an inception report, not
        # a six-month one
        summary="Inception report: kick-off meeting held in Shenzhen; both teams agreed the "
        "work plan and the data-sharing arrangements.",
    )
    services.rate_report(officer, report, rating=ReportRating.SATISFACTORY)
    for d in project.disbursements.filter(depends_on__isnull=True):
        services.release_disbursement(officer, d)
    # the third proposal stays at the panel (one funder still to decide)
    services.record_decision(
        officer, past[2], hk_funder, decision=DecisionChoice.FUND, reasons="Promising."
    )
    decided.decided_at = now
    decided.save(update_fields=["decided_at"])
    # 2. an open call with submitted proposals
    open_call = services.create_call(
        officer,
        scheme,
        title=titles[1][0],
        title_zh=titles[1][1],
        description=description,
        opens_at=_at(reopened, -1, 9),
        closes_at=_at(now + dt.timedelta(days=40), 1, 17),
        sides=sides,
        review_deadline=now + dt.timedelta(days=90),
    )
    n_open = min(MAX_OPEN, len(rest["HK"]), len(rest["CN"]))
    current = [
        _proposal(open_call, rest["HK"][i], rest["CN"][i], rng, now, True) for i in range(n_open)
    ]
    # half of them screened and out to reviewers (the demo reviewer among them), the rest
    # waiting for the officer's screening
    try:
        if n_open >= 2:
            with transaction.atomic():
                _in_review(officer, open_call, current[: n_open // 2], demo_reviewer, demo_side)
    except ValidationError as exc:
        stdout.write(f"funding: open call not sent to review ({' '.join(exc.messages)})\n")
    spare = rest["CN"][n_open:]
    if (
        researcher is not None
        and getattr(researcher, "researcher_profile", None) is not None
        and spare
    ):
        try:
            with transaction.atomic():
                _proposal(open_call, researcher, spare[0], rng, now, False)
        except ValidationError as exc:  # e.g. a demo account without organisation
            stdout.write(f"funding: no draft for demo-researcher ({' '.join(exc.messages)})\n")
    stdout.write(
        "funding: demo scheme, a decided call with a project, "
        f"an open call with {n_open} submitted proposals (some out to reviewers)\n"
    )


def _in_review(
    officer: Person,
    call: Any,
    proposals: list[Any],
    demo_reviewer: Person | None,
    demo_side: str,
) -> None:
    for p in proposals:
        services.screen_proposal(officer, p, eligible=True)
    services.run_assignment(officer, call)
    if demo_reviewer is not None and demo_side:
        funder = call.sides.get(side=demo_side).funder
        for p in proposals:
            p.refresh_from_db()
            taken = p.assignments.filter(reviewer=demo_reviewer).exists()
            if not taken and not services.is_conflicted(p, demo_reviewer):
                services.assign_by_hand(officer, p, demo_reviewer, funder)
                break
    services.send_invitations(officer, call)
