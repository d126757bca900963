"""Every write of the funding app: the call set-up, the proposal state machine, conflicts,
review assignment, reviews, decisions and the funded project.

Each public function checks permission (``PermissionDenied``), validates everything first
(``ValidationError`` with every problem, in the user's language), then changes state and
writes its audit event inside one transaction, so bad input changes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.language import fold
from innobridge.core.models import Region
from innobridge.core.permissions import Role, has_role
from innobridge.core.services import record_event, snapshot
from innobridge.people.models import Authorship, Organisation, Person

from .models import (
    ACTIVE_ASSIGNMENT,
    AffinityScore,
    Attachment,
    BudgetLine,
    BudgetSource,
    Call,
    CallSide,
    ChangeRequest,
    ChangeStatus,
    ConflictKind,
    ConflictOfInterest,
    Criterion,
    DecisionChoice,
    Disbursement,
    Funder,
    FunderDecision,
    InvitationStatus,
    MemberRole,
    Milestone,
    Notification,
    Project,
    ProjectStatus,
    Proposal,
    ProposalState,
    Report,
    ReportRating,
    Review,
    ReviewAssignment,
    ReviewScore,
    Scheme,
    Screening,
    TeamMember,
)

PDF_MAGIC = b"%PDF-"
DEFAULT_RUBRIC = [
    (gettext_noop("Scientific merit"), "科學價值", Decimal(40)),
    (gettext_noop("Strength of the cross-boundary collaboration"), "合作的互補性", Decimal(30)),
    (gettext_noop("Impact and application"), "影響與應用", Decimal(30)),
]
WITHDRAWABLE = {
    ProposalState.DRAFT,
    ProposalState.SUBMITTED,
    ProposalState.ELIGIBLE,
    ProposalState.IN_REVIEW,
    ProposalState.PANEL,
}


# --------------------------------------------------------------------------- permissions


def is_funder_officer(user: Any, funder: Funder) -> bool:
    if not has_role(user, Role.PROGRAMME_OFFICER) and not getattr(user, "is_superuser", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return funder.officers.filter(pk=user.pk).exists()


def is_call_officer(user: Any, call: Call) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if not has_role(user, Role.PROGRAMME_OFFICER):
        return False
    return call.sides.filter(funder__officers=user).exists()


def require_call_officer(user: Any, call: Call) -> None:
    if not is_call_officer(user, call):
        raise PermissionDenied(_("Only the programme officers of this call may do this."))


def require_funder_officer(user: Any, funder: Funder) -> None:
    if not is_funder_officer(user, funder):
        raise PermissionDenied(
            _("Only a programme officer of %(funder)s may do this.") % {"funder": funder.name}
        )


def is_team_member(user: Any, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return proposal.members.filter(person=user, status=InvitationStatus.ACCEPTED).exists()


def _require_lead(user: Any, proposal: Proposal) -> None:
    if not getattr(user, "is_authenticated", False) or proposal.lead_id != user.pk:
        raise PermissionDenied(_("Only the lead applicant may do this."))


def _require_editable(proposal: Proposal, now: dt.datetime | None = None) -> None:
    if proposal.state != ProposalState.DRAFT:
        raise ValidationError(_("This proposal has been submitted and can no longer be changed."))
    if proposal.call.is_closed(now):
        raise ValidationError(_("The call has closed: proposals can no longer be changed."))


# --------------------------------------------------------------------------- notifications


def notify(
    recipient: Person,
    subject: str,
    body: str,
    params: Mapping[str, Any] | None = None,
    url: str = "",
) -> Notification:
    """An in-app notification plus an e-mail, in the recipient's language. ``subject`` and
    ``body`` are untranslated messages (marked with gettext_noop) with %(name)s params."""
    params = dict(params or {})
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject_text = _(subject) % params
        body_text = _(body) % params
    note = Notification.objects.create(
        recipient=recipient, subject=subject_text[:300], body=body_text, url=url
    )
    if recipient.email:
        email = recipient.email

        def _send() -> None:
            send_mail(subject_text, body_text, None, [email], fail_silently=True)

        transaction.on_commit(_send)
    return note


@transaction.atomic
def mark_notifications_read(actor: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# --------------------------------------------------------------------------- schemes and calls


@transaction.atomic
def create_scheme(
    actor: Any, *, name: str, funders: list[Funder], name_zh: str = "", description: str = ""
) -> Scheme:
    if not funders or not any(is_funder_officer(actor, f) for f in funders):
        raise PermissionDenied(_("Only a programme officer of one of the funders may do this."))
    errors = _scheme_problems(name, funders)
    if errors:
        raise ValidationError(errors)
    scheme = Scheme.objects.create(
        name=name.strip(), name_zh=name_zh.strip(), description=description
    )
    scheme.funders.set(funders)
    record_event(actor, "funding.scheme.create", scheme, after=snapshot(scheme))
    return scheme


def _scheme_problems(name: str | None, funders: Sequence[Funder] | None) -> dict[str, str]:
    errors = {}
    if name is not None and not name.strip():
        errors["name"] = _("A scheme needs a name.")
    if funders is not None:
        if not funders:
            errors["funders"] = _("Choose the funders of the scheme.")
        elif len({f.side for f in funders}) != len(funders):
            errors["funders"] = _("Two funders for the same side.")
    return errors


def _decimal(value: Any, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {field: _("“%(value)s” is not an amount.") % {"value": value}}
        ) from exc
    if not d.is_finite():
        raise ValidationError({field: _("“%(value)s” is not an amount.") % {"value": value}})
    return d


@transaction.atomic
def create_call(
    actor: Any,
    scheme: Scheme,
    *,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    sides: Sequence[Mapping[str, Any]],
    title_zh: str = "",
    description: str = "",
    min_duration_months: int = 12,
    max_duration_months: int = 36,
    eligible_regions: list[str] | None = None,
    eligible_org_types: list[str] | None = None,
    required_sides: list[str] | None = None,
    min_industry_share: Decimal | str | int = 0,
    one_application_per_person: bool = True,
    accepted_languages: list[str] | None = None,
    review_deadline: dt.datetime | None = None,
    coi_years: int = 3,
    max_attachment_mb: int = 10,
) -> Call:
    """Create a call with one side per funder: ``sides`` is a list of
    ``{"funder", "budget", "project_cap", "reviewers_per_proposal"?, "max_reviewer_load"?,
    "criteria"? [(name, name_zh, weight, max_score?)]}``; a funder without criteria gets
    the default rubric."""
    funders = {f.pk for f in scheme.funders.all()}
    opens_at, closes_at, review_deadline = (
        _aware(opens_at),
        _aware(closes_at),
        _aware(review_deadline),
    )
    if not any(is_funder_officer(actor, s["funder"]) for s in sides):
        raise PermissionDenied(_("Only a programme officer of one of the funders may do this."))
    errors: dict[str, list[str]] = {}

    def err(field: str, msg: str) -> None:
        errors.setdefault(field, []).append(msg)

    if not title.strip():
        err("title", _("A call needs a title."))
    if closes_at <= opens_at:
        err("closes_at", _("The call must close after it opens."))
    if min_duration_months > max_duration_months:
        err("max_duration_months", _("The longest duration is shorter than the shortest."))
    seen_sides = set()
    parsed = []
    for s in sides:
        f = s["funder"]
        if f.pk not in funders:
            err("sides", _("%(funder)s is not a funder of this scheme.") % {"funder": f.name})
        if f.side in seen_sides:
            err("sides", _("Two funders for the same side."))
        seen_sides.add(f.side)
        budget = _decimal(s.get("budget"), "budget")
        cap = _decimal(s.get("project_cap"), "project_cap")
        if budget <= 0 or cap <= 0:
            err("budget", _("Budgets and caps must be positive."))
        elif cap > budget:
            err("project_cap", _("The cap per project cannot exceed the budget."))
        for field, msg in _side_problems(
            s.get("reviewers_per_proposal", 2), s.get("max_reviewer_load", 6)
        ):
            err(field, msg)
        parsed.append((f, budget, cap, s))
    req = required_sides if required_sides is not None else [Region.HONG_KONG, Region.MAINLAND]
    for r in req:
        if r not in seen_sides:
            err(
                "sides",
                _("The required partner mix includes %(side)s but no funder pays that side.")
                % {"side": r},
            )
    share = _decimal(min_industry_share, "min_industry_share")
    if share < 0 or share > 100:
        err("min_industry_share", _("A share is between 0 and 100 %."))
    for field, msg in _call_rule_problems(
        min_duration_months=min_duration_months,
        max_duration_months=max_duration_months,
        eligible_regions=eligible_regions if eligible_regions is not None else req,
        required_sides=req,
        accepted_languages=accepted_languages if accepted_languages is not None else ["en", "zh"],
        eligible_org_types=eligible_org_types or [],
        coi_years=coi_years,
        max_attachment_mb=max_attachment_mb,
        closes_at=closes_at,
        review_deadline=review_deadline,
    ):
        err(field, msg)
    rubrics: dict[int, list[dict[str, Any]]] = {}
    for f, _b, _c, s in parsed:
        try:
            rubrics[f.pk] = clean_rubric(s.get("criteria") or DEFAULT_RUBRIC)
        except ValidationError as exc:
            for m in exc.message_dict["criteria"]:
                err("criteria", f"{f.name}: {m}")
    if errors:
        raise ValidationError(errors)
    call = Call.objects.create(
        scheme=scheme,
        title=title.strip(),
        title_zh=title_zh,
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        min_duration_months=min_duration_months,
        max_duration_months=max_duration_months,
        eligible_regions=list(eligible_regions if eligible_regions is not None else req),
        eligible_org_types=list(eligible_org_types or []),
        required_sides=[str(r) for r in req],
        min_industry_share=share,
        one_application_per_person=one_application_per_person,
        accepted_languages=list(accepted_languages or ["en", "zh"]),
        review_deadline=review_deadline,
        coi_years=coi_years,
        max_attachment_mb=max_attachment_mb,
    )
    for f, budget, cap, s in parsed:
        CallSide.objects.create(
            call=call,
            funder=f,
            side=f.side,
            currency=f.currency,
            budget=budget,
            project_cap=cap,
            reviewers_per_proposal=int(s.get("reviewers_per_proposal", 2)),
            max_reviewer_load=int(s.get("max_reviewer_load", 6)),
        )
        for n, c in enumerate(rubrics[f.pk]):
            Criterion.objects.create(call=call, funder=f, order=n, **c)
    record_event(actor, "funding.call.create", call, after=snapshot(call))
    return call


LANGUAGE_CODES = ("en", "zh")


def _side_problems(reviewers: Any, load: Any) -> list[tuple[str, str]]:
    out = []
    if not isinstance(reviewers, int) or not 1 <= reviewers <= 10:
        out.append(("reviewers_per_proposal", _("Between 1 and 10 reviewers per proposal.")))
    if not isinstance(load, int) or not 1 <= load <= 100:
        out.append(("max_reviewer_load", _("A reviewer takes between 1 and 100 proposals.")))
    return out


def _aware(value: Any) -> Any:
    """A datetime without a time zone is read as Hong Kong time (the time shown)."""
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _call_rule_problems(**v: Any) -> list[tuple[str, str]]:
    """The rules of a call's own fields that both creation and editing check."""
    out: list[tuple[str, str]] = []
    regions = {r.value for r in Region}
    if not isinstance(v["min_duration_months"], int) or v["min_duration_months"] < 1:
        out.append(("min_duration_months", _("A project lasts at least one month.")))
    if not isinstance(v["max_duration_months"], int) or v["max_duration_months"] > 120:
        out.append(("max_duration_months", _("A project lasts at most 120 months.")))
    for field in ("eligible_regions", "required_sides"):
        vals = v[field]
        if not isinstance(vals, list | tuple) or any(str(r) not in regions for r in vals):
            out.append(
                (field, _("Regions are among: %(regions)s.") % {"regions": ", ".join(regions)})
            )
    if not v["required_sides"]:
        out.append(("required_sides", _("Name at least one region in the partner mix.")))
    langs = v["accepted_languages"]
    if (
        not isinstance(langs, list | tuple)
        or not langs
        or any(lang not in LANGUAGE_CODES for lang in langs)
    ):
        out.append(("accepted_languages", _("Accept English, Chinese or both.")))
    if not isinstance(v["eligible_org_types"], list | tuple):
        out.append(("eligible_org_types", _("Organisation types are a list.")))
    if not isinstance(v["coi_years"], int) or not 0 <= v["coi_years"] <= 20:
        out.append(("coi_years", _("The co-authorship window is between 0 and 20 years.")))
    if not isinstance(v["max_attachment_mb"], int) or not 1 <= v["max_attachment_mb"] <= 100:
        out.append(("max_attachment_mb", _("The largest attachment is between 1 and 100 MB.")))
    if v["review_deadline"] is not None and v["review_deadline"] <= v["closes_at"]:
        out.append(("review_deadline", _("The review deadline must come after the call closes.")))
    return out


