"""Transfer journeys in a real browser: (1) a Shenzhen company posts a demand in
Simplified Chinese, finds an English-listed Hong Kong patent among its matches, and the
deal goes from interest through NDA, confidential part, meeting and term sheet to a signed
non-exclusive licence that the TTO's funnel shows; (2) an open licence in one step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

PASSWORD = "Harbour-Bridge-2026!"
SECRET = "The folding network uses 48 attention blocks."


@pytest.fixture
def setup(transactional_db: Any) -> dict[str, Any]:
    from innobridge.people.models import Organisation, Person
    from innobridge.transfer.services import add_membership, create_offer, move_offer, publish_nda

    hku = Organisation.objects.create(name="The University of Hong Kong", region="HK")
    sz = Organisation.objects.create(
        name="Shenzhen Bright Biotech Co., Ltd.",
        region="CN",
        city="Shenzhen",
        primary_type="company",
    )

    def person(username: str, *roles: str) -> Any:
        from django.contrib.auth.models import Group

        p = Person.objects.create_user(username, password=PASSWORD, email=f"{username}@example.org")
        for r in roles:
            p.groups.add(Group.objects.get_or_create(name=r)[0])
        return p

    tto, officer, ent = person("tto"), person("officer", "programme_officer"), person("ent")
    add_membership(None, tto, hku, "tto")
    add_membership(None, ent, sz, "enterprise")
    publish_nda(tto, hku, text_en="Keep it secret.", text_zh_hant="保密。", text_zh_hans="保密。")
    data = {
        "title": "Deep learning protein structure prediction",
        "summary": "A neural network that predicts protein structure from sequence.",
        "problem": "Protein structure prediction is slow.",
        "benefit_value": Decimal(40), "benefit_unit": "% less time",
        "benefit_compared_with": "homology modelling",
        "commercial_route": "Licence to drug makers.",
        "sectors": ["biomedicine"], "ip_type": "granted_patent", "trl": 5,
        "trl_evidence": "Benchmarked", "stage": "prototype", "language": "en",
        "modes": ["non_exclusive", "open"], "licence_fee": Decimal(20000),
        "licence_currency": "HKD",
        "licence_terms": "Non-exclusive, 3 years, same for all.", "confidential_text": SECRET,
    }  # fmt: skip
    offer = create_offer(
        tto, owner=hku, data=data, inventors=[{"name": "Dr Lee", "share": "100"}],
        patents=[{"number": "HK30012345", "jurisdiction": "HK", "status": "granted"}],
    )  # fmt: skip
    offer = move_offer(officer, move_offer(tto, offer, "submit"), "publish")
    return {"offer": offer, "officer": officer}


def login(page: Any, live_url: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_url("login"))
    form = page.locator('[data-testid="login-form"]')
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def test_chinese_demand_to_signed_licence(page: Any, live_url: Any, setup: dict[str, Any]) -> None:
    from innobridge.transfer.models import Demand
    from innobridge.transfer.services import triage_demand

    offer = setup["offer"]
    login(page, live_url, "ent")
    page.goto(live_url("transfer:demand_new"))
    f = page.locator('[data-testid="demand-form"]')
    f.locator("#id_title").fill("蛋白质结构预测")
    f.locator("#id_problem").fill("我们需要用深度学习做蛋白质结构预测。")
    f.locator("#id_current_solution").fill("人工实验，太慢")
    f.locator("#id_target_spec").fill("预测时间缩短")
    f.locator("#id_budget_min").fill("100000")
    f.locator("#id_budget_max").fill("500000")
    f.locator("#id_deadline").fill("2027-06-30")
    f.locator("#id_sector").select_option("biomedicine")
    f.locator("#id_language").select_option("zh-hans")
    f.locator('[data-testid="submit-demand"]').click()
    # without a quantified target: a clear message, nothing saved
    assert page.locator('[data-testid="error-target_value"]').is_visible()
    assert Demand.objects.count() == 0
    f.locator("#id_target_value").fill("50")
    f.locator("#id_target_unit").fill("%")
    with page.expect_navigation():
        f.locator('[data-testid="submit-demand"]').click()
    demand = Demand.objects.get()
    triage_demand(setup["officer"], demand, "publish")
    page.goto(live_url("transfer:demand", demand.pk))
    matches = page.locator('[data-testid="offer-matches"]')
    assert offer.title in matches.inner_text()
    page.locator(f'[data-testid="consider-{offer.pk}"]').click()
    page.locator("#id_message").fill("用于我们的药物研发")
    with page.expect_navigation():
        page.locator('[data-testid="send-interest"]').click()
    deal_url = page.url
    # a second interest in the same offer is refused
    page.goto(live_url("transfer:offer", offer.pk))
    assert page.locator('[data-testid="my-deal"]').is_visible()
    # the confidential page without an NDA: a clear message, nothing shown
    page.goto(live_url("transfer:confidential", offer.pk))
    assert SECRET not in page.content() and "NDA" in page.content()

    login(page, live_url, "tto")
    page.goto(deal_url)
    with page.expect_navigation():
        page.locator('[data-testid="deal-accept"]').click()

    login(page, live_url, "ent")
    page.goto(deal_url)
    with page.expect_navigation():
        page.locator('[data-testid="deal-accept-nda"]').click()
    page.locator('[data-testid="deal-confidential"]').click()
    assert SECRET in page.locator('[data-testid="confidential-text"]').inner_text()

    login(page, live_url, "tto")
    page.goto(deal_url)
    page.locator('[data-testid="meeting-box"] summary').click()
    page.locator('[data-testid="meeting-box"] #id_held_on').fill("2026-03-01")
    with page.expect_navigation():
        page.locator('[data-testid="deal-meet"]').click()
    page.locator('[data-testid="terms-box"] summary').click()
    box = page.locator('[data-testid="terms-box"]')
    box.locator("#id_mode").select_option("non_exclusive")
    box.locator("#id_field_of_use").fill("Drug discovery")
    box.locator("#id_territory").fill("Mainland")
    box.locator("#id_upfront_fee").fill("200000")
    box.locator("#id_royalty_pct").fill("3")
    box.locator("#id_currency").select_option("CNY")
    with page.expect_navigation():
        page.locator('[data-testid="deal-terms"]').click()
    assert page.locator('[data-testid="term-sheet"]').is_visible()
    page.locator('[data-testid="sign-box"] summary').click()
    box = page.locator('[data-testid="sign-box"]')
    box.locator("#id_outcome").select_option("licence")
    box.locator("#id_mode").select_option("non_exclusive")
    box.locator("#id_signed_date").fill("2026-04-01")
    box.locator("#id_value").fill("200000")
    box.locator("#id_currency").select_option("CNY")
    box.locator("#id_terms").fill("Non-exclusive licence, Mainland, drug discovery")
    with page.expect_navigation():
        page.locator('[data-testid="deal-sign"]').click()
    assert "Signed" in page.locator('[data-testid="deal-state"]').inner_text()
    page.goto(live_url("transfer:offer_funnel", offer.pk))
    assert page.locator('[data-testid="stage-signed"] td').nth(1).inner_text() == "1"
    # The chart is drawn by charts.js from its JSON data block (no inline script).
    page.locator("#transfer-funnel .main-svg").first.wait_for()


def test_open_licence_in_one_step(page: Any, live_url: Any, setup: dict[str, Any]) -> None:
    offer = setup["offer"]
    login(page, live_url, "ent")
    page.goto(live_url("transfer:offer", offer.pk))
    assert "HKD 20000" in page.locator('[data-testid="licence-fee"]').inner_text()
    with page.expect_navigation():
        page.locator('[data-testid="take-open"]').click()
    assert "Signed" in page.locator('[data-testid="deal-state"]').inner_text()
    assert "HKD 20000" in page.locator('[data-testid="signed"]').inner_text()


def test_enterprise_matches_page(page: Any, live_url: Any, setup: dict[str, Any]) -> None:
    """The company finds its matches from its start page, sees each graded (strong /
    possible / weak) and explained, expresses interest there, and later sees the NDA as
    the deal's next step; the page reads in all three languages."""
    import datetime as dt

    from innobridge.people.models import Organisation, Person
    from innobridge.transfer.services import accept_deal, post_demand, triage_demand

    offer = setup["offer"]
    ent = Person.objects.get(username="ent")
    demand = post_demand(
        ent,
        organisation=Organisation.objects.get(name__startswith="Shenzhen"),
        data={
            "title": "蛋白质结构预测", "problem": "我们需要用深度学习做蛋白质结构预测。",
            "current_solution": "人工实验", "target_spec": "预测时间缩短",
            "target_value": Decimal(50), "target_unit": "%", "budget_min": Decimal(100000),
            "budget_max": Decimal(500000), "currency": "CNY",
            "deadline": dt.date(2027, 6, 30), "region": "CN", "sector": "biomedicine",
            "preferred_mode": "licence", "is_anonymous": False, "language": "zh-hans",
        },
    )  # fmt: skip
    triage_demand(setup["officer"], demand, "publish")

    login(page, live_url, "ent")
    page.goto(live_url("home"))
    panel = page.locator('[data-testid="panel-transfer-matches"]')
    with page.expect_navigation():
        panel.locator("footer a").click()
    group = page.locator(f'[data-testid="matches-demand-{demand.pk}"]')
    card = group.locator(f'[data-testid="offer-{offer.pk}"]')
    assert offer.title in card.inner_text()
    level = card.locator(".level-badge").get_attribute("data-level")
    assert level in ("strong", "possible", "weak")
    assert card.locator(f'[data-testid="why-{offer.pk}"]').inner_text().strip()
    group.locator(f'[data-testid="match-interest-{offer.pk}"] summary').click()
    group.locator(f"#id_m{demand.pk}_{offer.pk}_message").fill("用于我们的药物研发")
    with page.expect_navigation():
        group.locator(f'[data-testid="match-send-interest-{offer.pk}"]').click()
    assert "/transfer/deals/" in page.url
    deal_url = page.url

    from innobridge.transfer.models import Deal

    accept_deal(Person.objects.get(username="tto"), Deal.objects.get(party=ent))
    page.goto(live_url("transfer:mine"))
    with page.expect_navigation():
        page.locator('[data-testid="transfer-matches"]').click()
    step = page.locator(f'[data-testid="match-step-accept_nda-{offer.pk}"]')
    with page.expect_navigation():
        step.click()
    assert page.url == deal_url
    assert page.locator('[data-testid="deal-accept-nda"]').is_visible()

    for lang, heading in (("zh-hant", "我的需求的匹配成果"), ("zh-hans", "我的需求的匹配成果")):
        with page.expect_navigation():
            page.locator(f'[data-testid="language-switcher"] button[value="{lang}"]').click()
        page.goto(live_url("transfer:matches"))
        assert heading in page.locator("h1").inner_text()
        assert "匹配" in page.locator(f'[data-testid="offer-{offer.pk}"] .level-badge').inner_text()


