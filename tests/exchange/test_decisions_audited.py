"""Decisions that close a door — a placement rejected or closed, an application not
shortlisted, a review declined for a conflict of interest: who may take them, what they
change, and the audit event each writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.exchange import services
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import (
    Application,
    ApplicationState,
    Placement,
    PlacementState,
    Review,
    ReviewState,
)

from .conftest import submitted

pytestmark = pytest.mark.django_db


def audited(action: ExchangeAction, obj: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(obj.pk)))


def test_host_coordinator_rejects_a_proposed_placement_and_nobody_else_may(world: Any) -> None:
    pl = services.propose_placement(
        world.supervisor,
        world.programme,
        title="Quantum sensing",
        organisation=world.hku,
        months=24,
    )
    for someone in (world.supervisor, world.officer, world.cn_coordinator, world.outsider):
        with pytest.raises(PermissionDenied):
            services.move_placement(someone, pl, "reject")
    pl.refresh_from_db()
    assert pl.state == PlacementState.PROPOSED
    assert audited(ExchangeAction.PLACEMENT_REJECTED, pl) == []

    services.move_placement(world.hk_coordinator, pl, "reject")
    pl.refresh_from_db()
    assert pl.state == PlacementState.REJECTED
    [event] = audited(ExchangeAction.PLACEMENT_REJECTED, pl)
    assert event.actor_id == world.hk_coordinator.pk
    # A rejected placement is final: it can neither be approved nor closed.
    for action in ("approve", "close"):
        with pytest.raises(ValidationError):
            services.move_placement(world.hk_coordinator, pl, action)
    assert Placement.objects.get(pk=pl.pk).state == PlacementState.REJECTED


def test_officer_or_coordinator_closes_an_open_placement_but_not_its_supervisor(
    world: Any,
) -> None:
    for someone in (world.supervisor, world.cn_coordinator, world.outsider):
        with pytest.raises(PermissionDenied):
            services.move_placement(someone, world.p1, "close")
    assert Placement.objects.get(pk=world.p1.pk).state == PlacementState.APPROVED
    assert audited(ExchangeAction.PLACEMENT_CLOSED, world.p1) == []

    services.move_placement(world.officer, world.p1, "close")
    services.move_placement(world.hk_coordinator, world.p2, "close")
    for pl, who in ((world.p1, world.officer), (world.p2, world.hk_coordinator)):
        assert Placement.objects.get(pk=pl.pk).state == PlacementState.CLOSED
        [event] = audited(ExchangeAction.PLACEMENT_CLOSED, pl)
        assert event.actor_id == who.pk
    with pytest.raises(ValidationError):  # closed once, not twice
        services.move_placement(world.officer, world.p1, "close")
    assert len(audited(ExchangeAction.PLACEMENT_CLOSED, world.p1)) == 1


def test_officer_marks_a_nominated_application_not_shortlisted(world: Any) -> None:
    app = submitted(world)
    services.nominate(world.cn_coordinator, app, yes=True)
    for someone in (world.applicant, world.cn_coordinator, world.reviewer, world.outsider):
        with pytest.raises(PermissionDenied):
            services.shortlist(someone, app, yes=False)
    assert Application.objects.get(pk=app.pk).state == ApplicationState.NOMINATED
    assert audited(ExchangeAction.APPLICATION_NOT_SHORTLISTED, app) == []

    services.shortlist(world.officer, app, yes=False)
    app.refresh_from_db()
    assert app.state == ApplicationState.NOT_SHORTLISTED
    [event] = audited(ExchangeAction.APPLICATION_NOT_SHORTLISTED, app)
    assert event.actor_id == world.officer.pk
    # The decision is final: no shortlisting afterwards.
    with pytest.raises(ValidationError):
        services.shortlist(world.officer, app, yes=True)
    assert Application.objects.get(pk=app.pk).state == ApplicationState.NOT_SHORTLISTED


def test_reviewer_declares_a_conflict_which_ends_the_review(world: Any) -> None:
    app = submitted(world)
    review = services.assign_reviewer(world.officer, app, world.reviewer)
    for someone in (world.officer, world.applicant, world.outsider):
        with pytest.raises(PermissionDenied):
            services.declare_conflict(someone, review, "I know the applicant.")
    with pytest.raises(ValidationError) as exc:
        services.declare_conflict(world.reviewer, review, "   ")
    assert "conflict_reason" in exc.value.message_dict
    review.refresh_from_db()
    assert review.state == ReviewState.ASSIGNED
    assert audited(ExchangeAction.REVIEW_CONFLICT_DECLARED, review) == []

    services.declare_conflict(world.reviewer, review, "  I supervised the applicant's thesis. ")
    review = Review.objects.get(pk=review.pk)
    assert review.state == ReviewState.CONFLICT
    assert review.conflict_reason == "I supervised the applicant's thesis."
    [event] = audited(ExchangeAction.REVIEW_CONFLICT_DECLARED, review)
    assert event.actor_id == world.reviewer.pk
    # A declined review can be neither scored nor declined again.
    crit = list(world.programme.rubric.all())
    with pytest.raises(PermissionDenied):
        services.submit_review(world.reviewer, review, scores={str(c.pk): 4 for c in crit})
    with pytest.raises(PermissionDenied):
        services.declare_conflict(world.reviewer, review, "Again.")
    assert Application.objects.get(pk=app.pk).review_score is None
