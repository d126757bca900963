"""The exchange lifecycles as transition tables (state → action → target, who)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from innobridge.core.workflow import SYSTEM, Transition, Workflow

from .models import (
    ApplicationState as A,
)
from .models import (
    OfferState as O,
)
from .models import (
    PlacementState as P,
)
from .models import (
    ReportState as R,
)
from .models import (
    StayState as S,
)
from .permissions import application_roles, offer_roles, placement_roles, report_roles, stay_roles

PLACEMENT_FLOW = Workflow(
    "placement",
    [
        Transition(P.PROPOSED, "approve", P.APPROVED, {"coordinator"}, _("Approve")),
        Transition(P.PROPOSED, "reject", P.REJECTED, {"coordinator"}, _("Reject")),
        Transition(P.APPROVED, "close", P.CLOSED, {"coordinator", "officer"}, _("Close")),
    ],
    roles=placement_roles,
)

APPLICATION_FLOW = Workflow(
    "application",
    [
        Transition(A.DRAFT, "submit", A.SUBMITTED, {"applicant"}, _("Submit")),
        Transition(A.DRAFT, "withdraw", A.WITHDRAWN, {"applicant"}, _("Withdraw")),
        Transition(A.SUBMITTED, "withdraw", A.WITHDRAWN, {"applicant"}, _("Withdraw")),
        Transition(A.NOMINATED, "withdraw", A.WITHDRAWN, {"applicant"}, _("Withdraw")),
        Transition(A.SHORTLISTED, "withdraw", A.WITHDRAWN, {"applicant"}, _("Withdraw")),
        Transition(A.SUBMITTED, "nominate", A.NOMINATED, {"coordinator"}, _("Nominate")),
        Transition(
            A.SUBMITTED,
            "decline_nomination",
            A.NOT_NOMINATED,
            {"coordinator"},
            _("Do not nominate"),
        ),
        Transition(A.SUBMITTED, "shortlist", A.SHORTLISTED, {"officer"}, _("Shortlist")),
        Transition(A.NOMINATED, "shortlist", A.SHORTLISTED, {"officer"}, _("Shortlist")),
        Transition(
            A.SUBMITTED, "not_shortlist", A.NOT_SHORTLISTED, {"officer"}, _("Not shortlisted")
        ),
        Transition(
            A.NOMINATED, "not_shortlist", A.NOT_SHORTLISTED, {"officer"}, _("Not shortlisted")
        ),
        Transition(A.SHORTLISTED, "offer", A.OFFERED, {"officer", SYSTEM}, _("Offer")),
        Transition(A.OFFERED, "accept", A.ACCEPTED, {"applicant"}, _("Accept")),
        Transition(A.OFFERED, "decline", A.UNSUCCESSFUL, {"applicant", SYSTEM}, _("Decline")),
        Transition(A.SHORTLISTED, "close", A.UNSUCCESSFUL, {"officer"}, _("Close as unsuccessful")),
    ],
    roles=application_roles,
)

OFFER_FLOW = Workflow(
    "offer",
    [
        Transition(O.SENT, "accept", O.ACCEPTED, {"applicant"}, _("Accept the offer")),
        Transition(O.SENT, "decline", O.DECLINED, {"applicant"}, _("Decline the offer")),
        Transition(O.SENT, "lapse", O.LAPSED, {SYSTEM}, _("Lapse")),
    ],
    roles=offer_roles,
)

# Erasmus Without Paper's mobility states plus the hosting steps.
STAY_FLOW = Workflow(
    "stay",
    [
        Transition(
            S.NOMINATED, "host_accept", S.ACCEPTED, {"supervisor", "officer"}, _("Host accepts")
        ),
        Transition(
            S.ACCEPTED, "start_permits", S.PERMITS, {"fellow", "officer"}, _("Permits in progress")
        ),
        Transition(S.PERMITS, "arrive", S.ON_SITE, {"supervisor", "officer"}, _("Confirm arrival")),
        Transition(S.ON_SITE, "complete", S.COMPLETED, {"officer"}, _("Complete")),
        Transition(S.NOMINATED, "cancel", S.CANCELLED, {"officer"}, _("Cancel")),
        Transition(S.ACCEPTED, "cancel", S.CANCELLED, {"officer"}, _("Cancel")),
        Transition(S.PERMITS, "cancel", S.CANCELLED, {"officer"}, _("Cancel")),
        Transition(S.ON_SITE, "cancel", S.CANCELLED, {"officer"}, _("Cancel")),
    ],
    roles=stay_roles,
)

REPORT_FLOW = Workflow(
    "report",
    [
        Transition(R.SUBMITTED, "accept", R.ACCEPTED, {"officer"}, _("Accept")),
        Transition(R.SUBMITTED, "return", R.RETURNED, {"officer"}, _("Return for changes")),
        Transition(R.RETURNED, "resubmit", R.SUBMITTED, {"author"}, _("Resubmit")),
    ],
    roles=report_roles,
)


def actions(flow: Workflow, user: Any, obj: Any) -> list[dict[str, str]]:
    """The buttons ``user`` may press on ``obj``."""
    return [{"action": t.action, "label": str(t.label)} for t in flow.allowed(user, obj)]
