"""Officers add and edit the Plan's measures (form → service → audit event)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innobridge.core.forms import apply_service_errors

from .. import permissions, services
from ..forms import MeasureForm
from ..models import Area, Measure


@login_required
def measure_new(request: HttpRequest) -> HttpResponse:
    permissions.require_edit_measure(request.user)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            m = services.create_measure(request.user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Measure %(code)s added.") % {"code": m.code})
            return redirect("plan:area", area=m.area)
    return render(
        request, "plan/measure_form.html", {"form": form, "measure": None, "plan_areas": list(Area)}
    )


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_edit_measure(request.user)
    measure = get_object_or_404(Measure, pk=pk)
    form = MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            m = services.update_measure(request.user, Measure.objects.get(pk=pk), **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Measure %(code)s saved.") % {"code": m.code})
            return redirect("plan:area", area=m.area)
    return render(
        request,
        "plan/measure_form.html",
        {"form": form, "measure": measure, "plan_areas": list(Area)},
    )
