"""Steps that walk a proposal to a state, shared by the funding tests: submitted →
eligible (both funders screened) → in review (engine assignment, invitations sent) →
reviewed → at the panel."""

from __future__ import annotations

from typing import Any

from innobridge.funding import services
from innobridge.funding.models import AssignmentStatus, Criterion, ReviewAssignment


def eligible(world: Any, submitted: Any) -> Any:
    services.screen_proposal(world.hk_officer, submitted, eligible=True)
    services.screen_proposal(world.cn_officer, submitted, eligible=True)
    submitted.refresh_from_db()
    return submitted


def to_review(world: Any, p: Any) -> Any:
    """Assign by the engine and send invitations; return the proposal in review."""
    services.run_assignment(world.hk_officer, world.call)
    services.run_assignment(world.cn_officer, world.call)
    assert services.send_invitations(world.hk_officer, world.call) == 2  # its own side only
    assert services.send_invitations(world.cn_officer, world.call) == 2
    p.refresh_from_db()
    return p


def review_all(world: Any, p: Any, score: int = 4) -> None:
    for a in ReviewAssignment.objects.filter(proposal=p, status=AssignmentStatus.INVITED):
        services.respond_assignment(a.reviewer, a, accept=True)
        crits = Criterion.objects.filter(call=p.call, funder=a.funder)
        services.submit_review(a.reviewer, a, scores={c.pk: score for c in crits}, comments="fine")


def to_panel(world: Any, submitted: Any, score: int = 4) -> Any:
    p = to_review(world, eligible(world, submitted))
    review_all(world, p, score)
    services.move_to_panel(world.hk_officer, p)
    p.refresh_from_db()
    return p
