"""Every read of the funding app that depends on who asks.

* applicants see their own proposals and their decisions — never reviewers' identities or
  other proposals;
* reviewers see only the proposals assigned to them (not declined), and other reviewers'
  scores only after submitting their own;
* officers see the calls and proposals of their funders' schemes;
* the public sees awarded projects' titles, partners and amounts only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.signals import post_save
from django.utils import timezone

from innobridge.core.caching import forget_person_facts, person_fact, register_person_fact
from innobridge.core.figures import Dim, Row, grouped, region_label
from innobridge.core.models import Notice
from innobridge.core.permissions import Role, can_act_as

from .models import (
    DECIDED_STATES,
    AssignmentStatus,
    Call,
    CallSide,
    Criterion,
    DecisionChoice,
    Funder,
    FunderDecision,
    InvitationStatus,
    Project,
    Proposal,
    ProposalRole,
    ProposalState,
    Review,
    ReviewAssignment,
    Scheme,
    TeamMember,
)
from .models import ProjectStatus as ProjectStatus  # for the plan dashboard
from .notifications import SOURCE as NOTICE_SOURCE
from .permissions import can_manage_call, can_work_on_proposal, officer_funder_ids, prefetched
from .portfolio import Candidate, best_portfolio


def _authed(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def officer_funders(user: Any) -> QuerySet[Funder]:
    if getattr(user, "is_superuser", False):
        return Funder.objects.all()
    if not can_act_as(user, Role.PROGRAMME_OFFICER):
        return Funder.objects.none()
    return Funder.objects.filter(officers=user)


def officer_calls(user: Any) -> QuerySet[Call]:
    if getattr(user, "is_superuser", False):
        funders: Any = officer_funders(user)
    elif can_act_as(user, Role.PROGRAMME_OFFICER):
        # the officer's funders as kept per person (permissions.officer_funder_ids): a
        # list of ids instead of a subquery, for every page that asks (issue #17)
        funders = sorted(officer_funder_ids(user))
    else:
        return Call.objects.none()  # (building the query with its subquery costs 0.5 ms)
    return Call.objects.filter(sides__funder__in=funders).distinct().order_by("-opens_at", "id")


def officer_schemes(user: Any) -> QuerySet[Scheme]:
    return Scheme.objects.filter(funders__in=officer_funders(user)).distinct().order_by("name")


def open_calls(now: Any = None) -> QuerySet[Call]:
    now = now or timezone.now()
    return Call.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "id")


def visible_calls(user: Any) -> QuerySet[Call]:
    """Calls that have opened are public; officers also see their calls before opening."""
    now = timezone.now()
    q = Q(opens_at__lte=now)
    if _authed(user):
        q |= Q(pk__in=officer_calls(user).values("pk"))
    return Call.objects.filter(q).distinct().order_by("-opens_at", "id")


def my_proposals(user: Any) -> QuerySet[Proposal]:
    if not _authed(user):
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(
            Q(lead=user)
            | Q(
                members__person=user,
                members__status__in=[InvitationStatus.ACCEPTED, InvitationStatus.INVITED],
            )
        )
        .distinct()
        .select_related("call")
        .order_by("-created_at", "id")
    )


def visible_proposals(user: Any) -> QuerySet[Proposal]:
    """Own proposals (team or invited), assigned ones (not declined), officers' calls'."""
    if not _authed(user):
        return Proposal.objects.none()
    q = Q(lead=user) | Q(
        members__person=user,
        members__status__in=[InvitationStatus.ACCEPTED, InvitationStatus.INVITED],
    )
    q |= Q(
        assignments__reviewer=user,
        assignments__status__in=[
            AssignmentStatus.INVITED,
            AssignmentStatus.ACCEPTED,
            AssignmentStatus.SUBMITTED,
        ],
    )
    calls = officer_calls(user)
    q |= Q(call__in=calls) & ~Q(state=ProposalState.DRAFT)
    return Proposal.objects.filter(q).distinct().order_by("call", "id")


def proposal_role(user: Any, proposal: Proposal) -> ProposalRole:
    """How ``user`` relates to ``proposal`` (``ProposalRole.NONE``: not at all)."""
    if not _authed(user):
        return ProposalRole.NONE
    if can_manage_call(user, proposal.call) and proposal.state != ProposalState.DRAFT:
        return ProposalRole.OFFICER
    team = (InvitationStatus.ACCEPTED, InvitationStatus.INVITED)
    if proposal.lead_id == user.pk:
        return ProposalRole.TEAM
    if prefetched(proposal, "members"):  # read once by the page
        if any(m.person_id == user.pk and m.status in team for m in proposal.members.all()):
            return ProposalRole.TEAM
    elif proposal.members.filter(person=user, status__in=team).exists():
        return ProposalRole.TEAM
    if proposal.assignments.filter(
        reviewer=user,
        status__in=[
            AssignmentStatus.INVITED,
            AssignmentStatus.ACCEPTED,
            AssignmentStatus.SUBMITTED,
        ],
    ).exists():
        return ProposalRole.REVIEWER
    return ProposalRole.NONE


def my_assignments(user: Any) -> QuerySet[ReviewAssignment]:
    if not _authed(user):
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(
            reviewer=user,
            status__in=[
                AssignmentStatus.INVITED,
                AssignmentStatus.ACCEPTED,
                AssignmentStatus.SUBMITTED,
            ],
        )
        .select_related("proposal", "proposal__call", "funder")
        .order_by("deadline", "id")
    )


def visible_reviews(user: Any, proposal: Proposal) -> list[dict[str, Any]]:
    """Reviews of ``proposal`` as ``user`` may see them.

    Officers: all, with reviewer names. A reviewer: their own; others' (anonymous) only
    once their own is submitted. Applicants: after the decision, the comments of the
    reviews for each funder whose side of the call shares them (never who wrote them;
    scores only when that funder also shares scores); otherwise none."""
    role = proposal_role(user, proposal)
    if role == ProposalRole.NONE or (
        role == ProposalRole.TEAM
        and proposal.state not in (ProposalState.AWARDED, ProposalState.DECLINED)
    ):
        return []  # nothing to show: the reviews are not read
    reviews = list(
        Review.objects.filter(assignment__proposal=proposal, submitted_at__isnull=False)
        .select_related("assignment__reviewer", "assignment__funder")
        .prefetch_related("scores__criterion")
        .order_by("assignment__funder__side", "id")
    )
    if role == ProposalRole.OFFICER:
        return [_review_dict(r, named=True) for r in reviews]
    if role == ProposalRole.REVIEWER:
        mine = [r for r in reviews if r.assignment.reviewer_id == user.pk]
        if not mine:
            return []
        return [_review_dict(r, named=r.assignment.reviewer_id == user.pk) for r in reviews]
    if role == ProposalRole.TEAM and proposal.state in (
        ProposalState.AWARDED,
        ProposalState.DECLINED,
    ):
        shared = {
            cs.funder_id: cs for cs in proposal.call.sides.filter(comments_to_applicants=True)
        }
        out = []
        for n, r in enumerate((r for r in reviews if r.assignment.funder_id in shared), start=1):
            d = _review_dict(
                r, named=False, scores=shared[r.assignment.funder_id].scores_to_applicants
            )
            d["id"] = None  # nothing that could be matched to an assignment
            d["submitted_at"] = None
            d["label"] = n
            out.append(d)
        return out
    return []


def _review_dict(r: Review, *, named: bool, scores: bool = True) -> dict[str, Any]:
    """A review as a reader may see it: ``named`` with the reviewer's name, ``scores``
    with the scores (without: the comments only)."""
    return {
        "id": r.pk,
        "reviewer": str(r.assignment.reviewer) if named else None,
        "funder": r.assignment.funder.name,
        "weighted_score": r.weighted_score if scores else None,
        "comments": r.comments,
        "scores": [
            {
                "criterion": s.criterion.name,
                "score": s.score if scores else None,
                "max": s.criterion.max_score if scores else None,
                "comment": s.comment,
            }
            for s in r.scores.all()
            if scores or s.comment
        ],
        "submitted_at": r.submitted_at,
    }


def decisions_for(user: Any, proposal: Proposal) -> list[dict[str, Any]]:
    """Each funder's decision with reasons (no reviewer names) for the team and officers."""
    role = proposal_role(user, proposal)
    if role not in (ProposalRole.OFFICER, ProposalRole.TEAM):
        return []
    if role == ProposalRole.TEAM and proposal.state not in (
        ProposalState.AWARDED,
        ProposalState.DECLINED,
    ):
        return []
    return [
        {
            "funder": d.funder.name,
            "funder_display": d.funder.display_name,
            "side": d.side,
            "decision": d.decision,
            "decision_display": d.get_decision_display(),
            "reasons": d.reasons,
            "amount": d.amount,
            "requested": d.requested,
            "conditions": d.conditions,
            "currency": d.currency,
        }
        for d in proposal.decisions.select_related("funder").order_by("side")
    ]


