"""The home page reads a list only when the user may have something in it (issue #17):
reviews to do, projects' reports, exchange applications and an enterprise's demands are
asked of the per-person facts first, since most people have none of them, and a list a
role does not give (facilities managed, calls run, an enterprise's deals) is not even
compiled. The facts are emptied as soon as the person gains such a row, so the panel shows
on the next page, not a minute later."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.pages import home_panel, page_as

pytestmark = pytest.mark.django_db

NOT_READ_FOR_NEWCOMERS = (
    "funding_reviewassignment",
    "funding_project",
    "exchange_application",
    "transfer_membership",
    "transfer_demand",
    "transfer_deal",
    "facilities_facility",
)


def _second_visit_reads(client: Client) -> list[str]:
    client.get("/")  # the per-person facts are kept after this one
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_someone_with_no_reviews_projects_or_applications_is_not_read_for_them(
    client: Client, world: Any
) -> None:
    client.force_login(world.reviewers_hk[0])
    reads = _second_visit_reads(client)
    for table in NOT_READ_FOR_NEWCOMERS:
        assert not [sql for sql in reads if f'"{table}"' in sql], (table, reads)
    # the person, their proposals and their bookings
    assert len(reads) <= 3, "\n".join(reads)


def test_a_first_review_shows_on_the_next_page(world: Any, submitted: Any) -> None:
    from innobridge.funding.models import AssignmentStatus, ReviewAssignment

    reviewer = world.reviewers_hk[0]
    assert 'data-testid="panel-reviews"' not in page_as("/", user=reviewer)
    ReviewAssignment.objects.create(
        proposal=submitted,
        reviewer=reviewer,
        funder=world.hk_funder,
        status=AssignmentStatus.INVITED,
    )
    assert submitted.title in home_panel(reviewer, "reviews")


def test_a_first_project_shows_its_reports_on_the_next_page(world: Any, submitted: Any) -> None:
    from innobridge.funding import services
    from innobridge.funding.models import Milestone
    from tests.funding.steps import to_panel

    assert 'data-testid="panel-reports"' not in page_as("/", user=world.partner)
    p = to_panel(world, submitted)
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok")
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok")
    p.refresh_from_db()
    project = services.accept_award(world.lead, p.award)
    Milestone.objects.create(
        project=project, title="Prototype cell", due_date=timezone.localdate() + dt.timedelta(20)
    )
    assert "Prototype cell" in home_panel(world.partner, "reports")


def test_an_enterprise_member_is_read_for_their_company(world: Any) -> None:
    from innobridge.people.models import Organisation, Person
    from innobridge.transfer.permissions import enterprise_organisation_ids
    from innobridge.transfer.services import add_membership

    company = Organisation.objects.create(name="Pearl River Batteries Ltd", region="CN")
    person = world.reviewers_hk[0]
    assert enterprise_organisation_ids(person) == set()
    add_membership(world.hk_officer, person, company, "enterprise")
    # the next request's user
    assert enterprise_organisation_ids(Person.objects.get(pk=person.pk)) == {company.pk}
