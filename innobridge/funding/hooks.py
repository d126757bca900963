"""What the funding app offers on other apps' pages through ``innobridge.core.hooks``
(registered in ``FundingConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.caching import forget_person_facts, person_fact, register_person_fact
from innobridge.core.hooks import PersonAction
from innobridge.core.reversing import reverse

from .models import Call, Proposal, ProposalState

DRAFTS_FACT = "funding_drafts"


def draft_closing_times(viewer: Any) -> list[Any]:
    """When the calls of ``viewer``'s draft proposals (as lead) close: they may invite a
    partner while one of them is still open. Kept per person in the shared cache (issue #17:
    every hit of a search page asks) and emptied when a proposal they lead is saved or
    deleted, or a call with a draft of theirs is saved (:func:`connect_receivers`)."""

    def compute() -> list[Any]:
        return list(
            Proposal.objects.filter(lead_id=viewer.pk, state=ProposalState.DRAFT).values_list(
                "call__closes_at", flat=True
            )
        )

    return list(person_fact(viewer.pk, DRAFTS_FACT, compute))


def invite_to_proposal(viewer: Any, person: Any) -> list[PersonAction]:
    """ "Invite to a proposal" on a person's profile or search hit, for a viewer who
    leads a draft proposal whose call is open (asked once per request)."""
    has = getattr(viewer, "_funding_has_drafts", None)
    if has is None:
        now = timezone.now()
        has = any(closes_at > now for closes_at in draft_closing_times(viewer))
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


def _proposal_changed(sender: type[Any], instance: Proposal, **kwargs: Any) -> None:
    forget_person_facts(instance.lead_id)


def _call_changed(sender: type[Any], instance: Call, **kwargs: Any) -> None:
    if kwargs.get("created"):
        return  # no proposal yet
    leads = Proposal.objects.filter(call_id=instance.pk, state=ProposalState.DRAFT)
    forget_person_facts(*set(leads.values_list("lead_id", flat=True)))


def connect_receivers() -> None:
    """Keep :func:`draft_closing_times` in step (FundingConfig.ready)."""
    register_person_fact(DRAFTS_FACT)
    post_save.connect(_proposal_changed, sender=Proposal, dispatch_uid="innobridge.funding.drafts")
    post_delete.connect(
        _proposal_changed, sender=Proposal, dispatch_uid="innobridge.funding.drafts.deleted"
    )
    post_save.connect(_call_changed, sender=Call, dispatch_uid="innobridge.funding.drafts.call")
