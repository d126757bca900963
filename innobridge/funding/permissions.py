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

OFFICER_FUNDERS_FACT = "officer_funders"


def officer_funder_ids(user: Any) -> frozenset[int]:
    """The ids of the funders ``user`` is a programme officer of: asked several times by
    every officer's page, so kept per person in the shared cache (core/caching.py) and
    emptied when a funder's officers change (:func:`connect_cache_receivers`)."""
    from innobridge.core.caching import person_fact

    if not getattr(user, "is_authenticated", False):
        return frozenset()
    through = Funder.officers.through
    return frozenset(
        person_fact(
            user.pk,
            OFFICER_FUNDERS_FACT,
            lambda: list(
                through.objects.filter(person_id=user.pk).values_list("funder_id", flat=True)
            ),
        )
    )


def _officers_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    from innobridge.core.caching import forget_all_person_facts, forget_person_facts

    if not str(kwargs.get("action")).startswith("post_"):
        return
    if isinstance(instance, Funder):  # funder.officers.add(...), .remove(...), .clear()
        pk_set = kwargs.get("pk_set")
        if pk_set is None:
            forget_all_person_facts()
        else:
            forget_person_facts(*pk_set)
    else:  # from the person's side
        forget_person_facts(instance.pk)


def _funder_deleted(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    # its officers' rows go with it (no m2m signal); a later funder may reuse the id
    from innobridge.core.caching import forget_all_person_facts

    forget_all_person_facts()


def connect_cache_receivers() -> None:
    """Keep :func:`officer_funder_ids` in step with the officers (FundingConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete

    from innobridge.core.caching import register_person_fact

    register_person_fact(OFFICER_FUNDERS_FACT)
    m2m_changed.connect(
        _officers_changed,
        sender=Funder.officers.through,
        dispatch_uid="innobridge.funding.officer_funders",
    )
    post_delete.connect(
        _funder_deleted, sender=Funder, dispatch_uid="innobridge.funding.officer_funders.funder"
    )


def can_act_for_funder(user: Any, funder: Funder) -> bool:
    """A programme officer of ``funder`` (or a superuser)."""
    if not can_act_as(user, Role.PROGRAMME_OFFICER) and not getattr(user, "is_superuser", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return funder.pk in officer_funder_ids(user)


def require_act_for_funder(user: Any, funder: Funder) -> None:
    if not can_act_for_funder(user, funder):
        raise PermissionDenied(
            _("Only a programme officer of %(funder)s may do this.") % {"funder": funder.name}
        )


def prefetched(obj: Any, name: str) -> bool:
    """Whether the page has read ``obj``'s relation ``name`` already (prefetch_related):
    then a check looks through it instead of asking the database again."""
    return name in getattr(obj, "_prefetched_objects_cache", {})


def can_manage_call(user: Any, call: Call) -> bool:
    """A programme officer of any funder of ``call`` (or a superuser)."""
    if getattr(user, "is_superuser", False):
        return True
    if not can_act_as(user, Role.PROGRAMME_OFFICER):
        return False
    funders = officer_funder_ids(user)
    if prefetched(call, "sides"):
        return any(cs.funder_id in funders for cs in call.sides.all())
    return bool(funders) and call.sides.filter(funder_id__in=funders).exists()


def require_manage_call(user: Any, call: Call) -> None:
    if not can_manage_call(user, call):
        raise PermissionDenied(_("Only the programme officers of this call may do this."))


def can_work_on_proposal(user: Any, proposal: Proposal) -> bool:
    """An accepted member of the proposal's team (the lead included)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if prefetched(proposal, "members"):
        return any(
            m.person_id == user.pk and m.status == InvitationStatus.ACCEPTED
            for m in proposal.members.all()
        )
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
