"""Requests for more information at screening: the officer asks, the team answers and
resubmits, screening continues; when the deadline passes without an answer, the asking
funder's officer resumes screening without it (and may screen the proposal out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.services import record_event, snapshot

from ..audit import FundingAction
from ..models import Funder, InfoRequest, InvitationStatus, Proposal
from ..notifications import notify
from ..permissions import require_act_for_funder, require_lead_proposal
from ..workflow import allowed_actions, require_proposal_allows, transition_proposal


def open_info_request(proposal: Proposal) -> InfoRequest | None:
    """The request still waiting for the team's answer, if any."""
    return (
        proposal.info_requests.filter(answered_at__isnull=True, lapsed_at__isnull=True)
        .select_related("funder")
        .order_by("-requested_at", "-id")
        .first()
    )


@transaction.atomic
def request_information(
    actor: Any,
    proposal: Proposal,
    funder: Funder,
    *,
    question: str,
    deadline: dt.datetime | None,
    now: dt.datetime | None = None,
) -> InfoRequest:
    """``funder``'s officer sends the submitted proposal back to its team with a question
    and a deadline; the team is told in each member's language."""
    require_act_for_funder(actor, funder)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.call.sides.filter(funder=funder).exists():
        raise ValidationError(_("This funder does not take part in the call."))
    require_proposal_allows(proposal, "request_info")
    if proposal.screenings.filter(funder=funder).exists():
        raise ValidationError(
            _("%(funder)s has already screened this proposal.") % {"funder": funder.name}
        )
    errors: dict[str, str] = {}
    if not question.strip():
        errors["question"] = _("Write the question for the applicants.")
    now = now or timezone.now()
    if deadline is None:
        errors["deadline"] = _("Give the date by which the applicants must answer.")
    elif deadline <= now:
        errors["deadline"] = _("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    assert deadline is not None
    req = InfoRequest.objects.create(
        proposal=proposal,
        funder=funder,
        question=question.strip(),
        deadline=deadline,
        requested_by=actor,
    )
    transition_proposal(
        actor, proposal, "request_info", audit_action=FundingAction.INFORMATION_REQUESTED
    )
    when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
    for m in proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related("person"):
        notify(
            m.person,
            gettext_noop("More information requested"),
            gettext_noop(
                "%(funder)s asks about the proposal “%(title)s”: %(question)s\n\n"
                "The lead applicant answers and resubmits by %(deadline)s (Hong Kong time)."
            ),
            {
                "funder": funder.name,
                "title": proposal.title,
                "question": req.question,
                "deadline": when,
            },
            url=proposal.get_absolute_url(),
        )
    return req


@transaction.atomic
def answer_information(
    actor: Any, proposal: Proposal, *, answer: str, now: dt.datetime | None = None
) -> InfoRequest:
    """The lead applicant answers the open request and resubmits: the proposal is back at
    screening and the asking officer is told. A late answer is accepted and marked late
    for the officer."""
    require_lead_proposal(actor, proposal)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require_proposal_allows(proposal, "answer")
    req = open_info_request(proposal)
    if req is None:
        raise ValidationError(_("No request for more information is waiting for an answer."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer to the question.")})
    before = snapshot(req)
    req.answer = answer.strip()
    req.answered_by = actor
    req.answered_at = now or timezone.now()
    req.save()
    transition_proposal(actor, proposal, "answer", audit_action=FundingAction.PROPOSAL_SUBMITTED)
    record_event(actor, FundingAction.INFORMATION_PROVIDED, req, before=before, after=snapshot(req))
    notify(
        req.requested_by,
        gettext_noop("Answer to your question"),
        gettext_noop(
            "The applicants of “%(title)s” answered and resubmitted: %(answer)s\n\n"
            "The proposal is back at screening."
        ),
        {"title": proposal.title, "answer": req.answer},
        url=proposal.get_absolute_url(),
    )
    return req


@transaction.atomic
def resume_screening(
    actor: Any, proposal: Proposal, *, now: dt.datetime | None = None
) -> InfoRequest:
    """The open request's deadline has passed without an answer: the officer of the funder
    that asked closes it and the proposal is back at screening (more_info → submitted),
    where every funder screens it as usual — eligible, or out for want of the answer. The
    team is told; a late answer is no longer taken."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require_proposal_allows(proposal, "resume_screening")
    req = open_info_request(proposal)
    if req is None:
        raise ValidationError(_("No request for more information is waiting for an answer."))
    require_act_for_funder(actor, req.funder)
    now = now or timezone.now()
    if "resume_screening" not in allowed_actions(actor, proposal, now):
        when = timezone.localtime(req.deadline).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(
            _("The applicants have until %(deadline)s (Hong Kong time) to answer.")
            % {"deadline": when}
        )
    before = snapshot(req)
    req.lapsed_at = now
    req.lapsed_by = actor
    req.save(update_fields=["lapsed_at", "lapsed_by"])
    transition_proposal(
        actor,
        proposal,
        "resume_screening",
        audit_action=FundingAction.PROPOSAL_SCREENING_RESUMED,
    )
    record_event(actor, FundingAction.INFORMATION_LAPSED, req, before=before, after=snapshot(req))
    for m in proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related("person"):
        notify(
            m.person,
            gettext_noop("Screening continues without your answer"),
            gettext_noop(
                "The deadline for answering %(funder)s's question about “%(title)s” has "
                "passed. Screening continues with the proposal as it stands."
            ),
            {"funder": req.funder.name, "title": proposal.title},
            url=proposal.get_absolute_url(),
        )
    return req
