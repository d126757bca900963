"""Who may do what in the funding app: ``can_<verb>_<noun>(user, obj) -> bool`` and
``require_<verb>_<noun>(user, obj)`` raising ``PermissionDenied``.

These are predicates about people only; whether the object's *state* allows an action is
the business of the transition tables in :mod:`innobridge.funding.workflow`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as

from .models import (
    Call,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Funder,
    InvitationStatus,
    Project,
    Proposal,
    ReviewAssignment,
)


def can_act_for_funder(user: Any, funder: Funder) -> bool:
    """A programme officer of ``funder`` (or a superuser)."""
    if not can_act_as(user, Role.PROGRAMME_OFFICER) and not getattr(user, "is_superuser", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return funder.officers.filter(pk=user.pk).exists()


def require_act_for_funder(user: Any, funder: Funder) -> None:
    if not can_act_for_funder(user, funder):
        raise PermissionDenied(
            _("Only a programme officer of %(funder)s may do this.") % {"funder": funder.name}
        )


def can_manage_call(user: Any, call: Call) -> bool:
    """A programme officer of any funder of ``call`` (or a superuser)."""
    if getattr(user, "is_superuser", False):
        return True
    if not can_act_as(user, Role.PROGRAMME_OFFICER):
        return False
    return call.sides.filter(funder__officers=user).exists()


def require_manage_call(user: Any, call: Call) -> None:
    if not can_manage_call(user, call):
        raise PermissionDenied(_("Only the programme officers of this call may do this."))


def can_work_on_proposal(user: Any, proposal: Proposal) -> bool:
    """An accepted member of the proposal's team (the lead included)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return proposal.members.filter(person=user, status=InvitationStatus.ACCEPTED).exists()


def can_lead_proposal(user: Any, proposal: Proposal) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and proposal.lead_id == user.pk


def require_lead_proposal(user: Any, proposal: Proposal) -> None:
    if not can_lead_proposal(user, proposal):
        raise PermissionDenied(_("Only the lead applicant may do this."))


def require_work_on_project(user: Any, project: Project) -> None:
    if not can_work_on_proposal(user, project.proposal):
        raise PermissionDenied(_("Only the project team may do this."))


JOINT_CHANGE_KINDS = frozenset({ChangeKind.DURATION})


def is_joint_change(change: ChangeRequest) -> bool:
    """Whether ``change`` needs the yes of every funder of the call, not only the one
    concerned (a change that affects both sides, on a joint project)."""
    return change.kind in JOINT_CHANGE_KINDS and change.project.proposal.call.sides.count() > 1


def funders_to_decide(actor: Any, change: ChangeRequest) -> list[Funder]:
    """The funders for which ``actor`` may decide ``change`` now (empty: none). The funder
    concerned decides first; on a joint change every other funder then says yes too."""
    if change.status != ChangeStatus.PENDING:
        return []
    sides = list(change.project.proposal.call.sides.select_related("funder").order_by("side"))
    concerned = next((cs.funder for cs in sides if cs.side == change.side), None)
    if concerned is None:
        return []
    if not is_joint_change(change):
        return [concerned] if can_act_for_funder(actor, concerned) else []
    approved = set(change.approvals.values_list("funder_id", flat=True))
    if concerned.pk not in approved:
        return [concerned] if can_act_for_funder(actor, concerned) else []
    return [
        cs.funder
        for cs in sides
        if cs.funder_id not in approved and can_act_for_funder(actor, cs.funder)
    ]


def can_decide_change(user: Any, change: ChangeRequest) -> bool:
    """An officer of a funder that may approve or reject ``change`` now."""
    return bool(funders_to_decide(user, change))


def can_review_assignment(user: Any, assignment: ReviewAssignment) -> bool:
    """The reviewer the assignment names."""
    return bool(getattr(user, "is_authenticated", False)) and assignment.reviewer_id == user.pk
