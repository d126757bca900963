"""Who may open a proposal's page (issue #17: the page asks the viewer's role instead of
running the visibility query; the same people as ``selectors.visible_proposals``)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from innobridge.funding import selectors, services
from innobridge.funding.models import AssignmentStatus, Proposal, ReviewAssignment

from .conftest import complete_proposal
from .steps import eligible, to_review


def _status(person: Any, p: Proposal) -> int:
    client = Client()
    client.force_login(person)
    return int(client.get(f"/funding/proposals/{p.pk}/").status_code)


def _agrees_with_visible_proposals(person: Any, p: Proposal) -> bool:
    visible = selectors.visible_proposals(person).filter(pk=p.pk).exists()
    return (_status(person, p) == 200) == visible


def test_a_draft_is_the_teams_only(world: Any, make_researcher: Any) -> None:
    p = complete_proposal(world)
    invited = make_researcher("invited", world.cn_org)
    services.invite_member(world.lead, p, invited)
    client = Client()
    client.force_login(invited)
    page = client.get(f"/funding/proposals/{p.pk}/")
    assert page.status_code == 200
    assert 'data-testid="accept-invitation"' in page.content.decode()  # their invitation
    partner = Client()
    partner.force_login(world.partner)  # accepted: no invitation to answer
    assert (
        'data-testid="accept-invitation"'
        not in partner.get(f"/funding/proposals/{p.pk}/").content.decode()
    )
    for person in (world.lead, world.partner, invited):
        assert _status(person, p) == 200
    for person in (world.hk_officer, world.cn_officer, world.outsider):
        assert _status(person, p) == 404  # an officer sees a proposal once it is submitted
    for person in (world.lead, world.partner, invited, world.hk_officer, world.outsider):
        assert _agrees_with_visible_proposals(person, p)
    assert _status(world.lead, Proposal(pk=p.pk + 1000)) == 404  # no such proposal


def test_a_submitted_proposal_is_its_calls_officers_and_reviewers_too(
    world: Any, submitted: Any
) -> None:
    p = to_review(world, eligible(world, submitted))
    invited = ReviewAssignment.objects.filter(proposal=p, status=AssignmentStatus.INVITED)
    reviewer = invited.first()
    assert reviewer is not None
    assert _status(reviewer.reviewer, p) == 200
    services.respond_assignment(reviewer.reviewer, reviewer, accept=False)
    assert _status(reviewer.reviewer, p) == 404  # declined: no longer theirs to see
    for person in (world.hk_officer, world.cn_officer, world.lead, world.partner):
        assert _status(person, p) == 200
    assert _status(world.outsider, p) == 404
    for person in (world.hk_officer, reviewer.reviewer, world.outsider, world.partner):
        assert _agrees_with_visible_proposals(person, p)
