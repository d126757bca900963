"""The enterprise's matches page (offers matched to its company's demands, with levels,
explanations and the steps it can take), the levels on the TTO's match lists, and the
start page's panel."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

from innobridge.transfer.models import Deal, DealState, MatchPass
from innobridge.transfer.services import accept_deal, find_matches_for_demand

from .test_matching import DEMAND_ZH, PROTEIN


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _page(user: Any, lang: str = "en") -> str:
    c = _client(user)
    r = c.get(reverse("transfer:matches"), HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 200
    return r.content.decode()


def test_enterprise_sees_its_demands_matches_with_level_and_actions(
    make_offer: Any, make_demand: Any, people: Any
) -> None:
    protein = make_offer(**PROTEIN)
    demand = make_demand(**DEMAND_ZH)
    html = _page(people["ent"])
    assert f'data-testid="matches-demand-{demand.pk}"' in html
    assert f'data-testid="offer-{protein.pk}"' in html
    # the engine's level, as partner search shows it, and the explanation
    assert 'class="level-badge level-' in html
    assert f'data-testid="why-{protein.pk}"' in html
    # the steps that exist: interest (tied to the demand), pass (back to this page)
    assert f'data-testid="match-send-interest-{protein.pk}"' in html
    assert f'name="demand" value="{demand.pk}"' in html
    assert f'data-testid="match-pass-{protein.pk}"' in html
    # each row's forms have their own field ids
    assert f'id="id_m{demand.pk}_{protein.pk}_message"' in html


def test_interest_from_the_matches_page_opens_a_deal_and_then_shows_its_next_step(
    make_offer: Any, make_demand: Any, people: Any, nda: Any
) -> None:
    protein = make_offer(**PROTEIN)
    demand = make_demand(**DEMAND_ZH)
    c = _client(people["ent"])
    r = c.post(
        reverse("transfer:interest", args=[protein.pk]),
        {"message": "用于我们的药物研发", "demand": demand.pk},
    )
    deal = Deal.objects.get(offer=protein, party=people["ent"])
    assert r.status_code == 302 and deal.demand_id == demand.pk
    html = _page(people["ent"])
    assert f'data-testid="match-deal-{protein.pk}"' in html
    assert f'data-testid="match-send-interest-{protein.pk}"' not in html  # no second interest
    accept_deal(people["tto"], deal)
    html = _page(people["ent"])
    # the NDA is the next step, taken on the deal's page
    assert f'data-testid="match-step-accept_nda-{protein.pk}"' in html
    assert deal.get_absolute_url() in html


def test_passing_from_the_matches_page_returns_there_and_hides_the_offer(
    make_offer: Any, make_demand: Any, people: Any
) -> None:
    protein = make_offer(**PROTEIN)
    make_demand(**DEMAND_ZH)
    c = _client(people["ent"])
    r = c.post(
        reverse("transfer:offer_pass", args=[protein.pk]),
        {"reason": "too_early", "next": reverse("transfer:matches")},
    )
    assert r.status_code == 302 and r["Location"] == reverse("transfer:matches")
    assert MatchPass.objects.filter(offer=protein, person=people["ent"]).exists()
    assert f'data-testid="offer-{protein.pk}"' not in _page(people["ent"])
    # an outside "next" is ignored
    r = c.post(
        reverse("transfer:offer_pass", args=[protein.pk]),
        {"reason": "too_early", "next": "https://evil.example/"},
    )
    assert r["Location"] == reverse("transfer:offer", args=[protein.pk])


def test_open_licence_offer_can_be_taken_from_the_matches_page(
    make_offer: Any, make_demand: Any, people: Any
) -> None:
    from decimal import Decimal

    offer = make_offer(
        **PROTEIN,
        modes=["open"],
        licence_fee=Decimal("10000"),
        licence_currency="HKD",
        licence_terms="Non-exclusive, worldwide, 5 years.",
    )
    make_demand(**DEMAND_ZH)
    html = _page(people["ent"])
    assert f'data-testid="match-take-open-{offer.pk}"' in html
    r = _client(people["ent"]).post(
        reverse("transfer:take_terms", args=[offer.pk]), {"mode": "open"}
    )
    assert r.status_code == 302
    assert Deal.objects.get(offer=offer, party=people["ent"]).state == DealState.SIGNED


def test_only_the_company_sees_its_matches(make_offer: Any, make_demand: Any, people: Any) -> None:
    protein = make_offer(**PROTEIN)
    make_demand(**DEMAND_ZH)
    # another enterprise: its own (empty) page, never the first company's demands
    html = _page(people["ent2"])
    assert 'data-testid="no-demands"' in html and f'data-testid="offer-{protein.pk}"' not in html
    # a researcher: told what the page is for
    assert 'data-testid="not-enterprise"' in _page(people["researcher"])
    # anonymous: to the login page
    r = Client().get(reverse("transfer:matches"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_matches_page_in_three_languages_and_linked(
    make_offer: Any, make_demand: Any, people: Any
) -> None:
    make_offer(**PROTEIN)
    make_demand(**DEMAND_ZH)
    for lang, heading, strong_or_possible in (
        ("en", "Matches for my demands", ("Strong match", "Possible match", "Weak: not a match")),
        ("zh-hant", "我的需求的匹配成果", ("強匹配", "可能匹配", "弱：不算匹配")),
        ("zh-hans", "我的需求的匹配成果", ("强匹配", "可能匹配", "弱：不算匹配")),
    ):
        with translation.override(lang):
            html = _page(people["ent"], lang)
        assert heading in html, lang
        assert any(s in html for s in strong_or_possible), lang
    # linked from the transfer menu and from "My transfer" for enterprise members only
    url = reverse("transfer:matches")
    assert f'href="{url}"' in _client(people["ent"]).get(reverse("transfer:mine")).content.decode()
    other = _client(people["researcher"]).get(reverse("transfer:home")).content.decode()
    assert 'data-testid="transfer-matches"' not in other


def test_start_page_panel_for_enterprises(make_offer: Any, make_demand: Any, people: Any) -> None:
    protein = make_offer(**PROTEIN)
    demand = make_demand(**DEMAND_ZH)
    find_matches_for_demand(demand)
    html = _client(people["ent"]).get("/").content.decode()
    assert 'data-testid="panel-transfer-matches"' in html
    assert reverse("transfer:matches") in html
    assert protein.title in html  # the pushed strong match
    assert 'data-testid="panel-transfer-matches"' not in (
        _client(people["researcher"]).get("/").content.decode()
    )


def test_levels_on_the_tto_match_lists(make_offer: Any, make_demand: Any, people: Any) -> None:
    protein = make_offer(**PROTEIN)
    make_demand(**DEMAND_ZH, is_anonymous=False)
    html = _client(people["tto"]).get(reverse("transfer:offer", args=[protein.pk])).content.decode()
    for testid in ("demand-matches", "enterprise-matches"):
        start = html.index(f'data-testid="{testid}"')
        section = html[start : html.index("</ul>", start)]
        assert 'class="level-badge level-' in section, testid
    # and in the API
    api = _client(people["tto"]).get(f"/api/transfer/offers/{protein.pk}/enterprises").json()
    assert api and api[0]["level"] in ("strong", "possible", "weak")


def test_match_explanation_in_the_ui_script(make_offer: Any, make_demand: Any, people: Any) -> None:
    # An offer written in Simplified: the quoted sentence and the shared terms of the
    # explanation are shown in the reader's script.
    zh = {**PROTEIN, "summary": "一种预测蛋白质结构的神经网络。", "problem": "蛋白质结构预测很慢。"}
    offer = make_offer(**zh)
    make_demand(**DEMAND_ZH)
    for lang, shown, hidden in (
        ("zh-hant", "蛋白質", "蛋白质"),
        ("zh-hans", "蛋白质", "蛋白質"),
        ("en", "蛋白质", "蛋白質"),
    ):
        with translation.override(lang):
            html = _page(people["ent"], lang)
        why = html.split(f'data-testid="why-{offer.pk}"', 1)[1].split("</p>", 1)[0]
        assert shown in why and hidden not in why, (lang, why)
