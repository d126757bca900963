"""Programmes: create, stipend parts, checklist steps, rubric, coordinators."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as
from innobridge.core.services import record_event, snapshot

from ..audit import ExchangeAction
from ..models import (
    ChecklistTemplate,
    Coordinator,
    PaidOn,
    Programme,
    Review,
    ReviewState,
    RubricCriterion,
    StipendComponent,
    StipendInstalment,
)
from ..permissions import can_create_programme, require, require_manage_programme

# The programme fields an officer sets, in the order the form shows them.
EDITABLE_PROGRAMME_FIELDS = (
    "title",
    "title_zh",
    "description",
    "kind",
    "direction",
    "places",
    "min_months",
    "max_months",
    "max_preferences",
    "referees_required",
    "reply_days",
    "placements_open",
    "applications_open",
    "applications_close",
    "review_until",
    "results_on",
    "earliest_start",
    "max_age",
    "max_years_since_phd",
    "phd_required",
    "career_stages",
    "home_differs_from_host",
    "nomination_required",
    "languages",
)
PROGRAMME_FIELDS = {*EDITABLE_PROGRAMME_FIELDS, "is_demo"}


def _check_dates(p: Programme) -> None:
    order = [
        ("placements_open", p.placements_open),
        ("applications_open", p.applications_open),
        ("applications_close", p.applications_close),
        ("review_until", p.review_until),
        ("results_on", p.results_on),
        ("earliest_start", p.earliest_start),
    ]
    for (_a, earlier), (name, later) in itertools.pairwise(order):
        if earlier and later and later < earlier:
            raise ValidationError(
                {name: _("The dates of a round must follow each other in order.")}
            )
    if p.min_months > p.max_months:
        raise ValidationError({"min_months": _("The shortest stay is longer than the longest.")})


@transaction.atomic
def create_programme(actor: Any, **fields: Any) -> Programme:
    require(can_create_programme(actor), _("Only programme officers create programmes."))
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    p = Programme(**fields)
    p.full_clean()
    _check_dates(p)
    p.save()
    p.officers.add(actor)
    record_event(actor, ExchangeAction.PROGRAMME_CREATED, p, after=snapshot(p))
    return p


@transaction.atomic
def update_programme(actor: Any, programme: Programme, **changes: Any) -> Programme:
    """Change ``changes`` of the programme, read again under a row lock: the audit's
    "before" is what was stored, not the caller's copy, and fields the caller did not
    change keep what another writer saved meanwhile. Returns the saved programme (the
    caller's copy is left as it was)."""
    require_manage_programme(actor, programme)
    unknown = set(changes) - PROGRAMME_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = snapshot(programme)
    for k, v in changes.items():
        setattr(programme, k, v)
    programme.full_clean()
    _check_dates(programme)
    programme.save()
    record_event(
        actor, ExchangeAction.PROGRAMME_UPDATED, programme, before=before, after=snapshot(programme)
    )
    return programme


@transaction.atomic
def add_stipend(
    actor: Any,
    programme: Programme,
    *,
    paid_by: str,
    currency: str,
    amount: Decimal,
    schedule: list[str],
) -> StipendComponent:
    require_manage_programme(actor, programme)
    valid = {c.value for c in PaidOn}
    if not schedule or any(s not in valid for s in schedule):
        raise ValidationError(
            {
                "schedule": _(
                    "Each instalment is paid on arrival or after a mid-term or final "
                    "report (the fellow's, the supervisor's or both)."
                )
            }
        )
    comp = StipendComponent(
        programme=programme, paid_by=paid_by, currency=currency, amount=amount, schedule=schedule
    )
    comp.full_clean()
    comp.save()
    record_event(
        actor, ExchangeAction.PROGRAMME_UPDATED, programme, after={"stipend": snapshot(comp)}
    )
    return comp


@transaction.atomic
def add_checklist_step(
    actor: Any, programme: Programme, *, host_region: str, title: str, days_before_arrival: int
) -> ChecklistTemplate:
    require_manage_programme(actor, programme)
    step = ChecklistTemplate(
        programme=programme,
        host_region=host_region,
        title=title,
        days_before_arrival=days_before_arrival,
    )
    step.full_clean()
    step.save()
    record_event(actor, ExchangeAction.CHECKLIST_STEP_ADDED, step, after=snapshot(step))
    return step


# The steps of a programme's checklist are a template: a stay, when it is made (the offer
# accepted), is given its own copy of the steps of its host region, each with its due
# date, and the fellow ticks that copy (``ChecklistItem``, no link back to the step).
# Changing or removing a step therefore loses no one's progress and rewrites no one's
# checklist: it applies to the stays made from then on; the stays already made keep the
# checklist they were given. Neither is refused for that, nor cascades to the stays.
CHECKLIST_STEP_FIELDS = ("host_region", "title", "days_before_arrival")


@transaction.atomic
def update_checklist_step(actor: Any, step: ChecklistTemplate, **changes: Any) -> ChecklistTemplate:
    """Change a step of the checklist (the programme's officers): for the stays made from
    now on, as above."""
    require_manage_programme(actor, step.programme)
    unknown = set(changes) - set(CHECKLIST_STEP_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    step = ChecklistTemplate.objects.select_for_update().get(pk=step.pk)
    before = snapshot(step)
    for k, v in changes.items():
        setattr(step, k, v.strip() if isinstance(v, str) else v)
    step.full_clean()
    if snapshot(step) == before:
        return step  # nothing changed: nothing written
    step.save()
    record_event(
        actor, ExchangeAction.CHECKLIST_STEP_UPDATED, step, before=before, after=snapshot(step)
    )
    return step


@transaction.atomic
def remove_checklist_step(actor: Any, step: ChecklistTemplate) -> None:
    """Remove a step from the checklist (the programme's officers): the stays already
    made keep their copy of it, ticked or not, as above."""
    require_manage_programme(actor, step.programme)
    step = ChecklistTemplate.objects.select_for_update().get(pk=step.pk)
    record_event(actor, ExchangeAction.CHECKLIST_STEP_REMOVED, step, before=snapshot(step))
    step.delete()


@transaction.atomic
def remove_stipend(actor: Any, component: StipendComponent) -> None:
    """Remove a stipend part no fellow's instalment depends on yet."""
    programme = component.programme
    require_manage_programme(actor, programme)
    if StipendInstalment.objects.filter(component=component).exists():
        raise ValidationError(
            _("Fellows already have instalments of this stipend part; it cannot be removed.")
        )
    before = snapshot(component)
    component.delete()
    record_event(
        actor, ExchangeAction.PROGRAMME_UPDATED, programme, before={"stipend": before}, after={}
    )


def _rubric_open(programme: Programme) -> None:
    """The rubric is fixed once a reviewer has scored with it (the weighted scores
    already given would no longer be comparable)."""
    if Review.objects.filter(
        application__programme=programme, state=ReviewState.SUBMITTED
    ).exists():
        raise ValidationError(
            _("Reviews have been scored with this rubric; its criteria can no longer change.")
        )


@transaction.atomic
def add_criterion(
    actor: Any, programme: Programme, *, name: str, weight: Decimal
) -> RubricCriterion:
    require_manage_programme(actor, programme)
    _rubric_open(programme)
    if programme.rubric.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("The rubric already has this criterion.")})
    c = RubricCriterion(programme=programme, name=name.strip(), weight=weight)
    c.full_clean()
    c.save()
    record_event(
        actor, ExchangeAction.PROGRAMME_UPDATED, programme, after={"criterion": snapshot(c)}
    )
    return c


