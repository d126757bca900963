"""Stays (EWP-like states), the permit/arrival checklist, reports by fellow and
supervisor, and stipend instalments released when what they depend on is accepted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition, record_event, snapshot

from ..audit import ExchangeAction
from ..models import (
    ChecklistItem,
    InstalmentState,
    PaidOn,
    ReportAuthor,
    ReportKind,
    ReportState,
    Stay,
    StayReport,
    StayState,
)
from ..permissions import require, stay_roles
from ..workflow import REPORT_FLOW, STAY_FLOW

# For each report-gated release point: the kind of report and whose reports must be
# accepted before the instalment is released.
REPORTS_NEEDED: dict[str, tuple[str, frozenset[str]]] = {
    PaidOn.MID_TERM: (ReportKind.MID_TERM, frozenset({ReportAuthor.FELLOW})),
    PaidOn.MID_TERM_SUPERVISOR: (ReportKind.MID_TERM, frozenset({ReportAuthor.SUPERVISOR})),
    PaidOn.MID_TERM_BOTH: (
        ReportKind.MID_TERM,
        frozenset({ReportAuthor.FELLOW, ReportAuthor.SUPERVISOR}),
    ),
    PaidOn.FINAL: (ReportKind.FINAL, frozenset({ReportAuthor.FELLOW})),
    PaidOn.FINAL_SUPERVISOR: (ReportKind.FINAL, frozenset({ReportAuthor.SUPERVISOR})),
    PaidOn.FINAL_BOTH: (
        ReportKind.FINAL,
        frozenset({ReportAuthor.FELLOW, ReportAuthor.SUPERVISOR}),
    ),
}


def _release_after_reports(actor: Any, stay: Stay, kind: str) -> int:
    """Release the instalments whose every needed report of ``kind`` is accepted."""
    accepted = set(
        stay.reports.filter(kind=kind, state=ReportState.ACCEPTED).values_list(
            "author_role", flat=True
        )
    )
    ready = [
        paid_on
        for paid_on, (needed_kind, authors) in REPORTS_NEEDED.items()
        if needed_kind == kind and authors <= accepted
    ]
    return _release(actor, stay, *ready)


def _release(actor: Any, stay: Stay, *paid_on: str) -> int:
    n = 0
    for inst in stay.instalments.select_for_update().filter(
        paid_on__in=paid_on, state=InstalmentState.PENDING
    ):
        inst.state = InstalmentState.RELEASED
        inst.released_at = timezone.now()
        inst.save()
        record_event(actor, ExchangeAction.INSTALMENT_RELEASED, inst, after=snapshot(inst))
        n += 1
    return n


def move_stay(actor: Any, stay: Stay, action: str, *, on: dt.date | None = None) -> Stay:
    with transaction.atomic():
        changes: dict[str, Any] = {}
        if action == "arrive":
            changes["actual_arrival"] = on or timezone.localdate()
        if action == "complete":
            final = stay.reports.filter(
                kind=ReportKind.FINAL, author_role=ReportAuthor.FELLOW, state=ReportState.ACCEPTED
            )
            if not final.exists():
                raise ValidationError(_("The fellow's final report must be accepted first."))
            changes["actual_departure"] = on or timezone.localdate()
        if action == "cancel":
            stay.instalments.filter(state=InstalmentState.PENDING).update(
                state=InstalmentState.CANCELLED
            )
        apply_transition(
            actor, stay, STAY_FLOW, action, audit_action=ExchangeAction.STAY_MOVED, **changes
        )
        if action == "arrive":
            _release(actor, stay, PaidOn.ARRIVAL)
    return stay


@transaction.atomic
def set_planned_dates(actor: Any, stay: Stay, *, arrival: dt.date, departure: dt.date) -> Stay:
    """The officer or the supervisor plans the stay (before arrival); the checklist's due
    dates follow the arrival."""
    require(bool({"officer", "supervisor"} & stay_roles(actor, stay)))
    if stay.state not in (StayState.NOMINATED, StayState.ACCEPTED, StayState.PERMITS):
        raise ValidationError(_("Planned dates change only before arrival."))
    programme = stay.placement.programme
    if arrival >= departure:
        raise ValidationError({"planned_departure": _("Departure must come after arrival.")})
    if arrival < programme.earliest_start:
        raise ValidationError(
            {
                "planned_arrival": _("The programme starts on %(d)s at the earliest.")
                % {"d": programme.earliest_start}
            }
        )
    months = (departure.year - arrival.year) * 12 + departure.month - arrival.month
    if months > programme.max_months:
        raise ValidationError(
            {
                "planned_departure": _("A stay in this programme lasts %(a)s to %(b)s months.")
                % {"a": programme.min_months, "b": programme.max_months}
            }
        )
    locked = Stay.objects.select_for_update().get(pk=stay.pk)
    shift = arrival - locked.planned_arrival
    before = snapshot(locked)
    locked.planned_arrival, locked.planned_departure = arrival, departure
    locked.save()
    for item in locked.checklist.filter(done_at__isnull=True):
        item.due_on += shift
        item.save()
    record_event(actor, ExchangeAction.STAY_MOVED, locked, before=before, after=snapshot(locked))
    stay.refresh_from_db()
    return stay


@transaction.atomic
def tick_checklist(actor: Any, item: ChecklistItem, done: bool = True) -> ChecklistItem:
    require(bool({"fellow", "officer"} & stay_roles(actor, item.stay)))
    item.done_at = timezone.now() if done else None
    item.save()
    record_event(actor, ExchangeAction.CHECKLIST_ITEM_DONE, item, after=snapshot(item))
    return item


@transaction.atomic
def submit_report(actor: Any, stay: Stay, *, kind: str, text: str) -> StayReport:
    roles = stay_roles(actor, stay)
    author = (
        ReportAuthor.FELLOW
        if "fellow" in roles
        else (ReportAuthor.SUPERVISOR if "supervisor" in roles else None)
    )
    require(author is not None, _("Only the fellow and the supervisor write reports."))
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Unknown report.")})
    if stay.state not in (StayState.ON_SITE, StayState.COMPLETED):
        raise ValidationError(_("Reports are written once the stay has started (on site)."))
    if not text.strip():
        raise ValidationError({"text": _("Write the report.")})
    existing = stay.reports.filter(kind=kind, author_role=author).first()
    if existing is not None:
        if existing.state != ReportState.RETURNED:
            raise ValidationError(_("This report has already been submitted."))
        existing.text = text[:20000]
        existing.save()
        apply_transition(
            actor, existing, REPORT_FLOW, "resubmit", audit_action=ExchangeAction.REPORT_SUBMITTED
        )
        return existing
    report = StayReport(stay=stay, kind=kind, author_role=str(author), text=text[:20000])
    report.full_clean()
    report.save()
    record_event(actor, ExchangeAction.REPORT_SUBMITTED, report, after=snapshot(report))
    return report


def review_report(actor: Any, report: StayReport, *, accept: bool) -> StayReport:
    """Accept or return a report. Accepting a report releases the instalments whose
    needed reports (the fellow's, the supervisor's or both) are then all accepted."""
    with transaction.atomic():
        apply_transition(
            actor,
            report,
            REPORT_FLOW,
            "accept" if accept else "return",
            audit_action=ExchangeAction.REPORT_ACCEPTED
            if accept
            else ExchangeAction.REPORT_RETURNED,
        )
        if accept:
            _release_after_reports(actor, report.stay, report.kind)
    return report


def report_due_dates(stay: Stay) -> dict[str, dt.date]:
    start = stay.actual_arrival or stay.planned_arrival
    end = stay.planned_departure
    return {ReportKind.MID_TERM: start + (end - start) / 2, ReportKind.FINAL: end}
