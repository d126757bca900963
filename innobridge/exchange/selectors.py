"""Reads of the exchange app that depend on who asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from innobridge.core.figures import Dim, Row, grouped, region_label

from .models import (
    Application,
    ApplicationState,
    Coordinator,
    Direction,
    MatchingRun,
    Offer,
    OfferState,
    Placement,
    PlacementState,
    Programme,
    ProgrammeKind,
    Review,
    ReviewState,
    Stay,
)
from .models import StayState as StayState  # for the plan dashboard
from .permissions import (
    SHORTLISTED_OR_LATER,
    can_view_application,
    can_view_placement,
    can_view_stay,
    is_officer,
    require,
)


def programmes() -> QuerySet[Programme]:
    return Programme.objects.all()


def open_placements(programme: Programme) -> QuerySet[Placement]:
    return programme.placements.filter(state=PlacementState.APPROVED).select_related(
        "organisation", "supervisor"
    )


def placement_for(user: Any, pk: int) -> Placement:
    p = get_object_or_404(Placement.objects.select_related("programme", "organisation"), pk=pk)
    require(can_view_placement(user, p))
    return p


def application_for(user: Any, pk: int) -> Application:
    app = get_object_or_404(
        Application.objects.select_related("programme", "applicant", "home_organisation"), pk=pk
    )
    require(can_view_application(user, app))
    return app


def stay_for(user: Any, pk: int) -> Stay:
    stay = get_object_or_404(
        Stay.objects.select_related(
            "application__applicant", "placement__programme", "placement__organisation"
        ),
        pk=pk,
    )
    require(can_view_stay(user, stay))
    return stay


def my_applications(user: Any) -> QuerySet[Application]:
    return Application.objects.filter(applicant=user).select_related("programme")


APPLICANT_FACT = "exchange_applicant"


def has_applied(user: Any) -> bool:
    """Whether ``user`` has ever made an exchange application: most people have not, and
    every signed-in home page asks before reading their applications (issue #17). Kept per
    person in the shared cache (core/caching.py) and emptied when they make one
    (:func:`connect_cache_receivers`); "yes" only means the applications are read."""
    from innobridge.core.caching import person_fact

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        person_fact(
            user.pk,
            APPLICANT_FACT,
            lambda: Application.objects.filter(applicant_id=user.pk).exists(),
        )
    )


def _application_saved(sender: type[Any], instance: Application, **kwargs: Any) -> None:
    from innobridge.core.caching import forget_person_facts

    if kwargs.get("created"):
        forget_person_facts(instance.applicant_id)


def connect_cache_receivers() -> None:
    """Keep :func:`has_applied` in step with the applications (ExchangeConfig.ready)."""
    from django.db.models.signals import post_save

    from innobridge.core.caching import register_person_fact

    register_person_fact(APPLICANT_FACT)
    post_save.connect(
        _application_saved, sender=Application, dispatch_uid="innobridge.exchange.applicant"
    )


def open_applications(user: Any) -> QuerySet[Application]:
    """The user's applications still under way (drafts to submit, decisions awaited, an
    offer to answer, a stay to prepare), newest first, each with its sent offer's
    ``reply_by`` (None when no offer waits): one query, for the home page."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    waiting = Offer.objects.filter(application=OuterRef("pk"), state=OfferState.SENT)
    return (
        Application.objects.filter(applicant=user)
        .exclude(
            state__in=[
                ApplicationState.NOT_NOMINATED,
                ApplicationState.NOT_SHORTLISTED,
                ApplicationState.UNSUCCESSFUL,
                ApplicationState.WITHDRAWN,
            ]
        )
        .select_related("programme")
        .annotate(reply_by=Subquery(waiting.values("reply_by")[:1]))
        .order_by("-created_at", "-pk")
    )


def my_reviews(user: Any) -> QuerySet[Review]:
    return (
        Review.objects.filter(reviewer=user)
        .exclude(state=ReviewState.CONFLICT)
        .select_related("application__programme", "application__applicant")
    )


def my_placements(user: Any) -> QuerySet[Placement]:
    return Placement.objects.filter(supervisor=user).select_related("programme", "organisation")


