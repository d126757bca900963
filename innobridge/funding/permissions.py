"""Who may do what in the funding app: ``can_<verb>_<noun>(user, obj) -> bool`` and
``require_<verb>_<noun>(user, obj)`` raising ``PermissionDenied``.

These are predicates about people only; whether the object's *state* allows an action is
the business of the transition tables in :mod:`innobridge.funding.workflow`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, has_role

from .models import Call, Funder, InvitationStatus, Project, Proposal


def can_act_for_funder(user: Any, funder: Funder) -> bool:
    """A programme officer of ``funder`` (or a superuser)."""
    if not has_role(user, Role.PROGRAMME_OFFICER) and not getattr(user, "is_superuser", False):
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
    if not has_role(user, Role.PROGRAMME_OFFICER):
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
