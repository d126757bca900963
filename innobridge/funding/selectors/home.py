"""What the home page asks of funding first (per-person facts, emptied on a change), and
notices."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_save

from innobridge.core.caching import forget_person_facts, person_fact, register_person_fact
from innobridge.core.models import Notice

from ..models import (
    AssignmentStatus,
    InvitationStatus,
    Project,
    ReviewAssignment,
    TeamMember,
)
from ..models import ProjectStatus as ProjectStatus  # for the plan dashboard
from ..notifications import SOURCE as NOTICE_SOURCE
from .calls import _authed

HOME_FACT = "funding_home"


def home_reads(user: Any) -> dict[str, bool]:
    """Which of the home page's funding lists can have anything for ``user``: reviews to do
    (``reviews``) and projects whose reports are theirs (``projects``). Most people have
    neither, and every signed-in home page asks before reading them (issue #17). Kept per
    person in the shared cache (core/caching.py) and emptied when they are given a review,
    join a team or their proposal becomes a project (:func:`connect_home_receivers`);
    ``True`` only means the list is read."""
    if not _authed(user):
        return {"reviews": False, "projects": False}

    def compute() -> dict[str, bool]:
        return {
            "reviews": ReviewAssignment.objects.filter(
                reviewer_id=user.pk,
                status__in=[AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED],
            ).exists(),
            "projects": Project.objects.filter(
                proposal__members__person_id=user.pk,
                proposal__members__status=InvitationStatus.ACCEPTED,
            ).exists(),
        }

    return dict(person_fact(user.pk, HOME_FACT, compute))


# Whose home-page facts a saved row changes: the reviewer given a review, a team's member.
_FACTS_OF = {ReviewAssignment: "reviewer_id", TeamMember: "person_id"}


def _row_saved(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    forget_person_facts(getattr(instance, _FACTS_OF[sender]))


def _project_saved(sender: type[Any], instance: Project, **kwargs: Any) -> None:
    if kwargs.get("created"):
        members = TeamMember.objects.filter(proposal_id=instance.proposal_id)
        forget_person_facts(*members.values_list("person_id", flat=True))


def connect_home_receivers() -> None:
    """Keep :func:`home_reads` in step (FundingConfig.ready)."""
    register_person_fact(HOME_FACT)
    for receiver, model in (
        (_row_saved, ReviewAssignment),
        (_row_saved, TeamMember),
        (_project_saved, Project),
    ):
        post_save.connect(
            receiver, sender=model, dispatch_uid=f"innobridge.funding.home.{model.__name__}"
        )


def notifications_of(user: Any) -> QuerySet[Notice]:
    """The user's funding notices, newest first."""
    if not _authed(user):
        return Notice.objects.none()
    return Notice.objects.filter(recipient=user, source=NOTICE_SOURCE)


def unread_notifications(user: Any) -> QuerySet[Notice]:
    return notifications_of(user).filter(read_at__isnull=True)
