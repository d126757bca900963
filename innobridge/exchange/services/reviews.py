"""Expert review (conflicts of interest, weighted rubric), shortlisting, and the host
supervisors' ranking of the shortlisted applicants who chose their placement."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.people.models import Authorship

from .. import notifications
from ..audit import ExchangeAction
from ..models import Application, ApplicationState, Placement, Review, ReviewState, SupervisorRank
from ..permissions import can_rank_placement, can_review, require, require_manage_programme
from ..workflow import APPLICATION_FLOW
from .applications import shortlistable


def _profile(person: Any) -> Any:
    return getattr(person, "researcher_profile", None)


def conflicts(reviewer: Any, app: Application) -> list[str]:
    """Automatic conflicts of interest, from what ``people`` knows: the same organisation
    (the applicant's home institution or profile), and co-authorship."""
    reasons: list[str] = []
    if reviewer.pk == app.applicant_id:
        return [_("This is the applicant.")]
    rp, ap = _profile(reviewer), _profile(app.applicant)
    orgs = {app.home_organisation_id, getattr(ap, "organisation_id", None)} - {None}
    if rp is not None and rp.organisation_id in orgs:
        reasons.append(_("Same organisation as the applicant."))
    supervised = Placement.objects.filter(
        preferences__application=app, supervisor=reviewer
    ).exists()
    if supervised:
        reasons.append(_("Supervisor of a placement the applicant chose."))
    if rp is not None and ap is not None:
        shared = Authorship.objects.filter(researcher=rp).values("publication")
        if Authorship.objects.filter(researcher=ap, publication__in=shared).exists():
            reasons.append(_("Co-author of the applicant."))
    return reasons


@transaction.atomic
def assign_reviewer(actor: Any, app: Application, reviewer: Any) -> Review:
    require_manage_programme(actor, app.programme)
    if app.state not in (ApplicationState.SUBMITTED, ApplicationState.NOMINATED):
        raise ValidationError(_("Only submitted applications are reviewed."))
    found = conflicts(reviewer, app)
    if found:
        raise ValidationError({"reviewer": found})
    review, created = Review.objects.get_or_create(application=app, reviewer=reviewer)
    if not created:
        raise ValidationError({"reviewer": _("This reviewer is already assigned.")})
    record_event(actor, ExchangeAction.REVIEW_ASSIGNED, review, after=snapshot(review))
    return review


@transaction.atomic
def declare_conflict(actor: Any, review: Review, reason: str) -> Review:
    require(can_review(actor, review))
    if not reason.strip():
        raise ValidationError({"conflict_reason": _("Say what the conflict is.")})
    review.state = ReviewState.CONFLICT
    review.conflict_reason = reason.strip()[:500]
    review.save()
    record_event(actor, ExchangeAction.REVIEW_CONFLICT_DECLARED, review, after=snapshot(review))
    return review


@transaction.atomic
def submit_review(
    actor: Any, review: Review, *, scores: dict[Any, Any], comment: str = ""
) -> Review:
    require(can_review(actor, review), _("This review is not yours to submit."))
    criteria = list(review.application.programme.rubric.all())
    if not criteria:
        raise ValidationError(_("The programme has no rubric yet."))
    clean: dict[str, int] = {}
    for c in criteria:
        raw = scores.get(str(c.pk), scores.get(c.pk))
        try:
            value = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError(
                {f"score_{c.pk}": _("Score every criterion from 0 to 5.")}
            ) from None
        if not 0 <= value <= 5:
            raise ValidationError({f"score_{c.pk}": _("Score every criterion from 0 to 5.")})
        clean[str(c.pk)] = value
    weights = sum((c.weight for c in criteria), Decimal(0))
    total = sum((c.weight * clean[str(c.pk)] for c in criteria), Decimal(0)) / weights
    review.scores = clean
    review.total = total.quantize(Decimal("0.001"), rounding=ROUND_HALF_EVEN)
    review.comment = comment[:10000]
    review.state = ReviewState.SUBMITTED
    review.save()
    app = Application.objects.select_for_update().get(pk=review.application_id)
    mean = app.reviews.filter(state=ReviewState.SUBMITTED).aggregate(m=Avg("total"))["m"]
    app.review_score = Decimal(str(mean)).quantize(Decimal("0.001")) if mean is not None else None
    app.save(update_fields=["review_score", "updated_at"])
    record_event(actor, ExchangeAction.REVIEW_SUBMITTED, review, after=snapshot(review))
    return review


@transaction.atomic
def shortlist(actor: Any, app: Application, *, yes: bool) -> Application:
    if yes and not shortlistable(app):
        raise ValidationError(_("This application needs its home institution's nomination first."))
    action = "shortlist" if yes else "not_shortlist"
    apply_transition(
        actor,
        app,
        APPLICATION_FLOW,
        action,
        audit_action=ExchangeAction.APPLICATION_SHORTLISTED
        if yes
        else ExchangeAction.APPLICATION_NOT_SHORTLISTED,
    )
    notifications.decision(app, action)
    return app


@transaction.atomic
def rank_applicants(
    actor: Any, placement: Placement, application_ids: Sequence[int]
) -> list[SupervisorRank]:
    """The supervisor's order (best first) of shortlisted applicants who chose the placement."""
    require(can_rank_placement(actor, placement), _("Only the placement's supervisor ranks."))
    ids = [int(i) for i in application_ids]
    eligible = set(
        Application.objects.filter(
            preferences__placement=placement, state=ApplicationState.SHORTLISTED
        ).values_list("pk", flat=True)
    )
    if len(set(ids)) != len(ids) or not set(ids) <= eligible:
        raise ValidationError(
            _("Rank only shortlisted applicants who chose this placement, once each.")
        )
    SupervisorRank.objects.filter(placement=placement).delete()
    ranks = [
        SupervisorRank.objects.create(placement=placement, application_id=a, rank=k)
        for k, a in enumerate(ids, start=1)
    ]
    record_event(actor, ExchangeAction.RANK_SAVED, placement, after={"ranking": ids})
    return ranks
