"""The proposal editor keeps what you type (#11 §5): amounts as written, and a clear
"one application per person" message when a second draft is started."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from innobridge.funding import services
from innobridge.funding.models import Proposal
from tests.pages import client_as


@pytest.mark.parametrize(
    ("side", "written", "expected"),
    [
        ("HK", "HK$ 300,000", Decimal("300000")),
        ("HK", "300,000", Decimal("300000")),
        ("CN", "CNY 1,500.50", Decimal("1500.50")),
        ("HK", "300000", Decimal("300000")),
    ],
)
def test_budget_line_amount_as_written(client, world, side, written, expected):
    p = services.create_proposal(world.lead, world.call, title_en="Batteries")
    client.force_login(world.lead)
    client.post(
        reverse("funding:budget_add", args=[p.pk]),
        {"side": side, "category": "staff", "source": "funder", "amount": written},
    )
    line = p.budget_lines.get()
    assert line.amount == expected


def test_budget_line_garbage_amount_is_a_form_error(client, world):
    p = services.create_proposal(world.lead, world.call, title_en="Batteries")
    client.force_login(world.lead)
    r = client.post(
        reverse("funding:budget_add", args=[p.pk]),
        {"side": "HK", "category": "staff", "source": "funder", "amount": "lots"},
        follow=True,
    )
    assert "is not an amount" in r.content.decode()
    assert p.budget_lines.count() == 0


def test_budget_line_in_the_other_sides_currency_is_refused(client, world):
    p = services.create_proposal(world.lead, world.call, title_en="Batteries")
    client.force_login(world.lead)
    r = client.post(
        reverse("funding:budget_add", args=[p.pk]),
        {"side": "HK", "category": "staff", "source": "funder", "amount": "CNY 1,000"},
        follow=True,
    )
    assert "is in HKD" in r.content.decode()
    assert p.budget_lines.count() == 0


def test_second_draft_to_the_same_call_is_refused_at_once(world):
    first = services.create_proposal(world.lead, world.call, title_en="Batteries")
    with pytest.raises(ValidationError, match="one application per person per call"):
        services.create_proposal(world.lead, world.call, title_en="Again")
    assert Proposal.objects.filter(call=world.call, lead=world.lead).count() == 1
    services.withdraw_proposal(world.lead, first)
    services.create_proposal(world.lead, world.call, title_en="Fresh start")


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [("en", "one application per person per call"), ("zh-hant", "每人"), ("zh-hans", "每人")],
)
def test_second_draft_message_on_the_page_in_each_language(world, lang, phrase):
    services.create_proposal(world.lead, world.call, title_en="Batteries")
    r = client_as(world.lead, lang).post(
        reverse("funding:apply", args=[world.call.pk]), {"title_en": "Again"}, follow=True
    )
    assert phrase in r.content.decode()
    assert Proposal.objects.filter(call=world.call, lead=world.lead).count() == 1


def test_adding_a_budget_line_saves_the_typed_draft_first(client, world):
    p = services.create_proposal(world.lead, world.call, title_en="Batteries")
    client.force_login(world.lead)
    page = client.get(reverse("funding:proposal", args=[p.pk])).content.decode()
    # one editor: the budget line's fields and button belong to the draft's form
    assert 'id="proposal-form"' in page and 'formaction="/funding/proposals/' in page
    assert page.count('form="proposal-form"') >= 6
    draft = {
        "title_en": "Batteries",
        "title_zh": "",
        "abstract_en": "Typed, never saved by hand.",
        "abstract_zh": "",
        "keywords": "graphene",
        "duration_months": "24",
    }
    bad = {"side": "HK", "category": "staff", "source": "funder", "amount": "lots"}
    client.post(reverse("funding:budget_add", args=[p.pk]), {**draft, **bad})
    p.refresh_from_db()
    assert p.abstract_en == "Typed, never saved by hand." and p.budget_lines.count() == 0
    good = {**bad, "amount": "300,000"}
    client.post(
        reverse("funding:budget_add", args=[p.pk]), {**draft, **good, "abstract_zh": "摘要"}
    )
    p.refresh_from_db()
    assert p.abstract_zh == "摘要" and p.keywords == ["graphene"]
    assert p.budget_lines.get().amount == Decimal("300000")


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Side"), ("zh-hant", "所屬方"), ("zh-hans", "所属方")]
)
def test_a_bad_budget_line_names_the_field_as_the_user_sees_it(client, world, lang, label):
    """The budget line's side has no label of its own: its error is named by the model
    field's verbose name in the reader's language, never by the Python name "side"."""
    p = services.create_proposal(world.lead, world.call, title_en="Batteries")
    client.cookies["innobridge_language"] = lang
    client.force_login(world.lead)
    r = client.post(
        reverse("funding:budget_add", args=[p.pk]),
        {"side": "HKSAR", "category": "staff", "source": "funder", "amount": "100"},
        follow=True,
    )
    shown = [str(m) for m in r.context["messages"]]
    assert any(m.startswith(f"{label}: ") for m in shown), shown
    assert not any(m.startswith("side:") for m in shown), shown
    assert p.budget_lines.count() == 0
