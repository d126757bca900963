"""Downloads of a call's papers for programme officers (XLSX workbook, CSV per table)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from innobridge.core.exports import csv_response, xlsx_response

from .. import exports, permissions
from ..models import Call, Funder


@login_required
def call_export(request: HttpRequest, pk: int, fmt: str, table: str = "") -> HttpResponse:
    """``/calls/<pk>/export.xlsx`` or ``/calls/<pk>/export/<table>.csv``; ``?funder=<id>``
    for one funder's side. Programme officers of the call only (403 for anyone else)."""
    call = get_object_or_404(Call, pk=pk)
    permissions.require_manage_call(request.user, call)
    funder = None
    if request.GET.get("funder"):
        try:
            funder = get_object_or_404(Funder, pk=int(request.GET["funder"]), call_sides__call=call)
        except ValueError as exc:
            raise Http404 from exc
    try:
        data, name = exports.export_call(request.user, call, fmt=fmt, table=table, funder=funder)
    except exports.UnknownExport as exc:
        raise Http404 from exc
    if fmt == "csv":
        return csv_response(data.decode("utf-8"), name)
    return xlsx_response(data, name)
