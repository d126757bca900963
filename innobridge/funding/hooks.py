"""What the funding app offers on other apps' pages through ``innobridge.core.hooks``
(registered in ``FundingConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from innobridge.core.hooks import PersonAction
from innobridge.core.reversing import reverse

from .selectors import invitable_drafts


def invite_to_proposal(viewer: Any, person: Any) -> list[PersonAction]:
    """ "Invite to a proposal" on a person's profile or search hit, for a viewer who
    leads a draft proposal whose call is open (counted once per request)."""
    has = getattr(viewer, "_funding_has_drafts", None)
    if has is None:
        has = invitable_drafts(viewer).exists()
        viewer._funding_has_drafts = has
    if not has:
        return []
    return [
        PersonAction(
            "invite-proposal",
            _("Invite to a proposal"),
            reverse("funding:invite_person", args=[person.pk]),
        )
    ]
