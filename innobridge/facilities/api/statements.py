"""Statements (a person's or an organisation's month) and utilisation reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError

from innobridge.core.exports import csv_response
from innobridge.people.auth import api_auth as _auth
from innobridge.people.models import Organisation

from .. import selectors
from ..exports import statement_pdf
from .bookings import ChargeOut, _charge_out
from .common import _aware, router


class IndicativeOut(Schema):
    currency: str
    amount: Decimal
    on: dt.date


class StatementOut(Schema):
    title: str
    month: str
    charges: list[ChargeOut]
    totals: dict[str, Decimal]
    indicative: IndicativeOut | None = None


def _statement_out(st: selectors.Statement, format: str, slug: str) -> Any:
    if format == "csv":
        return csv_response(selectors.statement_csv(st), f"statement-{slug}-{st.month}.csv")
    if format == "pdf":
        resp = HttpResponse(statement_pdf(st), content_type="application/pdf")
        resp["Content-Disposition"] = f'attachment; filename="statement-{slug}-{st.month}.pdf"'
        return resp
    if format != "json":
        raise HttpError(422, _("format: json, csv or pdf."))
    ind = st.indicative
    return {
        "title": st.title,
        "month": st.month,
        "charges": [_charge_out(c) for c in st.charges],
        "totals": st.totals,
        "indicative": (
            {"currency": ind.currency, "amount": ind.amount, "on": ind.on} if ind else None
        ),
    }


def _month(month: str) -> str:
    try:
        selectors.month_range(month)
    except ValueError as exc:
        raise HttpError(422, _("month: use YYYY-MM.")) from exc
    return month


@router.get("/statements", response=StatementOut, auth=_auth)
def statement(request: HttpRequest, month: str, format: str = "json") -> Any:
    """The signed-in user's statement for ``month`` (YYYY-MM); ``format=csv`` or ``pdf``."""
    st = selectors.user_statement(request.user, _month(month))
    return _statement_out(st, format, request.user.username)


@router.get("/statements/organisations/{organisation_id}", response=StatementOut, auth=_auth)
def organisation_statement(
    request: HttpRequest, organisation_id: int, month: str, format: str = "json"
) -> Any:
    """An organisation's monthly statement: its members' charges at the caller's
    facilities (all facilities for an administrator)."""
    org = get_object_or_404(Organisation, pk=organisation_id)
    if not selectors.managed_facilities(request.user).exists():
        raise HttpError(
            403, _("Only facility managers and administrators see organisation statements.")
        )
    st = selectors.organisation_statement(request.user, org, _month(month))
    return _statement_out(st, format, f"org{org.pk}")


class UtilisationRowOut(Schema):
    resource_id: int
    resource: str
    facility: str
    open_hours: float
    booked_hours: float
    used_hours: float
    cross_border_hours: float
    cross_border_used_hours: float
    utilisation_percent: float
    cross_border_percent: float
    cross_border_used_percent: float


class WeekOut(Schema):
    week: dt.date
    booked_hours: float
    cross_border_hours: float
    cross_border_percent: float


class ReportOut(Schema):
    start: dt.datetime
    end: dt.datetime
    booked_hours: float
    cross_border_hours: float
    cross_border_percent: float
    used_hours: float
    cross_border_used_hours: float
    cross_border_used_percent: float
    resources: list[UtilisationRowOut]
    weeks: list[WeekOut]


@router.get("/reports/utilisation", response=ReportOut, auth=_auth)
def utilisation_report(request: HttpRequest, start: dt.datetime, end: dt.datetime) -> Any:
    """Utilisation and cross-border use of the caller's facilities in [start, end) (at
    most 366 days): per resource and per week, and the share of booked hours by users
    from the other side of the boundary (an Action Plan indicator)."""
    facilities = selectors.managed_facilities(request.user)
    if not facilities.exists():
        raise HttpError(403, _("You do not manage any facility."))
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start or end - start > dt.timedelta(days=366):
        raise HttpError(422, _("end must be after start, at most 366 days later."))
    rows = selectors.utilisation(facilities, start, end)
    series = selectors.weekly_series(facilities, start, end)
    booked = sum(r.booked_hours for r in rows)
    cross = sum(r.cross_border_hours for r in rows)
    used = sum(r.used_hours for r in rows)
    cross_used = sum(r.cross_border_used_hours for r in rows)
    return {
        "start": start,
        "end": end,
        "booked_hours": round(booked, 2),
        "cross_border_hours": round(cross, 2),
        "cross_border_percent": round(cross / booked * 100, 1) if booked else 0.0,
        "used_hours": round(used, 2),
        "cross_border_used_hours": round(cross_used, 2),
        "cross_border_used_percent": round(cross_used / used * 100, 1) if used else 0.0,
        "resources": [
            {
                "resource_id": r.resource.pk,
                "resource": r.resource.name,
                "facility": r.resource.facility.name,
                "open_hours": r.open_hours,
                "booked_hours": r.booked_hours,
                "used_hours": r.used_hours,
                "cross_border_hours": r.cross_border_hours,
                "cross_border_used_hours": r.cross_border_used_hours,
                "utilisation_percent": round(r.utilisation, 1),
                "cross_border_percent": round(r.cross_border_share, 1),
                "cross_border_used_percent": round(r.cross_border_used_share, 1),
            }
            for r in rows
        ],
        "weeks": [
            {"week": w, "booked_hours": b, "cross_border_hours": c, "cross_border_percent": p}
            for w, b, c, p in zip(
                series.weeks,
                series.booked_hours,
                series.cross_hours,
                series.cross_share,
                strict=True,
            )
        ],
    }
