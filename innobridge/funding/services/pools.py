"""The funders' reviewer pools: who an officer may invite to review."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.services import record_event
from innobridge.people.models import Person

from ..audit import FundingAction
from ..models import (
    AssignmentStatus,
    Funder,
    ReviewAssignment,
)
from ..permissions import require_act_for_funder


@transaction.atomic
def add_to_pool(actor: Any, funder: Funder, person: Person) -> None:
    """A funder's officer adds a researcher (with a profile: their publications are used
    for matching and conflicts) to the funder's reviewer pool."""
    require_act_for_funder(actor, funder)
    if not person.is_active:
        raise ValidationError({"person": _("This account is not active.")})
    if getattr(person, "researcher_profile", None) is None:
        raise ValidationError(
            {
                "person": _(
                    "Only researchers with a profile can review: their publications are "
                    "used to match proposals and to find conflicts of interest."
                )
            }
        )
    if funder.reviewer_pool.filter(pk=person.pk).exists():
        raise ValidationError(
            {"person": _("%(person)s is already in the pool.") % {"person": person}}
        )
    funder.reviewer_pool.add(person)
    record_event(
        actor, FundingAction.POOL_ADDED, funder, after={"reviewer": person.pk, "name": str(person)}
    )


@transaction.atomic
def remove_from_pool(actor: Any, funder: Funder, person: Person) -> int:
    """Take a reviewer out of the pool: no new assignments; proposed (unsent) ones are
    dropped; invitations already sent stay, so reviews in progress are not lost. Returns
    how many sent assignments remain."""
    require_act_for_funder(actor, funder)
    if not funder.reviewer_pool.filter(pk=person.pk).exists():
        raise ValidationError({"person": _("%(person)s is not in the pool.") % {"person": person}})
    funder.reviewer_pool.remove(person)
    ReviewAssignment.objects.filter(
        funder=funder, reviewer=person, status=AssignmentStatus.PROPOSED
    ).delete()
    remaining = ReviewAssignment.objects.filter(
        funder=funder,
        reviewer=person,
        status__in=[AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED],
    ).count()
    record_event(
        actor,
        FundingAction.POOL_REMOVED,
        funder,
        before={"reviewer": person.pk, "name": str(person)},
        after={"open_assignments": remaining},
    )
    return remaining
