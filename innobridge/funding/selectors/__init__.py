"""Every read of the funding app that depends on who asks.

* applicants see their own proposals and their decisions — never reviewers' identities or
  other proposals;
* reviewers see only the proposals assigned to them (not declined), and other reviewers'
  scores only after submitting their own;
* officers see the calls and proposals of their funders' schemes;
* the public sees awarded projects' titles, partners and amounts only.
"""

from ..models import ProjectStatus as ProjectStatus  # for the plan dashboard
from .calls import (
    call_sides,
    officer_calls,
    officer_funders,
    officer_schemes,
    open_calls,
    prefetch_call_sides,
    visible_calls,
)
from .figures import (
    funding_committed_figure,
    joint_institutions_figure,
    projects_by_status_figure,
    proposals_decided_figure,
    proposals_submitted_figure,
)
from .home import (
    HOME_FACT,
    connect_home_receivers,
    home_reads,
    notifications_of,
    unread_notifications,
)
from .projects import (
    can_view_project,
    public_projects,
    team_projects,
    visible_projects,
)
from .proposals import (
    invitable_drafts,
    my_proposals,
    prefetch_proposal_page,
    proposal_role,
    side_totals,
    team_of,
    visible_proposals,
)
from .reviews import (
    RANKED_STATES,
    Scores,
    combined_score,
    combined_scores,
    criteria_for,
    decisions_for,
    my_assignments,
    ranking,
    rankings,
    submitted_scores,
    suggested_portfolio,
    visible_reviews,
)

__all__ = [
    "HOME_FACT",
    "RANKED_STATES",
    "ProjectStatus",
    "Scores",
    "call_sides",
    "can_view_project",
    "combined_score",
    "combined_scores",
    "connect_home_receivers",
    "criteria_for",
    "decisions_for",
    "funding_committed_figure",
    "home_reads",
    "invitable_drafts",
    "joint_institutions_figure",
    "my_assignments",
    "my_proposals",
    "notifications_of",
    "officer_calls",
    "officer_funders",
    "officer_schemes",
    "open_calls",
    "prefetch_call_sides",
    "prefetch_proposal_page",
    "projects_by_status_figure",
    "proposal_role",
    "proposals_decided_figure",
    "proposals_submitted_figure",
    "public_projects",
    "ranking",
    "rankings",
    "side_totals",
    "submitted_scores",
    "suggested_portfolio",
    "team_of",
    "team_projects",
    "unread_notifications",
    "visible_calls",
    "visible_projects",
    "visible_proposals",
    "visible_reviews",
]
