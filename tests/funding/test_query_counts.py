"""How many database reads the busiest funding pages make (issue #17: the web tier under
load). Bounds, not exact figures: a page may read a little more as it grows, but reading
the call's sides, the budget or the team again per use (or per proposal) fails here."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from innobridge.funding import services
from innobridge.funding.models import Proposal, ProposalState

from .conftest import complete_proposal
from .steps import to_panel


def _get(client: Client, url: str) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def _reads_of(queries: list[str], table: str) -> int:
    """Reads of the rows of ``table`` (not an EXISTS check that joins it)."""
    return sum(1 for q in queries if q.startswith(f'SELECT "{table}"."id"'))


def _officer_check(sql: str) -> bool:
    """An EXISTS check of "is this person an officer of this funder (or call)"."""
    return sql.startswith('SELECT 1 AS "a"') and '"funding_funder_officers"' in sql


def test_a_draft_proposal_page_reads_the_sides_budget_and_team_once(world):
    p = complete_proposal(world)
    client = Client()
    client.force_login(world.lead)
    response, queries = _get(client, f"/funding/proposals/{p.pk}/")
    assert "Graphene batteries" in response.content.decode()
    assert _reads_of(queries, "funding_callside") == 1
    assert _reads_of(queries, "funding_budgetline") == 1
    # the team: once for the page, its checks and the viewer's own invitation (the lead's
    # past teams, for the list of people to invite, are a question of their own)
    team_reads = [q for q in queries if q.startswith('SELECT "funding_teammember"."id"')]
    assert sum('"funding_teammember"."proposal_id" IN' in q for q in team_reads) == 1
    assert len(team_reads) <= 2, "\n".join(team_reads)
    # the proposal by its key with its award and project (no visibility query: the role
    # decides), and no reviews read for a draft
    assert _reads_of(queries, "funding_proposal") == 1
    assert _reads_of(queries, "funding_award") == _reads_of(queries, "funding_project") == 0
    assert _reads_of(queries, "funding_review") == 0
    assert len(queries) <= 16, "\n".join(queries)  # 22 before issue #17's fifth round


def test_an_officer_proposal_page_at_the_panel_reads_the_sides_once(world, submitted):
    p = to_panel(world, submitted)
    client = Client()
    client.force_login(world.hk_officer)
    _response, queries = _get(client, f"/funding/proposals/{p.pk}/")
    assert _reads_of(queries, "funding_callside") == 1
    assert _reads_of(queries, "funding_budgetline") == 1
    # the officer's funders come from the shared cache after the first page; what is
    # committed is read for both funders at once
    assert not any(_officer_check(q) for q in queries), "\n".join(queries)
    assert sum('SUM("funding_funderdecision"."amount")' in q for q in queries) <= 1
    assert _reads_of(queries, "funding_proposal") == 1
    assert len(queries) <= 21, "\n".join(queries)  # 34 before issue #17's fourth round


def test_the_call_management_page_does_not_read_per_proposal_and_funder(world, submitted):
    to_panel(world, submitted)
    client = Client()
    client.force_login(world.hk_officer)
    _response, one = _get(client, f"/funding/calls/{world.call.pk}/manage/")
    # two more proposals in review (put there directly: this is about reading them)
    world.call.one_application_per_person = False
    world.call.save()
    for title in ("Second", "Third"):
        p = services.submit_proposal(world.lead, complete_proposal(world, title=title))
        Proposal.objects.filter(pk=p.pk).update(state=ProposalState.IN_REVIEW)
    _response, three = _get(client, f"/funding/calls/{world.call.pk}/manage/")
    # the ranking reads each funder's scores and decisions once, whatever the number of
    # proposals; the call's sides once
    assert _reads_of(three, "funding_funderdecision") == _reads_of(one, "funding_funderdecision")
    assert sum('FROM "funding_review"' in q for q in three) == sum(
        'FROM "funding_review"' in q for q in one
    )
    assert _reads_of(three, "funding_callside") == 1
    assert len(three) - len(one) <= 2 * 3, "\n".join(three)
    # both funders' rankings, commitments and the portfolio's scores at once; the
    # officer's funders from the shared cache (issue #17: 34 reads before)
    # the call's proposals once for the page, the rankings and the portfolio (issue #17's
    # fifth round: three reads before)
    assert sum(q.startswith('SELECT "funding_proposal"."id"') for q in one) == 1
    # both funders' commitments in one read (rows added up by the service since the
    # eleventh round, a grouped sum before)
    commitments = [
        q for q in one if 'FROM "funding_funderdecision"' in q and '"funding_award"."state"' in q
    ]
    assert len(commitments) == 1, "\n".join(one)
    assert not any(_officer_check(q) for q in one), "\n".join(one)
    # the submitted reviews' scores once for the rankings and the portfolio (issue #17's
    # seventh round: twice before)
    assert sum('"funding_review"."weighted_score"' in q for q in one) == 1, "\n".join(one)
    assert len(one) <= 15, "\n".join(one)


def test_the_public_calls_list_reads_sides_and_criteria_once_for_all_calls(world: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    client = Client()
    _response, one = _get(client, "/api/funding/calls")
    now = timezone.now()
    for n in range(2):
        services.create_call(
            world.hk_officer,
            world.scheme,
            title=f"Another call {n}",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=20),
            sides=[
                {"funder": world.hk_funder, "budget": "1000000", "project_cap": "500000"},
                {"funder": world.cn_funder, "budget": "1000000", "project_cap": "500000"},
            ],
        )
    response, three = _get(client, "/api/funding/calls")
    assert len(response.json()) == 3
    assert len(three) == len(one)  # not per call
    assert _reads_of(three, "funding_callside") == 1
    assert [s["side"] for s in response.json()[0]["sides"]] == ["CN", "HK"]
