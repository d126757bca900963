"""Conflicts of interest between reviewers and proposals."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.language import fold
from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.people.models import Authorship, Person

from ..audit import FundingAction
from ..models import (
    ACTIVE_ASSIGNMENT,
    AffinityScore,
    AssignmentStatus,
    Call,
    ConflictKind,
    ConflictOfInterest,
    InvitationStatus,
    Proposal,
    ProposalState,
    ReviewAssignment,
)
from ..notifications import notify_invited_reviewer
from ..permissions import require_manage_call
from ..workflow import ASSIGNMENT_FLOW, proposal_allows
from .calls import lock_call_side


def _name_keys(person: Person) -> set[str]:
    names = {person.display_name, person.get_full_name(), f"{person.last_name} {person.first_name}"}
    return {fold(n).replace(" ", "") for n in names if n and n.strip()}


def automatic_conflicts(proposal: Proposal, reviewer: Person) -> list[tuple[str, str]]:
    """Why ``reviewer`` may not review ``proposal`` (kind, detail); empty when free."""
    out: list[tuple[str, str]] = []
    members = list(
        proposal.members.exclude(status=InvitationStatus.DECLINED).select_related(
            "person", "organisation"
        )
    )
    if proposal.lead_id == reviewer.pk or any(m.person_id == reviewer.pk for m in members):
        out.append((ConflictKind.TEAM, _("on the team")))
        return out
    profile = getattr(reviewer, "researcher_profile", None)
    if profile is not None and profile.organisation_id is not None:
        for m in members:
            if m.organisation_id == profile.organisation_id:
                out.append((ConflictKind.SAME_ORGANISATION, str(m.organisation)))
                break
    since = timezone.now().year - proposal.call.coi_years
    member_people = [m.person_id for m in members]
    if profile is not None:
        shared = (
            Authorship.objects.filter(
                researcher__person_id__in=member_people,
                publication__authorship__researcher=profile,
                publication__year__gte=since,
            )
            .select_related("publication", "researcher__person")
            .first()
        )
        if shared is not None:
            out.append(
                (
                    ConflictKind.COAUTHOR,
                    _("co-authored “%(title)s” (%(year)s) with %(person)s")
                    % {
                        "title": shared.publication.title[:80],
                        "year": shared.publication.year,
                        "person": shared.researcher.person,
                    },
                )
            )
            return out
    # Co-authorship recorded only by name in the author lists.
    from innobridge.people.models import Publication

    reviewer_keys = _name_keys(reviewer)
    pubs = Publication.objects.filter(
        researchers__person_id__in=member_people, year__gte=since
    ).distinct()
    for pub in pubs:
        names = {fold(str(n)).replace(" ", "") for n in pub.author_names}
        if reviewer_keys & names:
            out.append(
                (
                    ConflictKind.COAUTHOR,
                    _("named among the authors of “%(title)s” (%(year)s)")
                    % {"title": pub.title[:80], "year": pub.year},
                )
            )
            break
    if profile is not None and not any(k == ConflictKind.COAUTHOR for k, _d in out):
        member_keys: set[str] = set()
        for m in members:
            member_keys |= _name_keys(m.person)
        own = Publication.objects.filter(authorship__researcher=profile, year__gte=since)
        for pub in own:
            names = {fold(str(n)).replace(" ", "") for n in pub.author_names}
            if member_keys & names:
                out.append(
                    (
                        ConflictKind.COAUTHOR,
                        _("named among the authors of “%(title)s” (%(year)s)")
                        % {"title": pub.title[:80], "year": pub.year},
                    )
                )
                break
    return out


def is_conflicted(proposal: Proposal, reviewer: Person) -> bool:
    if ConflictOfInterest.objects.filter(proposal=proposal, reviewer=reviewer).exists():
        return True
    return bool(automatic_conflicts(proposal, reviewer))


@transaction.atomic
def refresh_conflicts(actor: Any, call: Call) -> int:
    """Record the automatic conflicts of every pool reviewer with every proposal under review."""
    require_manage_call(actor, call)
    n = 0
    reviewers = {p.pk: p for cs in call.sides.all() for p in cs.funder.reviewer_pool.all()}
    for proposal in call.proposals.exclude(
        state__in=[ProposalState.DRAFT, ProposalState.WITHDRAWN]
    ):
        for reviewer in reviewers.values():
            for kind, detail in automatic_conflicts(proposal, reviewer):
                _obj, created = ConflictOfInterest.objects.get_or_create(
                    proposal=proposal, reviewer=reviewer, kind=kind, defaults={"detail": detail}
                )
                n += int(created)
    record_event(actor, FundingAction.CALL_CONFLICTS_REFRESHED, call, after={"new_conflicts": n})
    return n


@transaction.atomic
def declare_conflict(actor: Any, proposal: Proposal, *, detail: str) -> ConflictOfInterest:
    """A reviewer declares a conflict; an unfinished assignment is released and refilled."""
    is_reviewer = proposal.assignments.filter(reviewer=actor).exists() or any(
        cs.funder.reviewer_pool.filter(pk=actor.pk).exists()
        for cs in proposal.call.sides.select_related("funder")
    )
    if not getattr(actor, "is_authenticated", False) or not is_reviewer:
        raise PermissionDenied(_("Only reviewers declare conflicts of interest."))
    if not detail.strip():
        raise ValidationError({"detail": _("Say what the conflict is.")})
    coi, _created = ConflictOfInterest.objects.get_or_create(
        proposal=proposal, reviewer=actor, kind=ConflictKind.DECLARED, defaults={"detail": detail}
    )
    record_event(actor, FundingAction.CONFLICT_DECLARED, coi, after=snapshot(coi))
    a = proposal.assignments.filter(
        reviewer=actor, status__in=ASSIGNMENT_FLOW.sources("declare_conflict")
    ).first()
    if a is not None:
        apply_transition(
            actor,
            a,
            ASSIGNMENT_FLOW,
            "declare_conflict",
            audit_action=FundingAction.ASSIGNMENT_DECLINED,
            responded_at=timezone.now(),
        )
        refill_assignment(a)
    return coi


def refill_assignment(declined: ReviewAssignment) -> ReviewAssignment | None:
    """Invite the next best free reviewer of the same funder's pool in place of ``declined``."""
    proposal, funder = declined.proposal, declined.funder
    if not proposal_allows(proposal, "assign"):
        return None
    cs = lock_call_side(proposal.call, funder)  # loads are counted one refill at a time
    assert cs is not None
    taken = set(proposal.assignments.values_list("reviewer_id", flat=True))
    scores = {s.reviewer_id: s for s in AffinityScore.objects.filter(proposal=proposal)}
    candidates = [r for r in funder.reviewer_pool.order_by("pk") if r.pk not in taken]
    candidates.sort(key=lambda r: -(scores[r.pk].score if r.pk in scores else -1e9))
    for r in candidates:
        load = ReviewAssignment.objects.filter(
            reviewer=r, proposal__call=proposal.call, status__in=ACTIVE_ASSIGNMENT
        ).count()
        if load >= cs.max_reviewer_load or is_conflicted(proposal, r):
            continue
        s = scores.get(r.pk)
        status = (
            AssignmentStatus.INVITED
            if declined.status != AssignmentStatus.PROPOSED and declined.invited_at
            else AssignmentStatus.PROPOSED
        )
        a = ReviewAssignment.objects.create(
            proposal=proposal,
            reviewer=r,
            funder=funder,
            status=status,
            affinity=s.score if s else None,
            explanation=s.explanation if s else {},
            deadline=declined.deadline,
            invited_at=timezone.now() if status == AssignmentStatus.INVITED else None,
        )
        record_event("system", FundingAction.ASSIGNMENT_REFILLED, a, after=snapshot(a))
        if status == AssignmentStatus.INVITED:
            notify_invited_reviewer(a)
        return a
    return None
