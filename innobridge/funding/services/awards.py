"""Awards: the lead applicant accepts (the project starts) or declines the joint award."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.services import apply_transition

from ..audit import FundingAction
from ..models import Award, AwardStatus, Project
from ..notifications import notify
from ..workflow import AWARD_FLOW
from .decisions import create_project


def _notify_officers(award: Award, subject: str, body: str) -> None:
    proposal = award.proposal
    seen: set[int] = set()
    for cs in proposal.call.sides.select_related("funder"):
        for officer in cs.funder.officers.all():
            if officer.pk in seen:
                continue
            seen.add(officer.pk)
            notify(
                officer, subject, body, {"title": proposal.title}, url=proposal.get_absolute_url()
            )


@transaction.atomic
def accept_award(actor: Any, award: Award, *, note: str = "") -> Project:
    """The lead applicant accepts the award letter: the project starts today."""
    locked = apply_transition(
        actor,
        award,
        AWARD_FLOW,
        "accept",
        audit_action=FundingAction.AWARD_ACCEPTED,
        responded_by=actor,
        responded_at=timezone.now(),
        response_note=note.strip(),
    )
    assert isinstance(locked, Award)
    project = create_project(actor, award.proposal)
    _notify_officers(
        award,
        gettext_noop("Award accepted"),
        gettext_noop("The applicants accepted the award for “%(title)s”; the project has started."),
    )
    return project


@transaction.atomic
def decline_award(actor: Any, award: Award, *, note: str) -> Award:
    """The lead applicant declines the award (with a reason): no project starts and each
    funder's granted amount returns to its budget."""
    if not note.strip():
        raise ValidationError({"note": _("Say why you decline the award.")})
    apply_transition(
        actor,
        award,
        AWARD_FLOW,
        "decline",
        audit_action=FundingAction.AWARD_DECLINED,
        responded_by=actor,
        responded_at=timezone.now(),
        response_note=note.strip(),
    )
    _notify_officers(
        award,
        gettext_noop("Award declined"),
        gettext_noop("The applicants declined the award for “%(title)s”."),
    )
    return award


def award_actions(user: Any, award: Award | None) -> list[str]:
    """What ``user`` may do with ``award`` now (the buttons and the API's ``actions``)."""
    if award is None or award.state != AwardStatus.OFFERED:
        return []
    return AWARD_FLOW.allowed_actions(user, award)
