"""Writes of the transfer app, one module per noun."""

from .deals import (
    accept_deal,
    accept_nda,
    close_deal,
    current_nda,
    express_interest,
    propose_terms,
    publish_nda,
    record_meeting,
    sign_deal,
    take_published_terms,
)
from .demands import post_demand, select_plan, submit_plan, triage_demand, update_demand
from .matches import find_matches_for_demand, find_matches_for_offer, send_digests
from .memberships import add_membership, remove_membership
from .offers import (
    add_attachment,
    create_offer,
    expire_and_remind,
    import_offer,
    log_confidential_view,
    move_offer,
    pass_offer,
    record_view,
    update_offer,
    validate_inventors,
)

__all__ = [
    "accept_deal",
    "accept_nda",
    "add_attachment",
    "add_membership",
    "close_deal",
    "create_offer",
    "current_nda",
    "expire_and_remind",
    "express_interest",
    "find_matches_for_demand",
    "find_matches_for_offer",
    "import_offer",
    "log_confidential_view",
    "move_offer",
    "pass_offer",
    "post_demand",
    "propose_terms",
    "publish_nda",
    "record_meeting",
    "record_view",
    "remove_membership",
    "select_plan",
    "send_digests",
    "sign_deal",
    "submit_plan",
    "take_published_terms",
    "triage_demand",
    "update_demand",
    "update_offer",
    "validate_inventors",
]
