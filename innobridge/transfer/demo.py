"""Demo data of the transfer app (idempotent; run by ``innobridge demo``).

* Real offers: records of NASA's technology-transfer licensing portfolio (snapshot
  2014-10-31, ``$INNOBRIDGE_DATA_DIR/patents/patents.jsonl``), published under their real
  owner, NASA, with what the record states (title, abstract, patent number, category) —
  no benefit, TRL or inventor is invented for them.
* Demo offers of the demo researchers, built from their own (real) publications and
  marked demo like the researchers; one of them under an open licence at a published fee.
* Generated demo demands (marked demo) in English, 繁體中文 and 简体中文 from two demo
  companies, and deals at every stage: an interest, an accepted NDA, a negotiation with a
  term sheet, a signed licence and an open licence taken in one step.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from innobridge.core.permissions import Role
from innobridge.core.workflow import SYSTEM
from innobridge.people.models import Organisation, Person, ResearcherProfile
from innobridge.people.services import organisation_search_text

from . import services
from .models import Deal, DealState, Demand, MembershipKind, Offer

DEMO_PASSWORD = "innobridge-demo"
TTO_USERNAME = "demo-tto"
ENTERPRISE_USERNAME = "demo-enterprise"
ENTERPRISE2_USERNAME = "demo-enterprise-2"
OFFICER_USERNAME = "demo-officer"
NASA_SOURCE = "NASA technology-transfer portfolio, snapshot 2014-10-31"
NASA_LIMIT = 120

DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("Technology-transfer officer", TTO_USERNAME, DEMO_PASSWORD),
    ("Enterprise user (second demo company)", ENTERPRISE2_USERNAME, DEMO_PASSWORD),
]

NASA_SECTORS = {
    "materials and coatings": ["materials"],
    "sensors": ["instruments"],
    "aeronautics": ["aerospace"],
    "health medicine and biotechnology": ["biomedicine"],
    "information technology and software": ["ict"],
    "mechanical and fluid systems": ["manufacturing"],
    "robotics automation and control": ["ai_robotics"],
    "optics": ["instruments"],
    "electrical and electronics": ["electronics"],
    "power generation and storage": ["energy"],
    "propulsion": ["aerospace"],
    "manufacturing": ["manufacturing"],
    "communications": ["ict"],
    "instrumentation": ["instruments"],
    "environment": ["environment"],
}


def _person(username: str, display: str, roles: tuple[str, ...], language: str) -> Person:
    person, created = Person.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display,
            "email": f"{username}@example.org",
            "is_demo": True,
            "preferred_language": language,
        },
    )
    if created:
        person.set_password(DEMO_PASSWORD)
        person.save()
    for role in roles:
        person.groups.add(Group.objects.get_or_create(name=role)[0])
    return person


def _findable(org: Organisation) -> Organisation:
    """An organisation the demo adds (the directory does not hold it) with its search text,
    so that name search finds it as it finds the directory's."""
    text = organisation_search_text(org)
    if org.search_text != text:
        org.search_text = text
        org.save(update_fields=["search_text"])
    return org


def _company(name: str, name_zh: str, region: str, city: str) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name=name,
        defaults={"name_zh": name_zh, "region": region, "city": city, "primary_type": "company"},
    )
    return _findable(org)


def _nasa() -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name="National Aeronautics and Space Administration",
        defaults={
            "name_zh": "美国国家航空航天局",
            "acronyms": ["NASA"],
            "region": "INT",
            "country_code": "US",
            "city": "Washington, DC",
            "primary_type": "government",
            "website": "https://technology.nasa.gov/",
        },
    )
    return _findable(org)


