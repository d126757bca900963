"""The signed-in home page's panels read only what they show (issue #17: the busiest
signed-in page under load): the bookings waiting or coming (soonest first, requests
before approved ones), the reports due on the user's own projects only, and a bounded
number of database reads that does not grow with the user's bookings or proposals."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.funding.conftest import complete_proposal
from tests.pages import section


def _resource(world: Any, name: str = "Cryo-EM") -> Any:
    from innobridge.facilities.models import Facility, Resource

    facility = Facility.objects.create(
        name="Imaging Centre", organisation=world.lead.researcher_profile.organisation, region="HK"
    )
    return Resource.objects.create(facility=facility, kind="instrument", name=name)


def _booking(resource: Any, booker: Any, status: str, starts_in_days: int) -> Any:
    from innobridge.facilities.models import Booking

    start = timezone.now() + dt.timedelta(days=starts_in_days)
    return Booking.objects.create(
        resource=resource,
        booker=booker,
        category="hk_academic",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        status=status,
        unit="hour",
        unit_price=Decimal("100"),
        quantity=Decimal("2"),
        price=Decimal("200"),
        currency="HKD",
    )


@pytest.mark.django_db
def test_the_bookings_panel_lists_requests_then_upcoming_bookings_soonest_first(
    client: Client, world: Any
) -> None:
    from innobridge.facilities.models import BookingStatus

    resource = _resource(world)
    later_request = _booking(resource, world.lead, BookingStatus.REQUESTED, 9)
    sooner_request = _booking(resource, world.lead, BookingStatus.REQUESTED, 4)
    upcoming = _booking(resource, world.lead, BookingStatus.APPROVED, 2)
    over = _booking(resource, world.lead, BookingStatus.APPROVED, -3)
    rejected = _booking(resource, world.lead, BookingStatus.REJECTED, 5)
    theirs = _booking(resource, world.partner, BookingStatus.REQUESTED, 3)
    client.force_login(world.lead)
    panel = section(client.get("/").content.decode(), "panel-bookings")
    shown = [
        b.pk
        for b in (later_request, sooner_request, upcoming, over, rejected, theirs)
        if f"/facilities/bookings/{b.pk}/" in panel
    ]
    assert shown == [later_request.pk, sooner_request.pk, upcoming.pk]
    assert panel.index(f"/bookings/{sooner_request.pk}/") < panel.index(
        f"/bookings/{later_request.pk}/"
    )
    assert panel.index(f"/bookings/{later_request.pk}/") < panel.index(f"/bookings/{upcoming.pk}/")


@pytest.mark.django_db
def test_no_bookings_panel_without_a_request_or_an_upcoming_booking(
    client: Client, world: Any
) -> None:
    from innobridge.facilities.models import BookingStatus

    resource = _resource(world)
    _booking(resource, world.lead, BookingStatus.APPROVED, -3)
    _booking(resource, world.lead, BookingStatus.CANCELLED, 3)
    client.force_login(world.lead)
    assert 'data-testid="panel-bookings"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_reports_due_are_those_of_the_users_own_projects(
    client: Client, world: Any, project: Any
) -> None:
    from innobridge.funding.models import Milestone

    far = timezone.localdate() + dt.timedelta(300)
    Milestone.objects.filter(project=project).update(due_date=far)  # out of the panel's reach
    Milestone.objects.create(
        project=project, title="Prototype cell", due_date=timezone.localdate() + dt.timedelta(20)
    )
    Milestone.objects.create(
        project=project, title="Far away", due_date=timezone.localdate() + dt.timedelta(200)
    )
    client.force_login(world.lead)
    panel = section(client.get("/").content.decode(), "panel-reports")
    assert "Prototype cell" in panel and "Far away" not in panel
    # the call's officer may open the project, but its reports are not theirs to file
    client.force_login(world.hk_officer)
    assert 'data-testid="panel-reports"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_signed_in_home_page_reads_a_bounded_number_of_times(
    client: Client, world: Any
) -> None:
    from innobridge.facilities.models import BookingStatus
    from innobridge.funding import services
    from innobridge.funding.models import AssignmentStatus, ReviewAssignment

    world.call.one_application_per_person = False
    world.call.save()
    resource = _resource(world)
    reviewer = world.reviewers_hk[0]
    days = itertools.count(3)  # a booking's start, one day apart: they may not overlap

    def add_work(n: int) -> None:
        for i in range(n):
            p = services.submit_proposal(
                world.lead, complete_proposal(world, title=f"Proposal {n}-{i}")
            )
            ReviewAssignment.objects.create(
                proposal=p,
                reviewer=reviewer,
                funder=world.hk_funder,
                status=AssignmentStatus.INVITED,
            )
            _booking(resource, reviewer, BookingStatus.REQUESTED, next(days))
            _booking(resource, reviewer, BookingStatus.APPROVED, next(days))

    def reads() -> list[str]:
        client.get("/")  # the per-person facts and public parts are kept after this one
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/")
        assert response.status_code == 200
        assert 'data-testid="panel-reviews"' in response.content.decode()
        return [q["sql"] for q in ctx.captured_queries]

    client.force_login(reviewer)
    add_work(1)
    one = reads()
    add_work(3)
    four = reads()
    assert len(four) == len(one), "\n".join(four)
    # the person, proposals, reviews, projects, bookings, exchange applications,
    # enterprise demands
    assert len(four) <= 7, "\n".join(four)
