"""Change requests on a funded project (duration, budget, team) and their decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.models import Region
from innobridge.core.money import Money
from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.people.models import Organisation, Person

from ..audit import FundingAction
from ..models import (
    ApprovalSubject,
    AssignmentStatus,
    BudgetLine,
    BudgetSource,
    CallSide,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    ConflictOfInterest,
    Disbursement,
    DisbursementStatus,
    Funder,
    InvitationStatus,
    JointApproval,
    MemberRole,
    Project,
    ProjectStatus,
    Proposal,
    TeamMember,
)
from ..notifications import notify
from ..permissions import (
    funders_to_decide,
    is_joint_change,
    require_act_for_funder,
    require_work_on_project,
)
from ..workflow import ASSIGNMENT_FLOW, CHANGE_FLOW, PROJECT_FLOW, require_allows
from .calls import _decimal, lock_call_side
from .conflicts import automatic_conflicts, refill_assignment
from .decisions import committed_amount
from .projects import refresh_project_status
from .proposals import _org_of, side_totals


def _clean_budget_lines(cs: CallSide, lines: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A side's new budget lines, validated: known categories and sources, positive
    amounts in the side's currency, the request from the funder within the cap."""
    from ..models import BudgetCategory

    errors: dict[str, list[str]] = {}

    def err(field: str, msg: str) -> None:
        if msg not in errors.get(field, []):
            errors.setdefault(field, []).append(msg)

    out: list[dict[str, str]] = []
    requested = Decimal(0)
    for line in lines:
        category = str(line.get("category") or "")
        source = str(line.get("source") or BudgetSource.FUNDER)
        currency = str(line.get("currency") or cs.currency).upper()
        try:
            amount = _decimal(line.get("amount"), "new_budget")
        except ValidationError:
            err("new_budget", _("“%(value)s” is not an amount.") % {"value": line.get("amount")})
            continue
        if amount <= 0:
            err("new_budget", _("An amount must be positive."))
        if category not in BudgetCategory.values:
            err("new_budget", _("Choose a budget category."))
        if source not in BudgetSource.values:
            err("new_budget", _("Choose where the money comes from."))
        if currency != cs.currency:
            err(
                "new_budget",
                _("The %(side)s part of the budget is in %(currency)s.")
                % {"side": Region(cs.side).label, "currency": cs.currency},
            )
        if source == BudgetSource.FUNDER and amount > 0:
            requested += amount
        out.append(
            {
                "category": category,
                "source": source,
                "amount": str(amount.quantize(Decimal("0.01"))),
                "currency": cs.currency,
                "description": str(line.get("description") or "")[:300],
            }
        )
    if not out:
        err("new_budget", _("Give the new budget lines of this side."))
    elif requested <= 0:
        err(
            "new_budget",
            _("Request a budget from the %(side)s funder.") % {"side": Region(cs.side).label},
        )
    elif requested > cs.project_cap:
        err(
            "new_budget",
            _(
                "The %(side)s request of %(currency)s %(amount)s exceeds the cap of "
                "%(currency)s %(cap)s."
            )
            % {
                "side": Region(cs.side).label,
                "currency": cs.currency,
                "amount": Money(requested, cs.currency).figure(),
                "cap": Money(cs.project_cap, cs.currency).figure(),
            },
        )
    if errors:
        raise ValidationError(errors)
    return out


