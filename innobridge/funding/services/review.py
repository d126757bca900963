"""Review: assigning reviewers, invitations, reviews, reminders, the move to the panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.people.models import Person

from ..audit import FundingAction
from ..models import (
    ACTIVE_ASSIGNMENT,
    AffinityScore,
    AssignmentStatus,
    Call,
    Criterion,
    Funder,
    Proposal,
    ProposalState,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from ..notifications import notify, notify_invited_reviewer
from ..permissions import can_act_for_funder, require_act_for_funder, require_manage_call
from ..workflow import (
    ASSIGNMENT_FLOW,
    proposal_allows,
    require_allows,
    require_proposal_allows,
    transition_proposal,
)
from .conflicts import is_conflicted, refill_assignment


def _check_assignable(proposal: Proposal, reviewer: Person, funder: Funder) -> None:
    if not funder.reviewer_pool.filter(pk=reviewer.pk).exists():
        raise ValidationError(
            _("%(person)s is not in the reviewer pool of %(funder)s.")
            % {"person": reviewer, "funder": funder.name}
        )
    if is_conflicted(proposal, reviewer):
        raise ValidationError(
            _("%(person)s has a conflict of interest with this proposal and cannot be assigned.")
            % {"person": reviewer}
        )
    if proposal.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError(
            _("%(person)s has already been assigned this proposal.") % {"person": reviewer}
        )


@transaction.atomic
def assign_by_hand(
    actor: Any, proposal: Proposal, reviewer: Person, funder: Funder
) -> ReviewAssignment:
    require_act_for_funder(actor, funder)
    require_proposal_allows(proposal, "assign")
    if not proposal.call.sides.filter(funder=funder).exists():
        raise ValidationError(_("This funder does not take part in the call."))
    _check_assignable(proposal, reviewer, funder)
    aff = AffinityScore.objects.filter(proposal=proposal, reviewer=reviewer).first()
    a = ReviewAssignment.objects.create(
        proposal=proposal,
        reviewer=reviewer,
        funder=funder,
        by_hand=True,
        affinity=aff.score if aff else None,
        explanation=aff.explanation if aff else {},
        status=AssignmentStatus.PROPOSED
        if proposal.state == ProposalState.ELIGIBLE
        else AssignmentStatus.INVITED,
        deadline=proposal.call.review_deadline,
        invited_at=None if proposal.state == ProposalState.ELIGIBLE else timezone.now(),
    )
    if a.status == AssignmentStatus.INVITED:
        notify_invited_reviewer(a)
    record_event(actor, FundingAction.ASSIGNMENT_CREATED, a, after=snapshot(a))
    return a


@transaction.atomic
def remove_assignment(actor: Any, assignment: ReviewAssignment) -> None:
    require_act_for_funder(actor, assignment.funder)
    require_allows(ASSIGNMENT_FLOW, assignment, "remove")
    record_event(actor, FundingAction.ASSIGNMENT_REMOVED, assignment, before=snapshot(assignment))
    assignment.delete()


@transaction.atomic
def run_assignment(
    actor: Any,
    call: Call,
    *,
    fair: bool = False,
    cross_border: bool = False,
    embedder: Any = None,
) -> dict[str, Any]:
    """Run the engine for every side of the call; replaces earlier *proposed* assignments
    (sent invitations stay and count). Returns {side: {"pairs": n, "obstacles": [...]}}."""
    from .. import matching

    require_manage_call(actor, call)
    proposals = list(
        call.proposals.filter(state__in=[ProposalState.ELIGIBLE, ProposalState.IN_REVIEW]).order_by(
            "pk"
        )
    )
    summary: dict[str, Any] = {}
    # Each funder's officers assign from their own pool only.
    mine = [
        cs for cs in call.sides.select_related("funder") if can_act_for_funder(actor, cs.funder)
    ]
    ReviewAssignment.objects.filter(
        proposal__call=call, status=AssignmentStatus.PROPOSED, funder__in=[cs.funder for cs in mine]
    ).delete()
    for cs in mine:
        pool = list(cs.funder.reviewer_pool.select_related("researcher_profile").order_by("pk"))
        result = matching.assign_reviewers(
            proposals,
            pool,
            k=cs.reviewers_per_proposal,
            max_load=cs.max_reviewer_load,
            existing=list(
                ReviewAssignment.objects.filter(
                    proposal__in=proposals, funder=cs.funder, status__in=ACTIVE_ASSIGNMENT
                )
            ),
            conflicted=lambda p, r: is_conflicted(p, r),
            fair=fair,
            cross_border=cross_border,
            embedder=embedder,
        )
        for (pid, rid), (score, why) in result.affinities.items():
            AffinityScore.objects.update_or_create(
                proposal_id=pid, reviewer_id=rid, defaults={"score": score, "explanation": why}
            )
        for pid, rid in result.pairs:
            pair_score, why = result.affinities.get((pid, rid), (0.0, {}))
            ReviewAssignment.objects.create(
                proposal_id=pid,
                reviewer_id=rid,
                funder=cs.funder,
                status=AssignmentStatus.PROPOSED,
                affinity=pair_score,
                explanation=why,
                deadline=call.review_deadline,
            )
        summary[cs.side] = {"pairs": len(result.pairs), "obstacles": result.obstacles}
    record_event(
        actor,
        FundingAction.CALL_ASSIGNED,
        call,
        after={"fair": fair, "cross_border": cross_border, "summary": summary},
    )
    return summary


@transaction.atomic
def send_invitations(actor: Any, call: Call, *, deadline: dt.datetime | None = None) -> int:
    """Send every proposed assignment; proposals with reviewers move to "in review"."""
    require_manage_call(actor, call)
    deadline = deadline or call.review_deadline
    if deadline is None or deadline <= timezone.now():
        raise ValidationError({"deadline": _("Set a review deadline in the future.")})
    if call.review_deadline != deadline:
        call.review_deadline = deadline
        call.save(update_fields=["review_deadline", "updated_at"])
    n = 0
    moved: set[int] = set()
    for a in ReviewAssignment.objects.filter(
        proposal__call=call, status=AssignmentStatus.PROPOSED
    ).select_related("proposal", "reviewer", "funder"):
        if not can_act_for_funder(actor, a.funder):
            continue
        if is_conflicted(a.proposal, a.reviewer):  # a conflict declared since the proposal
            a.delete()
            continue
        apply_transition(
            actor,
            a,
            ASSIGNMENT_FLOW,
            "invite",
            audit_action=FundingAction.ASSIGNMENT_INVITED,
            check_roles=False,  # checked above, funder by funder
            invited_at=timezone.now(),
            deadline=deadline,
        )
        notify_invited_reviewer(a)
        n += 1
        if proposal_allows(a.proposal, "start_review") and a.proposal_id not in moved:
            moved.add(a.proposal_id)  # once, though each assignment carries its own copy
            transition_proposal(
                actor,
                a.proposal,
                "start_review",
                audit_action=FundingAction.PROPOSAL_REVIEW_STARTED,
            )
    return n


@transaction.atomic
def respond_assignment(
    actor: Any, assignment: ReviewAssignment, *, accept: bool
) -> ReviewAssignment:
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied(_("This review invitation is not yours."))
    action = "accept" if accept else "decline"
    require_allows(ASSIGNMENT_FLOW, assignment, action)
    apply_transition(
        actor,
        assignment,
        ASSIGNMENT_FLOW,
        action,
        audit_action=FundingAction.ASSIGNMENT_ACCEPTED
        if accept
        else FundingAction.ASSIGNMENT_DECLINED,
        responded_at=timezone.now(),
    )
    if not accept:
        refill_assignment(assignment)
    return assignment


def weighted_score(scores: Mapping[int, int], criteria: list[Criterion]) -> Decimal:
    """Σ weight·score/max over Σ weight, on 0–100."""
    total_w = sum((c.weight for c in criteria), Decimal(0))
    if not total_w:
        return Decimal(0)
    acc = sum(
        (c.weight * Decimal(scores[c.pk]) / Decimal(c.max_score) for c in criteria), Decimal(0)
    )
    return (acc * 100 / total_w).quantize(Decimal("0.01"))


@transaction.atomic
def submit_review(
    actor: Any,
    assignment: ReviewAssignment,
    *,
    scores: Mapping[Any, Any],
    comments: str = "",
    criterion_comments: Mapping[Any, str] | None = None,
    now: dt.datetime | None = None,
) -> Review:
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied(_("This review is not yours."))
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise ValidationError(_("You have already submitted this review."))
    require_allows(ASSIGNMENT_FLOW, assignment, "review")
    if assignment.proposal.state != ProposalState.IN_REVIEW:
        raise ValidationError(_("This proposal is no longer in review."))
    if assignment.deadline is not None and (now or timezone.now()) > assignment.deadline:
        raise ValidationError(
            _(
                "The review deadline (%(deadline)s, Hong Kong time) has passed: ask the "
                "programme officer to extend it."
            )
            % {"deadline": timezone.localtime(assignment.deadline).strftime("%Y-%m-%d %H:%M")}
        )
    criteria = list(
        Criterion.objects.filter(call=assignment.proposal.call, funder=assignment.funder)
    )
    clean: dict[int, int] = {}
    errors: dict[str, str] = {}
    given = {str(k): v for k, v in scores.items()}
    for c in criteria:
        raw = given.get(str(c.pk))
        try:
            value = int(str(raw))
        except (TypeError, ValueError):
            errors[f"score_{c.pk}"] = _("Score “%(name)s”.") % {"name": c.label}
            continue
        if not 0 <= value <= c.max_score:
            errors[f"score_{c.pk}"] = _("A score for “%(name)s” is between 0 and %(max)s.") % {
                "name": c.label,
                "max": c.max_score,
            }
            continue
        clean[c.pk] = value
    if errors:
        raise ValidationError(errors)
    review = Review.objects.create(
        assignment=assignment,
        comments=comments.strip(),
        weighted_score=weighted_score(clean, criteria),
        submitted_at=timezone.now(),
    )
    cc = {str(k): v for k, v in (criterion_comments or {}).items()}
    for c in criteria:
        ReviewScore.objects.create(
            review=review, criterion=c, score=clean[c.pk], comment=cc.get(str(c.pk), "")
        )
    record_event(
        actor, FundingAction.REVIEW_SUBMITTED, review, after={**snapshot(review), "scores": clean}
    )
    apply_transition(
        actor,
        assignment,
        ASSIGNMENT_FLOW,
        "review",
        audit_action=FundingAction.ASSIGNMENT_SUBMITTED,
    )
    return review


def _remind(a: ReviewAssignment, now: dt.datetime, actor: Any = "system") -> None:
    assert a.deadline is not None
    notify(
        a.reviewer,
        gettext_noop("Reminder: review due"),
        gettext_noop("Your review of “%(title)s” is due by %(deadline)s."),
        {
            "title": a.proposal.title,
            "deadline": timezone.localtime(a.deadline).strftime("%Y-%m-%d %H:%M"),
        },
        url="/funding/reviews/",
    )
    a.reminders_sent += 1
    a.last_reminded_at = now
    a.save(update_fields=["reminders_sent", "last_reminded_at"])
    record_event(
        actor, FundingAction.ASSIGNMENT_REMINDED, a, after={"reminders_sent": a.reminders_sent}
    )


def _outstanding(now: dt.datetime) -> Any:
    """Reviews still owed on proposals in review, not reminded in the last day."""
    return ReviewAssignment.objects.filter(
        status__in=ASSIGNMENT_FLOW.sources("remind"),
        deadline__isnull=False,
        proposal__state=ProposalState.IN_REVIEW,
    ).filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - dt.timedelta(days=1)))


def send_reminders(
    now: dt.datetime | None = None, *, within: dt.timedelta = dt.timedelta(days=3)
) -> int:
    """Remind reviewers whose review is due within ``within`` (or overdue), at most daily
    (``innobridge funding_remind``, run from cron)."""
    now = now or timezone.now()
    n = 0
    qs = _outstanding(now).filter(deadline__lte=now + within)
    for a in qs.select_related("proposal", "reviewer", "funder").order_by("pk"):
        with transaction.atomic():
            _remind(a, now)
        n += 1
    return n


@transaction.atomic
def remind_reviewers(actor: Any, call: Call, *, now: dt.datetime | None = None) -> int:
    """An officer reminds their own funders' reviewers who still owe a review on this call
    (whatever the deadline), each at most once a day. The applicants learn nothing."""
    require_manage_call(actor, call)
    now = now or timezone.now()
    funders = [cs.funder for cs in call.sides.select_related("funder")]
    mine = [f for f in funders if can_act_for_funder(actor, f)]
    qs = _outstanding(now).filter(proposal__call=call, funder__in=mine)
    n = 0
    for a in qs.select_related("proposal", "reviewer", "funder").order_by("pk"):
        _remind(a, now, actor)
        n += 1
    return n


@transaction.atomic
def move_to_panel(actor: Any, proposal: Proposal) -> Proposal:
    require_manage_call(actor, proposal.call)
    require_proposal_allows(proposal, "to_panel")
    if not proposal.assignments.filter(status=AssignmentStatus.SUBMITTED).exists():
        raise ValidationError(_("No review has been submitted yet."))
    # the reviews not begun end with the review stage (the table's "close")
    proposal.assignments.filter(status__in=ASSIGNMENT_FLOW.sources("close")).update(
        status=AssignmentStatus.DECLINED
    )
    return transition_proposal(
        actor, proposal, "to_panel", audit_action=FundingAction.PROPOSAL_MOVED_TO_PANEL
    )
