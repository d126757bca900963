"""Demo data for exchanges (marked demo), built through the services so every step is
audited like real use:

* **Hong Kong Scholars Program (demo)** — modelled on the 2026 terms of 香江学者计划:
  Mainland postdocs to Hong Kong supervisors, 2 years, at most 60 places, RMB 360,000 +
  HK$439,200 per fellow, age ≤ 35, PhD within 3 years, nomination by the home unit. The
  real programme lets an applicant apply for one position; the demo lets them rank three
  so the matching can be seen. This round has results: both matchings run, offers
  accepted, stays under way.
* **Greater Bay Area Youth Research Internship (demo)** — the other direction (Hong Kong
  students to Mainland labs), open for applications now.

Placements are posted by demo researchers at their real (ROR) organisations, on the topic
of their latest real publication; applicants are demo researchers. Idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, When
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from innobridge.core.permissions import Role
from innobridge.people.models import Person

from . import services
from .models import Offer as ExchangeOffer
from .models import OfferState, Programme, Referee, RefereeState, Stay, StayState

HKSP = "Hong Kong Scholars Program (demo)"
INTERNSHIP = "Greater Bay Area Youth Research Internship (demo)"
DEMO_PASSWORD = "innobridge-demo"
COORDINATOR_ACCOUNT = ("Institution coordinator (exchanges)", "demo-coordinator", DEMO_PASSWORD)
# What ``innobridge demo`` prints: the coordinator and (set by ``seed``, see ``_demo_logins``)
# an applicant with an offer to answer, a fellow on a stay and their host — demo researchers
# given the demo password so that a visitor can walk those roles. Demo only.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [COORDINATOR_ACCOUNT]
# (label, address) printed after the accounts: a demo referee's upload link (no account).
DEMO_LINKS: list[tuple[str, str]] = []
ROLE_USERNAMES = {
    "demo-admin",
    "demo-officer",
    "demo-researcher",
    "demo-reviewer",
    "demo-coordinator",
    "demo-manager",
    "demo-enterprise",
}


def _researchers(region: str) -> list[Person]:
    return list(
        Person.objects.filter(
            is_demo=True,
            researcher_profile__region=region,
            researcher_profile__organisation__region=region,
        )
        .exclude(username__in=ROLE_USERNAMES)
        .select_related("researcher_profile__organisation")
        .order_by("pk")
    )


def _topic(person: Person) -> tuple[str, str]:
    pub = person.researcher_profile.publications.order_by("-year", "pk").first()
    if pub is None:
        kws = ", ".join(person.researcher_profile.keywords or []) or "Joint research"
        return kws[:300], ""
    return pub.title[:300], (pub.abstract or "")[:2000]


def _coordinator(orgs: list[Any]) -> Person:
    from django.contrib.auth.models import Group

    person, created = Person.objects.get_or_create(
        username="demo-coordinator",
        defaults={
            "display_name": "張敏儀 (demo coordinator)",
            "is_demo": True,
            "email": "demo-coordinator@example.org",
        },
    )
    if created:
        person.set_password(DEMO_PASSWORD)
        person.save()
    person.groups.add(Group.objects.get_or_create(name=Role.INSTITUTION_COORDINATOR)[0])
    return person


def seed(stdout: TextIO, *, seed: int = 2026) -> None:
    if Programme.objects.filter(title=HKSP).exists():
        stdout.write("exchange: demo programmes already present\n")
        _demo_logins()
        return
    officer = Person.objects.filter(username="demo-officer").first()
    hk, cn = _researchers("HK"), _researchers("CN")
    if officer is None or len(hk) < 3 or len(cn) < 4:
        stdout.write(
            f"exchange: not enough demo people ({len(hk)} HK, {len(cn)} Mainland); skipped\n"
        )
        return
    rng = random.Random(seed)
    try:
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            _seed(stdout, officer, officer, hk, cn, rng)
    except ValidationError as exc:
        stdout.write(f"exchange: the demo could not be seeded: {' '.join(exc.messages)}\n")
        return
    _demo_logins()


def _demo_logins() -> None:
    """Let a visitor walk the exchange roles: the first round's applicant with an offer to
    answer, a fellow on a stay (on site if one is) and the fellow's host get the demo
    password and are listed in ``DEMO_ACCOUNTS``; an invited referee of a demo application
    gets a fresh link (sent again through the service, so audited) in ``DEMO_LINKS``."""
    DEMO_ACCOUNTS[:] = [COORDINATOR_ACCOUNT]
    DEMO_LINKS.clear()
    hksp = Programme.objects.filter(title=HKSP, is_demo=True).first()
    if hksp is None:
        return
    mine = {"placement__programme": hksp, "application__is_demo": True}
    roles: list[tuple[str, Person]] = []
    offer = ExchangeOffer.objects.filter(state=OfferState.SENT, **mine).order_by("pk").first()
    if offer is not None:
        roles.append(("Exchange applicant (offer to answer)", offer.application.applicant))
    stay = (
        Stay.objects.filter(**mine)
        .order_by(Case(When(state=StayState.ON_SITE, then=0), default=1), "pk")
        .first()
    )
    if stay is not None:
        roles.append(("Exchange fellow (stay under way)", stay.application.applicant))
        roles.append(("Exchange host (supervisor)", stay.placement.supervisor))
    for label, person in roles:
        if not person.is_demo:  # only demo people get the published demo password
            continue
        if not person.check_password(DEMO_PASSWORD):
            person.set_password(DEMO_PASSWORD)
            person.save(update_fields=["password"])
        DEMO_ACCOUNTS.append((label, person.username, DEMO_PASSWORD))
    referee = (
        Referee.objects.filter(
            application__programme=hksp,
            application__is_demo=True,
            state=RefereeState.INVITED,
        )
        .select_related("application__applicant")
        .order_by("pk")
        .first()
    )
    if referee is not None:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            token = services.resend_invitation(referee.application.applicant, referee)
        url = f"{settings.SITE_URL}{reverse('exchange:referee_upload', args=[token])}"
        DEMO_LINKS.append(("Exchange referee (no account; upload a letter)", url))


def _open_dates(today: dt.date) -> dict[str, dt.date]:
    return {
        "placements_open": today - dt.timedelta(days=30),
        "applications_open": today - dt.timedelta(days=10),
        "applications_close": today + dt.timedelta(days=45),
        "review_until": today + dt.timedelta(days=75),
        "results_on": today + dt.timedelta(days=90),
        "earliest_start": today + dt.timedelta(days=120),
    }


def _seed(
    stdout: TextIO,
    officer: Person,
    admin: Person,
    hk: list[Person],
    cn: list[Person],
    rng: random.Random,
) -> None:
    today = timezone.localdate()
    coord = _coordinator([])
    for person in hk + cn:
        services.add_coordinator(admin, coord, person.researcher_profile.organisation)
    hksp = services.create_programme(
        officer,
        title=HKSP,
        title_zh="香江学者计划（演示）",
        kind="postdoc",
        direction="CN>HK",
        places=60,
        min_months=24,
        max_months=24,
        max_preferences=3,
        referees_required=1,
        reply_days=14,
        max_age=35,
        max_years_since_phd=3,
        phd_required=True,
        nomination_required=True,
        is_demo=True,
        description=(
            "Modelled on the 2026 Hong Kong Scholars Program: Mainland postdocs work two years "
            "under a Hong Kong supervisor; RMB 360,000 from the Mainland and HK$439,200 from "
            "the host per fellow; at most 60 places; age 35 or under and PhD within about "
            "three years; nomination by the home unit. Demo data."
        ),
        **_open_dates(today),
    )
    services.add_stipend(
        officer,
        hksp,
        paid_by="CN",
        currency="CNY",
        amount=Decimal("360000"),
        schedule=["arrival", "mid_term", "final"],
    )
    services.add_stipend(
        officer,
        hksp,
        paid_by="HK",
        currency="HKD",
        amount=Decimal("439200"),
        schedule=["arrival", "mid_term", "final"],
    )
    for title, days in [
        ("Entry permit for talents (Hong Kong Immigration Department)", 60),
        ("Exit-entry permit with the talent endorsement (Mainland)", 45),
        ("Arrival check-in with the host's HR office", -3),
    ]:
        services.add_checklist_step(
            officer, hksp, host_region="HK", title=title, days_before_arrival=days
        )
    services.add_criterion(officer, hksp, name="Research record", weight=Decimal(2))
    services.add_criterion(officer, hksp, name="Fit with the host", weight=Decimal(1))
    placements = []
    for sup in hk[:6]:
        title, abstract = _topic(sup)
        p = services.propose_placement(
            sup,
            hksp,
            title=title,
            description=abstract,
            months=24,
            seats=rng.choice([1, 1, 2]),
            organisation=sup.researcher_profile.organisation,
            is_demo=True,
        )
        services.move_placement(coord, p, "approve")
        placements.append(p)
    reviewer = Person.objects.filter(username="demo-reviewer").first()
    applicants = cn[:8]
    for k, person in enumerate(applicants):
        title, abstract = _topic(person)
        app = services.start_application(
            person,
            hksp,
            statement=f"{title}. {abstract}"[:3000],
            birth_date=today.replace(year=today.year - 29 - k % 5, day=1),
            phd_date=today.replace(year=today.year - 1 - k % 2, day=1),
            career_stage="early",
            home_region="CN",
            home_organisation=person.researcher_profile.organisation,
            languages=["en", "zh-hans"],
            public_consent=k % 3 != 2,
            is_demo=True,
        )
        services.set_preferences(person, app, [p.pk for p in rng.sample(placements, 3)])
        services.invite_referee(person, app, name="Demo referee", email=f"referee-{k}@example.org")
        services.submit_application(person, app)
        services.nominate(coord, app, yes=True)
        if reviewer is not None and not services.conflicts(reviewer, app):
            review = services.assign_reviewer(officer, app, reviewer)
            crit = list(hksp.rubric.all())
            services.submit_review(
                reviewer, review, scores={str(c.pk): rng.randint(2, 5) for c in crit}
            )
        services.shortlist(officer, app, yes=True)
    services.run_matching(officer, hksp, "stable")
    services.run_matching(officer, hksp, "optimal")
    stable = hksp.matching_runs.get(method="stable")
    services.choose_run(officer, stable)
    offers = services.send_offers(officer, stable)
    for k, offer in enumerate(offers):
        fellow = offer.application.applicant
        if k == len(offers) - 1:
            continue  # one offer still awaiting a reply
        stay = services.accept_offer(fellow, offer)
        services.move_stay(offer.placement.supervisor, stay, "host_accept")
        if k % 2 == 0:
            services.move_stay(fellow, stay, "start_permits")
            services.move_stay(offer.placement.supervisor, stay, "arrive")
    # The round is over: its dates move to the past, as a finished round's are.
    services.update_programme(
        officer, hksp, **{k: v - dt.timedelta(days=150) for k, v in _open_dates(today).items()}
    )

    gba = services.create_programme(
        officer,
        title=INTERNSHIP,
        title_zh="大湾区青年科研实习计划（演示）",
        kind="internship",
        direction="HK>CN",
        places=30,
        min_months=2,
        max_months=6,
        max_preferences=3,
        referees_required=1,
        reply_days=10,
        career_stages=["student"],
        is_demo=True,
        description=(
            "Hong Kong research students spend two to six months in a Mainland lab. Demo data."
        ),
        **_open_dates(today),
    )
    services.add_stipend(
        officer,
        gba,
        paid_by="HK",
        currency="HKD",
        amount=Decimal("30000"),
        schedule=["arrival", "final"],
    )
    services.add_stipend(
        officer, gba, paid_by="CN", currency="CNY", amount=Decimal("12000"), schedule=["final"]
    )
    services.add_checklist_step(
        officer,
        gba,
        host_region="CN",
        title="Home Return Permit valid for the whole stay",
        days_before_arrival=30,
    )
    for sup in cn[8:12] or cn[:3]:
        title, abstract = _topic(sup)
        p = services.propose_placement(
            sup,
            gba,
            title=title,
            description=abstract,
            months=3,
            seats=2,
            organisation=sup.researcher_profile.organisation,
            is_demo=True,
        )
        services.move_placement(coord, p, "approve")
    stdout.write(
        f"exchange: 2 demo programmes, {len(placements)} placements and "
        f"{len(applicants)} applications in the first round\n"
    )
