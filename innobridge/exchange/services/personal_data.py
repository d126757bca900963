"""The register of who saw an applicant's personal data (the application, its documents,
referee letters): every view by someone other than the applicant — reviewer, supervisor,
coordinator, officer — is logged through the platform's register
(:func:`innobridge.core.services.log_personal_data_view`), with the viewer's role and side
of the boundary. Items are stored as stable English labels ("application file",
"document: cv", "reference letter 12"), the same in every language. The applicant sees
who viewed their file (a reviewer only as "a
reviewer": reviewers stay anonymous); officers export the register of their programme."""

from __future__ import annotations

from typing import Any

from innobridge.core.models import PersonalDataView
from innobridge.core.services import log_personal_data_view

from ..models import Application
from ..permissions import application_roles

# The viewer's role, most specific first (one person may hold several).
ROLE_ORDER = ("officer", "coordinator", "supervisor", "reviewer")


def viewer_role(user: Any, app: Application) -> str:
    held = application_roles(user, app)
    if app.preferences.filter(placement__supervisor=user).exists():
        held.add("supervisor")
    if app.reviews.filter(reviewer=user).exists():
        held.add("reviewer")
    return next((r for r in ROLE_ORDER if r in held), "other")


def viewer_region(user: Any) -> str:
    """The side the viewer works on: their researcher profile's region, else their
    coordinated institution's."""
    profile = getattr(user, "researcher_profile", None)
    if profile is not None and profile.region:
        return str(profile.region)
    coord = user.exchange_coordinations.select_related("organisation").first()
    return str(coord.organisation.region) if coord is not None else ""


def log_application_view(actor: Any, app: Application, item: str) -> PersonalDataView | None:
    """Log one view of ``item`` of ``app`` (the caller checked that ``actor`` may see it);
    the applicant's own views are not logged."""
    if not getattr(actor, "is_authenticated", False) or actor.pk == app.applicant_id:
        return None
    return log_personal_data_view(
        actor,
        app.applicant,
        app,
        item=item,
        role=viewer_role(actor, app),
        viewer_region=viewer_region(actor),
        subject_region=app.home_region,
    )
