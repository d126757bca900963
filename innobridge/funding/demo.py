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
from django.utils import timezone

from innobridge.core.permissions import Role
from innobridge.people.models import Person

from . import services
from .models import Criterion, Funder, ReviewAssignment, Scheme

SCHEME_NAME = "Mainland–Hong Kong Joint Research Scheme (demo)"


def _researchers(region: str) -> list[Person]:
    return list(
        Person.objects.filter(
            is_demo=True,
            researcher_profile__region=region,
            researcher_profile__organisation__isnull=False,
            researcher_profile__organisation__region=region,
        )
        .exclude(username__startswith="demo-")
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
    if officer is None or len(hk) < 13 or len(cn) < 13:
        stdout.write("funding: not enough demo people (run the people demo first); skipped\n")
        return
    rng = random.Random(seed)
    rng.shuffle(hk)
    rng.shuffle(cn)
    with transaction.atomic():
        _seed(stdout, officer, researcher, demo_reviewer, hk, cn, rng)


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
    pool_hk, pool_cn = hk[:5], cn[:5]
    if demo_reviewer is not None:
        rp = getattr(demo_reviewer, "researcher_profile", None)
        (pool_cn if rp is not None and rp.region == "CN" else pool_hk).append(demo_reviewer)
    for p in pool_hk + pool_cn:
        p.groups.add(reviewer_group)
    hk_funder.reviewer_pool.add(*pool_hk)
    cn_funder.reviewer_pool.add(*pool_cn)
    applicants_hk, applicants_cn = hk[5:], cn[5:]
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
    decided = services.create_call(
        officer,
        scheme,
        title="Joint Research Call 2025 (demo)",
        title_zh="2025年聯合研究徵集（示範）",
        description=description,
        opens_at=opened,
        closes_at=opened + dt.timedelta(days=60),
        sides=sides,
        review_deadline=now + dt.timedelta(days=30),
    )
    during = opened + dt.timedelta(days=10)
    past = [
        _proposal(decided, applicants_hk[i], applicants_cn[i], rng, during, True) for i in range(3)
    ]
    for p in past:
        services.screen_proposal(officer, p, eligible=True)
    services.run_assignment(officer, decided, cross_border=False)
    services.send_invitations(officer, decided)
    for a in ReviewAssignment.objects.filter(
        proposal__call=decided, status="invited"
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
        decision="fund",
        reasons="Excellent science and a strong partnership.",
    )
    services.record_decision(
        officer, past[0], cn_funder, decision="fund", reasons="Highly ranked by the Mainland panel."
    )
    services.record_decision(officer, past[1], hk_funder, decision="fund", reasons="Good proposal.")
    services.record_decision(
        officer,
        past[1],
        cn_funder,
        decision="not_fund",
        reasons="Ranked below the funding line on the Mainland side.",
    )
    past[0].refresh_from_db()
    project = past[0].project
    milestone = project.milestones.order_by("due_date").first()
    report = services.submit_report(
        past[0].lead,
        project,
        milestone=milestone,
        summary="First six months: prototype built, joint workshop held in Shenzhen.",
    )
    services.rate_report(officer, report, rating="satisfactory")
    for d in project.disbursements.filter(depends_on__isnull=True):
        services.release_disbursement(officer, d)
    # the third proposal stays at the panel (one funder still to decide)
    services.record_decision(officer, past[2], hk_funder, decision="fund", reasons="Promising.")
    decided.decided_at = now
    decided.save(update_fields=["decided_at"])
    # 2. an open call with submitted proposals
    open_call = services.create_call(
        officer,
        scheme,
        title="Joint Research Call 2026 (demo)",
        title_zh="2026年聯合研究徵集（示範）",
        description=description,
        opens_at=now - dt.timedelta(days=20),
        closes_at=now + dt.timedelta(days=40),
        sides=sides,
        review_deadline=now + dt.timedelta(days=90),
    )
    for i in range(3, 7):
        _proposal(open_call, applicants_hk[i], applicants_cn[i], rng, now, True)
    if researcher is not None and getattr(researcher, "researcher_profile", None) is not None:
        try:
            _proposal(open_call, researcher, applicants_cn[7], rng, now, False)
        except ValidationError as exc:  # e.g. a demo account without organisation
            stdout.write(f"funding: no draft for demo-researcher ({exc})\n")
    stdout.write(
        "funding: demo scheme, a decided call with a project, "
        "an open call with 4 submitted proposals\n"
    )