def ranking(call: Call, funder: Funder) -> list[dict[str, Any]]:
    """Proposals ranked by this funder's reviewers' weighted scores, with the spread."""
    return rankings(call, [funder])[funder.pk]


RANKED_STATES = (
    ProposalState.IN_REVIEW,
    ProposalState.PANEL,
    ProposalState.AWARDED,
    ProposalState.DECLINED,
)


Scores = dict[tuple[int, int], list[float]]


def submitted_scores(proposal_ids: list[int], funder_ids: list[int]) -> Scores:
    """The weighted scores of the submitted reviews of these proposals for these funders,
    by (funder id, proposal id): one read, which a page that both ranks and builds a
    portfolio passes to :func:`rankings` and :func:`suggested_portfolio`."""
    scores: Scores = {}
    for fid, pid, score in Review.objects.filter(
        assignment__proposal_id__in=proposal_ids,
        assignment__funder_id__in=funder_ids,
        submitted_at__isnull=False,
    ).values_list("assignment__funder_id", "assignment__proposal_id", "weighted_score"):
        scores.setdefault((fid, pid), []).append(float(score))
    return scores


def rankings(
    call: Call,
    funders: list[Funder],
    proposals: list[Proposal] | None = None,
    scores: Scores | None = None,
) -> dict[int, list[dict[str, Any]]]:
    """:func:`ranking` for each of ``funders`` (by id), reading the proposals, the scores
    and the decisions once for all of them (three reads, whatever the numbers; two when
    the page has read the call's ``proposals`` already — all of them, any state — and one
    when it has read their :func:`submitted_scores` for these funders too)."""
    if proposals is None:
        proposals = list(call.proposals.filter(state__in=RANKED_STATES))
    else:
        proposals = [p for p in proposals if p.state in RANKED_STATES]
    ids = [p.pk for p in proposals]
    funder_ids = [f.pk for f in funders]
    scores_of = submitted_scores(ids, funder_ids) if scores is None else scores
    decision_of = {
        (d.funder_id, d.proposal_id): d
        for d in FunderDecision.objects.filter(proposal_id__in=ids, funder_id__in=funder_ids)
    }  # one per proposal and funder (a constraint)
    out: dict[int, list[dict[str, Any]]] = {}
    for fid in funder_ids:
        rows: list[dict[str, Any]] = []
        for p in proposals:
            given = scores_of.get((fid, p.pk), [])
            rows.append(
                {
                    "proposal": p,
                    "n": len(given),
                    "mean": round(statistics.fmean(given), 2) if given else None,
                    "min": min(given) if given else None,
                    "max": max(given) if given else None,
                    "stdev": round(statistics.pstdev(given), 2) if len(given) > 1 else 0.0,
                    "decision": decision_of.get((fid, p.pk)),
                }
            )
        rows.sort(key=lambda r: (-(r["mean"] if r["mean"] is not None else -1), r["proposal"].pk))
        out[fid] = rows
    return out


