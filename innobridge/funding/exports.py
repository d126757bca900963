"""A call's papers for the panel and the committee, as a programme officer downloads them:
proposals, reviewer assignments, reviews (scores and comments), each funder's ranking and
the decisions — an XLSX workbook (one sheet per table) or one table as CSV (UTF-8 with a
byte-order mark, so Excel opens Chinese text correctly).

Only the call's programme officers may export (the sheets name the reviewers), and each
export is recorded in the audit log (who took whose personal data out, and when)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from innobridge.core.exports import UTF8_BOM
from innobridge.core.services import record_event

from . import selectors
from .audit import FundingAction
from .models import (
    Award,
    Call,
    Criterion,
    Funder,
    ProposalState,
    Review,
    ReviewAssignment,
)
from .permissions import require_manage_call
from .selectors import side_totals

Table = list[list[Any]]


class UnknownExport(ValueError):
    """No such table or format, or a funder not in the call."""


TABLES = ("proposals", "assignments", "reviews", "rankings", "decisions")


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored UTC time as Hong Kong wall time without a zone (Excel has no zones)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _sides(call: Call, funder: Funder | None) -> list[Any]:
    sides = list(call.sides.select_related("funder").order_by("side"))
    return [cs for cs in sides if funder is None or cs.funder_id == funder.pk]


def proposals_table(call: Call, funder: Funder | None = None) -> Table:
    sides = _sides(call, funder)
    head = [
        _("ID"),
        _("Title (English)"),
        _("Title (Chinese)"),
        _("Lead applicant"),
        _("Lead's organisation"),
        _("State"),
        _("Submitted (Hong Kong time)"),
        _("Duration (months)"),
        _("Keywords"),
    ]
    for cs in sides:
        head += [
            _("Requested from %(funder)s (%(currency)s)")
            % {"funder": cs.funder.name, "currency": cs.currency},
            _("Industry sponsorship, %(side)s (%(currency)s)")
            % {"side": cs.get_side_display(), "currency": cs.currency},
        ]
    rows: Table = [head]
    qs = (
        call.proposals.exclude(state=ProposalState.DRAFT)
        .select_related("lead")
        .prefetch_related("members__organisation", "budget_lines", "call__sides")
        .order_by("pk")
    )
    for p in qs:
        lead_member = next((m for m in p.members.all() if m.person_id == p.lead_id), None)
        totals = side_totals(p)
        row = [
            p.pk,
            p.title_en,
            p.title_zh,
            str(p.lead),
            str(lead_member.organisation) if lead_member else "",
            ProposalState(p.state).label,
            _local(p.submitted_at),
            p.duration_months,
            ", ".join(p.keywords),
        ]
        for cs in sides:
            t = totals.get(cs.side, {})
            row += [t.get("funder", Decimal(0)), t.get("industry", Decimal(0))]
        rows.append(row)
    return rows


def assignments_table(call: Call, funder: Funder | None = None) -> Table:
    rows: Table = [
        [
            _("Proposal ID"),
            _("Proposal"),
            _("Funder"),
            _("Reviewer"),
            _("Reviewer's organisation"),
            _("Status"),
            _("Affinity"),
            _("Added by hand"),
            _("Deadline (Hong Kong time)"),
            _("Invited"),
            _("Answered"),
            _("Reminders sent"),
        ]
    ]
    qs = ReviewAssignment.objects.filter(proposal__call=call).select_related(
        "proposal", "funder", "reviewer__researcher_profile__organisation"
    )
    if funder is not None:
        qs = qs.filter(funder=funder)
    for a in qs.order_by("proposal_id", "funder__side", "id"):
        profile = getattr(a.reviewer, "researcher_profile", None)
        org = getattr(profile, "organisation", None)
        rows.append(
            [
                a.proposal_id,
                a.proposal.title,
                a.funder.name,
                str(a.reviewer),
                str(org) if org else "",
                a.get_status_display(),
                round(a.affinity, 4) if a.affinity is not None else None,
                _("yes") if a.by_hand else _("no"),
                _local(a.deadline),
                _local(a.invited_at),
                _local(a.responded_at),
                a.reminders_sent,
            ]
        )
    return rows


def reviews_table(call: Call, funder: Funder | None = None) -> Table:
    criteria = list(
        Criterion.objects.filter(call=call, **({"funder": funder} if funder else {}))
        .select_related("funder")
        .order_by("funder__side", "order", "id")
    )
    head = [
        _("Proposal ID"),
        _("Proposal"),
        _("Funder"),
        _("Reviewer"),
        _("Submitted (Hong Kong time)"),
        _("Weighted score (0–100)"),
    ]
    for c in criteria:
        head += [
            _("%(funder)s: %(criterion)s (of %(max)s)")
            % {"funder": c.funder.name, "criterion": c.label, "max": c.max_score},
            _("%(criterion)s: comment") % {"criterion": c.label},
        ]
    head.append(_("Comments"))
    rows: Table = [head]
    qs = (
        Review.objects.filter(assignment__proposal__call=call, submitted_at__isnull=False)
        .select_related("assignment__proposal", "assignment__funder", "assignment__reviewer")
        .prefetch_related("scores")
    )
    if funder is not None:
        qs = qs.filter(assignment__funder=funder)
    for r in qs.order_by("assignment__proposal_id", "assignment__funder__side", "id"):
        a = r.assignment
        scores = {s.criterion_id: s for s in r.scores.all()}
        row: list[Any] = [
            a.proposal_id,
            a.proposal.title,
            a.funder.name,
            str(a.reviewer),
            _local(r.submitted_at),
            r.weighted_score,
        ]
        for c in criteria:
            s = scores.get(c.pk)
            row += [s.score if s else None, s.comment if s else ""]
        row.append(r.comments)
        rows.append(row)
    return rows


def rankings_table(call: Call, funder: Funder | None = None) -> Table:
    rows: Table = [
        [
            _("Funder"),
            _("Rank"),
            _("Proposal ID"),
            _("Proposal"),
            _("Reviews"),
            _("Mean score"),
            _("Lowest"),
            _("Highest"),
            _("Standard deviation"),
            _("Decision"),
        ]
    ]
    for cs in _sides(call, funder):
        for rank, r in enumerate(selectors.ranking(call, cs.funder), start=1):
            d = r["decision"]
            rows.append(
                [
                    cs.funder.name,
                    rank,
                    r["proposal"].pk,
                    r["proposal"].title,
                    r["n"],
                    r["mean"],
                    r["min"],
                    r["max"],
                    r["stdev"] if r["n"] else None,
                    d.get_decision_display() if d else "",
                ]
            )
    return rows


def decisions_table(call: Call, funder: Funder | None = None) -> Table:
    rows: Table = [
        [
            _("Proposal ID"),
            _("Proposal"),
            _("Funder"),
            _("Side"),
            _("Decision"),
            _("Currency"),
            _("Requested"),
            _("Granted"),
            _("Conditions"),
            _("Reasons"),
            _("Decided by"),
            _("Decided (Hong Kong time)"),
            _("Award"),
        ]
    ]
    awards = {a.proposal_id: a for a in Award.objects.filter(proposal__call=call)}
    qs = call.proposals.filter(decisions__isnull=False).distinct().order_by("pk")
    for p in qs:
        decisions = p.decisions.select_related("funder", "decided_by").order_by("side")
        for d in decisions:
            if funder is not None and d.funder_id != funder.pk:
                continue
            award = awards.get(p.pk)
            rows.append(
                [
                    p.pk,
                    p.title,
                    d.funder.name,
                    d.get_side_display(),
                    d.get_decision_display(),
                    d.currency,
                    d.requested,
                    d.amount,
                    d.conditions,
                    d.reasons,
                    str(d.decided_by),
                    _local(d.decided_at),
                    award.get_state_display() if award else "",
                ]
            )
    return rows


BUILDERS: dict[str, Callable[[Call, Funder | None], Table]] = {
    "proposals": proposals_table,
    "assignments": assignments_table,
    "reviews": reviews_table,
    "rankings": rankings_table,
    "decisions": decisions_table,
}


def sheet_titles() -> dict[str, str]:
    return {
        "proposals": _("Proposals"),
        "assignments": _("Assignments"),
        "reviews": _("Reviews"),
        "rankings": _("Rankings"),
        "decisions": _("Decisions"),
    }


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def table_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in table:
        writer.writerow([_csv_cell(v) for v in row])
    return (UTF8_BOM + buf.getvalue()).encode("utf-8")


def workbook_xlsx(tables: dict[str, Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    titles = sheet_titles()
    for key, table in tables.items():
        ws = wb.create_sheet(titles[key][:31])
        for row in table:
            ws.append([str(v) if isinstance(v, Promise) else v for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for i in range(1, len(table[0]) + 1):
            widest = max((len(str(r[i - 1])) for r in table if len(r) >= i), default=8)
            ws.column_dimensions[get_column_letter(i)].width = min(max(widest, 8) + 2, 60)
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_call(
    actor: Any, call: Call, *, fmt: str, table: str = "", funder: Funder | None = None
) -> tuple[bytes, str]:
    """The call's tables for ``actor`` (a programme officer of the call): ``fmt`` "xlsx"
    (every table, one sheet each) or "csv" (``table`` only); only ``funder``'s side when
    given. Returns the file and its name; the export is audited."""
    require_manage_call(actor, call)
    if funder is not None and not call.sides.filter(funder=funder).exists():
        raise UnknownExport("funder not in call")
    if fmt not in ("xlsx", "csv") or (fmt == "csv" and table not in BUILDERS):
        raise UnknownExport(f"{fmt} {table}")
    stem = f"call-{call.pk}" + (f"-funder-{funder.pk}" if funder else "")
    if fmt == "xlsx":
        data = workbook_xlsx({key: BUILDERS[key](call, funder) for key in TABLES})
        name = f"{stem}.xlsx"
    else:
        data = table_csv(BUILDERS[table](call, funder))
        name = f"{stem}-{table}.csv"
    with transaction.atomic():
        record_event(
            actor,
            FundingAction.CALL_EXPORTED,
            call,
            after={"format": fmt, "table": table or "all", "funder": funder.pk if funder else None},
        )
    return data, name


__all__ = ["BUILDERS", "TABLES", "export_call", "table_csv", "workbook_xlsx"]
