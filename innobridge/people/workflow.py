"""Lifecycles of the people app as transition tables (see ``innobridge.core.workflow``).

An introduction request: the requester may withdraw it while it waits; the recipient
accepts (contact details are then exchanged) or declines (no reason is given to the
requester; blocking the requester declines it too)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from innobridge.core.workflow import Transition, Workflow

from .models import Introduction, IntroductionStatus

REQUESTER = "requester"
RECIPIENT = "recipient"


def introduction_roles(user: Any, intro: Introduction) -> set[str]:
    pk = getattr(user, "pk", None)
    if pk is None:
        return set()
    roles: set[str] = set()
    if pk == intro.requester_id:
        roles.add(REQUESTER)
    if pk == intro.recipient_id:
        roles.add(RECIPIENT)
    return roles


INTRODUCTION_FLOW = Workflow(
    "introduction",
    [
        Transition(
            IntroductionStatus.PENDING,
            "accept",
            IntroductionStatus.ACCEPTED,
            {RECIPIENT},
            _("Accept and share contact details"),
        ),
        Transition(
            IntroductionStatus.PENDING,
            "decline",
            IntroductionStatus.DECLINED,
            {RECIPIENT},
            _("Decline"),
        ),
        Transition(
            IntroductionStatus.PENDING,
            "withdraw",
            IntroductionStatus.WITHDRAWN,
            {REQUESTER},
            _("Withdraw"),
        ),
    ],
    roles=introduction_roles,
)