def seed_nasa(stdout: TextIO, limit: int = NASA_LIMIT) -> int:
    path = Path(settings.DATA_DIR) / "patents" / "patents.jsonl"
    if not path.exists():
        stdout.write(f"  transfer: {path} missing; no NASA offers\n")
        return 0
    owner = _nasa()
    seen: set[str] = set()
    made = 0
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for r in sorted(
        (r for r in records if r["id"].startswith("NASA:") and r.get("offered_for_licence")),
        key=lambda r: r["id"],
    ):
        if made >= limit:
            break
        # A few titles of the snapshot end with the portfolio page's link script, scraped
        # with them ("…Applicationsjavascript:save_record();"): not part of the title.
        title = r["title"].replace("javascript:save_record();", "").strip()
        if title.lower() in seen or not r.get("abstract"):
            continue
        seen.add(title.lower())
        category = r["classes"][0].split(":", 1)[1] if r["classes"] else ""
        first = r["abstract"].split(". ")[0].strip().rstrip(".") + "."
        number = r.get("us_patent_number")
        centre = ", ".join(r.get("applicants") or [])
        services.import_offer(
            owner=owner,
            data={
                "title": title[:300],
                "summary": r["abstract"][:6000],
                "problem": first[:4000],
                "commercial_route": (
                    f"Licence from NASA's Technology Transfer Program ({centre}); the record "
                    "was offered for licence in the portfolio snapshot."
                ),
                "sectors": NASA_SECTORS.get(category, ["aerospace"]),
                "keywords": [category] if category else [],
                "ip_type": "granted_patent" if number else "patent_application",
                "modes": ["non_exclusive"],
                "language": "en",
            },
            patents=[
                {
                    "number": number or r.get("us_application_serial") or r["id"],
                    "jurisdiction": "US",
                    "status": "granted" if number else "filed",
                }
            ],
            source=f"{NASA_SOURCE} ({centre})"[:300],
            source_id=r["id"],
        )
        made += 1
    return made


