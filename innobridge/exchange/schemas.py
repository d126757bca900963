"""The exchange API's input schemas (each field with its model field's limits) and the
created-id answer, apart from the endpoints in ``api.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from innobridge.core.schemas import FromModel, field_limits
from innobridge.people.models import Language

from .models import (
    Application,
    ChecklistTemplate,
    MatchingRun,
    Placement,
    Programme,
    Referee,
    Review,
    RubricCriterion,
    Stay,
    StayReport,
    StipendComponent,
)


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


class PlacementIn(Schema):
    title: Annotated[str, FromModel(Placement, "title")]
    description: Annotated[str, FromModel(Placement, "description")] = ""
    organisation_id: int
    seats: Annotated[int, FromModel(Placement, "seats")] = 1
    months: Annotated[int, FromModel(Placement, "months")] = 12
    requirements: Annotated[str, FromModel(Placement, "requirements")] = ""


# An application's languages: each a ``Language`` code (the longest bounds an item; the
# model's check refuses an unknown one), each at most once.
LANGUAGE_CODE_MAX = max(len(code) for code in Language.values)


class ApplicationIn(Schema):
    statement: Annotated[str, FromModel(Application, "statement")] = ""
    birth_date: Annotated[dt.date | None, FromModel(Application, "birth_date")] = None
    phd_date: Annotated[dt.date | None, FromModel(Application, "phd_date")] = None
    career_stage: Annotated[str, FromModel(Application, "career_stage")] = ""
    home_region: Annotated[str, FromModel(Application, "home_region")]
    home_organisation_id: int
    languages: Annotated[
        list[Annotated[str, Field(max_length=LANGUAGE_CODE_MAX)]], Field(max_length=len(Language))
    ] = []
    public_consent: bool = False


class PreferencesIn(Schema):
    # best first; at most the most any programme allows (each programme's own limit is
    # the service's), each an id the database can hold
    placement_ids: Annotated[
        list[Annotated[int, FromModel(Placement, "id")]],
        Field(max_length=field_limits(Programme, "max_preferences")["le"]),
    ]


class RefereeIn(Schema):
    name: Annotated[str, FromModel(Referee, "name")]
    email: Annotated[str, FromModel(Referee, "email")]
    language: Literal["", "en", "zh-hant", "zh-hans"] = ""


class ApplicationReviewIn(Schema):
    scores: dict[Annotated[str, Field(max_length=20)], Annotated[int, Field(ge=0, le=5)]]
    comment: Annotated[str, FromModel(Review, "comment")] = ""


class MatchingIn(Schema):
    method: Annotated[str, FromModel(MatchingRun, "method")]
    balance: bool = False


class AdjustIn(Schema):
    application_id: int
    placement_id: int | None = None


class StayActionIn(Schema):
    action: Annotated[str, FromModel(Stay, "state", max_length=20)]


class PlannedDatesIn(Schema):
    planned_arrival: Annotated[dt.date, FromModel(Stay, "planned_arrival")]
    planned_departure: Annotated[dt.date, FromModel(Stay, "planned_departure")]


class StayReportIn(Schema):
    kind: Annotated[str, FromModel(StayReport, "kind")]
    text: Annotated[str, FromModel(StayReport, "text")]


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


class NoticesReadIn(Schema):
    ids: list[int] | None = Field(default=None, description="only these; all when absent")
