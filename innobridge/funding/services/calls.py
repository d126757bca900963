"""Calls, their sides and rubrics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.models import Region
from innobridge.core.services import record_event, snapshot

from ..audit import FundingAction
from ..models import (
    AssignmentStatus,
    Call,
    CallSide,
    Criterion,
    Funder,
    ReviewAssignment,
    Scheme,
)
from ..permissions import can_act_for_funder, require_act_for_funder, require_manage_call

DEFAULT_RUBRIC = [
    (gettext_noop("Scientific merit"), "科學價值", Decimal(40)),
    (gettext_noop("Strength of the cross-boundary collaboration"), "合作的互補性", Decimal(30)),
    (gettext_noop("Impact and application"), "影響與應用", Decimal(30)),
]


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
    if not any(can_act_for_funder(actor, s["funder"]) for s in sides):
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
    record_event(actor, FundingAction.CALL_CREATED, call, after=snapshot(call))
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
    require_manage_call(actor, call)
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
    record_event(actor, FundingAction.CALL_UPDATED, call, before=before, after=snapshot(call))
    if "review_deadline" in changing and call.review_deadline is not None:
        # reviews still owed move with the call's deadline (reminders follow it)
        ReviewAssignment.objects.filter(
            proposal__call=call,
            status__in=[
                AssignmentStatus.PROPOSED,
                AssignmentStatus.INVITED,
                AssignmentStatus.ACCEPTED,
            ],
        ).update(deadline=call.review_deadline)
    return call


@transaction.atomic
def delete_call(actor: Any, call: Call, *, now: dt.datetime | None = None) -> None:
    """Delete a call that was never published: one that has not opened and holds no
    proposal (not even a draft). A call that has opened is part of the record (its
    rules were public, applicants relied on them, decisions may cite it): it is closed
    or left to run, never deleted. The audit event keeps the call, its sides and its
    rubric as they were."""
    require_manage_call(actor, call)
    # The lock ``create_proposal`` also takes: no proposal arrives between the count and
    # the delete.
    call = Call.objects.select_for_update().get(pk=call.pk)
    proposals = call.proposals.count()
    if proposals:
        raise ValidationError(
            _("The call holds %(n)d proposal(s): a call with proposals cannot be deleted.")
            % {"n": proposals}
        )
    if (now or timezone.now()) >= call.opens_at:
        raise ValidationError(
            _("The call has opened: it is part of the record and cannot be deleted.")
        )
    before = snapshot(call) | {
        "sides": [snapshot(s) for s in call.sides.order_by("pk")],
        "criteria": [snapshot(c) for c in call.criteria.order_by("pk")],
    }
    record_event(actor, FundingAction.CALL_DELETED, call, before=before)
    call.delete()  # its sides and rubric with it


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
    require_act_for_funder(actor, funder)
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
    record_event(actor, FundingAction.CALL_SIDE_UPDATED, cs, before=before, after=snapshot(cs))
    return cs


@transaction.atomic
def set_review_sharing(
    actor: Any, call: Call, funder: Funder, *, comments: bool, scores: bool
) -> CallSide:
    """Whether the applicants see ``funder``'s reviewers' comments (and scores) after the
    decision — never who wrote them. A funder's policy: its officers set it at any time."""
    require_act_for_funder(actor, funder)
    cs = CallSide.objects.select_for_update().filter(call=call, funder=funder).first()
    if cs is None:
        raise ValidationError(_("This funder does not take part in the call."))
    before = snapshot(cs)
    cs.comments_to_applicants = bool(comments)
    cs.scores_to_applicants = bool(comments) and bool(scores)  # scores only with comments
    cs.save(update_fields=["comments_to_applicants", "scores_to_applicants"])
    record_event(actor, FundingAction.CALL_SIDE_UPDATED, cs, before=before, after=snapshot(cs))
    return cs


@transaction.atomic
def update_call_and_sides(
    actor: Any,
    call: Call,
    *,
    sides: Sequence[tuple[Funder, Mapping[str, Any]]] = (),
    now: dt.datetime | None = None,
    **fields: Any,
) -> Call:
    """The call's own fields and its funders' sides (``(funder, {budget, project_cap,
    reviewers_per_proposal, max_reviewer_load})``) in one transaction: all or nothing."""
    call = update_call(actor, call, now=now, **fields)
    for funder, values in sides:
        update_call_side(actor, call, funder, **values)
    return call


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
    require_act_for_funder(actor, funder)
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
        FundingAction.CALL_RUBRIC_SET,
        call,
        before={"funder": funder.pk, "criteria": before},
        after={"funder": funder.pk, "criteria": [snapshot(c) for c in new]},
    )
    return new


def lock_call_side(call: Call, funder: Funder) -> CallSide | None:
    """``funder``'s side of ``call``, its row locked until the transaction ends. Every rule
    that counts other rows against one side (its budget, its reviewers' loads) takes this
    lock first, so two simultaneous requests are checked one after the other."""
    return CallSide.objects.select_for_update().filter(call=call, funder=funder).first()
