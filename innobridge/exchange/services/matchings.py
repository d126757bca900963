"""Matching runs: both methods on the same data, side by side; the officer picks one,
adjusts by hand (a change that creates a blocking pair is flagged) and sends offers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition, record_event

from .. import matching as engine
from .. import notifications
from ..audit import ExchangeAction
from ..models import (
    Application,
    ApplicationState,
    MatchingMethod,
    MatchingRun,
    Offer,
    OfferState,
    Placement,
    PlacementState,
    Programme,
    SupervisorRank,
)
from ..permissions import require_manage_programme
from ..workflow import APPLICATION_FLOW


def applicant_text(app: Application) -> str:
    parts = [app.statement]
    profile = getattr(app.applicant, "researcher_profile", None)
    if profile is not None:
        parts.append(", ".join(profile.keywords or []))
        for pub in profile.publications.order_by("-year", "pk")[:10]:
            parts.append(f"{pub.title}. {pub.abstract}")
    return "\n".join(p for p in parts if p)


def placement_text(p: Placement) -> str:
    return f"{p.title}\n{p.description}\n{p.requirements}"


def _affinities(apps: list[Application], places: list[Placement]) -> dict[str, float]:
    from innobridge.matching.embed import EmbeddingCache
    from innobridge.people.matching import cache_dir, make_embedder

    try:
        cache = EmbeddingCache(cache_dir())
    except Exception:  # a read-only var/ only costs speed
        cache = None
    m = engine.text_affinities(
        [applicant_text(a) for a in apps],
        [placement_text(p) for p in places],
        make_embedder(),
        cache,
    )
    return {
        f"{a.pk}:{p.pk}": round(float(m[i, j]), 4)
        for i, a in enumerate(apps)
        for j, p in enumerate(places)
    }


def build_instance(
    programme: Programme, affinity: dict[str, float] | None = None
) -> tuple[engine.Instance, list[Application], list[Placement], dict[str, float]]:
    apps = list(
        Application.objects.filter(programme=programme, state=ApplicationState.SHORTLISTED)
        .select_related("applicant")
        .prefetch_related("preferences__placement__organisation")
        .order_by("pk")
    )
    places = list(
        Placement.objects.filter(programme=programme, state=PlacementState.APPROVED)
        .select_related("organisation")
        .order_by("pk")
    )
    if affinity is None:
        affinity = _affinities(apps, places)
    p_index = {p.pk: j for j, p in enumerate(places)}
    a_index = {a.pk: i for i, a in enumerate(apps)}
    prefs, affs, directions = [], [], []
    for a in apps:
        ps = [pr.placement for pr in a.preferences.all() if pr.placement_id in p_index]
        prefs.append([p_index[p.pk] for p in ps])
        affs.append([affinity.get(f"{a.pk}:{p.pk}", 0.0) for p in ps])
        host = ps[0].organisation.region if ps else ""
        directions.append(f"{a.home_region}>{host}")
    ranks = {
        (a_index[r.application_id], p_index[r.placement_id]): r.rank
        for r in SupervisorRank.objects.filter(placement__programme=programme)
        if r.application_id in a_index and r.placement_id in p_index
    }
    inst = engine.Instance(
        [str(a.pk) for a in apps],
        [str(p.pk) for p in places],
        [p.seats for p in places],
        prefs,
        affs,
        [float(a.review_score or 0) / 5 for a in apps],
        supervisor_rank=ranks,
        direction=directions,
    )
    return inst, apps, places, affinity


def _pairs(
    assignment: list[int], apps: list[Application], places: list[Placement]
) -> list[list[int]]:
    return [[apps[i].pk, places[p].pk] for i, p in enumerate(assignment) if p != engine.UNPLACED]


def _assignment(run: MatchingRun, apps: list[Application], places: list[Placement]) -> list[int]:
    a_index = {a.pk: i for i, a in enumerate(apps)}
    p_index = {p.pk: j for j, p in enumerate(places)}
    out = [engine.UNPLACED] * len(apps)
    for a, p in run.pairs:
        if a in a_index and p in p_index:
            out[a_index[a]] = p_index[p]
    return out


@transaction.atomic
def run_matching(
    actor: Any, programme: Programme, method: str, *, balance: bool = False
) -> MatchingRun:
    require_manage_programme(actor, programme)
    if method not in MatchingMethod.values:
        raise ValidationError({"method": _("Unknown method.")})
    inst, apps, places, affinity = build_instance(programme)
    if not apps:
        raise ValidationError(_("No shortlisted applicant to match yet."))
    options = {"balance": balance} if method == MatchingMethod.OPTIMAL else {}
    try:
        result = engine.run(inst, method, **options)
    except TimeoutError as exc:
        raise ValidationError(
            _(
                "The assignment with fairness did not finish within %(s)s seconds; "
                "compare the stable and the optimal results instead."
            )
            % {"s": int(engine.FAIR_TIME_LIMIT)}
        ) from exc
    run = MatchingRun.objects.create(
        programme=programme,
        method=method,
        run_by=actor,
        pairs=_pairs(result.assignment, apps, places),
        metrics=result.metrics.as_dict(),
        options={**options, "affinity": affinity},
    )
    record_event(
        actor, ExchangeAction.MATCHING_RUN, run, after={"method": method, "metrics": run.metrics}
    )
    return run


@transaction.atomic
def choose_run(actor: Any, run: MatchingRun) -> MatchingRun:
    require_manage_programme(actor, run.programme)
    if run.programme.matching_runs.filter(offers__isnull=False).exists():
        raise ValidationError(_("Offers have been sent; the choice is made."))
    MatchingRun.objects.filter(programme=run.programme).update(chosen=False)
    run.chosen = True
    run.save(update_fields=["chosen"])
    record_event(actor, ExchangeAction.MATCHING_CHOSEN, run, after={"chosen": True})
    return run


@transaction.atomic
def adjust(
    actor: Any, run: MatchingRun, application_id: int, placement_id: int | None
) -> list[str]:
    """Move one applicant (to a placement they ranked, or out). Returns warnings: the
    blocking pairs the change creates (the change is kept, and flagged on the run)."""
    require_manage_programme(actor, run.programme)
    if not run.chosen or run.offers.exists():
        raise ValidationError(_("Adjust the chosen result before offers are sent."))
    inst, apps, places, _aff = build_instance(run.programme, run.options.get("affinity", {}))
    a_index = {a.pk: i for i, a in enumerate(apps)}
    p_index = {p.pk: j for j, p in enumerate(places)}
    if application_id not in a_index:
        raise ValidationError({"application": _("Not a shortlisted applicant of this programme.")})
    i = a_index[application_id]
    before = _assignment(run, apps, places)
    after = list(before)
    if placement_id is None:
        after[i] = engine.UNPLACED
    else:
        if placement_id not in p_index or p_index[placement_id] not in inst.prefs[i]:
            raise ValidationError({"placement": _("The applicant did not rank this placement.")})
        j = p_index[placement_id]
        if sum(1 for x in after if x == j) >= inst.capacity[j] and after[i] != j:
            raise ValidationError({"placement": _("This placement has no free seat.")})
        after[i] = j
    created = engine.new_blocking_pairs(inst, before, after)
    warnings = [
        _("%(who)s and %(where)s would both rather be matched to each other.")
        % {"who": apps[a].applicant, "where": places[p].title}
        for a, p in created
    ]
    run.pairs = _pairs(after, apps, places)
    run.metrics = {**engine.metrics(inst, after, run.method, 0.0).as_dict(), "flags": warnings}
    run.adjusted = True
    run.save()
    record_event(
        actor,
        ExchangeAction.MATCHING_ADJUSTED,
        run,
        after={"application": application_id, "placement": placement_id, "flags": warnings},
    )
    return warnings


def _offer(
    actor: Any, app: Application, placement: Placement, run: MatchingRun | None, waiting: bool
) -> Offer:
    days = app.programme.reply_days
    offer = Offer.objects.create(
        application=app,
        placement=placement,
        run=run,
        reply_by=timezone.localdate() + dt.timedelta(days=days),
        from_waiting_list=waiting,
    )
    apply_transition(
        actor,
        app,
        APPLICATION_FLOW,
        "offer",
        audit_action=ExchangeAction.APPLICATION_OFFERED,
        check_roles=False,
    )
    record_event(actor, ExchangeAction.OFFER_SENT, offer, after={"reply_by": offer.reply_by})
    notifications.offer_sent(offer)
    return offer


@transaction.atomic
def send_offers(actor: Any, run: MatchingRun) -> list[Offer]:
    require_manage_programme(actor, run.programme)
    if not run.chosen:
        raise ValidationError(_("Choose this result before sending offers."))
    if run.offers.exists():
        raise ValidationError(_("The offers of this result have already been sent."))
    apps = {a.pk: a for a in Application.objects.filter(pk__in=[a for a, _p in run.pairs])}
    places = {p.pk: p for p in Placement.objects.filter(pk__in=[p for _a, p in run.pairs])}
    offers = []
    for a, p in run.pairs:
        if apps[a].state != ApplicationState.SHORTLISTED:
            continue  # withdrawn since the run
        offers.append(_offer(actor, apps[a], places[p], run, waiting=False))
    for waiting in Application.objects.filter(
        programme=run.programme, state=ApplicationState.SHORTLISTED
    ).select_related("applicant", "programme"):
        notifications.decision(waiting, "waiting_list")
    return offers


def fill_from_waiting_list(
    actor: Any, placement: Placement, run: MatchingRun | None
) -> Offer | None:
    """Offer a seat freed by a decline or a lapse to the next shortlisted applicant who
    ranked the placement and holds no offer — by the placement's order (supervisor rank,
    score, id); nobody already placed is moved."""
    taken = placement.offers.filter(state__in=[OfferState.SENT, OfferState.ACCEPTED]).count()
    if taken >= placement.seats:
        return None
    ranks = dict(
        SupervisorRank.objects.filter(placement=placement).values_list("application_id", "rank")
    )
    waiting = list(
        Application.objects.filter(
            programme=placement.programme_id,
            state=ApplicationState.SHORTLISTED,
            preferences__placement=placement,
        )
    )
    if not waiting:
        return None
    waiting.sort(key=lambda a: (ranks.get(a.pk, 10**9), -(a.review_score or 0), a.pk))
    return _offer(actor, waiting[0], placement, run, waiting=True)