def _hk_university(tto: Person) -> Organisation | None:
    """The Hong Kong organisation with the most demo researchers who have papers."""
    from django.db.models import Count, Q

    return (
        Organisation.objects.filter(region="HK", researchers__person__is_demo=True)
        .annotate(
            n=Count(
                "researchers",
                filter=Q(researchers__publications__isnull=False),
                distinct=True,
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )


def seed_researcher_offers(stdout: TextIO, tto: Person, org: Organisation) -> list[Offer]:
    """Demo offers from the real publications of the organisation's demo researchers."""
    offers = list(Offer.objects.filter(owner=org, is_demo=True).order_by("pk"))
    if offers:
        return offers
    profiles = ResearcherProfile.objects.filter(person__is_demo=True, organisation=org)
    by_profile = [
        (profile, list(profile.publications.exclude(abstract="").order_by("-year", "pk")[:2]))
        for profile in profiles.select_related("person").order_by("pk")[:8]
    ]
    # each researcher's newest paper first, then their second one
    pairs = [(p, pubs[k]) for k in range(2) for p, pubs in by_profile if len(pubs) > k]
    for i, (profile, pub) in enumerate(pairs[:4]):
        open_licence = i == 0
        data = {
            "title": pub.title[:300],
            "summary": pub.abstract[:1500],
            "problem": f"(Demo listing) The problem addressed by “{pub.title[:200]}”.",
            "benefit_value": Decimal(20 + 10 * i),
            "benefit_unit": "% (demo figure)",
            "benefit_compared_with": "the method the paper compares against (demo)",
            "commercial_route": "Licence to companies applying the method (demo).",
            "sectors": ["ict"] if i % 2 == 0 else ["materials"],
            "keywords": list(profile.keywords[:4]),
            "ip_type": "software" if i % 2 == 0 else "know_how",
            "trl": 3 + i,
            "trl_evidence": "Results of the linked publication (demo).",
            "stage": "lab",
            "modes": ["open", "non_exclusive"] if open_licence else ["non_exclusive", "exclusive"],
            "licence_fee": Decimal("30000") if open_licence else None,
            "licence_currency": "HKD",
            "licence_terms": (
                "Non-exclusive, worldwide, 3 years; the same published fee for every licensee."
                if open_licence
                else ""
            ),
            "confidential_text": (
                "(Demo) Implementation details, parameters and data shared under NDA."
            ),
            "language": "en",
        }
        offer = services.create_offer(
            tto,
            owner=org,
            data=data,
            inventors=[{"name": str(profile.person), "person": profile.person, "share": "100"}],
            publications=[pub.pk],
            is_demo=True,
        )
        offer = services.move_offer(tto, offer, "submit")
        offer = services.move_offer(Person.objects.get(username=OFFICER_USERNAME), offer, "publish")
        offers.append(offer)
    return offers


DEMANDS: list[dict[str, Any]] = [
    {
        "title": "柔性传感器在反复弯折后保持灵敏度",
        "problem": "我们的可穿戴设备使用柔性应变传感器，弯折数千次后灵敏度明显下降。",
        "current_solution": "目前采用银纳米线薄膜，弯折5000次后灵敏度下降超过30%。",
        "target_spec": "弯折10000次后灵敏度保持在初始值的90%以上",
        "target_value": Decimal("90"),
        "target_unit": "%",
        "sector": "electronics",
        "preferred_mode": "licence",
        "language": "zh-hans",
        "is_anonymous": True,
        "anonymous_description": "一家深圳电子制造商",
    },
    {
        "title": "低功耗物聯網感測器的無線數據傳輸",
        "problem": "我們需要在樓宇內部署大量電池供電的感測器，現有方案耗電太快。",
        "current_solution": "現時使用藍牙低功耗，電池只能維持約六個月。",
        "target_spec": "電池壽命達到三年以上",
        "target_value": Decimal("36"),
        "target_unit": "months",
        "sector": "ict",
        "preferred_mode": "joint_development",
        "language": "zh-hant",
        "is_anonymous": False,
        "anonymous_description": "",
    },
    {
        "title": "Lightweight coating that protects composite parts from erosion",
        "problem": "Composite drone propellers erode quickly in rain and dust.",
        "current_solution": "Polyurethane tape, replaced every 50 flight hours.",
        "target_spec": "At least 300 flight hours before replacement",
        "target_value": Decimal("300"),
        "target_unit": "flight hours",
        "sector": "materials",
        "preferred_mode": "bounty",
        "bounty_reward": Decimal("800000"),
        "language": "en",
        "is_anonymous": False,
        "anonymous_description": "",
    },
]


def seed_demands(stdout: TextIO, companies: list[tuple[Person, Organisation]]) -> list[Demand]:
    officer = Person.objects.get(username=OFFICER_USERNAME)
    out = []
    for i, spec in enumerate(DEMANDS):
        person, org = companies[i % len(companies)]
        existing = Demand.objects.filter(title=spec["title"], is_demo=True).first()
        if existing is not None:
            out.append(existing)
            continue
        data = {
            "constraints": "",
            "budget_min": Decimal("200000"),
            "budget_max": Decimal("1500000"),
            "currency": "CNY" if org.region == "CN" else "HKD",
            "deadline": timezone.localdate() + dt.timedelta(days=240),
            "region": org.region,
            **spec,
        }
        demand = services.post_demand(person, organisation=org, data=data, is_demo=True)
        out.append(services.triage_demand(officer, demand, "publish"))
    return out


def seed_deals(
    stdout: TextIO, tto: Person, offers: list[Offer], parties: list[Person], demands: list[Demand]
) -> None:
    """Deals at every stage, made through the services (so each step is audited)."""
    if Deal.objects.filter(is_demo=True).exists() or len(offers) < 2 or not parties:
        return
    ent, ent2 = parties[0], parties[-1]
    nda = services.current_nda(offers[0]) or services.publish_nda(
        SYSTEM,
        offers[0].owner,
        text_en="(Demo NDA) The recipient keeps the confidential part secret for five years "
        "and uses it only to evaluate a licence.",
        text_zh_hant="（示範保密協議）接收方須對保密部分保密五年，並只用於評估許可。",
        text_zh_hans="（演示保密协议）接收方须对保密部分保密五年，并只用于评估许可。",
    )
    # an open licence taken in one step
    services.take_published_terms(ent2, offers[0], mode="open", is_demo=True)
    # signed non-exclusive licence after the whole pipeline
    target = offers[1]
    d = services.express_interest(ent, target, message="(Demo) For our wearables.", is_demo=True)
    d = services.accept_deal(tto, d)
    d = services.accept_nda(ent, d, version=nda.version, language="zh-hans")
    services.record_meeting(tto, d, held_on=timezone.localdate(), notes="(Demo) Site visit.")
    services.propose_terms(
        ent, d, mode="non_exclusive", field_of_use="Wearable electronics", territory="Mainland",
        exclusive=False, upfront_fee="150000", royalty_pct="3", currency="CNY",
        milestones="First product within 18 months",
    )  # fmt: skip
    services.sign_deal(
        tto, d, outcome="licence", signed_date=timezone.localdate(), value="150000",
        currency="CNY", terms="(Demo) Non-exclusive licence, Mainland, wearables, 3 % royalty.",
        mode="non_exclusive",
    )  # fmt: skip
    if len(offers) > 2:  # a negotiation in progress
        d = services.express_interest(ent2, offers[2], message="(Demo) Evaluating.", is_demo=True)
        d = services.accept_deal(tto, d)
        d = services.accept_nda(ent2, d, version=nda.version)
        services.record_meeting(ent2, d, held_on=timezone.localdate())
        services.propose_terms(
            ent2, d, mode="exclusive", field_of_use="Building sensors", territory="Hong Kong",
            exclusive=True, upfront_fee="400000", royalty_pct="5", currency="HKD",
        )  # fmt: skip
    if len(offers) > 3:  # an accepted NDA, and a fresh interest
        d = services.express_interest(ent, offers[3], message="(Demo) Tell us more.", is_demo=True)
        d = services.accept_deal(tto, d)
        services.accept_nda(ent, d, version=nda.version)
    # a fresh interest waiting for the TTO (on a demo offer: nobody on the platform answers
    # for the imported NASA records, so interest in them is refused)
    fresh = next(
        (o for o in offers[::-1] if not Deal.objects.filter(offer=o, party=ent).exists()), None
    )
    if fresh is not None:
        services.express_interest(
            ent, fresh, message="(Demo) Is this available for licence in Asia?",
            demand=demands[0] if demands else None, is_demo=True,
        )  # fmt: skip


@transaction.atomic
def seed(stdout: TextIO, *, seed: int = 2026) -> None:
    n = seed_nasa(stdout)
    stdout.write(f"  transfer: {n} NASA licensing records as real offers\n")
    officer = Person.objects.filter(username=OFFICER_USERNAME).first()
    if officer is None:
        stdout.write("  transfer: no demo officer (people demo not seeded); stopping\n")
        return
    tto = _person(TTO_USERNAME, "黃嘉欣", (Role.TECH_TRANSFER_OFFICER,), "zh-hant")
    org = _hk_university(tto)
    if org is None:
        stdout.write("  transfer: no demo researchers with publications; no demo offers\n")
        return
    services.add_membership(SYSTEM, tto, org, MembershipKind.TTO)
    if services.current_nda(Offer(owner=org)) is None:
        services.publish_nda(
            SYSTEM,
            org,
            text_en="(Demo NDA) The recipient keeps the confidential part secret for five years "
            "and uses it only to evaluate a licence.",
            text_zh_hant="（示範保密協議）接收方須對保密部分保密五年，並只用於評估許可。",
            text_zh_hans="（演示保密协议）接收方须对保密部分保密五年，并只用于评估许可。",
        )
    offers = seed_researcher_offers(stdout, tto, org)
    ent = Person.objects.filter(username=ENTERPRISE_USERNAME).first() or _person(
        ENTERPRISE_USERNAME, "林思敏", (Role.ENTERPRISE,), "zh-hans"
    )
    ent2 = _person(ENTERPRISE2_USERNAME, "Daniel Ho", (Role.ENTERPRISE,), "en")
    sz = _company(
        "Pearl River Demo Electronics (demo company)", "珠江演示电子（演示企业）", "CN", "Shenzhen"
    )
    hk = _company(
        "Harbour Demo Devices (demo company)", "海港演示器材（示範企業）", "HK", "Hong Kong"
    )
    services.add_membership(SYSTEM, ent, sz, MembershipKind.ENTERPRISE)
    services.add_membership(SYSTEM, ent2, hk, MembershipKind.ENTERPRISE)
    demands = seed_demands(stdout, [(ent, sz), (ent2, hk)])
    seed_deals(stdout, tto, offers, [ent, ent2], demands)
    stdout.write(
        f"  transfer: {len(offers)} demo offers, {len(demands)} demo demands, "
        f"{Deal.objects.filter(is_demo=True).count()} demo deals "
        f"({Deal.objects.filter(is_demo=True, state=DealState.SIGNED).count()} signed)\n"
    )


def prepare(stdout: TextIO, *, background: bool) -> None:
    """Match the demo demands to the offers and build every matching index with its
    hubness (embeds the listings; slow on first run)."""

    def run() -> None:
        from django.db import connection

        from . import matching

        try:
            for demand in Demand.objects.filter(is_demo=True):
                services.find_matches_for_demand(demand)
            matching.warm()
        finally:
            if background:
                connection.close()

    if background:
        import threading

        threading.Thread(target=run, name="transfer-demo-matches", daemon=True).start()
    else:
        run()
