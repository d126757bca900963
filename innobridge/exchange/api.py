"""The exchange API (``/api/exchange/``): typed input and output schemas on every
endpoint. Errors: 401 not signed in, 403 not allowed, 404 not found (or not visible),
422 bad input or a step the state does not allow (``detail`` names the field)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth as _auth
from innobridge.people.models import Organisation

from . import selectors, services
from .matching import pair_level
from .models import (
    Application,
    ApplicationState,
    ChecklistTemplate,
    MatchingRun,
    Offer,
    Placement,
    Programme,
    Referee,
    Review,
    RubricCriterion,
    Stay,
    StayReport,
    StipendComponent,
)
from .permissions import can_see_reviewers, require_manage_programme
from .workflow import APPLICATION_FLOW, OFFER_FLOW, STAY_FLOW, actions

router = Router(tags=["exchange"])
ERRORS: dict[int, Any] = {401: dict, 403: dict, 404: dict, 422: dict}


class Action(Schema):
    action: str
    label: str


class StipendOut(Schema):
    paid_by: str
    currency: str
    amount: Decimal
    schedule: list[str]


class ProgrammeOut(Schema):
    id: int
    title: str
    title_zh: str
    kind: str
    direction: str
    places: int
    min_months: int
    max_months: int
    max_preferences: int
    applications_open: dt.date
    applications_close: dt.date
    results_on: dt.date
    max_age: int | None
    max_years_since_phd: int | None
    nomination_required: bool
    is_demo: bool
    stipends: list[StipendOut]


def _programme(p: Programme) -> dict[str, Any]:
    return {
        **{f: getattr(p, f) for f in ProgrammeOut.model_fields if f not in {"stipends"}},
        "stipends": [
            {
                "paid_by": s.paid_by,
                "currency": s.currency,
                "amount": s.amount,
                "schedule": s.schedule,
            }
            for s in p.stipends.all()
        ],
    }


class ProgrammeIn(Schema):
    title: Annotated[str, FromModel(Programme, "title")]
    title_zh: Annotated[str, FromModel(Programme, "title_zh")] = ""
    description: Annotated[str, FromModel(Programme, "description")] = ""
    kind: Annotated[str, FromModel(Programme, "kind")]
    direction: Annotated[str, FromModel(Programme, "direction")]
    places: Annotated[int, FromModel(Programme, "places")]
    min_months: Annotated[int, FromModel(Programme, "min_months")] = 1
    max_months: Annotated[int, FromModel(Programme, "max_months")] = 24
    max_preferences: Annotated[int, FromModel(Programme, "max_preferences")] = 3
    referees_required: Annotated[int, FromModel(Programme, "referees_required")] = 1
    placements_open: Annotated[dt.date, FromModel(Programme, "placements_open")]
    applications_open: Annotated[dt.date, FromModel(Programme, "applications_open")]
    applications_close: Annotated[dt.date, FromModel(Programme, "applications_close")]
    review_until: Annotated[dt.date, FromModel(Programme, "review_until")]
    results_on: Annotated[dt.date, FromModel(Programme, "results_on")]
    earliest_start: Annotated[dt.date, FromModel(Programme, "earliest_start")]
    max_age: Annotated[int | None, FromModel(Programme, "max_age")] = None
    max_years_since_phd: Annotated[int | None, FromModel(Programme, "max_years_since_phd")] = None
    nomination_required: bool = False


class PlacementOut(Schema):
    id: int
    programme: int
    title: str
    description: str
    organisation: str
    organisation_ror: str | None
    supervisor: str
    seats: int
    months: int
    state: str


def _placement(p: Placement) -> dict[str, Any]:
    return {
        "id": p.pk,
        "programme": p.programme_id,
        "title": p.title,
        "description": p.description,
        "organisation": p.organisation.name,
        "organisation_ror": p.organisation.ror_id,
        "supervisor": str(p.supervisor),
        "seats": p.seats,
        "months": p.months,
        "state": p.state,
    }


class PlacementIn(Schema):
    title: Annotated[str, FromModel(Placement, "title")]
    description: Annotated[str, FromModel(Placement, "description")] = ""
    organisation_id: int
    seats: Annotated[int, FromModel(Placement, "seats")] = 1
    months: Annotated[int, FromModel(Placement, "months")] = 12
    requirements: Annotated[str, FromModel(Placement, "requirements")] = ""


class ApplicationIn(Schema):
    statement: Annotated[str, FromModel(Application, "statement")] = ""
    birth_date: Annotated[dt.date | None, FromModel(Application, "birth_date")] = None
    phd_date: Annotated[dt.date | None, FromModel(Application, "phd_date")] = None
    career_stage: Annotated[str, FromModel(Application, "career_stage")] = ""
    home_region: Annotated[str, FromModel(Application, "home_region")]
    home_organisation_id: int
    languages: list[Annotated[str, FromModel(Application, "career_stage")]] = []
    public_consent: bool = False


class PreferencesIn(Schema):
    placement_ids: list[int]


class RefereeIn(Schema):
    name: Annotated[str, FromModel(Referee, "name")]
    email: Annotated[str, FromModel(Referee, "email")]
    language: Literal["", "en", "zh-hant", "zh-hans"] = ""


class PlacementOfferOut(Schema):
    id: int
    placement: int
    state: str
    reply_by: dt.date
    actions: list[Action]


class ApplicationOut(Schema):
    id: int
    programme: int
    state: str
    statement: str
    preferences: list[int]
    referees: list[dict[str, str]]
    problems: list[str]
    actions: list[Action]
    offers: list[PlacementOfferOut]
    review_score: Decimal | None
    reviewers: list[str] | None  # officers only; never the applicant


def _application(user: Any, app: Application) -> dict[str, Any]:
    draft = app.state == ApplicationState.DRAFT and app.applicant_id == user.pk
    return {
        "id": app.pk,
        "programme": app.programme_id,
        "state": app.state,
        "statement": app.statement,
        "preferences": list(app.preferences.values_list("placement_id", flat=True)),
        "referees": [{"name": r.name, "state": r.state} for r in app.referees.all()],
        "problems": services.submission_problems(app) if draft else [],
        "actions": actions(APPLICATION_FLOW, user, app),
        "offers": [
            {
                "id": o.pk,
                "placement": o.placement_id,
                "state": o.state,
                "reply_by": o.reply_by,
                "actions": actions(OFFER_FLOW, user, o),
            }
            for o in app.offers.all()
        ],
        "review_score": app.review_score if app.applicant_id != user.pk else None,
        "reviewers": [str(r.reviewer) for r in app.reviews.all()]
        if can_see_reviewers(user, app)
        else None,
    }


class ApplicationReviewIn(Schema):
    scores: dict[Annotated[str, Field(max_length=20)], Annotated[int, Field(ge=0, le=5)]]
    comment: Annotated[str, FromModel(Review, "comment")] = ""


class MatchingIn(Schema):
    method: Annotated[str, FromModel(MatchingRun, "method")]
    balance: bool = False


class MatchedPairOut(Schema):
    application: int
    placement: int
    affinity: float | None
    level: str = Field(
        description="Calibrated level of the affinity: strong, possible or weak (not a "
        "match); empty without an affinity. The thresholds of partner search."
    )


class MatchingOut(Schema):
    id: int
    method: str
    chosen: bool
    adjusted: bool
    pairs: list[list[int]]
    matched: list[MatchedPairOut] = Field(description="The pairs with their fit levels.")
    metrics: dict[str, Any]


def _run(r: MatchingRun) -> dict[str, Any]:
    aff = (r.options or {}).get("affinity", {})
    return {
        "id": r.pk,
        "method": r.method,
        "chosen": r.chosen,
        "adjusted": r.adjusted,
        "pairs": r.pairs,
        "matched": [
            {
                "application": a,
                "placement": p,
                "affinity": aff.get(f"{a}:{p}"),
                "level": pair_level(aff.get(f"{a}:{p}")),
            }
            for a, p in r.pairs
        ],
        "metrics": r.metrics,
    }


class AdjustIn(Schema):
    application_id: int
    placement_id: int | None = None


class AdjustOut(Schema):
    flags: list[str]
    run: MatchingOut


class StayOut(Schema):
    id: int
    state: str
    placement: int
    planned_arrival: dt.date
    planned_departure: dt.date
    actual_arrival: dt.date | None
    actual_departure: dt.date | None
    actions: list[Action]
    instalments: list[dict[str, Any]]


def _stay(user: Any, s: Stay) -> dict[str, Any]:
    return {
        "id": s.pk,
        "state": s.state,
        "placement": s.placement_id,
        "planned_arrival": s.planned_arrival,
        "planned_departure": s.planned_departure,
        "actual_arrival": s.actual_arrival,
        "actual_departure": s.actual_departure,
        "actions": actions(STAY_FLOW, user, s),
        "instalments": [
            {
                "paid_by": i.paid_by,
                "currency": i.currency,
                "amount": str(i.amount),
                "paid_on": i.paid_on,
                "state": i.state,
            }
            for i in s.instalments.all()
        ],
    }


class StayActionIn(Schema):
    action: Annotated[str, FromModel(Stay, "state", max_length=20)]


class PlannedDatesIn(Schema):
    planned_arrival: Annotated[dt.date, FromModel(Stay, "planned_arrival")]
    planned_departure: Annotated[dt.date, FromModel(Stay, "planned_departure")]


class StayReportIn(Schema):
    kind: Annotated[str, FromModel(StayReport, "kind")]
    text: Annotated[str, FromModel(StayReport, "text")]


class StayReportOut(Schema):
    id: int
    kind: str
    author_role: str
    state: str


class FellowsOut(Schema):
    programme: str
    organisation: str
    count: int
    names: list[str]


class StipendIn(Schema):
    paid_by: Annotated[str, FromModel(StipendComponent, "paid_by")]
    currency: Annotated[str, FromModel(StipendComponent, "currency")]
    amount: Annotated[Decimal, FromModel(StipendComponent, "amount")]
    schedule: list[Annotated[str, Field(max_length=10)]]


class ChecklistStepIn(Schema):
    host_region: Annotated[str, FromModel(ChecklistTemplate, "host_region")]
    title: Annotated[str, FromModel(ChecklistTemplate, "title")]
    days_before_arrival: Annotated[int, FromModel(ChecklistTemplate, "days_before_arrival")]


class RubricCriterionIn(Schema):
    name: Annotated[str, FromModel(RubricCriterion, "name")]
    weight: Annotated[Decimal, FromModel(RubricCriterion, "weight")]


class Created(Schema):
    id: int


# ------------------------------------------------------------------------- endpoints
@router.get("/programmes", response=list[ProgrammeOut])
def list_programmes(request: HttpRequest) -> list[dict[str, Any]]:
    return [_programme(p) for p in selectors.programmes().prefetch_related("stipends")]


@router.post("/programmes", response={201: ProgrammeOut, **ERRORS}, auth=_auth)
def create_programme(request: HttpRequest, data: ProgrammeIn) -> Status:
    return Status(201, _programme(services.create_programme(request.user, **data.dict())))


@router.post("/programmes/{pk}/stipends", response={201: Created, **ERRORS}, auth=_auth)
def add_stipend(request: HttpRequest, pk: int, data: StipendIn) -> Status:
    p = get_object_or_404(Programme, pk=pk)
    return Status(201, {"id": services.add_stipend(request.user, p, **data.dict()).pk})


@router.post("/programmes/{pk}/checklist", response={201: Created, **ERRORS}, auth=_auth)
def add_checklist_step(request: HttpRequest, pk: int, data: ChecklistStepIn) -> Status:
    p = get_object_or_404(Programme, pk=pk)
    return Status(201, {"id": services.add_checklist_step(request.user, p, **data.dict()).pk})


@router.post("/programmes/{pk}/rubric", response={201: Created, **ERRORS}, auth=_auth)
def add_criterion(request: HttpRequest, pk: int, data: RubricCriterionIn) -> Status:
    p = get_object_or_404(Programme, pk=pk)
    return Status(201, {"id": services.add_criterion(request.user, p, **data.dict()).pk})


@router.delete("/programmes/{pk}/stipends/{item}", response={204: None, **ERRORS}, auth=_auth)
def remove_stipend(request: HttpRequest, pk: int, item: int) -> Status:
    services.remove_stipend(
        request.user, get_object_or_404(StipendComponent, pk=item, programme_id=pk)
    )
    return Status(204, None)


@router.delete("/programmes/{pk}/rubric/{item}", response={204: None, **ERRORS}, auth=_auth)
def remove_criterion(request: HttpRequest, pk: int, item: int) -> Status:
    services.remove_criterion(
        request.user, get_object_or_404(RubricCriterion, pk=item, programme_id=pk)
    )
    return Status(204, None)


@router.get("/programmes/{pk}/placements", response=list[PlacementOut])
def list_placements(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    return [_placement(p) for p in selectors.open_placements(get_object_or_404(Programme, pk=pk))]


@router.post("/programmes/{pk}/placements", response={201: PlacementOut, **ERRORS}, auth=_auth)
def post_placement(request: HttpRequest, pk: int, data: PlacementIn) -> Status:
    fields = data.dict()
    org = get_object_or_404(Organisation, pk=fields.pop("organisation_id"))
    p = services.propose_placement(
        request.user, get_object_or_404(Programme, pk=pk), organisation=org, **fields
    )
    return Status(201, _placement(p))


@router.post("/placements/{pk}/{action}", response={200: PlacementOut, **ERRORS}, auth=_auth)
def move_placement(request: HttpRequest, pk: int, action: str) -> dict[str, Any]:
    p = selectors.placement_for(request.user, pk)
    return _placement(services.move_placement(request.user, p, action))


@router.post("/programmes/{pk}/applications", response={201: ApplicationOut, **ERRORS}, auth=_auth)
def start_application(request: HttpRequest, pk: int, data: ApplicationIn) -> Status:
    fields = data.dict()
    org = get_object_or_404(Organisation, pk=fields.pop("home_organisation_id"))
    app = services.start_application(
        request.user, get_object_or_404(Programme, pk=pk), home_organisation=org, **fields
    )
    return Status(201, _application(request.user, app))


@router.get("/applications/{pk}", response={200: ApplicationOut, **ERRORS}, auth=_auth)
def get_application(request: HttpRequest, pk: int) -> dict[str, Any]:
    app = selectors.application_for(request.user, pk)
    services.log_application_view(request.user, app, "application file (API)")
    return _application(request.user, app)


class PersonalDataViewOut(Schema):
    viewed_at: dt.datetime
    role: str
    viewer: str = Field(description="empty for a reviewer when the applicant asks")
    viewer_region: str
    item: str
    crosses_boundary: bool


class ProgrammeDataViewOut(Schema):
    viewed_at: dt.datetime
    application_id: int
    subject_region: str
    viewer: str
    viewer_role: str
    viewer_region: str
    item: str
    crosses_boundary: bool


@router.get(
    "/applications/{pk}/views", response={200: list[PersonalDataViewOut], **ERRORS}, auth=_auth
)
def application_views(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Who viewed this application's personal data (the applicant and officers)."""
    app = selectors.application_for(request.user, pk)
    return selectors.application_views_for(request.user, app)


