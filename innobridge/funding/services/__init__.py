"""Every write of the funding app, one module per noun:

- ``calls``: calls, their sides and rubrics
- ``schemes``: schemes (created, changed, and deleted while no call uses one)
- ``funders``: funders and their officers (an administrator's)
- ``pools``: the funders' reviewer pools
- ``proposals``: drafting, team, budget, attachments, submission, withdrawal, screening
- ``conflicts``: conflicts of interest, and refilling a reviewer's place
- ``review``: assignment, invitations, reviews, reminders, the move to the panel
- ``decisions``: each funder's decision (amount, conditions) under its budget
- ``awards``: the lead applicant accepts or declines the award; the project follows
- ``information``: requests for more information at screening and their answers
- ``projects``: milestones, reports, disbursements, status, termination
- ``changes``: change requests on a funded project

Each public function checks permission (``PermissionDenied``), validates everything first
(``ValidationError`` with every problem, in the user's language), then changes state and
writes its audit event inside one transaction, so bad input changes nothing. Who may act
lives in :mod:`innobridge.funding.permissions`, what a state allows in
:mod:`innobridge.funding.workflow`, messages in :mod:`innobridge.funding.notifications`.
"""

from ..notifications import mark_notifications_read
from .awards import accept_award, award_actions, decline_award
from .calls import (
    CALL_FIELDS,
    CALL_FIELDS_AFTER_OPENING,
    DEFAULT_RUBRIC,
    LANGUAGE_CODES,
    clean_rubric,
    create_call,
    delete_call,
    set_review_sharing,
    set_rubric,
    update_call,
    update_call_and_sides,
    update_call_side,
)
from .changes import (
    decide_change,
    funders_to_decide,
    is_joint_change,
    recheck_conflicts,
    request_change,
)
from .conflicts import (
    automatic_conflicts,
    declare_conflict,
    is_conflicted,
    refill_assignment,
    refresh_conflicts,
)
from .decisions import (
    committed_amount,
    committed_amounts,
    create_project,
    record_decision,
)
from .funders import FUNDER_FIELDS, create_funder, update_funder
from .information import (
    answer_information,
    open_info_request,
    request_information,
    resume_screening,
)
from .pools import add_to_pool, remove_from_pool
from .projects import (
    add_milestone,
    rate_report,
    refresh_project_status,
    refresh_project_statuses,
    release_disbursement,
    schedule_disbursement,
    submit_report,
    terminate_project,
)
from .proposals import (
    EDITABLE_FIELDS,
    PDF_MAGIC,
    add_attachment,
    add_budget_line,
    check_pdf,
    create_proposal,
    invite_member,
    remove_attachment,
    remove_budget_line,
    remove_member,
    respond_invitation,
    screen_proposal,
    screenable_funders,
    side_totals,
    submission_problems,
    submit_proposal,
    update_proposal,
    withdraw_proposal,
)
from .review import (
    assign_by_hand,
    move_to_panel,
    remind_reviewers,
    remove_assignment,
    respond_assignment,
    run_assignment,
    send_invitations,
    send_reminders,
    submit_review,
    weighted_score,
)
from .schemes import create_scheme, delete_scheme, update_scheme

__all__ = [
    "CALL_FIELDS",
    "CALL_FIELDS_AFTER_OPENING",
    "DEFAULT_RUBRIC",
    "EDITABLE_FIELDS",
    "FUNDER_FIELDS",
    "LANGUAGE_CODES",
    "PDF_MAGIC",
    "accept_award",
    "add_attachment",
    "add_budget_line",
    "add_milestone",
    "add_to_pool",
    "answer_information",
    "assign_by_hand",
    "automatic_conflicts",
    "award_actions",
    "check_pdf",
    "clean_rubric",
    "committed_amount",
    "committed_amounts",
    "create_call",
    "create_funder",
    "create_project",
    "create_proposal",
    "create_scheme",
    "decide_change",
    "declare_conflict",
    "decline_award",
    "delete_call",
    "delete_scheme",
    "funders_to_decide",
    "invite_member",
    "is_conflicted",
    "is_joint_change",
    "mark_notifications_read",
    "move_to_panel",
    "open_info_request",
    "rate_report",
    "recheck_conflicts",
    "record_decision",
    "refill_assignment",
    "refresh_conflicts",
    "refresh_project_status",
    "refresh_project_statuses",
    "release_disbursement",
    "remind_reviewers",
    "remove_assignment",
    "remove_attachment",
    "remove_budget_line",
    "remove_from_pool",
    "remove_member",
    "request_change",
    "request_information",
    "respond_assignment",
    "respond_invitation",
    "resume_screening",
    "run_assignment",
    "schedule_disbursement",
    "screen_proposal",
    "screenable_funders",
    "send_invitations",
    "send_reminders",
    "set_review_sharing",
    "set_rubric",
    "side_totals",
    "submission_problems",
    "submit_proposal",
    "submit_report",
    "submit_review",
    "terminate_project",
    "update_call",
    "update_call_and_sides",
    "update_call_side",
    "update_funder",
    "update_proposal",
    "update_scheme",
    "weighted_score",
    "withdraw_proposal",
]
