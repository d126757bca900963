"""Input that the database would refuse is refused by the API with a 422 naming the field
(limits from the model fields, core.schemas.FromModel), and by the HTML forms with a
form error — never a 500, nothing written."""

from __future__ import annotations

import json

import pytest

from innobridge.funding.models import BudgetLine, Call, Proposal

from .conftest import complete_proposal


def post(client, url, data, method="post"):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def fields_named(r):
    return {str(e["loc"][-1]) for e in r.json()["detail"]}


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title_en": "x" * 301}, "title_en"),
        ({"duration_months": -12}, "duration_months"),
        ({"duration_months": 10**12}, "duration_months"),
    ],
)
def test_proposal_fields_out_of_range_are_422(client, world, data, field):
    p = complete_proposal(world)
    client.force_login(world.lead)
    before = Proposal.objects.values().get(pk=p.pk)
    r = post(client, f"/api/funding/proposals/{p.pk}", data, "patch")
    assert r.status_code == 422, r.content
    assert field in fields_named(r)
    assert Proposal.objects.values().get(pk=p.pk) == before


@pytest.mark.parametrize("amount", ["1e30", "0.001"])
def test_budget_amount_out_of_range_is_422(client, world, amount):
    p = complete_proposal(world)
    client.force_login(world.lead)
    n = BudgetLine.objects.count()
    r = post(
        client,
        f"/api/funding/proposals/{p.pk}/budget",
        {"side": "HK", "category": "staff", "amount": amount},
    )
    assert r.status_code == 422 and "amount" in fields_named(r), r.content
    assert BudgetLine.objects.count() == n


def test_over_long_call_title_is_422(client, world):
    client.force_login(world.hk_officer)
    r = post(client, f"/api/funding/calls/{world.call.pk}", {"title": "x" * 400}, "patch")
    assert r.status_code == 422 and "title" in fields_named(r), r.content
    assert Call.objects.get(pk=world.call.pk).title == "Joint call 2026"


def test_over_long_scheme_name_is_422(client, world):
    client.force_login(world.hk_officer)
    r = post(
        client,
        "/api/funding/schemes",
        {"name": "x" * 1000, "funder_ids": [world.hk_funder.pk]},
    )
    assert r.status_code == 422 and "name" in fields_named(r), r.content


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "1e30"},
        {"amount": "0.001"},
        {"amount": "100", "description": "x" * 400},
    ],
)
def test_budget_form_out_of_range_is_a_form_error(client, world, data):
    p = complete_proposal(world)
    client.force_login(world.lead)
    n = BudgetLine.objects.count()
    r = client.post(
        f"/funding/proposals/{p.pk}/budget/",
        {"side": "HK", "category": "staff", "source": "funder", **data},
        follow=True,
    )
    assert r.status_code == 200
    assert 'class="message error"' in r.content.decode()
    assert BudgetLine.objects.count() == n


@pytest.mark.parametrize("field", ["title_en", "title_zh"])
def test_over_long_title_when_applying_is_refused_and_nothing_written(client, world, field):
    """The apply button's form: an over-long title is a message, never a 500 (PostgreSQL)
    or a stored value longer than its column (SQLite)."""
    client.force_login(world.lead)
    n = Proposal.objects.count()
    r = client.post(
        f"/funding/calls/{world.call.pk}/apply/",
        {"title_en": "ok", "title_zh": "", field: "x" * 301},
        follow=True,
    )
    assert r.status_code == 200
    assert 'class="message error"' in r.content.decode()
    assert Proposal.objects.count() == n


@pytest.mark.parametrize(
    "data",
    [
        {"duration_months": "-5"},
        {"duration_months": "0"},
        {"duration_months": "5000"},  # over the model's 1,200
        {"duration_months": "99999999999"},  # over PostgreSQL's smallint
        {"title_en": "x" * 301},
        {"title_zh": "x" * 10_000},
    ],
)
def test_editor_form_out_of_range_is_a_form_error(client, world, data):
    """The proposal editor's fields: a negative or huge duration or an over-long title is
    a message on the page, never a 500 (a CHECK constraint, PostgreSQL's column types) and
    never a value outside the model's limits written (SQLite)."""
    p = complete_proposal(world)
    client.force_login(world.lead)
    before = Proposal.objects.values().get(pk=p.pk)
    r = client.post(
        f"/funding/proposals/{p.pk}/edit/",
        {"title_en": p.title_en, "title_zh": p.title_zh, "duration_months": "24", **data},
        follow=True,
    )
    assert r.status_code == 200
    assert 'class="message error"' in r.content.decode()
    assert Proposal.objects.values().get(pk=p.pk) == before
