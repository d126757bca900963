"""Fixtures for exchanges: a Mainland → Hong Kong postdoc programme modelled on the Hong
Kong Scholars Program (dates around today), two Hong Kong placements, an officer, a
coordinator on each side, a Mainland applicant with a profile, a reviewer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    programme: Any
    officer: Any
    hku: Any
    cuhk: Any
    zju: Any
    hk_coordinator: Any
    cn_coordinator: Any
    supervisor: Any
    supervisor2: Any
    p1: Any
    p2: Any
    applicant: Any
    reviewer: Any
    outsider: Any


@pytest.fixture
def world(db: Any, make_person: Any) -> World:
    from innobridge.core.permissions import Role
    from innobridge.exchange import services
    from innobridge.people.models import ResearcherProfile
    from tests.factories import organisation

    hku = organisation(ror_id="02zhqgq86", name="The University of Hong Kong", region="HK")
    cuhk = organisation(ror_id="00t33hh48", name="Chinese University of Hong Kong", region="HK")
    zju = organisation(ror_id="00a2xv884", name="Zhejiang University", region="CN")
    officer = make_person("officer", roles=(Role.PROGRAMME_OFFICER,))
    admin = make_person("admin", roles=(Role.ADMINISTRATOR,))
    hk_coord = make_person("hkcoord")
    cn_coord = make_person("cncoord")
    services.add_coordinator(admin, hk_coord, hku)
    services.add_coordinator(admin, hk_coord, cuhk)
    services.add_coordinator(admin, cn_coord, zju)
    sup = make_person("supervisor", roles=(Role.RESEARCHER,))
    sup2 = make_person("supervisor2", roles=(Role.RESEARCHER,))
    ResearcherProfile.objects.create(person=sup, organisation=hku, region="HK")
    ResearcherProfile.objects.create(person=sup2, organisation=cuhk, region="HK")
    applicant = make_person("postdoc", roles=(Role.RESEARCHER,))
    ResearcherProfile.objects.create(
        person=applicant, organisation=zju, region="CN", keywords=["graph neural networks"]
    )
    reviewer = make_person("reviewer", roles=(Role.REVIEWER,))
    ResearcherProfile.objects.create(person=reviewer, organisation=cuhk, region="HK")
    outsider = make_person("outsider", roles=(Role.RESEARCHER,))
    today = timezone.localdate()
    programme = services.create_programme(
        officer,
        title="Hong Kong Scholars Program (test)",
        kind="postdoc",
        direction="CN>HK",
        places=60,
        min_months=24,
        max_months=24,
        max_preferences=2,
        referees_required=1,
        reply_days=14,
        placements_open=today - dt.timedelta(days=30),
        applications_open=today - dt.timedelta(days=5),
        applications_close=today + dt.timedelta(days=20),
        review_until=today + dt.timedelta(days=40),
        results_on=today + dt.timedelta(days=50),
        earliest_start=today + dt.timedelta(days=90),
        max_age=35,
        max_years_since_phd=3,
        phd_required=True,
        nomination_required=True,
    )
    services.add_stipend(
        officer,
        programme,
        paid_by="CN",
        currency="CNY",
        amount=Decimal("360000"),
        schedule=["arrival", "mid_term", "final"],
    )
    services.add_stipend(
        officer,
        programme,
        paid_by="HK",
        currency="HKD",
        amount=Decimal("439200"),
        schedule=["arrival", "final"],
    )
    services.add_checklist_step(
        officer,
        programme,
        host_region="HK",
        title="Entry permit for Mainland talents",
        days_before_arrival=60,
    )
    services.add_criterion(officer, programme, name="Research record", weight=Decimal(2))
    services.add_criterion(officer, programme, name="Fit with the host", weight=Decimal(1))
    p1 = services.propose_placement(
        sup,
        programme,
        title="Graph neural networks for proteins",
        organisation=hku,
        months=24,
        seats=1,
    )
    p2 = services.propose_placement(
        sup2, programme, title="Robust machine translation", organisation=cuhk, months=24, seats=1
    )
    services.move_placement(hk_coord, p1, "approve")
    services.move_placement(hk_coord, p2, "approve")
    return World(
        programme,
        officer,
        hku,
        cuhk,
        zju,
        hk_coord,
        cn_coord,
        sup,
        sup2,
        p1,
        p2,
        applicant,
        reviewer,
        outsider,
    )


@pytest.fixture
def named_world(world: World) -> World:
    """The world whose organisations are found by their Chinese names and acronyms too
    (the organisation box's tests): 浙江大學 / ZJU, 香港大學 / HKU."""
    from tests.factories import named

    named(world.zju, name_zh="浙江大學", acronyms=["ZJU"])
    named(world.hku, name_zh="香港大學", acronyms=["HKU"])
    return world


def draft(w: World, person: Any = None, **extra: Any) -> Any:
    from innobridge.exchange import services

    today = timezone.localdate()
    fields = dict(
        statement="I work on graph neural networks for protein structure.",
        birth_date=today.replace(year=today.year - 30),
        phd_date=today.replace(year=today.year - 1),
        career_stage="early",
        home_region="CN",
        home_organisation=w.zju,
        languages=["en", "zh-hans"],
        public_consent=True,
    )
    fields.update(extra)
    return services.start_application(person or w.applicant, w.programme, **fields)


def submitted(w: World, person: Any = None, prefs: tuple[Any, ...] = (), **extra: Any) -> Any:
    from innobridge.exchange import services

    person = person or w.applicant
    app = draft(w, person, **extra)
    services.set_preferences(person, app, [p.pk for p in (prefs or (w.p1, w.p2))])
    services.invite_referee(person, app, name="Prof. Ref", email=f"ref-{person.pk}@example.org")
    services.submit_application(person, app)
    return app


def shortlisted(w: World, person: Any = None, score: int = 4, **extra: Any) -> Any:
    from innobridge.exchange import services

    app = submitted(w, person, **extra)
    services.nominate(w.cn_coordinator, app, yes=True)
    review = services.assign_reviewer(w.officer, app, w.reviewer)
    crit = list(w.programme.rubric.all())
    services.submit_review(w.reviewer, review, scores={str(c.pk): score for c in crit})
    services.shortlist(w.officer, app, yes=True)
    app.refresh_from_db()
    return app


def accepted_stay(w: World) -> Any:
    """The shortlisted applicant matched (stable run), offered a place and accepting it:
    their stay."""
    from innobridge.exchange import services

    shortlisted(w)
    run = services.run_matching(w.officer, w.programme, "stable")
    services.choose_run(w.officer, run)
    [offer] = services.send_offers(w.officer, run)
    return services.accept_offer(w.applicant, offer)
