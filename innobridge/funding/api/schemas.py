"""The output shapes of the funding API (what ``/api/docs`` shows for every endpoint).

Each endpoint declares ``response={200: XOut, **ERRORS}``; the builders in
:mod:`.shapes` (and beside the endpoints) fill them. Amounts are decimals written as
strings with their currency beside them; times are ISO 8601 in UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from innobridge.core.schemas import Error

# The error answers of an endpoint that acts for someone (see innobridge/api.py).
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error}
# ... and of a public one.
PUBLIC_ERRORS: dict[int, Any] = {404: Error, 422: Error}

# --------------------------------------------------------------------------- calls


class CallSideOut(Schema):
    side: str
    funder: str
    funder_id: int
    currency: str
    budget: Decimal
    project_cap: Decimal
    reviewers_per_proposal: int
    max_reviewer_load: int
    funder_is_demo: bool = Field(False, description="The funder is demo data, not a real one.")


class CriterionOut(Schema):
    id: int
    funder_id: int
    name: str
    name_zh: str
    weight: Decimal
    max_score: int


class CallOut(Schema):
    id: int
    title: str
    title_zh: str
    scheme: str
    description: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    is_open: bool
    min_duration_months: int
    max_duration_months: int
    required_sides: list[str]
    eligible_regions: list[str]
    eligible_org_types: list[str]
    min_industry_share: Decimal
    one_application_per_person: bool
    accepted_languages: list[str]
    max_attachment_mb: int
    coi_years: int
    review_deadline: dt.datetime | None
    sides: list[CallSideOut]
    criteria: list[CriterionOut]
    is_demo: bool = Field(False, description="Demo data, not a real call.")
    scheme_is_demo: bool = Field(False, description="The scheme is demo data.")


class FunderOut(Schema):
    id: int
    name: str
    side: str
    currency: str
    is_demo: bool = Field(False, description="Demo data, not a real funder.")


class SchemeOut(Schema):
    id: int
    name: str
    name_zh: str
    description: str
    funders: list[FunderOut]
    calls: list[int] = Field(description="Ids of the scheme's calls, newest first.")
    is_demo: bool = Field(False, description="Demo data, not a real scheme.")


class AmountOut(Schema):
    side: str
    amount: Decimal
    currency: str


class ProposalPartnerOut(Schema):
    name: str
    name_zh: str
    region: str


class PublicProjectOut(Schema):
    id: int
    title: str
    title_zh: str
    call: str
    partners: list[ProposalPartnerOut]
    amounts: list[AmountOut]


# --------------------------------------------------------------------------- proposals


class MemberOut(Schema):
    id: int
    person: str
    organisation: str
    side: str
    role: str
    status: str


class BudgetLineOut(Schema):
    id: int
    side: str
    category: str
    source: str
    amount: Decimal
    currency: str
    description: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int


class DecisionOut(Schema):
    funder: str
    side: str
    decision: str
    decision_display: str
    reasons: str
    amount: Decimal = Field(description="Granted (0 when not funded); at most the request.")
    requested: Decimal = Field(description="What the proposal requested from this funder.")
    conditions: str = Field(description="The funder's conditions of the award.")
    currency: str


class ScreeningOut(Schema):
    funder_id: int
    funder: str
    side: str
    eligible: bool
    reason: str
    screened_at: dt.datetime


class ProposalOut(Schema):
    id: int
    call: int
    state: str
    actions: list[str] = Field(
        description="What the caller may do to this proposal now (the proposal transition "
        "table, funding/workflow.py)."
    )
    title_en: str
    title_zh: str
    abstract_en: str
    abstract_zh: str
    keywords: list[str]
    duration_months: int | None
    submitted_at: dt.datetime | None
    screening_reason: str
    members: list[MemberOut]
    budget: list[BudgetLineOut]
    attachments: list[AttachmentOut]
    decisions: list[DecisionOut] = Field(
        description="Each funder's decision: to officers, and to the team once decided."
    )
    screenings: list[ScreeningOut] = Field(description="To officers and the team only.")
    problems: list[str] = Field(
        default_factory=list,
        description="What still stops submission (a draft, to its team; empty otherwise).",
    )


class ProposalStateOut(Schema):
    id: int
    state: str


class MembershipOut(Schema):
    id: int
    status: str


class BudgetLineCreatedOut(Schema):
    id: int
    amount: Decimal
    currency: str


class DecisionCreatedOut(Schema):
    id: int
    decision: str
    proposal_state: str


class ReviewScoreOut(Schema):
    criterion: str
    score: int | None = Field(description="None when the funder hides scores from applicants.")
    max: int | None
    comment: str


class ReviewOut(Schema):
    id: int | None = Field(description="None for applicants (nothing to match to a reviewer).")
    reviewer: str | None = Field(description="Named to officers and to its own reviewer only.")
    label: int | None = Field(
        default=None, description="For applicants: the review's number on this proposal."
    )
    funder: str
    weighted_score: Decimal | None = Field(
        description="None when the funder hides scores from applicants."
    )
    comments: str
    scores: list[ReviewScoreOut]
    submitted_at: dt.datetime | None


class AwardOut(Schema):
    proposal: int
    state: str = Field(description="offered, accepted or declined (the award table).")
    actions: list[str] = Field(description="What the caller may do now: accept, decline.")
    letter_url: str = Field(description="The bilingual award letter (PDF).")
    project: int | None = Field(description="The project, once the lead has accepted.")
    response_note: str
    responded_at: dt.datetime | None


class InfoRequestOut(Schema):
    id: int
    proposal: int
    proposal_state: str
    funder: str
    question: str
    deadline: dt.datetime
    overdue: bool = Field(description="Unanswered after its deadline.")
    answer: str
    answered_at: dt.datetime | None
    lapsed_at: dt.datetime | None = Field(
        description="When the officer resumed screening without an answer (deadline missed)."
    )


class ConflictCreatedOut(Schema):
    id: int
    kind: str


# --------------------------------------------------------------------------- review


class NewConflictsOut(Schema):
    new_conflicts: int


class ConflictOut(Schema):
    proposal: int
    reviewer: int
    reviewer_name: str
    kind: str
    detail: str


class AssignmentOut(Schema):
    id: int
    proposal: int
    reviewer: str
    reviewer_id: int
    funder_id: int
    status: str
    actions: list[str] = Field(
        description="What the caller may do to this assignment now (the review assignment "
        "transition table, funding/workflow.py)."
    )
    affinity: float | None
    why: dict[str, Any] = Field(description="Why the engine proposed this reviewer.")
    by_hand: bool
    deadline: dt.datetime | None


class SideAssignmentOut(Schema):
    pairs: int
    obstacles: list[dict[str, Any]]


class AssignmentRunOut(Schema):
    summary: dict[str, SideAssignmentOut] = Field(description="By side (HK, CN …).")


class SentOut(Schema):
    sent: int


class PoolMemberOut(Schema):
    id: int
    username: str
    name: str
    organisation: str


class OpenAssignmentsOut(Schema):
    open_assignments: int


class RankingRowOut(Schema):
    proposal: int
    title: str
    reviews: int
    mean: float | None
    min: float | None
    max: float | None
    stdev: float
    decision: str | None


class PortfolioSideOut(Schema):
    side: str
    currency: str
    used: Decimal
    budget: Decimal
    committed: Decimal


class PortfolioRowOut(Schema):
    proposal: int
    score: float
    costs: list[Decimal]
    chosen: bool


class PortfolioOut(Schema):
    chosen: list[int]
    total_score: float
    used: list[PortfolioSideOut]
    rows: list[PortfolioRowOut]


class ReviewCreatedOut(Schema):
    id: int
    weighted_score: Decimal


class AssignmentCriterionOut(Schema):
    id: int
    name: str
    weight: Decimal
    max_score: int


# --------------------------------------------------------------------------- projects


class ReportBriefOut(Schema):
    id: int
    rating: str
    summary: str


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date
    overdue: bool
    reports: list[ReportBriefOut]


class DisbursementOut(Schema):
    id: int
    side: str
    instalment: int
    amount: Decimal
    currency: str
    depends_on: int | None
    status: str


class ChangeOut(Schema):
    id: int
    kind: str
    side: str
    status: str
    actions: list[str] = Field(
        description="What the caller may do to this change request now (the change request "
        "transition table, funding/workflow.py)."
    )
    description: str
    new_end_date: dt.date | None
    new_budget: list[dict[str, Any]]
    remove_member_id: int | None
    add_person: str | None
    decision_note: str


class TeamMemberOut(Schema):
    id: int
    person: str
    organisation: str
    side: str
    role: str


class ProjectBudgetOut(Schema):
    side: str
    category: str
    source: str
    amount: Decimal
    currency: str


class ProjectOut(Schema):
    id: int
    title: str
    status: str
    actions: list[str] = Field(
        description="What the caller may do to this project now (the project transition "
        "table, funding/workflow.py)."
    )
    start_date: dt.date
    end_date: dt.date
    milestones: list[MilestoneOut]
    disbursements: list[DisbursementOut]
    change_requests: list[ChangeOut]
    termination_reason: str
    team: list[TeamMemberOut]
    budget: list[ProjectBudgetOut]


class ReportRatingOut(Schema):
    id: int
    rating: str


class DisbursementStatusOut(Schema):
    id: int
    status: str


class MilestoneCreatedOut(Schema):
    id: int
    title: str
    due_date: dt.date


class TerminatedOut(Schema):
    id: int
    status: str
    termination_reason: str


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


class MarkedOut(Schema):
    marked: int
