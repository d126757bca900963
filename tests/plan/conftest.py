"""Fixtures of the plan tests: a demo-like world made by the pillars' own demo seeders
(people, funding, facilities, transfer, exchange) through their services, and accounts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

needs_data = pytest.mark.skipif(
    not (Path(django_settings.DATA_DIR) / "csl").exists(),
    reason="settings.DATA_DIR has no csl/ (the people demo's papers)",
)


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TRANSFER_STRONG_MATCH = 0.3


@pytest.fixture
def officer(make_person: Any) -> Any:
    return make_person("plan-officer", roles=("programme_officer",))


@pytest.fixture
def researcher(make_person: Any) -> Any:
    return make_person("plan-researcher", roles=("researcher",))


@pytest.fixture
def demo_world(db: Any) -> dict[str, Any]:
    """Every pillar's demo, seeded as ``innobridge demo`` does (a tenth of the people)."""
    from innobridge.core.services import set_exchange_rate
    from innobridge.exchange import demo as exchange_demo
    from innobridge.facilities import demo as facilities_demo
    from innobridge.funding import demo as funding_demo
    from innobridge.people import demo as people_demo
    from innobridge.people.models import Organisation
    from innobridge.transfer import demo as transfer_demo

    cities = {"HK": "Hong Kong", "CN": "Shenzhen"}
    for ror, zh in {**people_demo.HK_INSTITUTIONS, **people_demo.MAINLAND_INSTITUTIONS}.items():
        region = "HK" if ror in people_demo.HK_INSTITUTIONS else "CN"
        Organisation.objects.create(
            ror_id=ror, name=f"Org {ror}", name_zh=zh, region=region, city=cities[region]
        )
    for spec in facilities_demo.FACILITIES:
        name = spec["org"]
        region = "HK" if "Hong Kong" in name else "CN"
        Organisation.objects.get_or_create(
            name=name, defaults={"region": region, "city": cities[region]}
        )
    Organisation.objects.create(name="Universidade de Macau", region="MO", city="Macao")
    out = io.StringIO()
    people_demo.seed_role_accounts()
    people_demo.seed_researchers(scale=0.1)
    for module in (funding_demo, facilities_demo, transfer_demo, exchange_demo):
        module.seed(out)
    set_exchange_rate(
        "test", base="CNY", quote="HKD", rate=Decimal("1.08"), valid_from=dt.date(2020, 1, 1)
    )
    return {"log": out.getvalue()}
