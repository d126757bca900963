"""Writes of the exchange app, one module per noun (re-exported here)."""

from .applications import (
    add_document,
    nominate,
    save_application,
    set_preferences,
    start_application,
    submission_problems,
    submit_application,
    withdraw_application,
)
from .matchings import adjust, choose_run, run_matching, send_offers
from .offers import (
    accept_offer,
    close_unsuccessful,
    close_waiting_list,
    decline_offer,
    lapse_overdue,
)
from .personal_data import log_application_view
from .placements import move_placement, propose_placement
from .programmes import (
    CHECKLIST_STEP_FIELDS,
    add_checklist_step,
    add_coordinator,
    add_criterion,
    add_stipend,
    create_programme,
    remove_checklist_step,
    remove_coordinator,
    remove_criterion,
    remove_stipend,
    update_checklist_step,
    update_programme,
)
from .referees import invite_referee, referee_for_token, resend_invitation, upload_letter
from .reminders import send_reminders
from .reviews import (
    assign_reviewer,
    conflicts,
    declare_conflict,
    rank_applicants,
    shortlist,
    submit_review,
)
from .stays import move_stay, review_report, set_planned_dates, submit_report, tick_checklist

__all__ = [
    "CHECKLIST_STEP_FIELDS",
    "accept_offer",
    "add_checklist_step",
    "add_coordinator",
    "add_criterion",
    "add_document",
    "add_stipend",
    "adjust",
    "assign_reviewer",
    "choose_run",
    "close_unsuccessful",
    "close_waiting_list",
    "conflicts",
    "create_programme",
    "declare_conflict",
    "decline_offer",
    "invite_referee",
    "lapse_overdue",
    "log_application_view",
    "move_placement",
    "move_stay",
    "nominate",
    "propose_placement",
    "rank_applicants",
    "referee_for_token",
    "remove_checklist_step",
    "remove_coordinator",
    "remove_criterion",
    "remove_stipend",
    "resend_invitation",
    "review_report",
    "run_matching",
    "save_application",
    "send_offers",
    "send_reminders",
    "set_planned_dates",
    "set_preferences",
    "shortlist",
    "start_application",
    "submission_problems",
    "submit_application",
    "submit_report",
    "submit_review",
    "tick_checklist",
    "update_checklist_step",
    "update_programme",
    "upload_letter",
    "withdraw_application",
]