def coordinated_organisations(user: Any) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Coordinator.objects.filter(person=user).values_list("organisation_id", flat=True))


def coordinator_queue(user: Any) -> tuple[QuerySet[Application], QuerySet[Placement]]:
    """Candidates of the user's institutions (submitted, not drafts) and placements
    waiting for their approval."""
    orgs = coordinated_organisations(user)
    apps = (
        Application.objects.filter(home_organisation_id__in=orgs)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("programme", "applicant")
    )
    places = Placement.objects.filter(organisation_id__in=orgs).select_related("programme")
    return apps, places


def programme_applications(user: Any, programme: Programme) -> QuerySet[Application]:
    require(is_officer(user, programme))
    return programme.applications.exclude(state=ApplicationState.DRAFT).select_related(
        "applicant", "home_organisation"
    )


def placement_applicants(user: Any, placement: Placement) -> QuerySet[Application]:
    """A supervisor sees only shortlisted (or later) applicants who chose the placement."""
    if placement.supervisor_id != getattr(user, "pk", None) and not is_officer(
        user, placement.programme
    ):
        return Application.objects.none()
    return Application.objects.filter(
        preferences__placement=placement, state__in=SHORTLISTED_OR_LATER
    ).select_related("applicant")


def latest_affinities(programme: Programme) -> dict[str, float]:
    """Applicant–placement affinities (``"<application>:<placement>"`` → score) of the
    programme's newest matching run; empty before any run."""
    for run in programme.matching_runs.all():
        aff = (run.options or {}).get("affinity")
        if aff:
            return {str(k): float(v) for k, v in aff.items()}
    return {}


def latest_runs(programme: Programme) -> dict[str, MatchingRun]:
    out: dict[str, MatchingRun] = {}
    for run in programme.matching_runs.all():
        out.setdefault(run.method, run)
    return out


def my_stays(user: Any) -> QuerySet[Stay]:
    if not getattr(user, "is_authenticated", False):
        return Stay.objects.none()
    return (
        Stay.objects.filter(
            Q(application__applicant=user)
            | Q(placement__supervisor=user)
            | Q(placement__programme__officers=user)
        )
        .distinct()
        .select_related("application__applicant", "placement__organisation")
    )


def public_fellows() -> list[dict[str, Any]]:
    """Placed fellows by programme and host institution; a name only with consent."""
    stays = (
        Stay.objects.exclude(state=StayState.CANCELLED)
        .select_related("application__applicant", "placement__programme", "placement__organisation")
        .order_by("placement__programme__title", "placement__organisation__name", "pk")
    )
    groups: dict[tuple[int, int], dict[str, Any]] = {}
    for s in stays:
        key = (s.placement.programme_id, s.placement.organisation_id)
        g = groups.setdefault(
            key,
            {
                "programme": s.placement.programme,
                "organisation": s.placement.organisation,
                "names": [],
                "count": 0,
            },
        )
        g["count"] += 1
        if s.application.public_consent:
            g["names"].append(str(s.application.applicant))
    return list(groups.values())


# ------------------------------------------- figures for the Action Plan dashboard (plan)
# Each takes the moment ``as_of`` where the figure is dated (what the data said then) and
# an optional breakdown ``by``; rows of (key, label, value), one row with an empty key for
# the total. "direction" and "kind" are the programme's.


def direction_label(key: str) -> str:
    return str(dict(Direction.choices).get(key, key))


def programme_kind_label(key: str) -> str:
    return str(dict(ProgrammeKind.choices).get(key, key))


def _stay_dims() -> dict[str, Dim]:
    return {
        "region": Dim("application__home_region", label=region_label),
        "institution": Dim(
            "placement__organisation_id", label_field="placement__organisation__name"
        ),
        "city": Dim("placement__organisation__city"),
        "direction": Dim("placement__programme__direction", label=direction_label),
        "kind": Dim("placement__programme__kind", label=programme_kind_label),
        "quarter": Dim("created_at", quarter=True),
    }