def _combined(means_by_funder: dict[int, list[float]], sides: list[CallSide]) -> float:
    means = [
        statistics.fmean(means_by_funder[cs.funder_id])
        for cs in sides
        if means_by_funder.get(cs.funder_id)
    ]
    return round(statistics.fmean(means), 4) if means else 0.0


def combined_score(proposal: Proposal) -> float:
    """The mean of each funder's mean weighted score (each side counts equally)."""
    return combined_scores(list(proposal.call.sides.all()), [proposal])[proposal.pk]


def combined_scores(
    sides: list[CallSide], proposals: list[Proposal], read: Scores | None = None
) -> dict[int, float]:
    """:func:`combined_score` of each proposal (of one call, whose ``sides`` are given),
    by id, in one read of the submitted reviews' scores (none when ``read`` holds their
    :func:`submitted_scores` for these sides' funders already)."""
    funder_ids = [cs.funder_id for cs in sides]
    if read is None:
        read = submitted_scores([p.pk for p in proposals], funder_ids)
    scores: dict[int, dict[int, list[float]]] = {p.pk: {} for p in proposals}
    for pid in scores:
        for fid in funder_ids:
            if (fid, pid) in read:
                scores[pid][fid] = read[(fid, pid)]
    return {pid: _combined(by_funder, sides) for pid, by_funder in scores.items()}


