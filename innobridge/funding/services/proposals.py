"""Proposals: drafting, the team, the budget, attachments, submission, withdrawal and
screening."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.models import Region
from innobridge.core.money import Money
from innobridge.core.permissions import Role, can_act_as
from innobridge.core.services import record_event, snapshot
from innobridge.core.uploads import delete_file_on_commit, uploads_kept_if_saved
from innobridge.people.models import Organisation, Person

from ..audit import FundingAction
from ..models import (
    AssignmentStatus,
    Attachment,
    BudgetLine,
    BudgetSource,
    Call,
    CallSide,
    Funder,
    InvitationStatus,
    MemberRole,
    Proposal,
    ProposalState,
    Screening,
    TeamMember,
)
from ..notifications import notify
from ..permissions import (
    can_act_for_funder,
    can_work_on_proposal,
    require_act_for_funder,
    require_lead_proposal,
)
from ..selectors import call_sides, side_totals, team_of
from ..workflow import (
    PROPOSAL_FLOW,
    proposal_allows,
    require_proposal_allows,
    transition_proposal,
)
from .calls import _decimal

PDF_MAGIC = b"%PDF-"


def _require_editable(proposal: Proposal, now: dt.datetime | None = None) -> None:
    require_proposal_allows(proposal, "edit")
    if proposal.call.is_closed(now):
        raise ValidationError(_("The call has closed: proposals can no longer be changed."))


def _org_of(person: Person) -> Organisation | None:
    profile = getattr(person, "researcher_profile", None)
    return profile.organisation if profile is not None else None


@transaction.atomic
def create_proposal(
    actor: Any,
    call: Call,
    *,
    organisation: Organisation | None = None,
    title_en: str = "",
    title_zh: str = "",
    abstract_en: str = "",
    abstract_zh: str = "",
    keywords: list[str] | None = None,
    duration_months: int | None = None,
    now: dt.datetime | None = None,
) -> Proposal:
    if not can_act_as(actor, Role.RESEARCHER):
        raise PermissionDenied(_("Only researchers may apply."))
    if not call.is_open(now):
        raise ValidationError(_("This call is not open for applications."))
    organisation = organisation or _org_of(actor)
    if organisation is None:
        raise ValidationError(
            {
                "organisation": _(
                    "Say which organisation you apply from (or set it in your profile)."
                )
            }
        )
    if call.one_application_per_person:
        # Said when the second draft is started, not only at submission (the check at
        # submission stays: an invitation accepted later can still make a clash).
        Call.objects.select_for_update().filter(pk=call.pk).first()
        other = (
            Proposal.objects.filter(
                call=call,
                members__person=actor,
                members__status=InvitationStatus.ACCEPTED,
            )
            .exclude(state=ProposalState.WITHDRAWN)
            .first()
        )
        if other is not None:
            raise ValidationError(
                _(
                    "You already have an application to this call (“%(title)s”): one "
                    "application per person per call. Continue that one, or withdraw it "
                    "first."
                )
                % {"title": other.title}
            )
    proposal = Proposal(
        call=call,
        lead=actor,
        title_en=title_en.strip(),
        title_zh=title_zh.strip(),
        abstract_en=abstract_en.strip(),
        abstract_zh=abstract_zh.strip(),
        keywords=[k.strip() for k in (keywords or []) if k.strip()],
        duration_months=duration_months or call.min_duration_months,
    )
    # The model's own limits (lengths, ranges) for every way in: page, API, import.
    proposal.clean_fields(exclude=["call", "lead"])
    proposal.save()
    TeamMember.objects.create(
        proposal=proposal,
        person=actor,
        organisation=organisation,
        side=organisation.region,
        role=MemberRole.LEAD,
        status=InvitationStatus.ACCEPTED,
        responded_at=timezone.now(),
    )
    record_event(actor, FundingAction.PROPOSAL_CREATED, proposal, after=snapshot(proposal))
    return proposal


EDITABLE_FIELDS = (
    "title_en",
    "title_zh",
    "abstract_en",
    "abstract_zh",
    "keywords",
    "duration_months",
)


@transaction.atomic
def update_proposal(
    actor: Any, proposal: Proposal, *, now: dt.datetime | None = None, **fields: Any
) -> Proposal:
    require_lead_proposal(actor, proposal)
    if proposal.state == ProposalState.MORE_INFO:  # revising in answer to a question
        require_proposal_allows(proposal, "revise")
    else:
        _require_editable(proposal, now)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(proposal)
    for name, value in fields.items():
        if name == "keywords":
            value = [k.strip() for k in value if str(k).strip()]
        elif name == "duration_months":
            value = int(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(proposal, name, value)
    proposal.save()
    record_event(
        actor, FundingAction.PROPOSAL_UPDATED, proposal, before=before, after=snapshot(proposal)
    )
    return proposal


@transaction.atomic
def invite_member(
    actor: Any,
    proposal: Proposal,
    person: Person,
    *,
    organisation: Organisation | None = None,
    role: str = MemberRole.PARTNER_LEAD,
    now: dt.datetime | None = None,
) -> TeamMember:
    require_lead_proposal(actor, proposal)
    _require_editable(proposal, now)
    if role == MemberRole.LEAD or role not in MemberRole.values:
        raise ValidationError({"role": _("Choose a team role.")})
    if proposal.members.filter(person=person).exists():
        raise ValidationError(_("%(person)s is already on the team.") % {"person": person})
    organisation = organisation or _org_of(person)
    if organisation is None:
        raise ValidationError(
            {
                "organisation": _("Say which organisation %(person)s belongs to.")
                % {"person": person}
            }
        )
    member = TeamMember.objects.create(
        proposal=proposal,
        person=person,
        organisation=organisation,
        side=organisation.region,
        role=role,
        status=InvitationStatus.INVITED,
    )
    notify(
        person,
        gettext_noop("Invitation to join a joint research proposal"),
        gettext_noop(
            "%(lead)s invites you to join the proposal “%(title)s” to %(call)s. "
            "Accept or decline on InnoBridge."
        ),
        {"lead": str(actor), "title": proposal.title, "call": proposal.call.title},
        url=proposal.get_absolute_url(),
    )
    record_event(actor, FundingAction.MEMBER_INVITED, member, after=snapshot(member))
    return member


@transaction.atomic
def respond_invitation(
    actor: Any, member: TeamMember, *, accept: bool, now: dt.datetime | None = None
) -> TeamMember:
    if member.person_id != actor.pk:
        raise PermissionDenied(_("This invitation is not yours."))
    _require_editable(member.proposal, now)
    if member.status != InvitationStatus.INVITED:
        raise ValidationError(_("You have already answered this invitation."))
    before = snapshot(member)
    member.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    member.responded_at = timezone.now()
    member.save()
    record_event(
        actor,
        FundingAction.MEMBER_ACCEPTED if accept else FundingAction.MEMBER_DECLINED,
        member,
        before=before,
        after=snapshot(member),
    )
    return member


@transaction.atomic
def remove_member(actor: Any, member: TeamMember, *, now: dt.datetime | None = None) -> None:
    require_lead_proposal(actor, member.proposal)
    _require_editable(member.proposal, now)
    if member.role == MemberRole.LEAD:
        raise ValidationError(_("The lead applicant cannot be removed."))
    before = snapshot(member)
    record_event(actor, FundingAction.MEMBER_REMOVED, member, before=before)
    member.delete()


def _side_of(call: Call, side: str) -> CallSide:
    cs = call.sides.filter(side=side).select_related("funder").first()
    if cs is None:
        raise ValidationError({"side": _("This call has no funder for that side.")})
    return cs


@transaction.atomic
def add_budget_line(
    actor: Any,
    proposal: Proposal,
    *,
    side: str,
    category: str,
    amount: Any,
    currency: str | None = None,
    source: str = BudgetSource.FUNDER,
    description: str = "",
    now: dt.datetime | None = None,
) -> BudgetLine:
    require_lead_proposal(actor, proposal)
    _require_editable(proposal, now)
    cs = _side_of(proposal.call, side)
    value = _decimal(amount, "amount")
    currency = (currency or cs.currency).upper()
    errors: dict[str, str] = {}
    if value <= 0:
        errors["amount"] = _("An amount must be positive.")
    if currency != cs.currency:
        errors["currency"] = _("The %(side)s part of the budget is in %(currency)s.") % {
            "side": Region(side).label,
            "currency": cs.currency,
        }
    from ..models import BudgetCategory

    if category not in BudgetCategory.values:
        errors["category"] = _("Choose a budget category.")
    if source not in BudgetSource.values:
        errors["source"] = _("Choose where the money comes from.")
    if errors:
        raise ValidationError(errors)
    line = BudgetLine.objects.create(
        proposal=proposal,
        side=side,
        category=category,
        source=source,
        description=description,
        amount=value,
        currency=currency,
    )
    record_event(actor, FundingAction.BUDGET_ADDED, line, after=snapshot(line))
    return line


@transaction.atomic
def remove_budget_line(actor: Any, line: BudgetLine, *, now: dt.datetime | None = None) -> None:
    require_lead_proposal(actor, line.proposal)
    _require_editable(line.proposal, now)
    record_event(actor, FundingAction.BUDGET_REMOVED, line, before=snapshot(line))
    line.delete()


def check_pdf(upload: UploadedFile, max_mb: int) -> None:
    """A PDF by its first bytes (never by name or declared type), and not too large."""
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": max_mb}})
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError({"file": _("Only PDF files are accepted.")})


@transaction.atomic
def add_attachment(
    actor: Any, proposal: Proposal, upload: UploadedFile, *, now: dt.datetime | None = None
) -> Attachment:
    if not can_work_on_proposal(actor, proposal):
        raise PermissionDenied(_("Only the team may add files."))
    _require_editable(proposal, now)
    check_pdf(upload, proposal.call.max_attachment_mb)
    att = Attachment(
        proposal=proposal,
        original_name=(upload.name or "file.pdf")[-255:],
        size=upload.size or 0,
        uploaded_by=actor,
    )
    with uploads_kept_if_saved() as uploads:
        uploads.write(att.file, "upload.pdf", upload)
        att.save()
        record_event(actor, FundingAction.ATTACHMENT_ADDED, att, after=snapshot(att))
    return att


@transaction.atomic
def remove_attachment(actor: Any, att: Attachment, *, now: dt.datetime | None = None) -> None:
    if att.proposal is None or not can_work_on_proposal(actor, att.proposal):
        raise PermissionDenied(_("Only the team may remove files."))
    if actor.pk not in (att.uploaded_by_id, att.proposal.lead_id):
        raise PermissionDenied(_("Only the person who added the file or the lead may remove it."))
    _require_editable(att.proposal, now)
    record_event(actor, FundingAction.ATTACHMENT_REMOVED, att, before=snapshot(att))
    delete_file_on_commit(att.file.storage, att.file.name)
    att.delete()


def submission_problems(proposal: Proposal, now: dt.datetime | None = None) -> list[str]:
    """Every eligibility rule of the call that the proposal breaks (empty: may submit)."""
    now = now or timezone.now()
    call = proposal.call
    problems: list[str] = []
    if not proposal_allows(proposal, "submit"):
        problems.append(_("This proposal has already been submitted."))
        return problems
    if now < call.opens_at:
        problems.append(_("The call is not open yet."))
    if now >= call.closes_at:
        problems.append(
            _("The call closed on %(when)s; nothing can be submitted.")
            % {"when": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")}
        )
    langs = set(call.accepted_languages or ["en", "zh"])
    has_title = ("en" in langs and proposal.title_en) or ("zh" in langs and proposal.title_zh)
    has_abstract = ("en" in langs and proposal.abstract_en) or (
        "zh" in langs and proposal.abstract_zh
    )
    if not has_title:
        problems.append(_("Give a title in at least one accepted language."))
    if not has_abstract:
        problems.append(_("Give an abstract in at least one accepted language."))
    if not (call.min_duration_months <= proposal.duration_months <= call.max_duration_months):
        problems.append(
            _("The duration must be between %(a)s and %(b)s months.")
            % {"a": call.min_duration_months, "b": call.max_duration_months}
        )
    members = team_of(proposal)
    accepted = [m for m in members if m.status == InvitationStatus.ACCEPTED]
    for m in members:
        if m.status == InvitationStatus.INVITED:
            problems.append(
                _("%(person)s has not accepted the invitation yet.") % {"person": m.person}
            )
    for side in call.required_sides:
        if not any(m.organisation.region == side for m in accepted):
            problems.append(
                _("The team needs at least one partner institution from %(region)s.")
                % {"region": Region(side).label}
            )
    for m in accepted:
        if call.eligible_regions and m.organisation.region not in call.eligible_regions:
            problems.append(
                _("%(org)s is not in a region eligible for this call.") % {"org": m.organisation}
            )
        if call.eligible_org_types and m.organisation.primary_type not in call.eligible_org_types:
            problems.append(
                _("%(org)s is not a type of organisation eligible for this call.")
                % {"org": m.organisation}
            )
    totals = side_totals(proposal)
    for cs in call.sides.all():
        t = totals[cs.side]
        if t["funder"] <= 0:
            problems.append(
                _("Request a budget from the %(side)s funder.") % {"side": Region(cs.side).label}
            )
        elif t["funder"] > cs.project_cap:
            problems.append(
                _(
                    "The %(side)s request of %(currency)s %(amount)s exceeds the cap of "
                    "%(currency)s %(cap)s."
                )
                % {
                    "side": Region(cs.side).label,
                    "currency": cs.currency,
                    "amount": Money(t["funder"], cs.currency).figure(),
                    "cap": Money(cs.project_cap, cs.currency).figure(),
                }
            )
        if call.min_industry_share > 0:
            total = t["funder"] + t["industry"]
            share = (t["industry"] * 100 / total) if total else Decimal(0)
            if share < call.min_industry_share:
                problems.append(
                    _(
                        "Industry sponsorship on the %(side)s side is %(share)s %% of its "
                        "budget; at least %(min)s %% is required."
                    )
                    % {
                        "side": Region(cs.side).label,
                        "share": f"{share:.1f}",
                        "min": f"{call.min_industry_share:.1f}",
                    }
                )
    for line in proposal.budget_lines.all():
        line_side = next((s for s in call.sides.all() if s.side == line.side), None)
        if line_side is not None and line.currency != line_side.currency:
            problems.append(
                _("A %(side)s budget line is not in %(currency)s.")
                % {"side": Region(line.side).label, "currency": cs.currency}
            )
    if call.one_application_per_person:
        people = [m.person_id for m in accepted]
        clash = (
            TeamMember.objects.filter(
                person_id__in=people,
                status=InvitationStatus.ACCEPTED,
                proposal__call=call,
            )
            .exclude(proposal=proposal)
            .exclude(proposal__state__in=[ProposalState.DRAFT, ProposalState.WITHDRAWN])
            .select_related("person")
        )
        for m in clash:
            problems.append(
                _("%(person)s is already on another application to this call (one per person).")
                % {"person": m.person}
            )
    return problems


@transaction.atomic
def submit_proposal(actor: Any, proposal: Proposal, *, now: dt.datetime | None = None) -> Proposal:
    require_lead_proposal(actor, proposal)
    # One application per person per call counts the call's other proposals: lock the
    # call's row first, so simultaneous submissions to one call are checked one at a time
    # (each then reads what the one before it committed).
    Call.objects.select_for_update().filter(pk=proposal.call_id).first()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    problems = submission_problems(proposal, now)
    if problems:
        raise ValidationError(problems)
    transition_proposal(
        actor,
        proposal,
        "submit",
        audit_action=FundingAction.PROPOSAL_SUBMITTED,
        submitted_at=now or timezone.now(),
    )
    for m in proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related("person"):
        notify(
            m.person,
            gettext_noop("Proposal submitted"),
            gettext_noop("The proposal “%(title)s” was submitted to %(call)s."),
            {"title": proposal.title, "call": proposal.call.title},
            url=proposal.get_absolute_url(),
        )
    return proposal


@transaction.atomic
def withdraw_proposal(actor: Any, proposal: Proposal, *, reason: str = "") -> Proposal:
    require_lead_proposal(actor, proposal)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require_proposal_allows(proposal, "withdraw")
    before = snapshot(proposal)
    proposal.state = PROPOSAL_FLOW.check(actor, proposal, "withdraw").target
    proposal.save()
    record_event(
        actor,
        FundingAction.PROPOSAL_WITHDRAWN,
        proposal,
        before=before,
        after={**snapshot(proposal), "reason": reason},  # the reason kept with the step
    )
    proposal.assignments.filter(
        status__in=[AssignmentStatus.PROPOSED, AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED]
    ).update(status=AssignmentStatus.DECLINED, responded_at=timezone.now())
    return proposal


def screenable_funders(actor: Any, proposal: Proposal) -> list[Funder]:
    """The funders of the call for which ``actor`` may still screen ``proposal``."""
    if not proposal_allows(proposal, "screen"):
        return []
    done = set(proposal.screenings.values_list("funder_id", flat=True))
    return [
        cs.funder
        for cs in call_sides(proposal.call)
        if cs.funder_id not in done and can_act_for_funder(actor, cs.funder)
    ]


@transaction.atomic
def screen_proposal(
    actor: Any,
    proposal: Proposal,
    funder: Funder | None = None,
    *,
    eligible: bool,
    reason: str = "",
) -> Proposal:
    """One funder screens its own side of the proposal (its own filing). Without
    ``funder``, the actor screens for every side of the call whose funder they serve and
    that is not screened yet. The proposal becomes eligible when every side is screened
    eligible; one side's ineligible (with its reason) ends it."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    sides = list(proposal.call.sides.select_related("funder").order_by("side"))
    if funder is not None:
        if not any(cs.funder_id == funder.pk for cs in sides):
            raise ValidationError(_("This funder does not take part in the call."))
        require_act_for_funder(actor, funder)
        funders = [funder]
    else:
        funders = [cs.funder for cs in sides if can_act_for_funder(actor, cs.funder)]
        if not funders:
            raise PermissionDenied(_("Only the programme officers of this call may do this."))
    require_proposal_allows(proposal, "screen")
    if not eligible and not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal is ineligible.")})
    done = set(proposal.screenings.values_list("funder_id", flat=True))
    todo = [f for f in funders if f.pk not in done]
    if not todo:
        raise ValidationError(
            _("%(funder)s has already screened this proposal.") % {"funder": funders[0].name}
        )
    for f in todo:
        sc = Screening.objects.create(
            proposal=proposal,
            funder=f,
            side=f.side,
            eligible=eligible,
            reason=reason.strip(),
            screened_by=actor,
        )
        record_event(actor, FundingAction.PROPOSAL_SIDE_SCREENED, sc, after=snapshot(sc))
    screenings = list(proposal.screenings.select_related("funder"))
    if not eligible:
        note = "; ".join(f"{s.funder.name}: {s.reason}" for s in screenings if not s.eligible)
        transition_proposal(
            actor,
            proposal,
            "find_ineligible",
            audit_action=FundingAction.PROPOSAL_SCREENED,
            screening_reason=note,
        )
        for m in proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related("person"):
            notify(
                m.person,
                gettext_noop("Proposal not eligible"),
                gettext_noop("The proposal “%(title)s” was found ineligible: %(reason)s"),
                {"title": proposal.title, "reason": note},
                url=proposal.get_absolute_url(),
            )
    elif {s.funder_id for s in screenings if s.eligible} >= {cs.funder_id for cs in sides}:
        note = "; ".join(f"{s.funder.name}: {s.reason}" for s in screenings if s.reason)
        transition_proposal(
            actor,
            proposal,
            "find_eligible",
            audit_action=FundingAction.PROPOSAL_SCREENED,
            screening_reason=note,
        )
    return proposal
