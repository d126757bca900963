"""Reads of reviews: assignments, the reviews and decisions one may see, rankings and
the suggested portfolio."""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects

from ..models import (
    AssignmentStatus,
    Call,
    CallSide,
    Criterion,
    Funder,
    FunderDecision,
    Proposal,
    ProposalRole,
    ProposalState,
    Review,
    ReviewAssignment,
)
from ..models import ProjectStatus as ProjectStatus  # for the plan dashboard
from ..portfolio import Candidate, best_portfolio
from .calls import _authed, call_sides
from .proposals import proposal_role, side_totals


def my_assignments(user: Any) -> QuerySet[ReviewAssignment]:
    if not _authed(user):
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(
            reviewer=user,
            status__in=[
                AssignmentStatus.INVITED,
                AssignmentStatus.ACCEPTED,
                AssignmentStatus.SUBMITTED,
            ],
        )
        .select_related("proposal", "proposal__call", "funder")
        .order_by("deadline", "id")
    )


def visible_reviews(user: Any, proposal: Proposal) -> list[dict[str, Any]]:
    """Reviews of ``proposal`` as ``user`` may see them.

    Officers: all, with reviewer names. A reviewer: their own; others' (anonymous) only
    once their own is submitted. Applicants: after the decision, the comments of the
    reviews for each funder whose side of the call shares them (never who wrote them;
    scores only when that funder also shares scores); otherwise none."""
    role = proposal_role(user, proposal)
    if role == ProposalRole.NONE or (
        role == ProposalRole.TEAM
        and proposal.state not in (ProposalState.AWARDED, ProposalState.DECLINED)
    ):
        return []  # nothing to show: the reviews are not read
    reviews = list(
        Review.objects.filter(assignment__proposal=proposal, submitted_at__isnull=False)
        .select_related("assignment__reviewer", "assignment__funder")
        .prefetch_related("scores__criterion")
        .order_by("assignment__funder__side", "id")
    )
    if role == ProposalRole.OFFICER:
        return [_review_dict(r, named=True) for r in reviews]
    if role == ProposalRole.REVIEWER:
        mine = [r for r in reviews if r.assignment.reviewer_id == user.pk]
        if not mine:
            return []
        return [_review_dict(r, named=r.assignment.reviewer_id == user.pk) for r in reviews]
    if role == ProposalRole.TEAM and proposal.state in (
        ProposalState.AWARDED,
        ProposalState.DECLINED,
    ):
        shared = {
            cs.funder_id: cs for cs in proposal.call.sides.filter(comments_to_applicants=True)
        }
        out = []
        for n, r in enumerate((r for r in reviews if r.assignment.funder_id in shared), start=1):
            d = _review_dict(
                r, named=False, scores=shared[r.assignment.funder_id].scores_to_applicants
            )
            d["id"] = None  # nothing that could be matched to an assignment
            d["submitted_at"] = None
            d["label"] = n
            out.append(d)
        return out
    return []


def _review_dict(r: Review, *, named: bool, scores: bool = True) -> dict[str, Any]:
    """A review as a reader may see it: ``named`` with the reviewer's name, ``scores``
    with the scores (without: the comments only)."""
    return {
        "id": r.pk,
        "reviewer": str(r.assignment.reviewer) if named else None,
        "funder": r.assignment.funder.name,
        "weighted_score": r.weighted_score if scores else None,
        "comments": r.comments,
        "scores": [
            {
                "criterion": s.criterion.name,
                "score": s.score if scores else None,
                "max": s.criterion.max_score if scores else None,
                "comment": s.comment,
            }
            for s in r.scores.all()
            if scores or s.comment
        ],
        "submitted_at": r.submitted_at,
    }


def decisions_for(user: Any, proposal: Proposal) -> list[dict[str, Any]]:
    """Each funder's decision with reasons (no reviewer names) for the team and officers."""
    role = proposal_role(user, proposal)
    if role not in (ProposalRole.OFFICER, ProposalRole.TEAM):
        return []
    if role == ProposalRole.TEAM and proposal.state not in (
        ProposalState.AWARDED,
        ProposalState.DECLINED,
    ):
        return []
    return [
        {
            "funder": d.funder.name,
            "funder_display": d.funder.display_name,
            "side": d.side,
            "decision": d.decision,
            "decision_display": d.get_decision_display(),
            "reasons": d.reasons,
            "amount": d.amount,
            "requested": d.requested,
            "conditions": d.conditions,
            "currency": d.currency,
        }
        for d in proposal.decisions.select_related("funder").order_by("side")
    ]


def ranking(call: Call, funder: Funder) -> list[dict[str, Any]]:
    """Proposals ranked by this funder's reviewers' weighted scores, with the spread."""
    return rankings(call, [funder])[funder.pk]


RANKED_STATES = (
    ProposalState.IN_REVIEW,
    ProposalState.PANEL,
    ProposalState.AWARDED,
    ProposalState.DECLINED,
)


Scores = dict[tuple[int, int], list[float]]


def submitted_scores(proposal_ids: list[int], funder_ids: list[int]) -> Scores:
    """The weighted scores of the submitted reviews of these proposals for these funders,
    by (funder id, proposal id): one read, which a page that both ranks and builds a
    portfolio passes to :func:`rankings` and :func:`suggested_portfolio`."""
    scores: Scores = {}
    for fid, pid, score in Review.objects.filter(
        assignment__proposal_id__in=proposal_ids,
        assignment__funder_id__in=funder_ids,
        submitted_at__isnull=False,
    ).values_list("assignment__funder_id", "assignment__proposal_id", "weighted_score"):
        scores.setdefault((fid, pid), []).append(float(score))
    return scores


