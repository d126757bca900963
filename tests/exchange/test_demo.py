"""The exchange demo: one round with results and stays in progress, one open; all demo;
idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest

from innobridge.exchange import demo
from innobridge.exchange.models import Application, Placement, Programme, Stay, StayState
from innobridge.people.models import (
    Authorship,
    Organisation,
    Person,
    Publication,
    ResearcherProfile,
)

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


def test_the_demo_exchange_roles_can_be_walked(make_person: Any, client: Any) -> None:
    """Applicants and hosts had no password and the referee's link could not be reached:
    the demo now gives the applicant with an offer, a fellow and their host the demo
    password, lists them with the other accounts, and prints a referee's upload link."""
    from urllib.parse import urlsplit

    from django.core.management.base import OutputWrapper

    from innobridge.core.management.commands.demo import Command
    from innobridge.exchange.models import Offer, Referee

    _population(make_person)
    demo.seed(io.StringIO())
    accounts = {label: username for label, username, _ in demo.DEMO_ACCOUNTS}
    assert {password for _, _, password in demo.DEMO_ACCOUNTS} == {demo.DEMO_PASSWORD}
    applicant = accounts["Exchange applicant (offer to answer)"]
    assert Offer.objects.filter(application__applicant__username=applicant, state="sent")
    fellow, host = (
        accounts["Exchange fellow (stay under way)"],
        accounts["Exchange host (supervisor)"],
    )
    assert Stay.objects.filter(
        application__applicant__username=fellow, placement__supervisor__username=host
    )
    for username in (applicant, fellow, host, "demo-coordinator"):
        person = Person.objects.get(username=username)
        assert person.is_demo and person.check_password(demo.DEMO_PASSWORD), username
    [(label, url)] = demo.DEMO_LINKS
    assert "referee" in label.lower()
    page = client.get(urlsplit(url).path)
    assert page.status_code == 200 and 'type="file"' in page.content.decode()
    assert Referee.objects.filter(application__is_demo=True).exists()

    out = io.StringIO()
    command = Command()
    command.stdout = OutputWrapper(out)
    command.print_accounts("127.0.0.1", 8000)
    printed = out.getvalue()
    assert all(name in printed for name in (applicant, fellow, host)) and url in printed

    demo.seed(io.StringIO())  # a re-run keeps the logins and gives a fresh referee link
    assert {u for _, u, _ in demo.DEMO_ACCOUNTS} == set(accounts.values())
    [(_, again)] = demo.DEMO_LINKS
    assert again != url and client.get(urlsplit(again).path).status_code == 200