@transaction.atomic
def remove_criterion(actor: Any, criterion: RubricCriterion) -> None:
    programme = criterion.programme
    require_manage_programme(actor, programme)
    _rubric_open(programme)
    before = snapshot(criterion)
    criterion.delete()
    record_event(
        actor, ExchangeAction.PROGRAMME_UPDATED, programme, before={"criterion": before}, after={}
    )


@transaction.atomic
def add_coordinator(actor: Any, person: Any, organisation: Any) -> Coordinator:
    """An administrator (or officer) names a person coordinator of an institution."""
    require(
        can_act_as(actor, Role.ADMINISTRATOR) or can_act_as(actor, Role.PROGRAMME_OFFICER),
        _("Only officers and administrators name coordinators."),
    )
    from django.contrib.auth.models import Group

    c, _created = Coordinator.objects.get_or_create(person=person, organisation=organisation)
    group, _g = Group.objects.get_or_create(name=Role.INSTITUTION_COORDINATOR)
    person.groups.add(group)
    record_event(actor, ExchangeAction.COORDINATOR_ADDED, c, after=snapshot(c))
    return c


@transaction.atomic
def remove_coordinator(actor: Any, coordinator: Coordinator) -> None:
    """An administrator (or officer) ends a person's coordination of an institution:
    they no longer approve its placements nor nominate its candidates. The role itself
    (the group) is left as it is: it is granted and withdrawn with the person's roles."""
    require(
        can_act_as(actor, Role.ADMINISTRATOR) or can_act_as(actor, Role.PROGRAMME_OFFICER),
        _("Only officers and administrators name coordinators."),
    )
    before = snapshot(coordinator)
    record_event(actor, ExchangeAction.COORDINATOR_REMOVED, coordinator, before=before)
    coordinator.delete()
