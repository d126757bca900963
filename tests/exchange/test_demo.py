"""The exchange demo: one round with results and stays in progress, one open; all demo;
idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest

from innobridge.exchange import demo
from innobridge.exchange.models import Application, Placement, Programme, Stay, StayState
from innobridge.people.models import Authorship, Organisation, Publication, ResearcherProfile

pytestmark = pytest.mark.django_db


def _population(make_person: Any) -> None:
    make_person("demo-officer", roles=("programme_officer",), is_demo=True)
    make_person("demo-reviewer", roles=("reviewer",), is_demo=True)
    n = 0
    for region, count in (("HK", 6), ("CN", 12)):
        for i in range(count):
            org = Organisation.objects.create(name=f"{region} Univ {i}", region=region)
            n += 1
            p = make_person(f"demo-{n:03d}", roles=("researcher",), is_demo=True)
            prof = ResearcherProfile.objects.create(person=p, organisation=org, region=region)
            pub = Publication.objects.create(
                title=f"Paper {n} on topic {i}", abstract="x", year=2024
            )
            Authorship.objects.create(researcher=prof, publication=pub)


def test_demo_seeds_both_programmes_and_is_idempotent(make_person: Any) -> None:
    _population(make_person)
    out = io.StringIO()
    demo.seed(out)
    assert "2 demo programmes" in out.getvalue(), out.getvalue()
    hksp = Programme.objects.get(title=demo.HKSP)
    gba = Programme.objects.get(title=demo.INTERNSHIP)
    assert hksp.is_demo and gba.is_demo
    assert {s.currency: s.amount for s in hksp.stipends.all()} == {"CNY": 360000, "HKD": 439200}
    assert hksp.max_age == 35 and hksp.max_years_since_phd == 3 and hksp.places == 60
    assert hksp.matching_runs.count() == 2
    assert Stay.objects.filter(state=StayState.ON_SITE).exists()
    assert all(a.is_demo for a in Application.objects.all())
    assert Placement.objects.filter(programme=gba, state="approved").exists()
    assert gba.direction == "HK>CN"
    counts = (Programme.objects.count(), Application.objects.count(), Stay.objects.count())
    demo.seed(io.StringIO())
    assert (Programme.objects.count(), Application.objects.count(), Stay.objects.count()) == counts
