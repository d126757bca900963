"""Output shapes and lookups shared by the funding API modules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from innobridge.people.models import Person
from innobridge.people.selectors import person_by_handle

from .. import selectors, services
from ..models import (
    Call,
    Proposal,
    ProposalRole,
    ProposalState,
)
from ..workflow import allowed_actions

# --------------------------------------------------------------------------- shapes


def call_out(c: Call) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "title_zh": c.title_zh,
        "scheme": c.scheme.name,
        "description": c.description,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "is_open": c.is_open(),
        "min_duration_months": c.min_duration_months,
        "max_duration_months": c.max_duration_months,
        "required_sides": c.required_sides,
        "eligible_regions": c.eligible_regions,
        "eligible_org_types": c.eligible_org_types,
        "min_industry_share": c.min_industry_share,
        "one_application_per_person": c.one_application_per_person,
        "accepted_languages": c.accepted_languages,
        "max_attachment_mb": c.max_attachment_mb,
        "coi_years": c.coi_years,
        "review_deadline": c.review_deadline,
        "is_demo": c.is_demo,
        "scheme_is_demo": c.scheme.is_demo,
        "sides": [
            {
                "side": s.side,
                "funder": s.funder.name,
                "funder_id": s.funder_id,
                "currency": s.currency,
                "budget": s.budget,
                "project_cap": s.project_cap,
                "reviewers_per_proposal": s.reviewers_per_proposal,
                "max_reviewer_load": s.max_reviewer_load,
                "funder_is_demo": s.funder.is_demo,
            }
            for s in sorted(selectors.call_sides(c), key=lambda side: side.side)
        ],
        "criteria": [
            {
                "id": k.pk,
                "funder_id": k.funder_id,
                "name": k.name,
                "name_zh": k.name_zh,
                "weight": k.weight,
                "max_score": k.max_score,
            }
            for k in c.criteria.all()
        ],
    }


def proposal_out(user: Any, p: Proposal) -> dict[str, Any]:
    role = selectors.proposal_role(user, p)
    out: dict[str, Any] = {
        "id": p.pk,
        "call": p.call_id,
        "state": p.state,
        # what the caller may do now (the proposal transition table; see /api/docs)
        "actions": allowed_actions(user, p),
        "title_en": p.title_en,
        "title_zh": p.title_zh,
        "abstract_en": p.abstract_en,
        "abstract_zh": p.abstract_zh,
        "keywords": p.keywords,
        "duration_months": p.duration_months,
        "submitted_at": p.submitted_at,
        "screening_reason": p.screening_reason,
        "members": [
            {
                "id": m.pk,
                "person": str(m.person),
                "organisation": m.organisation.name,
                "side": m.side,
                "role": m.role,
                "status": m.status,
            }
            for m in p.members.select_related("person", "organisation")
        ],
        "budget": [
            {
                "id": b.pk,
                "side": b.side,
                "category": b.category,
                "source": b.source,
                "amount": b.amount,
                "currency": b.currency,
                "description": b.description,
            }
            for b in p.budget_lines.all()
        ],
        "attachments": [
            {"id": a.pk, "name": a.original_name, "size": a.size} for a in p.attachments.all()
        ],
        "decisions": selectors.decisions_for(user, p),
        "screenings": [
            {
                "funder_id": sc.funder_id,
                "funder": sc.funder.name,
                "side": sc.side,
                "eligible": sc.eligible,
                "reason": sc.reason,
                "screened_at": sc.screened_at,
            }
            for sc in p.screenings.select_related("funder").order_by("side")
        ]
        if role in (ProposalRole.OFFICER, ProposalRole.TEAM)
        else [],
        "problems": services.submission_problems(p)
        if role == ProposalRole.TEAM and p.state == ProposalState.DRAFT
        else [],
    }
    return out


def proposal_visible(request: HttpRequest, pk: int) -> Proposal:
    return get_object_or_404(selectors.visible_proposals(request.user), pk=pk)


def person_named(key: str) -> Person:
    person = person_by_handle(key)
    if person is None:
        raise ValidationError({"person": _("No account with that user name or e-mail.")})
    return person