def applications_submitted_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Applications to exchange programmes submitted by ``as_of``."""
    qs = Application.objects.filter(submitted_at__isnull=False, submitted_at__lte=as_of)
    dims = {
        "region": Dim("home_region", label=region_label),
        "institution": Dim("home_organisation_id", label_field="home_organisation__name"),
        "direction": Dim("programme__direction", label=direction_label),
        "kind": Dim("programme__kind", label=programme_kind_label),
        "quarter": Dim("submitted_at", quarter=True),
    }
    return grouped(qs, dims, by)


def fellows_placed_figure(by: str | None = None) -> list[Row]:
    """Fellows placed: stays not cancelled (as ``public_fellows`` lists them) — a current
    state, since a cancellation carries no date."""
    return grouped(Stay.objects.exclude(state=StayState.CANCELLED), _stay_dims(), by)


def stays_in_state_figure(states: list[str], by: str | None = None) -> list[Row]:
    """Stays now in one of ``states``."""
    return grouped(Stay.objects.filter(state__in=states), _stay_dims(), by)


def places_offered_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Places announced by exchange programmes created by ``as_of``."""
    qs = Programme.objects.filter(created_at__lte=as_of)
    dims = {
        "direction": Dim("direction", label=direction_label),
        "kind": Dim("kind", label=programme_kind_label),
        "quarter": Dim("created_at", quarter=True),
    }
    return grouped(qs, dims, by, value=Sum("places"))


# ------------------------------------------------------- who saw whose personal data
def view_role_label(role: str) -> str:
    """A register row's stored role in the reader's language."""
    from django.utils.translation import gettext as _

    labels = {
        "officer": _("programme officer"),
        "coordinator": _("coordinator"),
        "supervisor": _("supervisor"),
        "reviewer": _("reviewer"),
    }
    return labels.get(role, _("other"))


def view_item_label(item: str) -> str:
    """A register row's stored item ("application file", "document: cv", "reference
    letter 12"; stable English labels) in the reader's language."""
    from django.utils.translation import gettext as _

    from .models import DocumentKind

    if item.startswith("application file"):
        return _("application file (API)") if item.endswith("(API)") else _("application file")
    if item.startswith("document: "):
        kind = item.removeprefix("document: ")
        label = dict(DocumentKind.choices).get(kind, kind)
        return _("document: %(kind)s") % {"kind": label}
    if item.startswith("reference letter "):
        return _("reference letter %(number)s") % {"number": item.removeprefix("reference letter ")}
    return item


def application_views_for(user: Any, app: Application) -> list[dict[str, Any]]:
    """The register of views of ``app`` as ``user`` may read it: the applicant sees the
    role, side, item and time of every view and the name of everyone but reviewers
    (reviewers stay anonymous to applicants); the programme's officers see everything."""
    from django.core.exceptions import PermissionDenied

    from innobridge.core.models import PersonalDataView

    officer = is_officer(user, app.programme)
    if not officer and app.applicant_id != getattr(user, "pk", None):
        raise PermissionDenied
    rows = []
    for v in PersonalDataView.objects.of(app):
        rows.append(
            {
                "viewed_at": v.viewed_at,
                "role": view_role_label(v.viewer_role),
                "viewer": v.viewer_repr if officer or v.viewer_role != "reviewer" else "",
                "viewer_region": v.get_viewer_region_display() if v.viewer_region else "",
                "item": view_item_label(v.item),
                "crosses_boundary": v.crosses_boundary,
            }
        )
    return rows


def programme_views(user: Any, programme: Programme) -> QuerySet[Any]:
    """Every logged view of the programme's applications, oldest first (its officers)."""
    from innobridge.core.models import PersonalDataView

    require(is_officer(user, programme))
    ids = [str(pk) for pk in programme.applications.values_list("pk", flat=True)]
    return PersonalDataView.objects.filter(
        object_type=Application._meta.label_lower, object_id__in=ids
    ).order_by("viewed_at", "id")


def my_notices(user: Any) -> QuerySet[Any]:
    """The user's in-app notices from the exchange app, newest first."""
    from innobridge.core.models import Notice

    return Notice.objects.filter(recipient_id=getattr(user, "pk", None), source="exchange")