def _team_change_problems(
    project: Project,
    side: str,
    remove: TeamMember | None,
    person: Person | None,
    organisation: Organisation | None,
    role: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    proposal = project.proposal
    if remove is None and person is None:
        errors["add_person"] = _("Say who leaves the team, who joins it, or both.")
    if remove is not None:
        if remove.proposal_id != proposal.pk or remove.status != InvitationStatus.ACCEPTED:
            errors["remove_member"] = _("That person is not on the project team.")
        elif remove.role == MemberRole.LEAD:
            errors["remove_member"] = _("The lead applicant cannot be removed.")
        elif remove.side != side:
            errors["remove_member"] = _(
                "A change to the %(side)s team is decided by the %(side)s funder."
            ) % {"side": Region(side).label}
    if person is not None:
        org = organisation or _org_of(person)
        others = proposal.members.filter(person=person)
        if remove is not None:
            others = others.exclude(pk=remove.pk)
        if others.exists():
            errors["add_person"] = _("%(person)s is already on the team.") % {"person": person}
        elif org is None:
            errors["add_organisation"] = _("Say which organisation %(person)s belongs to.") % {
                "person": person
            }
        elif org.region != side:
            errors["add_organisation"] = _(
                "A change to the %(side)s team is decided by the %(side)s funder."
            ) % {"side": Region(side).label}
        if role == MemberRole.LEAD or role not in MemberRole.values:
            errors["add_role"] = _("Choose a team role.")
    return errors


@transaction.atomic
def request_change(
    actor: Any,
    project: Project,
    *,
    kind: str,
    side: str,
    description: str,
    new_end_date: dt.date | None = None,
    new_budget: Sequence[Mapping[str, Any]] | None = None,
    remove_member: TeamMember | None = None,
    add_person: Person | None = None,
    add_organisation: Organisation | None = None,
    add_role: str = MemberRole.CO_INVESTIGATOR,
) -> ChangeRequest:
    """The team asks the funder of one side for a change: a budget change carries the
    side's new budget lines, a duration change the new end date, a team change who leaves
    and/or who joins (on that side)."""
    require_work_on_project(actor, project)
    require_allows(PROJECT_FLOW, project, "request_change")
    from ..models import ChangeKind

    errors: dict[str, Any] = {}
    if kind not in ChangeKind.values:
        errors["kind"] = _("Choose what should change.")
    cs = project.proposal.call.sides.filter(side=side).first()
    if cs is None:
        errors["side"] = _("Choose the funder concerned.")
    if not description.strip():
        errors["description"] = _("Describe the change.")
    lines: list[dict[str, str]] = []
    if kind == ChangeKind.DURATION:
        if new_end_date is None or new_end_date <= project.start_date:
            errors["new_end_date"] = _("Give the new end date.")
        else:
            errors.update(_duration_problems(project, new_end_date))
    elif kind == ChangeKind.BUDGET and cs is not None:
        try:
            lines = _clean_budget_lines(cs, new_budget or [])
        except ValidationError as exc:
            errors.update({k: v for k, v in exc.message_dict.items()})
    elif kind == ChangeKind.TEAM:
        errors.update(
            _team_change_problems(
                project, side, remove_member, add_person, add_organisation, add_role
            )
        )
    if errors:
        raise ValidationError(errors)
    is_team = kind == ChangeKind.TEAM
    cr = ChangeRequest.objects.create(
        project=project,
        kind=kind,
        side=side,
        description=description.strip(),
        new_end_date=new_end_date if kind == ChangeKind.DURATION else None,
        new_budget=lines,
        remove_member=remove_member if is_team else None,
        add_person=add_person if is_team else None,
        add_organisation=(add_organisation or (_org_of(add_person) if add_person else None))
        if is_team
        else None,
        add_role=add_role if is_team and add_person else "",
        requested_by=actor,
    )
    record_event(actor, FundingAction.CHANGE_REQUESTED, cr, after=snapshot(cr))
    return cr


def _duration_problems(project: Project, new_end: dt.date) -> dict[str, str]:
    late = (
        project.milestones.filter(is_final=False, due_date__gt=new_end).order_by("due_date").first()
    )
    if late is not None:
        return {
            "new_end_date": _("The milestone “%(m)s” is due after the new end date.")
            % {"m": late.title}
        }
    return {}


def _rebalance_instalments(actor: Any, project: Project, funder: Funder, amount: Decimal) -> None:
    """Make the funder's instalments add up to its new award ``amount``: the difference
    goes to (or comes from) the last instalments not yet released."""
    mine = list(project.disbursements.filter(funder=funder).order_by("instalment"))
    released = sum((d.amount for d in mine if d.status == DisbursementStatus.RELEASED), Decimal(0))
    scheduled = [d for d in mine if d.status == DisbursementStatus.SCHEDULED]
    if amount < released:
        raise ValidationError(
            _("%(currency)s %(amount)s has already been released; the budget cannot be lower.")
            % {"currency": funder.currency, "amount": Money(released, funder.currency).figure()}
        )
    diff = amount - released - sum((d.amount for d in scheduled), Decimal(0))
    if diff > 0:
        if scheduled:
            d = scheduled[-1]
            before = snapshot(d)
            d.amount += diff
            d.save(update_fields=["amount"])
            record_event(
                actor, FundingAction.DISBURSEMENT_ADJUSTED, d, before=before, after=snapshot(d)
            )
        else:
            final = project.milestones.filter(is_final=True).first()
            n = max((d.instalment for d in mine), default=0) + 1
            side = project.proposal.call.sides.get(funder=funder).side
            d = Disbursement.objects.create(
                project=project,
                funder=funder,
                side=side,
                instalment=n,
                amount=diff,
                currency=funder.currency,
                depends_on=final,
            )
            record_event(actor, FundingAction.DISBURSEMENT_SCHEDULED, d, after=snapshot(d))
    remaining = -diff
    for d in reversed(scheduled):
        if remaining <= 0:
            break
        before = snapshot(d)
        if d.amount <= remaining:
            remaining -= d.amount
            d.status = DisbursementStatus.CANCELLED
            d.save(update_fields=["status"])
        else:
            d.amount -= remaining
            remaining = Decimal(0)
            d.save(update_fields=["amount"])
        record_event(
            actor, FundingAction.DISBURSEMENT_ADJUSTED, d, before=before, after=snapshot(d)
        )


def _apply_budget_change(actor: Any, change: ChangeRequest, cs: CallSide) -> None:
    project = change.project
    proposal = project.proposal
    lines = _clean_budget_lines(cs, change.new_budget)
    decision = proposal.decisions.filter(funder=cs.funder).first()
    wanted = sum(
        (Decimal(x["amount"]) for x in lines if x["source"] == BudgetSource.FUNDER), Decimal(0)
    )
    if decision is not None and project.status != ProjectStatus.TERMINATED:
        lock_call_side(proposal.call, cs.funder)  # one budget check at a time per side
        others = committed_amount(proposal.call, cs.funder) - decision.amount
        if others + wanted > cs.budget:
            raise ValidationError(
                _(
                    "The new budget (%(currency)s %(amount)s) does not fit in the call's "
                    "budget: %(currency)s %(left)s is left."
                )
                % {
                    "currency": cs.currency,
                    "amount": Money(wanted, cs.currency).figure(),
                    "left": Money(max(cs.budget - others, Decimal(0)), cs.currency).figure(),
                }
            )
    old = [snapshot(b) for b in proposal.budget_lines.filter(side=cs.side)]
    proposal.budget_lines.filter(side=cs.side).delete()
    for line in lines:
        BudgetLine.objects.create(
            proposal=proposal,
            side=cs.side,
            category=line["category"],
            source=line["source"],
            amount=Decimal(line["amount"]),
            currency=cs.currency,
            description=line["description"],
        )
    new_amount = side_totals(proposal)[cs.side]["funder"]
    if decision is not None and decision.amount != new_amount:
        db = snapshot(decision)
        decision.amount = new_amount
        decision.save(update_fields=["amount"])
        record_event(
            actor, FundingAction.DECISION_AMENDED, decision, before=db, after=snapshot(decision)
        )
        _rebalance_instalments(actor, project, cs.funder, new_amount)
    record_event(
        actor,
        FundingAction.BUDGET_CHANGED,
        project,
        before={"side": cs.side, "lines": old},
        after={"side": cs.side, "lines": lines, "awarded": str(new_amount)},
    )


def recheck_conflicts(actor: Any, proposal: Proposal) -> list[ConflictOfInterest]:
    """Re-check every reviewer assigned to ``proposal`` against its (new) team; record the
    new conflicts and release unfinished assignments of conflicted reviewers."""
    found: list[ConflictOfInterest] = []
    for a in proposal.assignments.exclude(status=AssignmentStatus.DECLINED).select_related(
        "reviewer"
    ):
        for kind, detail in automatic_conflicts(proposal, a.reviewer):
            coi, created = ConflictOfInterest.objects.get_or_create(
                proposal=proposal, reviewer=a.reviewer, kind=kind, defaults={"detail": detail}
            )
            if created:
                found.append(coi)
                record_event(actor, FundingAction.CONFLICT_FOUND, coi, after=snapshot(coi))
        if (
            found
            and a.status in ASSIGNMENT_FLOW.sources("release")
            and any(c.reviewer_id == a.reviewer_id for c in found)
        ):
            apply_transition(
                actor,
                a,
                ASSIGNMENT_FLOW,
                "release",
                audit_action=FundingAction.ASSIGNMENT_RELEASED,
                check_roles=False,  # the officer deciding the team change, for the funder
                responded_at=timezone.now(),
            )
            refill_assignment(a)
    return found


def _apply_team_change(actor: Any, change: ChangeRequest) -> None:
    project = change.project
    proposal = project.proposal
    problems = _team_change_problems(
        project,
        change.side,
        change.remove_member,
        change.add_person,
        change.add_organisation,
        change.add_role or MemberRole.CO_INVESTIGATOR,
    )
    if problems:
        raise ValidationError(problems)
    if change.remove_member is not None:
        m = change.remove_member
        record_event(actor, FundingAction.MEMBER_REMOVED, m, before=snapshot(m))
        m.delete()
    if change.add_person is not None:
        org = change.add_organisation or _org_of(change.add_person)
        assert org is not None
        m = TeamMember.objects.create(
            proposal=proposal,
            person=change.add_person,
            organisation=org,
            side=org.region,
            role=change.add_role or MemberRole.CO_INVESTIGATOR,
            status=InvitationStatus.ACCEPTED,
            responded_at=timezone.now(),
        )
        record_event(actor, FundingAction.MEMBER_ADDED, m, after=snapshot(m))
        notify(
            change.add_person,
            gettext_noop("You joined a joint research project"),
            gettext_noop("The funder approved your joining the project “%(title)s”."),
            {"title": project.title},
            url=project.get_absolute_url(),
        )
    conflicts = recheck_conflicts(actor, proposal)
    record_event(
        actor,
        FundingAction.PROJECT_TEAM_CHANGED,
        project,
        after={
            "change": change.pk,
            "members": [str(m.person) for m in proposal.members.select_related("person")],
            "new_conflicts": [f"{c.reviewer}: {c.kind}" for c in conflicts],
        },
    )


# A change that binds every side of a joint project: the end date is one for all.
@transaction.atomic
def decide_change(
    actor: Any, change: ChangeRequest, *, approve: bool, note: str = ""
) -> ChangeRequest:
    """The funder concerned approves or rejects; an approved change takes effect at once
    (budget lines and award, team, end date), everything audited. A change that affects
    every side of a joint project (its end date) takes effect only when every funder has
    approved it; any funder's no rejects it."""
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    cs = change.project.proposal.call.sides.select_related("funder").get(side=change.side)
    if CHANGE_FLOW.edge(change.status, "approve" if approve else "reject") is None:
        require_act_for_funder(actor, cs.funder)
        require_allows(CHANGE_FLOW, change, "approve" if approve else "reject")
    funders = funders_to_decide(actor, change)
    if not funders:
        if is_joint_change(change) and change.approvals.filter(funder=cs.funder).exists():
            raise PermissionDenied(
                _("Only a programme officer of a funder that has not yet approved may decide.")
            )
        require_act_for_funder(actor, cs.funder)
    require_allows(PROJECT_FLOW, change.project, "decide_change")
    if approve and is_joint_change(change):
        for funder in funders:
            approval = JointApproval.objects.create(
                project=change.project,
                subject=ApprovalSubject.CHANGE,
                change=change,
                funder=funder,
                approved_by=actor,
                note=note.strip(),
            )
            record_event(
                actor, FundingAction.CHANGE_APPROVED_BY_FUNDER, approval, after=snapshot(approval)
            )
        all_funders = set(change.project.proposal.call.sides.values_list("funder_id", flat=True))
        if set(change.approvals.values_list("funder_id", flat=True)) != all_funders:
            return change  # waiting for the other funder(s)
    return _settle_change(actor, change, cs, approve=approve, note=note)


def _settle_change(
    actor: Any, change: ChangeRequest, cs: CallSide, *, approve: bool, note: str
) -> ChangeRequest:
    apply_transition(
        actor,
        change,
        CHANGE_FLOW,
        "approve" if approve else "reject",
        audit_action=FundingAction.CHANGE_DECIDED,
        check_roles=False,  # decide_change has found the actor's funders
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note.strip(),
    )
    project = change.project
    if approve and change.kind == ChangeKind.DURATION and change.new_end_date:
        problems = _duration_problems(project, change.new_end_date)
        if problems:
            raise ValidationError(problems)
        pb = snapshot(project)
        project.end_date = change.new_end_date
        project.save()
        project.milestones.filter(is_final=True).update(due_date=change.new_end_date)
        record_event(
            actor, FundingAction.PROJECT_EXTENDED, project, before=pb, after=snapshot(project)
        )
        refresh_project_status(project)
    elif approve and change.kind == ChangeKind.BUDGET:
        _apply_budget_change(actor, change, cs)
    elif approve and change.kind == ChangeKind.TEAM:
        _apply_team_change(actor, change)
    for m in project.proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related(
        "person"
    ):
        notify(
            m.person,
            gettext_noop("Change request decided"),
            gettext_noop("Your change request for “%(title)s” was %(outcome)s."),
            {"title": project.title, "outcome": ChangeStatus(change.status).label},
            url=project.get_absolute_url(),
        )
    return change