def rankings(
    call: Call,
    funders: list[Funder],
    proposals: list[Proposal] | None = None,
    scores: Scores | None = None,
) -> dict[int, list[dict[str, Any]]]:
    """:func:`ranking` for each of ``funders`` (by id), reading the proposals, the scores
    and the decisions once for all of them (three reads, whatever the numbers; two when
    the page has read the call's ``proposals`` already — all of them, any state — and one
    when it has read their :func:`submitted_scores` for these funders too)."""
    if proposals is None:
        proposals = list(call.proposals.filter(state__in=RANKED_STATES))
    else:
        proposals = [p for p in proposals if p.state in RANKED_STATES]
    ids = [p.pk for p in proposals]
    funder_ids = [f.pk for f in funders]
    scores_of = submitted_scores(ids, funder_ids) if scores is None else scores
    decision_of = {
        (d.funder_id, d.proposal_id): d
        for d in FunderDecision.objects.filter(proposal_id__in=ids, funder_id__in=funder_ids)
    }  # one per proposal and funder (a constraint)
    out: dict[int, list[dict[str, Any]]] = {}
    for fid in funder_ids:
        rows: list[dict[str, Any]] = []
        for p in proposals:
            given = scores_of.get((fid, p.pk), [])
            rows.append(
                {
                    "proposal": p,
                    "n": len(given),
                    "mean": round(statistics.fmean(given), 2) if given else None,
                    "min": min(given) if given else None,
                    "max": max(given) if given else None,
                    "stdev": round(statistics.pstdev(given), 2) if len(given) > 1 else 0.0,
                    "decision": decision_of.get((fid, p.pk)),
                }
            )
        rows.sort(key=lambda r: (-(r["mean"] if r["mean"] is not None else -1), r["proposal"].pk))
        out[fid] = rows
    return out


def _combined(means_by_funder: dict[int, list[float]], sides: list[CallSide]) -> float:
    means = [
        statistics.fmean(means_by_funder[cs.funder_id])
        for cs in sides
        if means_by_funder.get(cs.funder_id)
    ]
    return round(statistics.fmean(means), 4) if means else 0.0


def combined_score(proposal: Proposal) -> float:
    """The mean of each funder's mean weighted score (each side counts equally)."""
    return combined_scores(list(proposal.call.sides.all()), [proposal])[proposal.pk]


def combined_scores(
    sides: list[CallSide], proposals: list[Proposal], read: Scores | None = None
) -> dict[int, float]:
    """:func:`combined_score` of each proposal (of one call, whose ``sides`` are given),
    by id, in one read of the submitted reviews' scores (none when ``read`` holds their
    :func:`submitted_scores` for these sides' funders already)."""
    funder_ids = [cs.funder_id for cs in sides]
    if read is None:
        read = submitted_scores([p.pk for p in proposals], funder_ids)
    scores: dict[int, dict[int, list[float]]] = {p.pk: {} for p in proposals}
    for pid in scores:
        for fid in funder_ids:
            if (fid, pid) in read:
                scores[pid][fid] = read[(fid, pid)]
    return {pid: _combined(by_funder, sides) for pid, by_funder in scores.items()}


def suggested_portfolio(
    call: Call, proposals: list[Proposal] | None = None, scores: Scores | None = None
) -> dict[str, Any]:
    """Proposals at the panel (or already decided) chosen to maximise the total combined
    score within every side's budget. ``proposals``: the call's proposals (any state) when
    the page has read them already; ``scores``: their :func:`submitted_scores` for the
    call's funders, when the page has read those too."""
    sides: list[CallSide] = call_sides(call)
    states = (ProposalState.PANEL, ProposalState.AWARDED)
    if proposals is None:
        proposals = list(
            call.proposals.filter(state__in=states).prefetch_related("budget_lines").order_by("pk")
        )
    else:
        proposals = sorted((p for p in proposals if p.state in states), key=lambda p: p.pk)
        prefetch_related_objects(proposals, "budget_lines")
    combined = combined_scores(sides, proposals, scores)
    cands: list[Candidate] = []
    info: dict[int, dict[str, Any]] = {}
    for p in proposals:
        totals = side_totals(p)
        costs = tuple(totals[cs.side]["funder"] for cs in sides)
        score = combined[p.pk]
        cands.append(Candidate(p.pk, score, costs))
        info[p.pk] = {"proposal": p, "score": score, "costs": costs}
    chosen = set(best_portfolio(cands, [cs.budget for cs in sides]))
    used = [sum((info[k]["costs"][j] for k in chosen), Decimal(0)) for j in range(len(sides))]
    return {
        "sides": sides,
        "rows": [dict(info[p.pk], chosen=p.pk in chosen) for p in proposals],
        "chosen": chosen,
        "total_score": round(sum(info[k]["score"] for k in chosen), 2),
        "used": list(zip(sides, used, strict=True)),
    }


def criteria_for(assignment: ReviewAssignment) -> QuerySet[Criterion]:
    return Criterion.objects.filter(call=assignment.proposal.call, funder=assignment.funder)
