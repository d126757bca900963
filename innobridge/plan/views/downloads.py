"""CSV and XLSX downloads of every table: an indicator's series and each breakdown
(officers), and the public page's suppressed tables (everyone)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from .. import exports, permissions, public_view, selectors

FORMATS = ("csv", "xlsx")


def table(request: HttpRequest, key: str, table: str, fmt: str) -> HttpResponse:
    ind = selectors.indicator_or_404(key)
    if fmt not in FORMATS:
        raise Http404
    permissions.require_view_dashboard(request.user)
    if table == "series":
        rows = exports.series_table(ind)
    elif table in ind.breakdowns:
        rows = exports.breakdown_table(ind, table)
    else:
        raise Http404
    return exports.response(
        exports.with_notes(ind, rows), f"innobridge-{ind.key}-{table}", fmt, table
    )


def public_table(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    rows = public_view.public_rows()
    return exports.response(rows, "innobridge-plan-public", fmt, "public")
