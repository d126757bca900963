"""Who may do and see what in exchanges: ``can_<verb>_<noun>`` / ``require_…`` and the
role functions the transition tables read."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as
from innobridge.core.workflow import SYSTEM
from innobridge.people.permissions import is_admin

from .models import ApplicationState, PlacementState, ReviewState

# States after which a supervisor may see the applicants who chose their placement.
SHORTLISTED_OR_LATER = {
    ApplicationState.SHORTLISTED,
    ApplicationState.OFFERED,
    ApplicationState.ACCEPTED,
    ApplicationState.UNSUCCESSFUL,
}


def _authed(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_officer(user: Any, programme: Any) -> bool:
    """One of the programme's officers, or an administrator (the role, as in the rest of
    the platform, or a superuser): they may do and see what its officers may."""
    if not _authed(user):
        return False
    if is_admin(user):
        return True
    return programme.officers.filter(pk=user.pk).exists()


def coordinates(user: Any, organisation_id: int | None) -> bool:
    if not _authed(user) or organisation_id is None:
        return False
    from .models import Coordinator

    return Coordinator.objects.filter(person=user, organisation_id=organisation_id).exists()


# ----------------------------------------------------------------- roles for the tables
def placement_roles(user: Any, placement: Any) -> set[str]:
    held: set[str] = set()
    if user == SYSTEM:
        return {SYSTEM}
    if coordinates(user, placement.organisation_id):
        held.add("coordinator")
    if is_officer(user, placement.programme):
        held.add("officer")
    if _authed(user) and placement.supervisor_id == user.pk:
        held.add("supervisor")
    return held


def application_roles(user: Any, application: Any) -> set[str]:
    if user == SYSTEM:
        return {SYSTEM}
    held: set[str] = set()
    if _authed(user) and application.applicant_id == user.pk:
        held.add("applicant")
    if coordinates(user, application.home_organisation_id):
        held.add("coordinator")
    if is_officer(user, application.programme):
        held.add("officer")
    return held


def offer_roles(user: Any, offer: Any) -> set[str]:
    if user == SYSTEM:
        return {SYSTEM}
    held: set[str] = set()
    if _authed(user) and offer.application.applicant_id == user.pk:
        held.add("applicant")
    if is_officer(user, offer.application.programme):
        held.add("officer")
    return held


def stay_roles(user: Any, stay: Any) -> set[str]:
    if user == SYSTEM:
        return {SYSTEM}
    held: set[str] = set()
    if _authed(user) and stay.application.applicant_id == user.pk:
        held.add("fellow")
    if _authed(user) and stay.placement.supervisor_id == user.pk:
        held.add("supervisor")
    if is_officer(user, stay.placement.programme):
        held.add("officer")
    return held


def report_roles(user: Any, report: Any) -> set[str]:
    held = stay_roles(user, report.stay)
    out = {"officer"} & held
    if report.author_role in held:
        out.add("author")
    return out


# ----------------------------------------------------------------------- predicates
def can_create_programme(user: Any) -> bool:
    return can_act_as(user, Role.PROGRAMME_OFFICER)


def can_manage_programme(user: Any, programme: Any) -> bool:
    return is_officer(user, programme)


def can_propose_placement(user: Any, programme: Any) -> bool:
    return can_act_as(user, Role.RESEARCHER) or is_officer(user, programme)


def can_view_placement(user: Any, placement: Any) -> bool:
    if placement.state == PlacementState.APPROVED:
        return True
    return bool(placement_roles(user, placement))


def can_view_application(user: Any, application: Any) -> bool:
    """Applicant, officers of the programme, the home institution's coordinator once
    submitted, an assigned reviewer without a conflict, and a supervisor of a placement
    the applicant chose once the applicant is shortlisted."""
    if not _authed(user):
        return False
    if application.applicant_id == user.pk or is_officer(user, application.programme):
        return True
    if application.state != ApplicationState.DRAFT and coordinates(
        user, application.home_organisation_id
    ):
        return True
    if application.reviews.filter(reviewer=user).exclude(state=ReviewState.CONFLICT).exists():
        return True
    return (
        application.state in SHORTLISTED_OR_LATER
        and application.preferences.filter(placement__supervisor=user).exists()
    )


def can_view_letters(user: Any, application: Any) -> bool:
    """Referee letters: officers and assigned reviewers — never the applicant."""
    if not _authed(user) or application.applicant_id == user.pk:
        return False
    if is_officer(user, application.programme):
        return True
    return application.reviews.filter(
        reviewer=user, state__in=[ReviewState.ASSIGNED, ReviewState.SUBMITTED]
    ).exists()


def can_see_reviewers(user: Any, application: Any) -> bool:
    """Who reviewed: officers only (an applicant never learns it)."""
    return is_officer(user, application.programme) and application.applicant_id != user.pk


def can_edit_application(user: Any, application: Any) -> bool:
    return (
        _authed(user)
        and application.applicant_id == user.pk
        and application.state == ApplicationState.DRAFT
    )


def can_review(user: Any, review: Any) -> bool:
    return _authed(user) and review.reviewer_id == user.pk and review.state == ReviewState.ASSIGNED


def can_rank_placement(user: Any, placement: Any) -> bool:
    return _authed(user) and placement.supervisor_id == user.pk


def can_view_stay(user: Any, stay: Any) -> bool:
    return bool(stay_roles(user, stay))


def require(ok: bool, message: str | None = None) -> None:
    if not ok:
        raise PermissionDenied(message or _("You may not do this."))


def require_manage_programme(user: Any, programme: Any) -> None:
    require(can_manage_programme(user, programme))


def require_view_application(user: Any, application: Any) -> None:
    require(can_view_application(user, application))


def require_view_stay(user: Any, stay: Any) -> None:
    require(can_view_stay(user, stay))