def clean_rubric(criteria: Sequence[Any]) -> list[dict[str, Any]]:
    """A funder's rubric, validated: each criterion has an English and a Chinese label,
    a positive weight and a highest score of 1–100; the weights sum to 100. Criteria are
    dicts ``{"name", "name_zh", "weight", "max_score"?}`` or tuples in that order."""
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    for c in criteria:
        if isinstance(c, Mapping):
            name, name_zh = str(c.get("name") or ""), str(c.get("name_zh") or "")
            weight_raw, max_raw = c.get("weight"), c.get("max_score") or 5
        else:
            name, name_zh, weight_raw = str(c[0]), str(c[1]), c[2]
            max_raw = c[3] if len(c) > 3 else 5
        name, name_zh = name.strip(), name_zh.strip()
        if not name and not name_zh and weight_raw in (None, ""):
            continue  # an empty row of the editor
        try:
            weight = _decimal(weight_raw, "criteria")
            max_score = int(str(max_raw))
        except (ValidationError, ValueError):
            errors.append(_("Give each criterion a weight and a highest score as numbers."))
            continue
        if not name or not name_zh:
            errors.append(_("Give each criterion a label in English and in Chinese."))
        if weight <= 0:
            errors.append(_("Each weight must be positive."))
        if not 1 <= max_score <= 100:
            errors.append(_("The highest score is between 1 and 100."))
        out.append(
            {
                "name": name[:200],
                "name_zh": name_zh[:200],
                "weight": weight.quantize(Decimal("0.01")),
                "max_score": max_score,
            }
        )
    if not out:
        errors.append(_("A rubric needs at least one criterion."))
    total = sum((c["weight"] for c in out), Decimal(0))
    if out and total != 100:
        errors.append(
            _("The weights add up to %(total)s; they must add up to 100.") % {"total": f"{total:g}"}
        )
    if errors:
        raise ValidationError({"criteria": list(dict.fromkeys(errors))})
    return out


CALL_FIELDS = (
    "title",
    "title_zh",
    "description",
    "opens_at",
    "closes_at",
    "min_duration_months",
    "max_duration_months",
    "eligible_regions",
    "eligible_org_types",
    "required_sides",
    "min_industry_share",
    "one_application_per_person",
    "accepted_languages",
    "review_deadline",
    "coi_years",
    "max_attachment_mb",
)
# What may still change once the call has opened (applicants rely on the rest).
CALL_FIELDS_AFTER_OPENING = ("description", "review_deadline")


def _require_not_open(call: Call, now: dt.datetime | None = None) -> None:
    if (now or timezone.now()) >= call.opens_at:
        raise ValidationError(
            _("The call has opened: its budgets, rules, dates and rubrics can no longer change.")
        )


