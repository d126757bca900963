"""Models of the transfer app, one module per noun."""

from .deals import Deal, DealState, Meeting, NdaAcceptance, NdaText, TermSheet
from .demands import Demand, DemandStatus, PlanStatus, SolutionPlan
from .matches import MatchNotice, MatchPass, NotificationPreference, SuggestedMatch
from .offers import (
    ConfidentialFile,
    ConfidentialView,
    Inventor,
    Membership,
    Offer,
    OfferStatus,
    OfferView,
    PatentRight,
    TrlChange,
)
from .requests import MembershipRequest, MembershipRequestState
from .vocabulary import (
    DemandMode,
    DevelopmentStage,
    IpType,
    Jurisdiction,
    LicensingMode,
    MembershipKind,
    OutcomeType,
    PassReason,
    PatentStatus,
    Sector,
    TriageReason,
)

__all__ = [
    "ConfidentialFile",
    "ConfidentialView",
    "Deal",
    "DealState",
    "Demand",
    "DemandMode",
    "DemandStatus",
    "DevelopmentStage",
    "Inventor",
    "IpType",
    "Jurisdiction",
    "LicensingMode",
    "MatchNotice",
    "MatchPass",
    "Meeting",
    "Membership",
    "MembershipKind",
    "MembershipRequest",
    "MembershipRequestState",
    "NdaAcceptance",
    "NdaText",
    "NotificationPreference",
    "Offer",
    "OfferStatus",
    "OfferView",
    "OutcomeType",
    "PassReason",
    "PatentRight",
    "PatentStatus",
    "PlanStatus",
    "Sector",
    "SolutionPlan",
    "SuggestedMatch",
    "TermSheet",
    "TriageReason",
    "TrlChange",
]