@router.get(
    "/programmes/{pk}/personal-data-views",
    response={200: list[ProgrammeDataViewOut], **ERRORS},
    auth=_auth,
)
def programme_data_views(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """The programme's register of views of applicants' personal data (its officers)."""
    rows = selectors.programme_views(request.user, get_object_or_404(Programme, pk=pk))
    return [
        {
            "viewed_at": v.viewed_at,
            "application_id": int(v.object_id),
            "subject_region": v.subject_region,
            "viewer": v.viewer_repr,
            "viewer_role": v.viewer_role,
            "viewer_region": v.viewer_region,
            "item": v.item,
            "crosses_boundary": v.crosses_boundary,
        }
        for v in rows
    ]


@router.put("/applications/{pk}/preferences", response={200: ApplicationOut, **ERRORS}, auth=_auth)
def put_preferences(request: HttpRequest, pk: int, data: PreferencesIn) -> dict[str, Any]:
    app = selectors.application_for(request.user, pk)
    services.set_preferences(request.user, app, data.placement_ids)
    return _application(request.user, app)


@router.post("/applications/{pk}/referees", response={201: ApplicationOut, **ERRORS}, auth=_auth)
def invite_referee(request: HttpRequest, pk: int, data: RefereeIn) -> Status:
    app = selectors.application_for(request.user, pk)
    services.invite_referee(
        request.user, app, name=data.name, email=data.email, language=data.language
    )
    return Status(201, _application(request.user, app))


@router.post("/applications/{pk}/submit", response={200: ApplicationOut, **ERRORS}, auth=_auth)
def submit(request: HttpRequest, pk: int) -> dict[str, Any]:
    app = selectors.application_for(request.user, pk)
    services.submit_application(request.user, app)
    return _application(request.user, app)


@router.post("/applications/{pk}/close", response={200: ApplicationOut, **ERRORS}, auth=_auth)
def close_application(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Close a shortlisted application without an offer as unsuccessful (officers, once
    the results are out)."""
    app = selectors.application_for(request.user, pk)
    return _application(request.user, services.close_unsuccessful(request.user, app))


class ClosedOut(Schema):
    closed: list[int]


@router.post("/programmes/{pk}/waiting-list/close", response={200: ClosedOut, **ERRORS}, auth=_auth)
def close_waiting_list(request: HttpRequest, pk: int) -> dict[str, list[int]]:
    """End the round: every applicant still on the waiting list is closed as unsuccessful."""
    apps = services.close_waiting_list(request.user, get_object_or_404(Programme, pk=pk))
    return {"closed": [a.pk for a in apps]}


@router.post("/applications/{pk}/withdraw", response={200: ApplicationOut, **ERRORS}, auth=_auth)
def withdraw(request: HttpRequest, pk: int) -> dict[str, Any]:
    app = selectors.application_for(request.user, pk)
    services.withdraw_application(request.user, app)
    return _application(request.user, app)


class ApplicationReviewOut(Schema):
    id: int
    state: str
    total: str  # the weighted total, a decimal as text


@router.post("/reviews/{pk}", response={200: ApplicationReviewOut, **ERRORS}, auth=_auth)
def submit_review(request: HttpRequest, pk: int, data: ApplicationReviewIn) -> dict[str, Any]:
    review = get_object_or_404(Review, pk=pk, reviewer_id=request.user.pk)
    r = services.submit_review(request.user, review, scores=data.scores, comment=data.comment)
    return {"id": r.pk, "state": r.state, "total": str(r.total)}


@router.post("/programmes/{pk}/matchings", response={201: MatchingOut, **ERRORS}, auth=_auth)
def run_matching(request: HttpRequest, pk: int, data: MatchingIn) -> Status:
    p = get_object_or_404(Programme, pk=pk)
    return Status(
        201, _run(services.run_matching(request.user, p, data.method, balance=data.balance))
    )


@router.get("/programmes/{pk}/matchings", response={200: list[MatchingOut], **ERRORS}, auth=_auth)
def list_matchings(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    p = get_object_or_404(Programme, pk=pk)
    require_manage_programme(request.user, p)
    return [_run(r) for r in selectors.latest_runs(p).values()]


@router.post("/matchings/{pk}/choose", response={200: MatchingOut, **ERRORS}, auth=_auth)
def choose(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _run(services.choose_run(request.user, get_object_or_404(MatchingRun, pk=pk)))


@router.post("/matchings/{pk}/adjust", response={200: AdjustOut, **ERRORS}, auth=_auth)
def adjust(request: HttpRequest, pk: int, data: AdjustIn) -> dict[str, Any]:
    run = get_object_or_404(MatchingRun, pk=pk)
    flags = services.adjust(request.user, run, data.application_id, data.placement_id)
    run.refresh_from_db()
    return {"flags": flags, "run": _run(run)}


@router.post(
    "/matchings/{pk}/offers", response={201: list[PlacementOfferOut], **ERRORS}, auth=_auth
)
def send_offers(request: HttpRequest, pk: int) -> Status:
    offers = services.send_offers(request.user, get_object_or_404(MatchingRun, pk=pk))
    out = [
        {
            "id": o.pk,
            "placement": o.placement_id,
            "state": o.state,
            "reply_by": o.reply_by,
            "actions": [],
        }
        for o in offers
    ]
    return Status(201, out)


@router.post("/offers/{pk}/accept", response={200: StayOut, **ERRORS}, auth=_auth)
def accept(request: HttpRequest, pk: int) -> dict[str, Any]:
    offer = get_object_or_404(Offer, pk=pk, application__applicant_id=request.user.pk)
    return _stay(request.user, services.accept_offer(request.user, offer))


class OfferDeclinedOut(Schema):
    id: int
    state: str


@router.post("/offers/{pk}/decline", response={200: OfferDeclinedOut, **ERRORS}, auth=_auth)
def decline(request: HttpRequest, pk: int) -> dict[str, Any]:
    offer = get_object_or_404(Offer, pk=pk, application__applicant_id=request.user.pk)
    services.decline_offer(request.user, offer)
    return {"id": offer.pk, "state": offer.state}


@router.get("/stays/{pk}", response={200: StayOut, **ERRORS}, auth=_auth)
def get_stay(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _stay(request.user, selectors.stay_for(request.user, pk))


@router.post("/stays/{pk}/move", response={200: StayOut, **ERRORS}, auth=_auth)
def move_stay(request: HttpRequest, pk: int, data: StayActionIn) -> dict[str, Any]:
    stay = selectors.stay_for(request.user, pk)
    return _stay(request.user, services.move_stay(request.user, stay, data.action))


@router.put("/stays/{pk}/dates", response={200: StayOut, **ERRORS}, auth=_auth)
def set_dates(request: HttpRequest, pk: int, data: PlannedDatesIn) -> dict[str, Any]:
    stay = selectors.stay_for(request.user, pk)
    services.set_planned_dates(
        request.user, stay, arrival=data.planned_arrival, departure=data.planned_departure
    )
    return _stay(request.user, stay)


@router.post("/stays/{pk}/reports", response={201: StayReportOut, **ERRORS}, auth=_auth)
def submit_report(request: HttpRequest, pk: int, data: StayReportIn) -> Status:
    stay = selectors.stay_for(request.user, pk)
    r = services.submit_report(request.user, stay, kind=data.kind, text=data.text)
    return Status(201, {"id": r.pk, "kind": r.kind, "author_role": r.author_role, "state": r.state})


@router.get("/fellows", response=list[FellowsOut])
def fellows(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "programme": str(g["programme"]),
            "organisation": str(g["organisation"]),
            "count": g["count"],
            "names": g["names"],
        }
        for g in selectors.public_fellows()
    ]


class NoticeOut(Schema):
    id: int
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


class NoticesReadIn(Schema):
    ids: list[int] | None = Field(default=None, description="only these; all when absent")


class NoticesReadOut(Schema):
    marked: int


@router.get("/notices", response={200: list[NoticeOut], **ERRORS}, auth=_auth)
def notices(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's in-app exchange notices, newest first (at most 100)."""
    return [
        {
            "id": n.pk,
            "subject": n.subject,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in selectors.my_notices(request.user)[:100]
    ]


@router.post("/notices/read", response={200: NoticesReadOut, **ERRORS}, auth=_auth)
def notices_read(request: HttpRequest, data: NoticesReadIn) -> dict[str, int]:
    from innobridge.core.services import mark_notices_read

    return {"marked": mark_notices_read(request.user, "exchange", data.ids)}
