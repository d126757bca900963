"""The project page's forms (funding/forms.py): bad input is a message on the page and
writes nothing; good input reaches the service. Scenes from tests/factories.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from innobridge.funding.models import ChangeKind, ChangeRequest, ChangeStatus, Milestone, Report
from tests.factories import (
    CallFactory,
    ChangeRequestFactory,
    FunderFactory,
    MilestoneFactory,
    PersonFactory,
    ProjectFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene() -> dict[str, Any]:
    officer = PersonFactory(roles=["programme_officer"])
    funder = FunderFactory(side="HK", officers=[officer])
    call = CallFactory(sides=[funder], required_sides=["HK"])
    project = ProjectFactory(proposal=ProposalFactory(call=call))
    return {"officer": officer, "project": project, "lead": project.proposal.lead}


def _post(client: Any, who: Any, url: str, data: dict[str, Any]) -> list[str]:
    """What the page said after the post (the messages shown once it has redirected)."""
    client.force_login(who)
    r = client.post(url, data, follow=True)
    assert r.redirect_chain and r.status_code == 200
    return [str(m) for m in r.context["messages"]]


def test_a_milestone_needs_a_real_date(client: Any, scene: dict[str, Any]) -> None:
    project = scene["project"]
    url = reverse("funding:milestone_add", args=[project.pk])
    said = _post(client, scene["officer"], url, {"title": "Prototype", "due_date": "soon"})
    assert said == ["Give a due date."] and not Milestone.objects.exists()
    day = project.start_date + dt.timedelta(days=90)
    said = _post(client, scene["officer"], url, {"title": "Prototype", "due_date": day})
    assert said == ["Milestone added."]
    assert Milestone.objects.get().due_date == day
    # the service's own words come back through the form
    said = _post(client, scene["officer"], url, {"title": " ", "due_date": day})
    assert said == ["Name the milestone."]


def test_a_report_names_a_milestone_of_this_project(client: Any, scene: dict[str, Any]) -> None:
    project = scene["project"]
    other = MilestoneFactory()  # another project's
    url = reverse("funding:report_submit", args=[project.pk])
    said = _post(client, scene["lead"], url, {"milestone": other.pk, "summary": "Done"})
    assert len(said) == 1 and not Report.objects.exists()


def test_a_change_request_from_the_page(client: Any, scene: dict[str, Any]) -> None:
    project = scene["project"]
    url = reverse("funding:change_request", args=[project.pk])
    said = _post(
        client,
        scene["lead"],
        url,
        {"kind": ChangeKind.TEAM, "side": "HK", "description": "x", "add_person": "nobody"},
    )
    assert said == ["No account with that user name or e-mail."]
    said = _post(client, scene["lead"], url, {"kind": ChangeKind.DURATION, "new_end_date": "x"})
    assert "Give a date." in said
    said = _post(
        client,
        scene["lead"],
        url,
        {"kind": ChangeKind.BUDGET, "side": "HK", "description": "x", "line_amount": ["lots"]},
    )
    assert len(said) == 1 and "lots" in said[0]
    assert not ChangeRequest.objects.exists()
    said = _post(
        client,
        scene["lead"],
        url,
        {
            "kind": ChangeKind.BUDGET,
            "side": "HK",
            "description": "More staff",
            "line_category": ["staff", "equipment"],
            "line_source": ["funder", "funder"],
            "line_amount": ["5,000", ""],  # the empty row is left out
            "line_description": ["RA", ""],
        },
    )
    assert said == ["Change request sent to the funder."]
    change = ChangeRequest.objects.get()
    assert [(line["category"], line["amount"]) for line in change.new_budget] == [
        ("staff", "5000.00")
    ]


def test_a_decision_is_approve_or_reject(client: Any, scene: dict[str, Any]) -> None:
    change = ChangeRequestFactory(project=scene["project"])
    url = reverse("funding:change_decide", args=[change.pk])
    said = _post(client, scene["officer"], url, {"approve": "maybe"})
    assert len(said) == 1
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
    said = _post(client, scene["officer"], url, {"approve": "0", "note": "Not now"})
    assert said == ["Decision recorded."]
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED and change.decision_note == "Not now"


# --------------------------------------------------------------------------- review pages


def test_review_pages_parse_with_forms(client: Any) -> None:
    from innobridge.funding.models import AssignmentStatus, ProposalState, ReviewAssignment
    from tests.factories import ReviewAssignmentFactory

    officer = PersonFactory(roles=["programme_officer"])
    reviewer = PersonFactory(roles=["reviewer"])
    funder = FunderFactory(side="HK", officers=[officer], reviewer_pool=[reviewer])
    call = CallFactory(sides=[funder], required_sides=["HK"])
    p = ProposalFactory(call=call, state=ProposalState.ELIGIBLE)
    manage = f"/funding/calls/{call.pk}/"
    said = _post(client, officer, manage + "invite/", {"deadline": "next week"})
    assert said == ["Give the deadline as a date and time."]
    said = _post(
        client,
        officer,
        manage + "assign-by-hand/",
        {"proposal": 999999, "funder": funder.pk, "reviewer": reviewer.pk},
    )
    assert len(said) == 1 and not ReviewAssignment.objects.exists()
    said = _post(
        client,
        officer,
        manage + "assign-by-hand/",
        {"proposal": p.pk, "funder": funder.pk, "reviewer": reviewer.pk},
    )
    assert said == ["Reviewer added."]
    a = ReviewAssignment.objects.get()
    assert a.by_hand and a.status == AssignmentStatus.PROPOSED
    in_review = ProposalFactory(call=call, state=ProposalState.IN_REVIEW)
    invited = ReviewAssignmentFactory(
        proposal=in_review, reviewer=reviewer, funder=funder, status=AssignmentStatus.INVITED
    )
    said = _post(client, reviewer, f"/funding/assignments/{invited.pk}/respond/", {"accept": "0"})
    assert said == ["You declined; another reviewer will be invited."]
    invited.refresh_from_db()
    assert invited.status == AssignmentStatus.DECLINED
