"""The demo seeder: facilities at real host organisations, tariffs, a month of bookings
that respect every invariant; re-running adds nothing."""

from __future__ import annotations

import io
from typing import Any

from innobridge.facilities import demo
from innobridge.facilities.models import Booking, Facility, Resource, Tariff
from innobridge.people.models import Organisation, Person, ResearcherProfile


def test_demo_seed_is_idempotent(db: Any) -> None:
    hosts = {spec["org"] for spec in demo.FACILITIES}
    orgs = {}
    for i, name in enumerate(sorted(hosts)):
        region = "HK" if "Hong Kong" in name else "CN"
        orgs[name] = Organisation.objects.create(name=name, region=region, city=f"City{i}")
    for i in range(6):
        p = Person.objects.create(username=f"demo-{i:03d}", is_demo=True)
        org = list(orgs.values())[i % len(orgs)]
        ResearcherProfile.objects.create(person=p, organisation=org, region=org.region)
    out = io.StringIO()
    demo.seed(out, seed=7)
    assert Facility.objects.count() == len(demo.FACILITIES)
    assert Resource.objects.count() == sum(len(s["resources"]) for s in demo.FACILITIES)
    assert (
        Tariff.objects.filter(category="mainland_academic", currency="CNY").count()
        == Resource.objects.count()
    )
    n = Booking.objects.count()
    assert n > 20
    demo.seed(out, seed=7)
    assert Booking.objects.count() == n
    assert "new bookings" in out.getvalue()