def test_a_new_company_asks_and_is_linked(page: Any, live_url: Any, setup: dict[str, Any]) -> None:
    """A person whose company the directory does not hold is sent from the demands page to
    "My organisation", registers the company there (in Traditional Chinese), and an
    administrator approves it on the page of requests; the person can then post demands."""
    from django.contrib.auth.models import Group

    from innobridge.people.models import Person

    newcomer = Person.objects.create_user(
        "newco", password=PASSWORD, email="newco@example.org", preferred_language="zh-hant"
    )
    boss = Person.objects.create_user("boss", password=PASSWORD, email="boss@example.org")
    boss.groups.add(Group.objects.get_or_create(name="administrator")[0])

    login(page, live_url, newcomer.username)
    page.goto(live_url("transfer:demands"))
    with page.expect_navigation():
        page.locator('[data-testid="ask-to-be-linked"]').click()
    form = page.locator('[data-testid="membership-request-form"]')
    form.locator('input[name="company_name"]').fill("Tsuen Wan Photonics Ltd")
    form.locator('input[name="company_name_zh"]').fill("荃灣光子有限公司")
    form.locator('select[name="region"]').select_option("HK")
    form.locator('input[name="registration_number"]').fill("12345678")
    form.locator('input[name="job_title"]').fill("技術總監")
    with page.expect_navigation():
        page.locator('[data-testid="send-request"]').click()
    mine = page.locator('[data-testid="my-membership-requests"]').inner_text()
    assert "Tsuen Wan Photonics Ltd" in mine and "等待決定" in mine

    login(page, live_url, "boss")
    page.goto(live_url("transfer:membership_requests"))
    waiting = page.locator('[data-testid="waiting-requests"]')
    assert "12345678" in waiting.inner_text()
    with page.expect_navigation():
        waiting.locator('[data-testid="request-approve"]').click()
    assert "now acts for Tsuen Wan Photonics Ltd" in page.content()

    login(page, live_url, newcomer.username)
    page.goto(live_url("transfer:demands"))
    assert page.locator('[data-testid="new-demand"]').count() == 1
    page.goto(live_url("transfer:membership_request"))
    assert "荃灣光子有限公司" in page.locator('[data-testid="my-memberships"]').inner_text() or (
        "Tsuen Wan Photonics Ltd" in page.locator('[data-testid="my-memberships"]').inner_text()
    )