@transaction.atomic
def update_call(actor: Any, call: Call, *, now: dt.datetime | None = None, **fields: Any) -> Call:
    """Change a call before it opens (after opening: only its description and review
    deadline). Every rule is checked again, as at creation."""
    require_call_officer(actor, call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    fields = {
        k: v.strip() if isinstance(v, str) and k != "description" else _aware(v)
        for k, v in fields.items()
    }
    changing = {k for k, v in fields.items() if getattr(call, k) != v}
    if changing - set(CALL_FIELDS_AFTER_OPENING):
        _require_not_open(call, now)
    errors: dict[str, list[str]] = {}

    def err(field: str, msg: str) -> None:
        errors.setdefault(field, []).append(msg)

    before = snapshot(call)
    for k in changing:
        v = fields[k]
        if k == "eligible_org_types" and isinstance(v, list | tuple):
            v = [str(t).strip() for t in v if str(t).strip()]
        setattr(call, k, v)
    if not changing:
        return call
    if not call.title:
        err("title", _("A call needs a title."))
    if call.closes_at <= call.opens_at:
        err("closes_at", _("The call must close after it opens."))
    if call.min_duration_months > call.max_duration_months:
        err("max_duration_months", _("The longest duration is shorter than the shortest."))
    share = _decimal(call.min_industry_share, "min_industry_share")
    if share < 0 or share > 100:
        err("min_industry_share", _("A share is between 0 and 100 %."))
    sides = set(call.sides.values_list("side", flat=True))
    problems = _call_rule_problems(
        **{
            f: getattr(call, f)
            for f in (
                "min_duration_months",
                "max_duration_months",
                "eligible_regions",
                "required_sides",
                "accepted_languages",
                "eligible_org_types",
                "coi_years",
                "max_attachment_mb",
                "closes_at",
                "review_deadline",
            )
        }
    )
    for field, msg in problems:
        err(field, msg)
    if "required_sides" not in errors:
        for r in call.required_sides:
            if r not in sides:
                err(
                    "required_sides",
                    _("The required partner mix includes %(side)s but no funder pays that side.")
                    % {"side": r},
                )
    if errors:
        raise ValidationError(errors)
    call.save()
    record_event(actor, "funding.call.update", call, before=before, after=snapshot(call))
    if "review_deadline" in changing and call.review_deadline is not None:
        # reviews still owed move with the call's deadline (reminders follow it)
        ReviewAssignment.objects.filter(
            proposal__call=call, status__in=["proposed", "invited", "accepted"]
        ).update(deadline=call.review_deadline)
    return call


@transaction.atomic
def update_call_side(
    actor: Any,
    call: Call,
    funder: Funder,
    *,
    budget: Any = None,
    project_cap: Any = None,
    reviewers_per_proposal: int | None = None,
    max_reviewer_load: int | None = None,
    now: dt.datetime | None = None,
) -> CallSide:
    """A funder's officer changes its own side of a call (budget, cap, reviewers) before
    the call opens."""
    require_funder_officer(actor, funder)
    cs = CallSide.objects.select_for_update().filter(call=call, funder=funder).first()
    if cs is None:
        raise ValidationError(_("This funder does not take part in the call."))
    _require_not_open(call, now)
    before = snapshot(cs)
    errors: dict[str, str] = {}
    if budget is not None:
        cs.budget = _decimal(budget, "budget")
    if project_cap is not None:
        cs.project_cap = _decimal(project_cap, "project_cap")
    if cs.budget <= 0 or cs.project_cap <= 0:
        errors["budget"] = _("Budgets and caps must be positive.")
    elif cs.project_cap > cs.budget:
        errors["project_cap"] = _("The cap per project cannot exceed the budget.")
    for field, msg in _side_problems(
        cs.reviewers_per_proposal if reviewers_per_proposal is None else reviewers_per_proposal,
        cs.max_reviewer_load if max_reviewer_load is None else max_reviewer_load,
    ):
        errors[field] = msg
    if errors:
        raise ValidationError(errors)
    if reviewers_per_proposal is not None:
        cs.reviewers_per_proposal = reviewers_per_proposal
    if max_reviewer_load is not None:
        cs.max_reviewer_load = max_reviewer_load
    if errors:
        raise ValidationError(errors)
    cs.save()
    record_event(actor, "funding.call.side", cs, before=before, after=snapshot(cs))
    return cs


@transaction.atomic
def set_rubric(
    actor: Any,
    call: Call,
    funder: Funder,
    criteria: Sequence[Any],
    *,
    now: dt.datetime | None = None,
) -> list[Criterion]:
    """Replace one funder's rubric for a call (its own officers only, before opening):
    weighted criteria with bilingual labels, the weights summing to 100."""
    require_funder_officer(actor, funder)
    if not call.sides.filter(funder=funder).exists():
        raise ValidationError(_("This funder does not take part in the call."))
    _require_not_open(call, now)
    clean = clean_rubric(criteria)
    old = list(Criterion.objects.filter(call=call, funder=funder))
    before = [snapshot(c) for c in old]
    Criterion.objects.filter(call=call, funder=funder).delete()
    new = [
        Criterion.objects.create(call=call, funder=funder, order=n, **c)
        for n, c in enumerate(clean)
    ]
    record_event(
        actor,
        "funding.call.rubric",
        call,
        before={"funder": funder.pk, "criteria": before},
        after={"funder": funder.pk, "criteria": [snapshot(c) for c in new]},
    )
    return new


@transaction.atomic
def update_scheme(
    actor: Any,
    scheme: Scheme,
    *,
    name: str | None = None,
    name_zh: str | None = None,
    description: str | None = None,
    funders: list[Funder] | None = None,
) -> Scheme:
    if not any(is_funder_officer(actor, f) for f in scheme.funders.all()):
        raise PermissionDenied(_("Only a programme officer of one of the funders may do this."))
    errors = _scheme_problems(name, funders)
    if funders is not None and "funders" not in errors:
        in_use = set(CallSide.objects.filter(call__scheme=scheme).values_list("funder", flat=True))
        if in_use - {f.pk for f in funders}:
            errors["funders"] = _("A funder with calls in this scheme cannot be removed.")
        elif not any(is_funder_officer(actor, f) for f in funders):
            errors["funders"] = _("Keep at least one of your own funders in the scheme.")
    if errors:
        raise ValidationError(errors)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    before = {**snapshot(scheme), "funders": sorted(scheme.funders.values_list("pk", flat=True))}
    if name is not None:
        scheme.name = name.strip()
    if name_zh is not None:
        scheme.name_zh = name_zh.strip()
    if description is not None:
        scheme.description = description
    scheme.save()
    if funders is not None:
        scheme.funders.set(funders)
    after = {**snapshot(scheme), "funders": sorted(scheme.funders.values_list("pk", flat=True))}
    record_event(actor, "funding.scheme.update", scheme, before=before, after=after)
    return scheme


# --------------------------------------------------------------------------- reviewer pools


@transaction.atomic
def add_to_pool(actor: Any, funder: Funder, person: Person) -> None:
    """A funder's officer adds a researcher (with a profile: their publications are used
    for matching and conflicts) to the funder's reviewer pool."""
    require_funder_officer(actor, funder)
    if not person.is_active:
        raise ValidationError({"person": _("This account is not active.")})
    if getattr(person, "researcher_profile", None) is None:
        raise ValidationError(
            {
                "person": _(
                    "Only researchers with a profile can review: their publications are "
                    "used to match proposals and to find conflicts of interest."
                )
            }
        )
    if funder.reviewer_pool.filter(pk=person.pk).exists():
        raise ValidationError(
            {"person": _("%(person)s is already in the pool.") % {"person": person}}
        )
    funder.reviewer_pool.add(person)
    record_event(
        actor, "funding.pool.add", funder, after={"reviewer": person.pk, "name": str(person)}
    )


@transaction.atomic
def remove_from_pool(actor: Any, funder: Funder, person: Person) -> int:
    """Take a reviewer out of the pool: no new assignments; proposed (unsent) ones are
    dropped; invitations already sent stay, so reviews in progress are not lost. Returns
    how many sent assignments remain."""
    require_funder_officer(actor, funder)
    if not funder.reviewer_pool.filter(pk=person.pk).exists():
        raise ValidationError({"person": _("%(person)s is not in the pool.") % {"person": person}})
    funder.reviewer_pool.remove(person)
    ReviewAssignment.objects.filter(funder=funder, reviewer=person, status="proposed").delete()
    remaining = ReviewAssignment.objects.filter(
        funder=funder, reviewer=person, status__in=["invited", "accepted"]
    ).count()
    record_event(
        actor,
        "funding.pool.remove",
        funder,
        before={"reviewer": person.pk, "name": str(person)},
        after={"open_assignments": remaining},
    )
    return remaining


# --------------------------------------------------------------------------- proposals


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
    if not has_role(actor, Role.RESEARCHER):
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
    proposal = Proposal.objects.create(
        call=call,
        lead=actor,
        title_en=title_en.strip(),
        title_zh=title_zh.strip(),
        abstract_en=abstract_en.strip(),
        abstract_zh=abstract_zh.strip(),
        keywords=[k.strip() for k in (keywords or []) if k.strip()],
        duration_months=duration_months or call.min_duration_months,
    )
    TeamMember.objects.create(
        proposal=proposal,
        person=actor,
        organisation=organisation,
        side=organisation.region,
        role=MemberRole.LEAD,
        status=InvitationStatus.ACCEPTED,
        responded_at=timezone.now(),
    )
    record_event(actor, "funding.proposal.create", proposal, after=snapshot(proposal))
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
    _require_lead(actor, proposal)
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
        actor, "funding.proposal.update", proposal, before=before, after=snapshot(proposal)
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
    _require_lead(actor, proposal)
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
    record_event(actor, "funding.member.invite", member, after=snapshot(member))
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
        "funding.member.accept" if accept else "funding.member.decline",
        member,
        before=before,
        after=snapshot(member),
    )
    return member


@transaction.atomic
def remove_member(actor: Any, member: TeamMember, *, now: dt.datetime | None = None) -> None:
    _require_lead(actor, member.proposal)
    _require_editable(member.proposal, now)
    if member.role == MemberRole.LEAD:
        raise ValidationError(_("The lead applicant cannot be removed."))
    before = snapshot(member)
    record_event(actor, "funding.member.remove", member, before=before)
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
    _require_lead(actor, proposal)
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
    from .models import BudgetCategory

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
    record_event(actor, "funding.budget.add", line, after=snapshot(line))
    return line


@transaction.atomic
def remove_budget_line(actor: Any, line: BudgetLine, *, now: dt.datetime | None = None) -> None:
    _require_lead(actor, line.proposal)
    _require_editable(line.proposal, now)
    record_event(actor, "funding.budget.remove", line, before=snapshot(line))
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
    if not is_team_member(actor, proposal):
        raise PermissionDenied(_("Only the team may add files."))
    _require_editable(proposal, now)
    check_pdf(upload, proposal.call.max_attachment_mb)
    att = Attachment(
        proposal=proposal,
        original_name=(upload.name or "file.pdf")[-255:],
        size=upload.size or 0,
        uploaded_by=actor,
    )
    att.file.save("upload.pdf", upload, save=False)
    att.save()
    record_event(actor, "funding.attachment.add", att, after=snapshot(att))
    return att