def suggested_portfolio(
    call: Call, proposals: list[Proposal] | None = None, scores: Scores | None = None
) -> dict[str, Any]:
    """Proposals at the panel (or already decided) chosen to maximise the total combined
    score within every side's budget. ``proposals``: the call's proposals (any state) when
    the page has read them already; ``scores``: their :func:`submitted_scores` for the
    call's funders, when the page has read those too."""
    sides: list[CallSide] = call_sides(call)
    states = (ProposalState.PANEL, ProposalState.AWARDED)
    if proposals is None:
        proposals = list(
            call.proposals.filter(state__in=states).prefetch_related("budget_lines").order_by("pk")
        )
    else:
        proposals = sorted((p for p in proposals if p.state in states), key=lambda p: p.pk)
        prefetch_related_objects(proposals, "budget_lines")
    combined = combined_scores(sides, proposals, scores)
    cands: list[Candidate] = []
    info: dict[int, dict[str, Any]] = {}
    for p in proposals:
        totals = side_totals(p)
        costs = tuple(totals[cs.side]["funder"] for cs in sides)
        score = combined[p.pk]
        cands.append(Candidate(p.pk, score, costs))
        info[p.pk] = {"proposal": p, "score": score, "costs": costs}
    chosen = set(best_portfolio(cands, [cs.budget for cs in sides]))
    used = [sum((info[k]["costs"][j] for k in chosen), Decimal(0)) for j in range(len(sides))]
    return {
        "sides": sides,
        "rows": [dict(info[p.pk], chosen=p.pk in chosen) for p in proposals],
        "chosen": chosen,
        "total_score": round(sum(info[k]["score"] for k in chosen), 2),
        "used": list(zip(sides, used, strict=True)),
    }


def criteria_for(assignment: ReviewAssignment) -> QuerySet[Criterion]:
    return Criterion.objects.filter(call=assignment.proposal.call, funder=assignment.funder)


def visible_projects(user: Any) -> QuerySet[Project]:
    """Projects whose page ``user`` may open: both partners' teams and the call's officers."""
    if not _authed(user):
        return Project.objects.none()
    q = Q(proposal__members__person=user, proposal__members__status=InvitationStatus.ACCEPTED)
    q |= Q(proposal__call__in=officer_calls(user))
    return Project.objects.filter(q).distinct().order_by("-start_date", "id")


HOME_FACT = "funding_home"


def home_reads(user: Any) -> dict[str, bool]:
    """Which of the home page's funding lists can have anything for ``user``: reviews to do
    (``reviews``) and projects whose reports are theirs (``projects``). Most people have
    neither, and every signed-in home page asks before reading them (issue #17). Kept per
    person in the shared cache (core/caching.py) and emptied when they are given a review,
    join a team or their proposal becomes a project (:func:`connect_home_receivers`);
    ``True`` only means the list is read."""
    if not _authed(user):
        return {"reviews": False, "projects": False}

    def compute() -> dict[str, bool]:
        return {
            "reviews": ReviewAssignment.objects.filter(
                reviewer_id=user.pk,
                status__in=[AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED],
            ).exists(),
            "projects": Project.objects.filter(
                proposal__members__person_id=user.pk,
                proposal__members__status=InvitationStatus.ACCEPTED,
            ).exists(),
        }

    return dict(person_fact(user.pk, HOME_FACT, compute))


# Whose home-page facts a saved row changes: the reviewer given a review, a team's member.
_FACTS_OF = {ReviewAssignment: "reviewer_id", TeamMember: "person_id"}


