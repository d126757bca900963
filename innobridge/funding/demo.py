"""Demo data for joint research: two demo funders (Hong Kong, HKD; Mainland, CNY), a joint
scheme and three rounds of its call, each at the stage its dates say:

* a DECIDED call of about fourteen months ago, whose proposals went through screening,
  engine-based reviewer assignment, reviews and both funders' decisions — one awarded (a
  project of eighteen months that started ten months ago: half-way report accepted, both
  instalments released, final report due), two not funded;
* a call that closed a month ago and is IN REVIEW (review deadline ahead): proposals out
  to reviewers (the demo reviewer invited), one with its reviews in and at the panel, the
  rest waiting for screening;
* an OPEN call with submitted proposals and the demo researcher's draft.

Every step goes through the services *as of its own day* (:func:`_as_of`), so dates,
audit log and notices tell one coherent story (tested over every demo call, proposal and
project in ``tests/funding/test_demo.py``). Funders, scheme and calls carry real-looking
names in English and Chinese; that they are demo data is their ``is_demo`` flag (a
"Demo" badge beside the name on pages, ``is_demo`` in the API), never a word in the name.

The people are the demo researchers of ``innobridge/people/demo.py`` (``Person.is_demo``)
and the role accounts; the proposals' titles and abstracts come from their (real)
publications. Idempotent: a second run finds the demo scheme and does nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TextIO
from unittest import mock

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from innobridge.core.permissions import Role
from innobridge.people.models import Person

from . import services
from .models import (
    AssignmentStatus,
    Call,
    Criterion,
    DecisionChoice,
    Funder,
    ProposalState,
    ReportRating,
    ReviewAssignment,
    Scheme,
)

SCHEME_NAME = "Mainland–Hong Kong Joint Research Scheme"
SCHEME_NAME_ZH = "內地與香港聯合研究計劃"
# What the demo scheme was called before the demo flag (a database seeded then is not
# seeded twice).
LEGACY_SCHEME_NAME = "Mainland–Hong Kong Joint Research Scheme (demo)"
FUNDERS = {
    "HK": ("Hong Kong Innovation Fund", "香港創新基金", "HKD"),
    "CN": ("Mainland Science Foundation", "内地科学基金", "CNY"),
}

# The story's days, counted from today (negative: in the past).
DECIDED = {
    "opens": -430,
    "submitted": -420,
    "closes": -370,
    "screened": -362,
    "invited": -358,
    "reviewed": -348,
    "review_deadline": -335,
    "panel": -333,
    "decided": -325,
    "accepted": -315,  # the project starts: 18 months, so the half-way report is due ~-42
    "report": -46,
    "rated": -39,
    "second_instalment": -35,
}
DECIDED_MONTHS = 18
IN_REVIEW = {
    "opens": -150,
    "submitted": -90,
    "closes": -30,
    "screened": -12,
    "invited": -8,
    "reviewed": -3,
    "panel": -2,
    "review_deadline": 25,
}
OPEN = {"opens": -20, "submitted": -3, "closes": 40, "review_deadline": 90}


# Per side: proposals of the decided call, reviewers (at least), proposals of the open call.
DECIDED_PROPOSALS = 3
MIN_REVIEWERS, MAX_REVIEWERS = 2, 5
MIN_OPEN, MAX_OPEN = 1, 5
MIN_PER_SIDE = DECIDED_PROPOSALS + MIN_REVIEWERS + MIN_OPEN


def _at(moment: dt.datetime, days: int, hour: int) -> dt.datetime:
    """A round Hong Kong time near ``moment``: ``days`` days later (or earlier) at
    ``hour``:00 — calls open at 09:00 and close at 17:00, as real calls do."""
    local = timezone.localtime(moment) + dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


_ROUNDS = [("first", "一"), ("second", "二"), ("third", "三"), ("fourth", "四")]


def _call_titles(*years: int) -> list[tuple[str, str]]:
    """(English, Chinese) titles of the demo's calls, opened in ``years`` (in order): each
    named after the year it opens in, with its round when several open in one year."""
    titles = []
    for i, year in enumerate(years):
        if years.count(year) == 1:
            titles.append((f"Joint Research Call {year}", f"{year}年聯合研究徵集"))
            continue
        en, zh = _ROUNDS[years[:i].count(year)]
        titles.append((f"Joint Research Call {year}, {en} round", f"{year}年第{zh}輪聯合研究徵集"))
    return titles


@contextmanager
def _as_of(moment: dt.datetime) -> Iterator[None]:
    """Run the services as if it were ``moment`` (a second later at each reading of the
    clock), so that what they stamp — submitted, screened, invited, reviewed, decided,
    started, released, the audit log and the notices — tells the demo's story in order.
    Only the demo loader does this; the services themselves always read the real clock."""
    ticks = itertools.count()
    with mock.patch.object(timezone, "now", lambda: moment + dt.timedelta(seconds=next(ticks))):
        yield


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
    call: Any,
    lead: Person,
    partner: Person,
    rng: random.Random,
    now: dt.datetime,
    submit: bool,
    months: int = 24,
) -> Any:
    p = services.create_proposal(lead, call, duration_months=months, now=now, **_topic(lead))
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
    if submit:  # a reading of the (demo's) clock after the proposal was created
        p = services.submit_proposal(lead, p, now=max(now, timezone.now()))
    return p


def seed(stdout: TextIO, *, seed: int = 2026) -> None:
    if Scheme.objects.filter(Q(is_demo=True) | Q(name=LEGACY_SCHEME_NAME)).exists():
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
    today = timezone.now()

    def day(offset: int, hour: int = 10) -> dt.datetime:
        return _at(today, offset, hour)

    funders: dict[str, Funder] = {}
    for side, (name, name_zh, currency) in FUNDERS.items():
        funders[side] = Funder.objects.create(
            name=name, name_zh=name_zh, side=side, currency=currency, is_demo=True
        )
        funders[side].officers.add(officer)
    hk_funder, cn_funder = funders["HK"], funders["CN"]
    with _as_of(day(DECIDED["opens"] - 30)):
        scheme = services.create_scheme(
            officer, name=SCHEME_NAME, name_zh=SCHEME_NAME_ZH, funders=[hk_funder, cn_funder]
        )
    Scheme.objects.filter(pk=scheme.pk).update(is_demo=True)
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
    # A call is named after the year it opens (never "Call 2025" opening in 2026); rounds
    # opening in one year are told apart.
    years = [timezone.localtime(day(s["opens"], 9)).year for s in (DECIDED, IN_REVIEW, OPEN)]
    titles = _call_titles(*years)

    def new_call(schedule: dict[str, int], title: tuple[str, str]) -> Any:
        with _as_of(day(schedule["opens"] - 7)):
            call = services.create_call(
                officer,
                scheme,
                title=title[0],
                title_zh=title[1],
                description=_DESCRIPTION,
                opens_at=day(schedule["opens"], 9),
                closes_at=day(schedule["closes"], 17),
                sides=sides,
                review_deadline=day(schedule["review_deadline"], 17),
            )
        Call.objects.filter(pk=call.pk).update(is_demo=True)
        call.is_demo = True
        return call

    # 1. the decided call (last year's round)
    decided = new_call(DECIDED, titles[0])
    n = DECIDED_PROPOSALS
    with _as_of(day(DECIDED["submitted"])):
        past = [
            _proposal(decided, hk[i], cn[i], rng, day(DECIDED["submitted"]), True, DECIDED_MONTHS)
            for i in range(n)
        ]
    # Reviewer pools: people free of conflicts with the decided call's teams (same
    # organisation, co-authorship), so the engine can give every proposal its reviewers;
    # at least two people a side are left to apply to this year's calls.
    pools: dict[str, list[Person]] = {}
    rest: dict[str, list[Person]] = {}
    for side, people in (("HK", hk[n:]), ("CN", cn[n:])):
        free = [r for r in people if not any(services.is_conflicted(p, r) for p in past)]
        chosen = free[: max(MIN_REVIEWERS, min(MAX_REVIEWERS, len(people) - 2))]
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
    with _as_of(day(DECIDED["screened"])):
        for p in past:
            services.screen_proposal(officer, p, eligible=True)
    with _as_of(day(DECIDED["invited"])):
        services.run_assignment(officer, decided, cross_border=False)
        services.send_invitations(officer, decided)
    with _as_of(day(DECIDED["reviewed"])):
        _review_all(decided, {past[0].pk: 5, past[1].pk: 3, past[2].pk: 4}, rng)
    with _as_of(day(DECIDED["panel"])):
        for p in past:
            p.refresh_from_db()
            services.move_to_panel(officer, p)
    with _as_of(day(DECIDED["decided"])):
        _decide(officer, past, hk_funder, cn_funder)
        decided.decided_at = timezone.now()
        decided.save(update_fields=["decided_at"])
    past[0].refresh_from_db()
    with _as_of(day(DECIDED["accepted"])):
        project = services.accept_award(past[0].lead, past[0].award)
        for d in project.disbursements.filter(depends_on__isnull=True):
            services.release_disbursement(officer, d)
    _run_project(officer, project, day)
    # 2. the call that closed a month ago, in review; 3. the open call
    n_cur = min(MAX_OPEN, len(rest["HK"]), len(rest["CN"]))
    pairs = list(zip(rest["HK"][:n_cur], rest["CN"][:n_cur], strict=True))
    review_pairs, open_pairs = pairs[: min(3, n_cur - 1)], pairs[max(0, min(3, n_cur - 1)) :]
    if review_pairs:
        _review_call(
            new_call(IN_REVIEW, titles[1]),
            officer,
            review_pairs,
            rng,
            demo_reviewer,
            demo_side,
            day,
        )
    else:  # a very small demo: no call in review, the decided one keeps its year's name
        decided_title = _call_titles(years[0], years[2])[0]
        Call.objects.filter(pk=decided.pk).update(title=decided_title[0], title_zh=decided_title[1])
    open_call = new_call(OPEN, titles[2])
    with _as_of(day(OPEN["submitted"])):
        for lead, partner in open_pairs:
            _proposal(open_call, lead, partner, rng, day(OPEN["submitted"]), True)
    spare = rest["CN"][n_cur:]
    if (
        researcher is not None
        and getattr(researcher, "researcher_profile", None) is not None
        and spare
    ):
        try:
            with transaction.atomic():
                _proposal(open_call, researcher, spare[0], rng, timezone.now(), False)
        except ValidationError as exc:  # e.g. a demo account without organisation
            stdout.write(f"funding: no draft for demo-researcher ({' '.join(exc.messages)})\n")
    stdout.write(
        "funding: demo scheme, a decided call with a project, "
        f"a call in review with {len(review_pairs)} proposals, "
        f"an open call with {len(open_pairs)} submitted proposals\n"
    )


_DESCRIPTION = (
    "Joint projects by a Hong Kong and a Mainland team. The Hong Kong team applies to "
    "the Hong Kong funder (HKD) and the Mainland team to the Mainland funder (CNY); a "
    "project is funded only when both funders support it."
)


def _review_all(call: Any, base: dict[int, int], rng: random.Random) -> None:
    """Every invited reviewer of ``call`` accepts and reviews (scores near ``base``)."""
    for a in ReviewAssignment.objects.filter(
        proposal__call=call, proposal_id__in=base, status=AssignmentStatus.INVITED
    ).select_related("funder"):
        services.respond_assignment(a.reviewer, a, accept=True)
        crits = Criterion.objects.filter(call=call, funder=a.funder)
        scores = {
            c.pk: max(1, min(c.max_score, base[a.proposal_id] - rng.randint(0, 1))) for c in crits
        }
        services.submit_review(
            a.reviewer, a, scores=scores, comments="Clear objectives and a complementary team."
        )


def _decide(officer: Person, past: list[Any], hk_funder: Funder, cn_funder: Funder) -> None:
    """Both funders decide every proposal of the decided call: one joint award, two not
    funded (one of them supported on one side only)."""
    fund, no = DecisionChoice.FUND, DecisionChoice.NOT_FUND
    for proposal, (hk, hk_why), (cn, cn_why) in (
        (
            past[0],
            (fund, "Excellent science and a strong partnership."),
            (fund, "Highly ranked by the Mainland panel."),
        ),
        (
            past[1],
            (fund, "Good proposal."),
            (no, "Ranked below the funding line on the Mainland side."),
        ),
        (
            past[2],
            (no, "Ranked below the funding line on the Hong Kong side."),
            (no, "The work plan does not show how the two teams will work together."),
        ),
    ):
        services.record_decision(officer, proposal, hk_funder, decision=hk, reasons=hk_why)
        services.record_decision(officer, proposal, cn_funder, decision=cn, reasons=cn_why)


def _run_project(officer: Person, project: Any, day: Any) -> None:
    """The funded project's first ten months: the half-way report (due about six weeks
    ago) submitted before its date and accepted, the second instalments released."""
    milestone = project.milestones.filter(is_final=False).order_by("due_date").first()
    if milestone is None or milestone.due_date > timezone.localdate():
        return
    with _as_of(day(DECIDED["report"])):
        report = services.submit_report(
            project.proposal.lead,
            project,
            milestone=milestone,
            summary="Half-way report: the joint data set is collected and shared between "
            "the Hong Kong and Shenzhen laboratories; the first joint paper is under review; "
            "two research students exchanged for three months each.",
        )
    with _as_of(day(DECIDED["rated"])):
        services.rate_report(officer, report, rating=ReportRating.SATISFACTORY)
    with _as_of(day(DECIDED["second_instalment"])):
        for d in project.disbursements.filter(depends_on=milestone):
            services.release_disbursement(officer, d)


def _review_call(
    call: Any,
    officer: Person,
    pairs: list[tuple[Person, Person]],
    rng: random.Random,
    demo_reviewer: Person | None,
    demo_side: str,
    day: Any,
) -> None:
    """The call that closed a month ago: its proposals submitted while it was open; all
    but the last screened and out to reviewers (the demo reviewer invited), one of them
    with its reviews in and at the panel; the last still waiting for screening."""
    with _as_of(day(IN_REVIEW["submitted"])):
        props = [
            _proposal(call, lead, partner, rng, day(IN_REVIEW["submitted"]), True)
            for lead, partner in pairs
        ]
    to_screen = props[:-1] if len(props) >= 2 else props
    try:
        with transaction.atomic():
            _in_review(officer, call, to_screen, demo_reviewer, demo_side, day)
    except ValidationError:
        return  # e.g. a tiny pool: the proposals wait for screening
    if len(to_screen) < 2:
        return
    mine = set(
        ReviewAssignment.objects.filter(proposal__call=call, reviewer=demo_reviewer).values_list(
            "proposal_id", flat=True
        )
    )
    # one proposal's reviews all in early; the demo reviewer keeps an invitation elsewhere
    early = next((p for p in to_screen if p.pk not in mine), None)
    if early is None and len(mine) >= 2:
        early = to_screen[-1]
    if early is None:
        return
    with _as_of(day(IN_REVIEW["reviewed"])):
        _review_all(call, {early.pk: 4}, rng)
    early.refresh_from_db()
    if early.state == ProposalState.IN_REVIEW:
        with _as_of(day(IN_REVIEW["panel"])):
            services.move_to_panel(officer, early)


def _in_review(
    officer: Person,
    call: Any,
    proposals: list[Any],
    demo_reviewer: Person | None,
    demo_side: str,
    day: Any,
) -> None:
    with _as_of(day(IN_REVIEW["screened"])):
        for p in proposals:
            services.screen_proposal(officer, p, eligible=True)
    with _as_of(day(IN_REVIEW["invited"])):
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
