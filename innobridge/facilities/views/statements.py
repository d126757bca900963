"""Statements (mine, an organisation's) and utilisation reports."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.exports import csv_response
from innobridge.people.models import Organisation

from .. import charts, selectors
from ..exports import statement_pdf
from .common import HKT


def _month(request: HttpRequest) -> str:
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        selectors.month_range(month)
    except ValueError:
        month = timezone.localdate().strftime("%Y-%m")
    return month


def _statement_response(
    request: HttpRequest, statement: selectors.Statement, slug: str
) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        return csv_response(
            selectors.statement_csv(statement), f"statement-{slug}-{statement.month}.csv"
        )
    if fmt == "pdf":
        resp = HttpResponse(statement_pdf(statement), content_type="application/pdf")
        resp["Content-Disposition"] = (
            f'attachment; filename="statement-{slug}-{statement.month}.pdf"'
        )
        return resp
    return render(request, "facilities/statement.html", {"statement": statement})


@login_required
def my_statement(request: HttpRequest) -> HttpResponse:
    statement = selectors.user_statement(request.user, _month(request))
    return _statement_response(request, statement, request.user.username)


@login_required
def organisation_statement(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    if not selectors.managed_facilities(request.user).exists():
        raise PermissionDenied(
            _("Only facility managers and administrators see organisation statements.")
        )
    statement = selectors.organisation_statement(request.user, org, _month(request))
    return _statement_response(request, statement, f"org{org.pk}")


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    facilities = selectors.managed_facilities(request.user)
    if not facilities.exists():
        raise PermissionDenied(_("You do not manage any facility."))
    today = timezone.localdate()
    try:
        a = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        a = today.replace(day=1)
    try:
        b = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        b = (a + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if b < a:
        a, b = b, a
    b = min(b, a + dt.timedelta(days=366))
    start = dt.datetime.combine(a, dt.time(0), tzinfo=HKT)
    end = dt.datetime.combine(b + dt.timedelta(days=1), dt.time(0), tzinfo=HKT)
    rows = selectors.utilisation(facilities, start, end)
    booked = sum(r.booked_hours for r in rows)
    cross = sum(r.cross_border_hours for r in rows)
    used = sum(r.used_hours for r in rows)
    cross_used = sum(r.cross_border_used_hours for r in rows)
    orgs = (
        Organisation.objects.filter(facility_bookings__resource__facility__in=facilities)
        .distinct()
        .order_by("name")[:100]
    )
    series = selectors.weekly_series(facilities, start, end)
    return render(
        request,
        "facilities/reports.html",
        {
            "series": series,
            "weekly": list(
                zip(
                    series.weeks,
                    series.booked_hours,
                    series.cross_hours,
                    series.cross_share,
                    [w > timezone.localdate() for w in series.weeks],
                    strict=True,
                )
            ),
            "utilisation_chart": charts.utilisation_chart(series),
            "cross_border_chart": charts.cross_border_chart(series),
            "rows": rows,
            "from": a,
            "to": b,
            "booked": round(booked, 1),
            "cross": round(cross, 1),
            "share": round(cross / booked * 100, 1) if booked else 0.0,
            "used": round(used, 1),
            "used_share": round(cross_used / used * 100, 1) if used else 0.0,
            "orgs": orgs,
            "month": a.strftime("%Y-%m"),
        },
    )