def _row_saved(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    forget_person_facts(getattr(instance, _FACTS_OF[sender]))


def _project_saved(sender: type[Any], instance: Project, **kwargs: Any) -> None:
    if kwargs.get("created"):
        members = TeamMember.objects.filter(proposal_id=instance.proposal_id)
        forget_person_facts(*members.values_list("person_id", flat=True))


def connect_home_receivers() -> None:
    """Keep :func:`home_reads` in step (FundingConfig.ready)."""
    register_person_fact(HOME_FACT)
    for receiver, model in (
        (_row_saved, ReviewAssignment),
        (_row_saved, TeamMember),
        (_project_saved, Project),
    ):
        post_save.connect(
            receiver, sender=model, dispatch_uid=f"innobridge.funding.home.{model.__name__}"
        )


def team_projects(user: Any) -> QuerySet[Project]:
    """Projects whose team ``user`` is an accepted member of (the reports are theirs to
    file), newest first, with their milestones."""
    if not _authed(user):
        return Project.objects.none()
    return (
        Project.objects.filter(
            proposal__members__person=user, proposal__members__status=InvitationStatus.ACCEPTED
        )
        .distinct()
        .prefetch_related("milestones")
        .order_by("-start_date", "id")
    )


def public_projects() -> list[dict[str, Any]]:
    """Awarded projects: title, partner institutions and amounts only."""
    out = []
    for project in (
        Project.objects.select_related("proposal", "proposal__call")
        .prefetch_related("proposal__members__organisation", "proposal__decisions")
        .order_by("-start_date", "id")
    ):
        p = project.proposal
        orgs = []
        for m in p.members.all():
            if m.status == InvitationStatus.ACCEPTED and m.organisation not in orgs:
                orgs.append(m.organisation)
        out.append(
            {
                "id": project.pk,
                "title": project.title,
                "title_zh": p.title_zh,
                "call": p.call.title,
                "partners": [
                    {"name": o.name, "name_zh": o.name_zh, "region": o.region} for o in orgs
                ],
                "amounts": [
                    {"side": d.side, "amount": d.amount, "currency": d.currency}
                    for d in sorted(p.decisions.all(), key=lambda d: d.side)
                    if d.decision == DecisionChoice.FUND
                ],
            }
        )
    return out


def notifications_of(user: Any) -> QuerySet[Notice]:
    """The user's funding notices, newest first."""
    if not _authed(user):
        return Notice.objects.none()
    return Notice.objects.filter(recipient=user, source=NOTICE_SOURCE)


def call_sides(call: Call) -> list[CallSide]:
    """The call's sides with their funders, in side order: from memory when the page
    prefetched them (:func:`prefetch_call_sides`), else read now."""
    if prefetched(call, "sides"):
        return list(call.sides.all())
    return list(call.sides.select_related("funder"))


def prefetch_call_sides(call: Call) -> Call:
    """Read the call's sides (with funders) once for a page that asks about them several
    times: ``call.sides.all()`` and :func:`call_sides` are then answered from memory (for
    this call object, i.e. this request)."""
    if not prefetched(call, "sides"):
        prefetch_related_objects(
            [call], Prefetch("sides", queryset=CallSide.objects.select_related("funder"))
        )
    return call


def prefetch_proposal_page(proposal: Proposal) -> Proposal:
    """Read once what a proposal's page and its checks ask for repeatedly: the call's sides
    (with funders), the budget lines and the team (with people and organisations)."""
    prefetch_call_sides(proposal.call)
    prefetch_related_objects(
        [proposal],
        "budget_lines",
        Prefetch("members", queryset=TeamMember.objects.select_related("person", "organisation")),
    )
    return proposal


def team_of(proposal: Proposal) -> list[TeamMember]:
    """The proposal's team with people and organisations (prefetched or read now)."""
    if prefetched(proposal, "members"):
        return list(proposal.members.all())
    return list(proposal.members.select_related("person", "organisation"))


def side_totals(proposal: Proposal) -> dict[str, dict[str, Decimal]]:
    """{side: {"funder": requested, "industry": sponsorship, "currency": ...}}."""
    out: dict[str, dict[str, Any]] = {}
    for cs in proposal.call.sides.all():
        out[cs.side] = {"funder": Decimal(0), "industry": Decimal(0), "currency": cs.currency}
    for line in proposal.budget_lines.all():
        if line.side in out:
            out[line.side][line.source] += line.amount
    return out


def unread_notifications(user: Any) -> QuerySet[Notice]:
    return notifications_of(user).filter(read_at__isnull=True)


def can_view_project(user: Any, project: Project) -> bool:
    return can_work_on_proposal(user, project.proposal) or can_manage_call(
        user, project.proposal.call
    )


# ------------------------------------------- figures for the Action Plan dashboard (plan)
# Each takes the moment ``as_of`` (what the data said then: events dated after it are left
# out) and an optional breakdown ``by``; it returns rows of (key, label, value), one row
# with an empty key for the total. Breakdowns by team ("region", "institution", "city")
# count a joint proposal once on each side/institution it has an accepted member in.


def _team_dims(date_field: str) -> dict[str, Dim]:
    return {
        "region": Dim("members__side", label=region_label),
        "institution": Dim("members__organisation_id", label_field="members__organisation__name"),
        "city": Dim("members__organisation__city"),
        "quarter": Dim(date_field, quarter=True),
    }


def _with_team(qs: QuerySet[Any], by: str | None) -> QuerySet[Any]:
    if by in ("region", "institution", "city"):
        return qs.filter(members__status=InvitationStatus.ACCEPTED)
    return qs


def proposals_submitted_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Proposals submitted by ``as_of`` (whatever happened to them since)."""
    qs = Proposal.objects.filter(submitted_at__isnull=False, submitted_at__lte=as_of)
    return grouped(_with_team(qs, by), _team_dims("submitted_at"), by)


def proposals_decided_figure(
    as_of: dt.datetime, by: str | None = None, *, awarded_only: bool = False
) -> list[Row]:
    """Proposals decided (awarded or not funded) by ``as_of``; ``awarded_only``: awarded."""
    states = [ProposalState.AWARDED] if awarded_only else list(DECIDED_STATES)
    qs = Proposal.objects.filter(state__in=states, decided_at__isnull=False, decided_at__lte=as_of)
    return grouped(_with_team(qs, by), _team_dims("decided_at"), by)


def funding_committed_figure(as_of: dt.datetime, currency: str, by: str | None = None) -> list[Row]:
    """Amounts the funders decided to fund, in ``currency``, for proposals awarded by
    ``as_of`` (the amounts ``public_projects`` lists)."""
    qs = FunderDecision.objects.filter(
        decision=DecisionChoice.FUND,
        currency=currency,
        proposal__state=ProposalState.AWARDED,
        proposal__decided_at__lte=as_of,
    )
    dims = {
        "region": Dim("side", label=region_label),
        "quarter": Dim("proposal__decided_at", quarter=True),
    }
    return grouped(qs, dims, by, value=Sum("amount"))


def projects_by_status_figure(status: str, by: str | None = None) -> list[Row]:
    """Funded projects in ``status`` now (a current state: its history is in snapshots)."""
    qs = Project.objects.filter(status=status)
    dims = {
        "region": Dim("proposal__members__side", label=region_label),
        "institution": Dim(
            "proposal__members__organisation_id",
            label_field="proposal__members__organisation__name",
        ),
    }
    if by is not None:
        qs = qs.filter(proposal__members__status=InvitationStatus.ACCEPTED)
    return grouped(qs, dims, by)


def joint_institutions_figure(
    as_of: dt.datetime, by: str | None = None, *, regions: list[str] | None = None
) -> list[Row]:
    """Distinct institutions with an accepted team member in a proposal submitted by
    ``as_of`` (only those of ``regions`` when given)."""
    qs = TeamMember.objects.filter(
        status=InvitationStatus.ACCEPTED,
        proposal__submitted_at__isnull=False,
        proposal__submitted_at__lte=as_of,
    )
    if regions is not None:
        qs = qs.filter(organisation__region__in=regions)
    dims = {
        "region": Dim("organisation__region", label=region_label),
        "city": Dim("organisation__city"),
    }
    return grouped(qs, dims, by, value=Count("organisation", distinct=True))


def invitable_drafts(user: Any) -> QuerySet[Proposal]:
    """The user's own draft proposals (as lead) whose call is still open: the proposals
    they may invite a partner to."""
    if not _authed(user):
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(
            lead=user, state=ProposalState.DRAFT, call__closes_at__gt=timezone.now()
        )
        .select_related("call")
        .order_by("-created_at", "id")
    )
