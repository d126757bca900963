"""The dashboard's pages: overview of the five areas, one area, one indicator, the
public page, and the officer's "take a snapshot now" button."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.figures import batch

from .. import charts, permissions, public_view, selectors, tasks
from ..indicators.base import DIMENSION_LABELS, UNIT_LABELS, Indicator
from ..models import Area


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {"plan_areas": list(Area), **context})


def overview(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_dashboard(request.user):
        return redirect("plan:public")
    by_area = selectors.overview_cards()
    areas = [{"area": area, "cards": by_area[area.value]} for area in Area]
    return _page(
        request,
        "plan/overview.html",
        {
            "areas": areas,
            "can_snapshot": permissions.can_take_snapshot(request.user),
            "can_edit": permissions.can_edit_measure(request.user),
        },
    )


def area(request: HttpRequest, area: str) -> HttpResponse:
    if area not in Area.values:
        raise Http404
    if not permissions.can_view_dashboard(request.user):
        return redirect("plan:public")
    cards = selectors.area_cards(area)
    return _page(
        request,
        "plan/area.html",
        {
            "area": Area(area),
            "cards": cards,
            "measures": selectors.measures_by_area().get(area, []),
            "context": [(s, charts.context_chart(s)) for s in selectors.context_series(area)],
            "can_edit": permissions.can_edit_measure(request.user),
        },
    )


def indicator(request: HttpRequest, key: str) -> HttpResponse:
    ind = selectors.indicator_or_404(key)
    if not permissions.can_view_dashboard(request.user):
        return redirect("plan:public")
    with batch():  # the live total and every breakdown from the same few aggregates
        return _indicator_page(request, ind)


def _indicator_page(request: HttpRequest, ind: Indicator) -> HttpResponse:
    series = selectors.quarterly_series(ind)
    tables = []
    for dim in ind.breakdowns:
        rows = selectors.breakdown_table(ind, dim)
        labelled = [(selectors.cell_label(ind, dim, r.key, r.label), r) for r in rows]
        tables.append(
            {
                "dimension": dim,
                "label": DIMENSION_LABELS.get(dim, dim),
                "rows": labelled,
                "chart": charts.breakdown_chart(ind, dim, rows, {r.key: lb for lb, r in labelled}),
                "additive": dim in ind.additive,
            }
        )
    return _page(
        request,
        "plan/indicator.html",
        {
            "ind": ind,
            "area": Area(ind.area),
            "unit": UNIT_LABELS.get(ind.unit, ind.unit),
            "series": series,
            "series_chart": charts.series_chart(ind, series),
            "tables": tables,
            "measures": selectors.measures_for(ind.key),
        },
    )


@login_required
@require_POST
def snapshot_now(request: HttpRequest) -> HttpResponse:
    if not permissions.can_take_snapshot(request.user):
        raise PermissionDenied
    person_id = request.user.pk
    assert person_id is not None  # signed in
    tasks.snapshot_for.enqueue(person_id)
    messages.success(
        request, _("Snapshot requested: the values appear here once it has been taken.")
    )
    return redirect("plan:home")


def public(request: HttpRequest) -> HttpResponse:
    return _page(request, "plan/public.html", public_view.public_context())