@transaction.atomic
def remove_attachment(actor: Any, att: Attachment, *, now: dt.datetime | None = None) -> None:
    if att.proposal is None or not is_team_member(actor, att.proposal):
        raise PermissionDenied(_("Only the team may remove files."))
    if actor.pk not in (att.uploaded_by_id, att.proposal.lead_id):
        raise PermissionDenied(_("Only the person who added the file or the lead may remove it."))
    _require_editable(att.proposal, now)
    record_event(actor, "funding.attachment.remove", att, before=snapshot(att))
    att.file.delete(save=False)
    att.delete()


def side_totals(proposal: Proposal) -> dict[str, dict[str, Decimal]]:
    """{side: {"funder": requested, "industry": sponsorship, "currency": ...}}."""
    out: dict[str, dict[str, Any]] = {}
    for cs in proposal.call.sides.all():
        out[cs.side] = {"funder": Decimal(0), "industry": Decimal(0), "currency": cs.currency}
    for line in proposal.budget_lines.all():
        if line.side in out:
            out[line.side][line.source] += line.amount
    return out


def submission_problems(proposal: Proposal, now: dt.datetime | None = None) -> list[str]:
    """Every eligibility rule of the call that the proposal breaks (empty: may submit)."""
    now = now or timezone.now()
    call = proposal.call
    problems: list[str] = []
    if proposal.state != ProposalState.DRAFT:
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
    members = list(proposal.members.select_related("person", "organisation"))
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
                    "amount": f"{t['funder']:,.2f}",
                    "cap": f"{cs.project_cap:,.2f}",
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
    _require_lead(actor, proposal)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    problems = submission_problems(proposal, now)
    if problems:
        raise ValidationError(problems)
    before = snapshot(proposal)
    proposal.state = ProposalState.SUBMITTED
    proposal.submitted_at = now or timezone.now()
    proposal.save()
    record_event(
        actor, "funding.proposal.submit", proposal, before=before, after=snapshot(proposal)
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
    _require_lead(actor, proposal)
    if proposal.state not in WITHDRAWABLE:
        raise ValidationError(_("A proposal can only be withdrawn before the decision."))
    before = snapshot(proposal)
    proposal.state = ProposalState.WITHDRAWN
    proposal.save()
    proposal.assignments.filter(status__in=["proposed", "invited", "accepted"]).update(
        status="declined", responded_at=timezone.now()
    )
    record_event(
        actor,
        "funding.proposal.withdraw",
        proposal,
        before=before,
        after={**snapshot(proposal), "reason": reason},
    )
    return proposal


def _transition(actor: Any, proposal: Proposal, to: str, action: str, **extra: Any) -> Proposal:
    before = snapshot(proposal)
    proposal.state = to
    for k, v in extra.items():
        setattr(proposal, k, v)
    proposal.save()
    record_event(actor, action, proposal, before=before, after=snapshot(proposal))
    return proposal


def screenable_funders(actor: Any, proposal: Proposal) -> list[Funder]:
    """The funders of the call for which ``actor`` may still screen ``proposal``."""
    if proposal.state != ProposalState.SUBMITTED:
        return []
    done = set(proposal.screenings.values_list("funder_id", flat=True))
    return [
        cs.funder
        for cs in proposal.call.sides.select_related("funder").order_by("side")
        if cs.funder_id not in done and is_funder_officer(actor, cs.funder)
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
        require_funder_officer(actor, funder)
        funders = [funder]
    else:
        funders = [cs.funder for cs in sides if is_funder_officer(actor, cs.funder)]
        if not funders:
            raise PermissionDenied(_("Only the programme officers of this call may do this."))
    if proposal.state != ProposalState.SUBMITTED:
        raise ValidationError(_("Only a submitted proposal can be screened."))
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
        record_event(actor, "funding.proposal.screen_side", sc, after=snapshot(sc))
    screenings = list(proposal.screenings.select_related("funder"))
    if not eligible:
        note = "; ".join(f"{s.funder.name}: {s.reason}" for s in screenings if not s.eligible)
        _transition(
            actor,
            proposal,
            ProposalState.INELIGIBLE,
            "funding.proposal.screen",
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
        _transition(
            actor,
            proposal,
            ProposalState.ELIGIBLE,
            "funding.proposal.screen",
            screening_reason=note,
        )
    return proposal


# --------------------------------------------------------------------------- conflicts


def _name_keys(person: Person) -> set[str]:
    names = {person.display_name, person.get_full_name(), f"{person.last_name} {person.first_name}"}
    return {fold(n).replace(" ", "") for n in names if n and n.strip()}


def automatic_conflicts(proposal: Proposal, reviewer: Person) -> list[tuple[str, str]]:
    """Why ``reviewer`` may not review ``proposal`` (kind, detail); empty when free."""
    out: list[tuple[str, str]] = []
    members = list(
        proposal.members.exclude(status=InvitationStatus.DECLINED).select_related(
            "person", "organisation"
        )
    )
    if proposal.lead_id == reviewer.pk or any(m.person_id == reviewer.pk for m in members):
        out.append((ConflictKind.TEAM, _("on the team")))
        return out
    profile = getattr(reviewer, "researcher_profile", None)
    if profile is not None and profile.organisation_id is not None:
        for m in members:
            if m.organisation_id == profile.organisation_id:
                out.append((ConflictKind.SAME_ORGANISATION, str(m.organisation)))
                break
    since = timezone.now().year - proposal.call.coi_years
    member_people = [m.person_id for m in members]
    if profile is not None:
        shared = (
            Authorship.objects.filter(
                researcher__person_id__in=member_people,
                publication__authorship__researcher=profile,
                publication__year__gte=since,
            )
            .select_related("publication", "researcher__person")
            .first()
        )
        if shared is not None:
            out.append(
                (
                    ConflictKind.COAUTHOR,
                    _("co-authored “%(title)s” (%(year)s) with %(person)s")
                    % {
                        "title": shared.publication.title[:80],
                        "year": shared.publication.year,
                        "person": shared.researcher.person,
                    },
                )
            )
            return out
    # Co-authorship recorded only by name in the author lists.
    from innobridge.people.models import Publication

    reviewer_keys = _name_keys(reviewer)
    pubs = Publication.objects.filter(
        researchers__person_id__in=member_people, year__gte=since
    ).distinct()
    for pub in pubs:
        names = {fold(str(n)).replace(" ", "") for n in pub.author_names}
        if reviewer_keys & names:
            out.append(
                (
                    ConflictKind.COAUTHOR,
                    _("named among the authors of “%(title)s” (%(year)s)")
                    % {"title": pub.title[:80], "year": pub.year},
                )
            )
            break
    if profile is not None and not any(k == ConflictKind.COAUTHOR for k, _d in out):
        member_keys: set[str] = set()
        for m in members:
            member_keys |= _name_keys(m.person)
        own = Publication.objects.filter(authorship__researcher=profile, year__gte=since)
        for pub in own:
            names = {fold(str(n)).replace(" ", "") for n in pub.author_names}
            if member_keys & names:
                out.append(
                    (
                        ConflictKind.COAUTHOR,
                        _("named among the authors of “%(title)s” (%(year)s)")
                        % {"title": pub.title[:80], "year": pub.year},
                    )
                )
                break
    return out


def is_conflicted(proposal: Proposal, reviewer: Person) -> bool:
    if ConflictOfInterest.objects.filter(proposal=proposal, reviewer=reviewer).exists():
        return True
    return bool(automatic_conflicts(proposal, reviewer))


@transaction.atomic
def refresh_conflicts(actor: Any, call: Call) -> int:
    """Record the automatic conflicts of every pool reviewer with every proposal under review."""
    require_call_officer(actor, call)
    n = 0
    reviewers = {p.pk: p for cs in call.sides.all() for p in cs.funder.reviewer_pool.all()}
    for proposal in call.proposals.exclude(
        state__in=[ProposalState.DRAFT, ProposalState.WITHDRAWN]
    ):
        for reviewer in reviewers.values():
            for kind, detail in automatic_conflicts(proposal, reviewer):
                _obj, created = ConflictOfInterest.objects.get_or_create(
                    proposal=proposal, reviewer=reviewer, kind=kind, defaults={"detail": detail}
                )
                n += int(created)
    record_event(actor, "funding.call.conflicts", call, after={"new_conflicts": n})
    return n


@transaction.atomic
def declare_conflict(actor: Any, proposal: Proposal, *, detail: str) -> ConflictOfInterest:
    """A reviewer declares a conflict; an unfinished assignment is released and refilled."""
    is_reviewer = proposal.assignments.filter(reviewer=actor).exists() or any(
        cs.funder.reviewer_pool.filter(pk=actor.pk).exists()
        for cs in proposal.call.sides.select_related("funder")
    )
    if not getattr(actor, "is_authenticated", False) or not is_reviewer:
        raise PermissionDenied(_("Only reviewers declare conflicts of interest."))
    if not detail.strip():
        raise ValidationError({"detail": _("Say what the conflict is.")})
    coi, _created = ConflictOfInterest.objects.get_or_create(
        proposal=proposal, reviewer=actor, kind=ConflictKind.DECLARED, defaults={"detail": detail}
    )
    record_event(actor, "funding.conflict.declare", coi, after=snapshot(coi))
    a = proposal.assignments.filter(
        reviewer=actor, status__in=["proposed", "invited", "accepted"]
    ).first()
    if a is not None:
        before = snapshot(a)
        a.status = "declined"
        a.responded_at = timezone.now()
        a.save()
        record_event(actor, "funding.assignment.decline", a, before=before, after=snapshot(a))
        _refill(a)
    return coi


# --------------------------------------------------------------------------- assignment


def _check_assignable(proposal: Proposal, reviewer: Person, funder: Funder) -> None:
    if not funder.reviewer_pool.filter(pk=reviewer.pk).exists():
        raise ValidationError(
            _("%(person)s is not in the reviewer pool of %(funder)s.")
            % {"person": reviewer, "funder": funder.name}
        )
    if is_conflicted(proposal, reviewer):
        raise ValidationError(
            _("%(person)s has a conflict of interest with this proposal and cannot be assigned.")
            % {"person": reviewer}
        )
    if proposal.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError(
            _("%(person)s has already been assigned this proposal.") % {"person": reviewer}
        )


@transaction.atomic
def assign_by_hand(
    actor: Any, proposal: Proposal, reviewer: Person, funder: Funder
) -> ReviewAssignment:
    require_funder_officer(actor, funder)
    if proposal.state not in (ProposalState.ELIGIBLE, ProposalState.IN_REVIEW):
        raise ValidationError(_("Only eligible proposals can be assigned reviewers."))
    if not proposal.call.sides.filter(funder=funder).exists():
        raise ValidationError(_("This funder does not take part in the call."))
    _check_assignable(proposal, reviewer, funder)
    aff = AffinityScore.objects.filter(proposal=proposal, reviewer=reviewer).first()
    a = ReviewAssignment.objects.create(
        proposal=proposal,
        reviewer=reviewer,
        funder=funder,
        by_hand=True,
        affinity=aff.score if aff else None,
        explanation=aff.explanation if aff else {},
        status="proposed" if proposal.state == ProposalState.ELIGIBLE else "invited",
        deadline=proposal.call.review_deadline,
        invited_at=None if proposal.state == ProposalState.ELIGIBLE else timezone.now(),
    )
    if a.status == "invited":
        _notify_invited(a)
    record_event(actor, "funding.assignment.create", a, after=snapshot(a))
    return a


@transaction.atomic
def remove_assignment(actor: Any, assignment: ReviewAssignment) -> None:
    require_funder_officer(actor, assignment.funder)
    if assignment.status not in ("proposed", "invited"):
        raise ValidationError(_("Only an assignment not yet accepted can be removed."))
    record_event(actor, "funding.assignment.remove", assignment, before=snapshot(assignment))
    assignment.delete()


def _notify_invited(a: ReviewAssignment) -> None:
    deadline = timezone.localtime(a.deadline).strftime("%Y-%m-%d %H:%M") if a.deadline else "—"
    notify(
        a.reviewer,
        gettext_noop("Invitation to review"),
        gettext_noop(
            "You are invited to review the proposal “%(title)s” for %(funder)s by %(deadline)s. "
            "Please accept or decline on InnoBridge."
        ),
        {"title": a.proposal.title, "funder": a.funder.name, "deadline": deadline},
        url="/funding/reviews/",
    )


@transaction.atomic
def run_assignment(
    actor: Any,
    call: Call,
    *,
    fair: bool = False,
    cross_border: bool = False,
    embedder: Any = None,
) -> dict[str, Any]:
    """Run the engine for every side of the call; replaces earlier *proposed* assignments
    (sent invitations stay and count). Returns {side: {"pairs": n, "obstacles": [...]}}."""
    from . import matching

    require_call_officer(actor, call)
    proposals = list(
        call.proposals.filter(state__in=[ProposalState.ELIGIBLE, ProposalState.IN_REVIEW]).order_by(
            "pk"
        )
    )
    summary: dict[str, Any] = {}
    # Each funder's officers assign from their own pool only.
    mine = [cs for cs in call.sides.select_related("funder") if is_funder_officer(actor, cs.funder)]
    ReviewAssignment.objects.filter(
        proposal__call=call, status="proposed", funder__in=[cs.funder for cs in mine]
    ).delete()
    for cs in mine:
        pool = list(cs.funder.reviewer_pool.select_related("researcher_profile").order_by("pk"))
        result = matching.assign_reviewers(
            proposals,
            pool,
            k=cs.reviewers_per_proposal,
            max_load=cs.max_reviewer_load,
            existing=list(
                ReviewAssignment.objects.filter(
                    proposal__in=proposals, funder=cs.funder, status__in=ACTIVE_ASSIGNMENT
                )
            ),
            conflicted=lambda p, r: is_conflicted(p, r),
            fair=fair,
            cross_border=cross_border,
            embedder=embedder,
        )
        for (pid, rid), (score, why) in result.affinities.items():
            AffinityScore.objects.update_or_create(
                proposal_id=pid, reviewer_id=rid, defaults={"score": score, "explanation": why}
            )
        for pid, rid in result.pairs:
            pair_score, why = result.affinities.get((pid, rid), (0.0, {}))
            ReviewAssignment.objects.create(
                proposal_id=pid,
                reviewer_id=rid,
                funder=cs.funder,
                status="proposed",
                affinity=pair_score,
                explanation=why,
                deadline=call.review_deadline,
            )
        summary[cs.side] = {"pairs": len(result.pairs), "obstacles": result.obstacles}
    record_event(
        actor,
        "funding.call.assign",
        call,
        after={"fair": fair, "cross_border": cross_border, "summary": summary},
    )
    return summary


@transaction.atomic
def send_invitations(actor: Any, call: Call, *, deadline: dt.datetime | None = None) -> int:
    """Send every proposed assignment; proposals with reviewers move to "in review"."""
    require_call_officer(actor, call)
    deadline = deadline or call.review_deadline
    if deadline is None or deadline <= timezone.now():
        raise ValidationError({"deadline": _("Set a review deadline in the future.")})
    if call.review_deadline != deadline:
        call.review_deadline = deadline
        call.save(update_fields=["review_deadline", "updated_at"])
    n = 0
    moved: set[int] = set()
    for a in ReviewAssignment.objects.filter(proposal__call=call, status="proposed").select_related(
        "proposal", "reviewer", "funder"
    ):
        if not is_funder_officer(actor, a.funder):
            continue
        if is_conflicted(a.proposal, a.reviewer):  # a conflict declared since the proposal
            a.delete()
            continue
        before = snapshot(a)
        a.status = "invited"
        a.invited_at = timezone.now()
        a.deadline = deadline
        a.save()
        record_event(actor, "funding.assignment.invite", a, before=before, after=snapshot(a))
        _notify_invited(a)
        n += 1
        if a.proposal.state == ProposalState.ELIGIBLE and a.proposal_id not in moved:
            moved.add(a.proposal_id)  # once, though each assignment carries its own copy
            _transition(actor, a.proposal, ProposalState.IN_REVIEW, "funding.proposal.review")
    return n


def _refill(declined: ReviewAssignment) -> ReviewAssignment | None:
    """Invite the next best free reviewer of the same funder's pool in place of ``declined``."""
    proposal, funder = declined.proposal, declined.funder
    if proposal.state not in (ProposalState.ELIGIBLE, ProposalState.IN_REVIEW):
        return None
    cs = proposal.call.sides.get(funder=funder)
    taken = set(proposal.assignments.values_list("reviewer_id", flat=True))
    scores = {s.reviewer_id: s for s in AffinityScore.objects.filter(proposal=proposal)}
    candidates = [r for r in funder.reviewer_pool.order_by("pk") if r.pk not in taken]
    candidates.sort(key=lambda r: -(scores[r.pk].score if r.pk in scores else -1e9))
    for r in candidates:
        load = ReviewAssignment.objects.filter(
            reviewer=r, proposal__call=proposal.call, status__in=ACTIVE_ASSIGNMENT
        ).count()
        if load >= cs.max_reviewer_load or is_conflicted(proposal, r):
            continue
        s = scores.get(r.pk)
        status = "invited" if declined.status != "proposed" and declined.invited_at else "proposed"
        a = ReviewAssignment.objects.create(
            proposal=proposal,
            reviewer=r,
            funder=funder,
            status=status,
            affinity=s.score if s else None,
            explanation=s.explanation if s else {},
            deadline=declined.deadline,
            invited_at=timezone.now() if status == "invited" else None,
        )
        record_event("system", "funding.assignment.refill", a, after=snapshot(a))
        if status == "invited":
            _notify_invited(a)
        return a
    return None


@transaction.atomic
def respond_assignment(
    actor: Any, assignment: ReviewAssignment, *, accept: bool
) -> ReviewAssignment:
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied(_("This review invitation is not yours."))
    if assignment.status != "invited":
        raise ValidationError(_("You have already answered this invitation."))
    before = snapshot(assignment)
    assignment.status = "accepted" if accept else "declined"
    assignment.responded_at = timezone.now()
    assignment.save()
    record_event(
        actor,
        "funding.assignment.accept" if accept else "funding.assignment.decline",
        assignment,
        before=before,
        after=snapshot(assignment),
    )
    if not accept:
        _refill(assignment)
    return assignment


def weighted_score(scores: Mapping[int, int], criteria: list[Criterion]) -> Decimal:
    """Σ weight·score/max over Σ weight, on 0–100."""
    total_w = sum((c.weight for c in criteria), Decimal(0))
    if not total_w:
        return Decimal(0)
    acc = sum(
        (c.weight * Decimal(scores[c.pk]) / Decimal(c.max_score) for c in criteria), Decimal(0)
    )
    return (acc * 100 / total_w).quantize(Decimal("0.01"))


@transaction.atomic
def submit_review(
    actor: Any,
    assignment: ReviewAssignment,
    *,
    scores: Mapping[Any, Any],
    comments: str = "",
    criterion_comments: Mapping[Any, str] | None = None,
    now: dt.datetime | None = None,
) -> Review:
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied(_("This review is not yours."))
    if assignment.status == "submitted":
        raise ValidationError(_("You have already submitted this review."))
    if assignment.status != "accepted":
        raise ValidationError(_("Accept the invitation before reviewing."))
    if assignment.proposal.state != ProposalState.IN_REVIEW:
        raise ValidationError(_("This proposal is no longer in review."))
    if assignment.deadline is not None and (now or timezone.now()) > assignment.deadline:
        raise ValidationError(
            _(
                "The review deadline (%(deadline)s, Hong Kong time) has passed: ask the "
                "programme officer to extend it."
            )
            % {"deadline": timezone.localtime(assignment.deadline).strftime("%Y-%m-%d %H:%M")}
        )
    criteria = list(
        Criterion.objects.filter(call=assignment.proposal.call, funder=assignment.funder)
    )
    clean: dict[int, int] = {}
    errors: dict[str, str] = {}
    given = {str(k): v for k, v in scores.items()}
    for c in criteria:
        raw = given.get(str(c.pk))
        try:
            value = int(str(raw))
        except (TypeError, ValueError):
            errors[f"score_{c.pk}"] = _("Score “%(name)s”.") % {"name": c.label}
            continue
        if not 0 <= value <= c.max_score:
            errors[f"score_{c.pk}"] = _("A score for “%(name)s” is between 0 and %(max)s.") % {
                "name": c.label,
                "max": c.max_score,
            }
            continue
        clean[c.pk] = value
    if errors:
        raise ValidationError(errors)
    review = Review.objects.create(
        assignment=assignment,
        comments=comments.strip(),
        weighted_score=weighted_score(clean, criteria),
        submitted_at=timezone.now(),
    )
    cc = {str(k): v for k, v in (criterion_comments or {}).items()}
    for c in criteria:
        ReviewScore.objects.create(
            review=review, criterion=c, score=clean[c.pk], comment=cc.get(str(c.pk), "")
        )
    before = snapshot(assignment)
    assignment.status = "submitted"
    assignment.save()
    record_event(
        actor, "funding.review.submit", review, after={**snapshot(review), "scores": clean}
    )
    record_event(
        actor, "funding.assignment.submit", assignment, before=before, after=snapshot(assignment)
    )
    return review


def _remind(a: ReviewAssignment, now: dt.datetime, actor: Any = "system") -> None:
    assert a.deadline is not None
    notify(
        a.reviewer,
        gettext_noop("Reminder: review due"),
        gettext_noop("Your review of “%(title)s” is due by %(deadline)s."),
        {
            "title": a.proposal.title,
            "deadline": timezone.localtime(a.deadline).strftime("%Y-%m-%d %H:%M"),
        },
        url="/funding/reviews/",
    )
    a.reminders_sent += 1
    a.last_reminded_at = now
    a.save(update_fields=["reminders_sent", "last_reminded_at"])
    record_event(actor, "funding.assignment.remind", a, after={"reminders_sent": a.reminders_sent})


def _outstanding(now: dt.datetime) -> Any:
    """Reviews still owed on proposals in review, not reminded in the last day."""
    return ReviewAssignment.objects.filter(
        status__in=["invited", "accepted"],
        deadline__isnull=False,
        proposal__state=ProposalState.IN_REVIEW,
    ).filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - dt.timedelta(days=1)))


def send_reminders(
    now: dt.datetime | None = None, *, within: dt.timedelta = dt.timedelta(days=3)
) -> int:
    """Remind reviewers whose review is due within ``within`` (or overdue), at most daily
    (``innobridge funding_remind``, run from cron)."""
    now = now or timezone.now()
    n = 0
    qs = _outstanding(now).filter(deadline__lte=now + within)
    for a in qs.select_related("proposal", "reviewer", "funder").order_by("pk"):
        with transaction.atomic():
            _remind(a, now)
        n += 1
    return n


@transaction.atomic
def remind_reviewers(actor: Any, call: Call, *, now: dt.datetime | None = None) -> int:
    """An officer reminds their own funders' reviewers who still owe a review on this call
    (whatever the deadline), each at most once a day. The applicants learn nothing."""
    require_call_officer(actor, call)
    now = now or timezone.now()
    funders = [cs.funder for cs in call.sides.select_related("funder")]
    mine = [f for f in funders if is_funder_officer(actor, f)]
    qs = _outstanding(now).filter(proposal__call=call, funder__in=mine)
    n = 0
    for a in qs.select_related("proposal", "reviewer", "funder").order_by("pk"):
        _remind(a, now, actor)
        n += 1
    return n


@transaction.atomic
def move_to_panel(actor: Any, proposal: Proposal) -> Proposal:
    require_call_officer(actor, proposal.call)
    if proposal.state != ProposalState.IN_REVIEW:
        raise ValidationError(_("Only a proposal in review can go to the panel."))
    if not proposal.assignments.filter(status="submitted").exists():
        raise ValidationError(_("No review has been submitted yet."))
    proposal.assignments.filter(status__in=["proposed", "invited"]).update(status="declined")
    return _transition(actor, proposal, ProposalState.PANEL, "funding.proposal.panel")


# --------------------------------------------------------------------------- decisions


def committed_amount(call: Call, funder: Funder) -> Decimal:
    """What ``funder`` has committed in ``call``: its "fund" decisions on proposals awarded
    or still at the panel (waiting for the other funder). Terminated projects keep what
    was released, not what was still to come."""
    running = (
        FunderDecision.objects.filter(
            proposal__call=call,
            funder=funder,
            decision=DecisionChoice.FUND,
            proposal__state__in=[ProposalState.PANEL, ProposalState.AWARDED],
        )
        .exclude(proposal__project__status=ProjectStatus.TERMINATED)
        .aggregate(s=Sum("amount"))["s"]
    )
    terminated = Disbursement.objects.filter(
        project__proposal__call=call,
        project__status=ProjectStatus.TERMINATED,
        funder=funder,
        status="released",
    ).aggregate(s=Sum("amount"))["s"]
    return (running or Decimal(0)) + (terminated or Decimal(0))


@transaction.atomic
def record_decision(
    actor: Any, proposal: Proposal, funder: Funder, *, decision: str, reasons: str
) -> FunderDecision:
    """One funder's decision on its side; when every side has decided, the joint decision
    is made: awarded only if every funder funds."""
    require_funder_officer(actor, funder)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ProposalState.PANEL:
        raise ValidationError(_("Decisions are recorded at the panel stage."))
    cs = proposal.call.sides.filter(funder=funder).first()
    if cs is None:
        raise ValidationError(_("This funder does not take part in the call."))
    if decision not in DecisionChoice.values:
        raise ValidationError({"decision": _("Choose fund or do not fund.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    if proposal.decisions.filter(funder=funder).exists():
        raise ValidationError(
            _("%(funder)s has already decided on this proposal.") % {"funder": funder.name}
        )
    amount = (
        side_totals(proposal)[cs.side]["funder"] if decision == DecisionChoice.FUND else Decimal(0)
    )
    if decision == DecisionChoice.FUND:
        committed = committed_amount(proposal.call, funder)
        if committed + amount > cs.budget:
            raise ValidationError(
                _(
                    "Funding this proposal (%(currency)s %(amount)s) would exceed the budget "
                    "of %(funder)s: %(currency)s %(left)s of %(currency)s %(budget)s is left."
                )
                % {
                    "currency": cs.currency,
                    "amount": f"{amount:,.2f}",
                    "funder": funder.name,
                    "left": f"{max(cs.budget - committed, Decimal(0)):,.2f}",
                    "budget": f"{cs.budget:,.2f}",
                }
            )
    d = FunderDecision.objects.create(
        proposal=proposal,
        funder=funder,
        side=cs.side,
        decision=decision,
        reasons=reasons.strip(),
        amount=amount,
        currency=cs.currency,
        decided_by=actor,
    )
    record_event(actor, "funding.decision.record", d, after=snapshot(d))
    decisions = list(proposal.decisions.all())
    if len(decisions) == proposal.call.sides.count():
        _finalise(actor, proposal, decisions)
    return d


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _finalise(actor: Any, proposal: Proposal, decisions: list[FunderDecision]) -> None:
    fund = all(d.decision == DecisionChoice.FUND for d in decisions)
    _transition(
        actor,
        proposal,
        ProposalState.AWARDED if fund else ProposalState.DECLINED,
        "funding.proposal.award" if fund else "funding.proposal.decline",
        decided_at=timezone.now(),
    )
    if fund:
        _create_project(actor, proposal, decisions)
    # lazy, so each member reads the decisions in their own language (names, reasons as written)
    reasons = format_lazy(
        "\n".join(["{}: {} — {}"] * len(decisions)),
        *[
            x
            for d in decisions
            for x in (d.funder.name, DecisionChoice(d.decision).label, d.reasons)
        ],
    )
    for m in proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related("person"):
        notify(
            m.person,
            gettext_noop("Decision on your proposal"),
            gettext_noop("The joint decision on “%(title)s” is: %(outcome)s.\n\n%(reasons)s"),
            {
                "title": proposal.title,
                "outcome": ProposalState(proposal.state).label,  # lazy: the recipient's language
                "reasons": reasons,
            },
            url=proposal.get_absolute_url(),
        )


def _create_project(actor: Any, proposal: Proposal, decisions: list[FunderDecision]) -> Project:
    start = timezone.localdate()
    end = _add_months(start, proposal.duration_months)
    project = Project.objects.create(
        proposal=proposal, title=proposal.title, start_date=start, end_date=end
    )
    mid = None
    if proposal.duration_months >= 12:
        mid = Milestone.objects.create(
            project=project,
            title=_("Progress report"),
            due_date=_add_months(start, proposal.duration_months // 2),
        )
    final = Milestone.objects.create(
        project=project, title=_("Final report"), due_date=end, is_final=True
    )
    for d in decisions:
        first = (d.amount / 2).quantize(Decimal("0.01"))
        plan = [(None, first), (mid or final, d.amount - first)]
        for n, (dep, amt) in enumerate(plan, start=1):
            if amt > 0:
                Disbursement.objects.create(
                    project=project,
                    funder=d.funder,
                    side=d.side,
                    instalment=n,
                    amount=amt,
                    currency=d.currency,
                    depends_on=dep,
                )
    record_event(actor, "funding.project.create", project, after=snapshot(project))
    return project


# --------------------------------------------------------------------------- projects


def _require_project_team(actor: Any, project: Project) -> None:
    if not is_team_member(actor, project.proposal):
        raise PermissionDenied(_("Only the project team may do this."))


def _project_open(project: Project) -> None:
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED):
        raise ValidationError(_("This project is closed."))


@transaction.atomic
def add_milestone(actor: Any, project: Project, *, title: str, due_date: dt.date) -> Milestone:
    require_call_officer(actor, project.proposal.call)
    _project_open(project)
    if not title.strip():
        raise ValidationError({"title": _("Name the milestone.")})
    if not project.start_date <= due_date <= project.end_date:
        raise ValidationError({"due_date": _("The due date must fall within the project.")})
    m = Milestone.objects.create(project=project, title=title.strip(), due_date=due_date)
    record_event(actor, "funding.milestone.create", m, after=snapshot(m))
    return m


@transaction.atomic
def submit_report(
    actor: Any,
    project: Project,
    *,
    milestone: Milestone,
    summary: str,
    files: list[UploadedFile] | None = None,
) -> Report:
    _require_project_team(actor, project)
    _project_open(project)
    if milestone.project_id != project.pk:
        raise ValidationError({"milestone": _("That milestone belongs to another project.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Write a summary.")})
    if milestone.reports.filter(rating__in=["pending", "satisfactory"]).exists():
        raise ValidationError(
            _("A report for this milestone is already awaiting assessment or accepted.")
        )
    files = files or []
    for f in files:
        check_pdf(f, project.proposal.call.max_attachment_mb)
    report = Report.objects.create(
        project=project,
        milestone=milestone,
        kind="final" if milestone.is_final else "progress",
        summary=summary.strip(),
        submitted_by=actor,
    )
    for f in files:
        att = Attachment(
            report=report,
            original_name=(f.name or "report.pdf")[-255:],
            size=f.size or 0,
            uploaded_by=actor,
        )
        att.file.save("upload.pdf", f, save=False)
        att.save()
    record_event(actor, "funding.report.submit", report, after=snapshot(report))
    officers = Person.objects.filter(
        funder_offices__call_sides__call=project.proposal.call
    ).distinct()
    for officer in officers.order_by("pk"):
        notify(
            officer,
            gettext_noop("Report to assess"),
            gettext_noop("A report on “%(milestone)s” of “%(title)s” awaits your assessment."),
            {"milestone": milestone.title, "title": project.title},
            url=project.get_absolute_url(),
        )
    return report


def _notify_team(project: Project, subject: str, body: str, params: Mapping[str, Any]) -> None:
    for m in project.proposal.members.filter(status=InvitationStatus.ACCEPTED).select_related(
        "person"
    ):
        notify(m.person, subject, body, params, url=project.get_absolute_url())


def refresh_project_status(project: Project, today: dt.date | None = None) -> str:
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED):
        return project.status
    milestones = list(project.milestones.all())
    if any(m.is_final and m.accepted_report() for m in milestones):
        status = ProjectStatus.COMPLETED
    elif any(m.is_overdue(today) for m in milestones):
        status = ProjectStatus.LATE
    else:
        status = ProjectStatus.ON_TRACK
    if status != project.status:
        before = project.status
        project.status = status
        project.save(update_fields=["status", "updated_at"])
        record_event(
            "system",
            "funding.project.status",
            project,
            before={"status": before},
            after={"status": status},
        )
        if status == ProjectStatus.LATE:
            late = [m.title for m in milestones if m.is_overdue(today)]
            _notify_team(
                project,
                gettext_noop("Project milestone overdue"),
                gettext_noop("“%(title)s” is late: %(milestones)s. Submit the report now."),
                {"title": project.title, "milestones": ", ".join(late)},
            )
    return status


def refresh_project_statuses(today: dt.date | None = None) -> int:
    """Every running project's status (late when a milestone is overdue); run daily by
    ``innobridge funding_remind``. Returns how many changed."""
    n = 0
    for project in Project.objects.exclude(
        status__in=[ProjectStatus.COMPLETED, ProjectStatus.TERMINATED]
    ).order_by("pk"):
        before = project.status
        with transaction.atomic():
            if refresh_project_status(project, today) != before:
                n += 1
    return n


@transaction.atomic
def rate_report(actor: Any, report: Report, *, rating: str, comment: str = "") -> Report:
    require_call_officer(actor, report.project.proposal.call)
    if report.rating != ReportRating.PENDING:
        raise ValidationError(_("This report has already been assessed."))
    if rating not in (ReportRating.SATISFACTORY, ReportRating.UNSATISFACTORY):
        raise ValidationError({"rating": _("Choose satisfactory or unsatisfactory.")})
    if rating == ReportRating.UNSATISFACTORY and not comment.strip():
        raise ValidationError({"comment": _("Say what is unsatisfactory.")})
    before = snapshot(report)
    report.rating = rating
    report.rating_comment = comment.strip()
    report.rated_by = actor
    report.rated_at = timezone.now()
    report.save()
    record_event(actor, "funding.report.rate", report, before=before, after=snapshot(report))
    refresh_project_status(report.project)
    _notify_team(
        report.project,
        gettext_noop("Report assessed"),
        gettext_noop("Your report on “%(milestone)s” was assessed: %(rating)s. %(comment)s"),
        {
            "milestone": report.milestone.title,
            "rating": ReportRating(rating).label,  # lazy: in each member's language
            "comment": report.rating_comment,
        },
    )
    return report


@transaction.atomic
def schedule_disbursement(
    actor: Any,
    project: Project,
    funder: Funder,
    *,
    amount: Any,
    depends_on: Milestone | None = None,
) -> Disbursement:
    require_funder_officer(actor, funder)
    _project_open(project)
    decision = project.proposal.decisions.filter(funder=funder).first()
    if decision is None:
        raise ValidationError(_("This funder does not pay this project."))
    value = _decimal(amount, "amount")
    if value <= 0:
        raise ValidationError({"amount": _("An amount must be positive.")})
    scheduled = project.disbursements.filter(funder=funder).exclude(status="cancelled").aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    if scheduled + value > decision.amount:
        raise ValidationError(
            {
                "amount": _("Instalments would exceed the %(currency)s %(amount)s awarded.")
                % {"currency": decision.currency, "amount": f"{decision.amount:,.2f}"}
            }
        )
    if depends_on is not None and depends_on.project_id != project.pk:
        raise ValidationError({"depends_on": _("That milestone belongs to another project.")})
    n = (
        project.disbursements.filter(side=decision.side)
        .order_by("-instalment")
        .values_list("instalment", flat=True)
        .first()
        or 0
    ) + 1
    d = Disbursement.objects.create(
        project=project,
        funder=funder,
        side=decision.side,
        instalment=n,
        amount=value,
        currency=decision.currency,
        depends_on=depends_on,
    )
    record_event(actor, "funding.disbursement.schedule", d, after=snapshot(d))
    return d


@transaction.atomic
def release_disbursement(actor: Any, disbursement: Disbursement) -> Disbursement:
    require_funder_officer(actor, disbursement.funder)
    _project_open(disbursement.project)
    if disbursement.status != "scheduled":
        raise ValidationError(_("This instalment has already been released."))
    if disbursement.depends_on is not None and disbursement.depends_on.accepted_report() is None:
        raise ValidationError(
            _("This instalment is released only after the report for “%(m)s” is accepted.")
            % {"m": disbursement.depends_on.title}
        )
    before = snapshot(disbursement)
    disbursement.status = "released"
    disbursement.released_at = timezone.now()
    disbursement.released_by = actor
    disbursement.save()
    record_event(
        actor,
        "funding.disbursement.release",
        disbursement,
        before=before,
        after=snapshot(disbursement),
    )
    _notify_team(
        disbursement.project,
        gettext_noop("Instalment released"),
        gettext_noop("%(funder)s released instalment %(n)s: %(currency)s %(amount)s."),
        {
            "funder": disbursement.funder.name,
            "n": disbursement.instalment,
            "currency": disbursement.currency,
            "amount": f"{disbursement.amount:,.2f}",
        },
    )
    return disbursement


def _clean_budget_lines(cs: CallSide, lines: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A side's new budget lines, validated: known categories and sources, positive
    amounts in the side's currency, the request from the funder within the cap."""
    from .models import BudgetCategory

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
                "amount": f"{requested:,.2f}",
                "cap": f"{cs.project_cap:,.2f}",
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
    _require_project_team(actor, project)
    _project_open(project)
    from .models import ChangeKind

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
    record_event(actor, "funding.change.request", cr, after=snapshot(cr))
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
    released = sum((d.amount for d in mine if d.status == "released"), Decimal(0))
    scheduled = [d for d in mine if d.status == "scheduled"]
    if amount < released:
        raise ValidationError(
            _("%(currency)s %(amount)s has already been released; the budget cannot be lower.")
            % {"currency": funder.currency, "amount": f"{released:,.2f}"}
        )
    diff = amount - released - sum((d.amount for d in scheduled), Decimal(0))
    if diff > 0:
        if scheduled:
            d = scheduled[-1]
            before = snapshot(d)
            d.amount += diff
            d.save(update_fields=["amount"])
            record_event(actor, "funding.disbursement.adjust", d, before=before, after=snapshot(d))
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
            record_event(actor, "funding.disbursement.schedule", d, after=snapshot(d))
    remaining = -diff
    for d in reversed(scheduled):
        if remaining <= 0:
            break
        before = snapshot(d)
        if d.amount <= remaining:
            remaining -= d.amount
            d.status = "cancelled"
            d.save(update_fields=["status"])
        else:
            d.amount -= remaining
            remaining = Decimal(0)
            d.save(update_fields=["amount"])
        record_event(actor, "funding.disbursement.adjust", d, before=before, after=snapshot(d))


def _apply_budget_change(actor: Any, change: ChangeRequest, cs: CallSide) -> None:
    project = change.project
    proposal = project.proposal
    lines = _clean_budget_lines(cs, change.new_budget)
    decision = proposal.decisions.filter(funder=cs.funder).first()
    wanted = sum(
        (Decimal(x["amount"]) for x in lines if x["source"] == BudgetSource.FUNDER), Decimal(0)
    )
    if decision is not None and project.status != ProjectStatus.TERMINATED:
        others = committed_amount(proposal.call, cs.funder) - decision.amount
        if others + wanted > cs.budget:
            raise ValidationError(
                _(
                    "The new budget (%(currency)s %(amount)s) does not fit in the call's "
                    "budget: %(currency)s %(left)s is left."
                )
                % {
                    "currency": cs.currency,
                    "amount": f"{wanted:,.2f}",
                    "left": f"{max(cs.budget - others, Decimal(0)):,.2f}",
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
        record_event(actor, "funding.decision.amend", decision, before=db, after=snapshot(decision))
        _rebalance_instalments(actor, project, cs.funder, new_amount)
    record_event(
        actor,
        "funding.budget.change",
        project,
        before={"side": cs.side, "lines": old},
        after={"side": cs.side, "lines": lines, "awarded": str(new_amount)},
    )


def recheck_conflicts(actor: Any, proposal: Proposal) -> list[ConflictOfInterest]:
    """Re-check every reviewer assigned to ``proposal`` against its (new) team; record the
    new conflicts and release unfinished assignments of conflicted reviewers."""
    found: list[ConflictOfInterest] = []
    for a in proposal.assignments.exclude(status="declined").select_related("reviewer"):
        for kind, detail in automatic_conflicts(proposal, a.reviewer):
            coi, created = ConflictOfInterest.objects.get_or_create(
                proposal=proposal, reviewer=a.reviewer, kind=kind, defaults={"detail": detail}
            )
            if created:
                found.append(coi)
                record_event(actor, "funding.conflict.found", coi, after=snapshot(coi))
        if (
            found
            and a.status in ("proposed", "invited", "accepted")
            and any(c.reviewer_id == a.reviewer_id for c in found)
        ):
            before = snapshot(a)
            a.status = "declined"
            a.responded_at = timezone.now()
            a.save(update_fields=["status", "responded_at"])
            record_event(actor, "funding.assignment.release", a, before=before, after=snapshot(a))
            _refill(a)
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
        record_event(actor, "funding.member.remove", m, before=snapshot(m))
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
        record_event(actor, "funding.member.add", m, after=snapshot(m))
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
        "funding.project.team",
        project,
        after={
            "change": change.pk,
            "members": [str(m.person) for m in proposal.members.select_related("person")],
            "new_conflicts": [f"{c.reviewer}: {c.kind}" for c in conflicts],
        },
    )


@transaction.atomic
def decide_change(
    actor: Any, change: ChangeRequest, *, approve: bool, note: str = ""
) -> ChangeRequest:
    """The funder concerned approves or rejects; an approved change takes effect at once
    (budget lines and award, team, end date), everything audited."""
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    cs = change.project.proposal.call.sides.select_related("funder").get(side=change.side)
    require_funder_officer(actor, cs.funder)
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    _project_open(change.project)
    before = snapshot(change)
    change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_note = note.strip()
    change.save()
    record_event(actor, "funding.change.decide", change, before=before, after=snapshot(change))
    project = change.project
    if approve and change.kind == "duration" and change.new_end_date:
        problems = _duration_problems(project, change.new_end_date)
        if problems:
            raise ValidationError(problems)
        pb = snapshot(project)
        project.end_date = change.new_end_date
        project.save()
        project.milestones.filter(is_final=True).update(due_date=change.new_end_date)
        record_event(actor, "funding.project.extend", project, before=pb, after=snapshot(project))
    elif approve and change.kind == "budget":
        _apply_budget_change(actor, change, cs)
    elif approve and change.kind == "team":
        _apply_team_change(actor, change)
    for m in project.proposal.members.filter(status="accepted").select_related("person"):
        notify(
            m.person,
            gettext_noop("Change request decided"),
            gettext_noop("Your change request for “%(title)s” was %(outcome)s."),
            {"title": project.title, "outcome": ChangeStatus(change.status).label},
            url=project.get_absolute_url(),
        )
    return change


@transaction.atomic
def terminate_project(actor: Any, project: Project, *, reason: str) -> Project:
    require_call_officer(actor, project.proposal.call)
    _project_open(project)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the project is terminated.")})
    before = snapshot(project)
    project.status = ProjectStatus.TERMINATED
    project.termination_reason = reason.strip()
    project.terminated_at = timezone.now()
    project.save()
    cancelled = project.disbursements.filter(status="scheduled").update(status="cancelled")
    record_event(
        actor,
        "funding.project.terminate",
        project,
        before=before,
        after={**snapshot(project), "reason": reason.strip(), "cancelled_instalments": cancelled},
    )
    for m in project.proposal.members.filter(status="accepted").select_related("person"):
        notify(
            m.person,
            gettext_noop("Project terminated"),
            gettext_noop("The project “%(title)s” was terminated: %(reason)s"),
            {"title": project.title, "reason": reason.strip()},
            url=project.get_absolute_url(),
        )
    return project
