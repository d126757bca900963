"""Fixtures of the transfer tests: a Hong Kong university with its TTO, a Shenzhen
company and a second enterprise, a platform officer, and factories for offers and
demands made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The tests' small hashed-bag-of-words embedder scores on its own scale: the "strong"
    # level that pushes a match is set for it (the real model's is calibrated).
    from innobridge.matching import levels

    for kind in ("query", "passage"):
        monkeypatch.setitem(levels.THRESHOLDS, kind, levels.Thresholds(strong=0.3, possible=0.2))
    from innobridge.transfer import matching

    matching.reset_for_tests()


@pytest.fixture
def hku(db: Any) -> Any:
    from innobridge.people.models import Organisation

    return Organisation.objects.create(
        name="The University of Hong Kong",
        name_zh="香港大學",
        region="HK",
        primary_type="education",
    )


@pytest.fixture
def shenzhen_co(db: Any) -> Any:
    from innobridge.people.models import Organisation

    return Organisation.objects.create(
        name="Shenzhen Bright Electronics Co., Ltd.",
        name_zh="深圳明亮电子有限公司",
        region="CN",
        city="Shenzhen",
        primary_type="company",
    )


@pytest.fixture
def other_co(db: Any) -> Any:
    from innobridge.people.models import Organisation

    return Organisation.objects.create(
        name="Kowloon Devices Ltd", region="HK", primary_type="company"
    )


@pytest.fixture
def people(make_person: Any, hku: Any, shenzhen_co: Any, other_co: Any) -> dict[str, Any]:
    from innobridge.transfer.services import add_membership

    p = {
        "researcher": make_person("ada", roles=("researcher",)),
        "tto": make_person("tina", roles=()),
        "officer": make_person("olga", roles=("programme_officer",)),
        "ent": make_person("eric", roles=("enterprise",), preferred_language="zh-hans"),
        "ent2": make_person("emma", roles=("enterprise",)),
        "stranger": make_person("sam", roles=("researcher",)),
    }
    add_membership(None, p["tto"], hku, "tto")
    add_membership(None, p["ent"], shenzhen_co, "enterprise")
    add_membership(None, p["ent2"], other_co, "enterprise")
    return p


def offer_data(**over: Any) -> dict[str, Any]:
    data = {
        "title": "Flexible perovskite solar cell with a self-healing encapsulation",
        "summary": "A thin-film photovoltaic cell whose encapsulation heals micro-cracks, "
        "keeping efficiency after bending.",
        "problem": "Flexible solar cells lose efficiency when bent repeatedly.",
        "benefit_value": Decimal("35"),
        "benefit_unit": "% more efficiency retained after 10,000 bends",
        "benefit_compared_with": "commercial flexible CIGS modules",
        "commercial_route": "Licence to module makers for wearable and building-integrated PV.",
        "sectors": ["energy", "materials"],
        "keywords": ["perovskite", "photovoltaic", "solar cell"],
        "ip_type": "granted_patent",
        "trl": 4,
        "trl_evidence": "Lab cells tested for 1,000 hours.",
        "stage": "lab",
        "modes": ["non_exclusive", "exclusive"],
        "confidential_text": "The healing polymer is a disulfide-bonded polyurethane, 12 wt%.",
    }
    data.update(over)
    return data


INVENTORS = [{"name": "Ada Lee", "share": "60"}, {"name": "Bo Chan", "share": "40"}]
PATENTS = [{"number": "HK1234567", "jurisdiction": "HK", "status": "granted"}]


@pytest.fixture
def make_offer(people: Any, hku: Any) -> Any:
    from innobridge.transfer.services import create_offer, move_offer

    def make(publish: bool = True, **over: Any) -> Any:
        offer = create_offer(
            people["tto"], owner=hku, data=offer_data(**over), inventors=INVENTORS, patents=PATENTS
        )
        if publish:
            offer = move_offer(people["tto"], offer, "submit")
            offer = move_offer(people["officer"], offer, "publish")
        return offer

    return make


def demand_data(**over: Any) -> dict[str, Any]:
    data = {
        "title": "柔性太阳能电池在弯折后保持效率",
        "problem": "我们的可穿戴设备需要柔性太阳能电池，弯折一万次后效率下降太多。",
        "current_solution": "目前使用柔性CIGS组件，弯折后效率损失超过30%。",
        "target_spec": "弯折10000次后效率保持在初始值的90%以上",
        "target_value": Decimal("90"),
        "target_unit": "%",
        "constraints": "厚度小于0.5毫米",
        "budget_min": Decimal("500000"),
        "budget_max": Decimal("2000000"),
        "currency": "CNY",
        "deadline": dt.date(2027, 6, 30),
        "region": "CN",
        "sector": "energy",
        "preferred_mode": "licence",
        "is_anonymous": True,
        "anonymous_description": "一家深圳电子制造商",
        "language": "zh-hans",
    }
    data.update(over)
    return data


@pytest.fixture
def make_demand(people: Any, shenzhen_co: Any) -> Any:
    from innobridge.transfer.services import post_demand, triage_demand

    def make(publish: bool = True, **over: Any) -> Any:
        d = post_demand(people["ent"], organisation=shenzhen_co, data=demand_data(**over))
        if publish:
            d = triage_demand(people["officer"], d, "publish")
        return d

    return make


@pytest.fixture
def nda(people: Any, hku: Any) -> Any:
    from innobridge.transfer.services import publish_nda

    return publish_nda(
        people["tto"],
        hku,
        text_en="Keep it confidential.",
        text_zh_hant="保密。",
        text_zh_hans="保密。",
    )
