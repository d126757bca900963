"""The manager's desk: queue, disputes, usage in bulk."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.forms import apply_service_errors, flash_form_errors

from .. import permissions, selectors, services
from ..forms import (
    DisputeForm,
    RejectForm,
    ResolveForm,
    UsageRowForm,
    usage_initial,
)
from ..models import (
    Charge,
    Dispute,
)


@login_required
@require_POST
def dispute_charge(request: HttpRequest, pk: int) -> HttpResponse:
    charge = get_object_or_404(Charge, pk=pk, payer_id=request.user.pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.raise_dispute(request.user, charge, form.cleaned_data["reason"])
            messages.success(request, _("Dispute sent to the facility manager."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
    flash_form_errors(request, form)
    return redirect("facilities:my_bookings")


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    queue = selectors.manager_queue(request.user)
    can_publish = permissions.can_publish_facility(request.user)
    if not queue["facilities"].exists() and not can_publish:
        raise PermissionDenied(_("You do not manage any facility."))
    return render(
        request,
        "facilities/manage.html",
        {
            **queue,
            "can_publish": can_publish,
            "reject_form": RejectForm(),
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_POST
def resolve_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(
        Dispute.objects.select_related("charge__booking__resource__facility"), pk=pk
    )
    form = ResolveForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.resolve_dispute(
                request.user,
                dispute,
                upheld=d["decision"] == "uphold",
                resolution=d["resolution"],
                new_amount=d["new_amount"],
            )
            messages.success(request, _("Dispute resolved."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
    flash_form_errors(request, form)
    return redirect("facilities:manage")


@login_required
def usage_bulk(request: HttpRequest) -> HttpResponse:
    """Several bookings' actual start/end and samples in one form, all or nothing."""
    if not selectors.managed_facilities(request.user).exists():
        raise PermissionDenied(_("You do not manage any facility."))
    bookings = list(selectors.usage_to_record(request.user)[:100])
    rows: list[dict[str, Any]] = []
    for b in bookings:
        prefix = f"b{b.pk}"
        form = UsageRowForm(
            request.POST if request.method == "POST" else None,
            prefix=prefix,
            initial=usage_initial(b),
        )
        ticked = request.method == "POST" and bool(form["record"].data)
        rows.append({"booking": b, "form": form, "ticked": ticked, "errors": []})
    error = ""
    if request.method == "POST":
        entries = []
        valid = True
        for row in rows:
            if not row["ticked"]:
                continue
            form = row["form"]
            if not form.is_valid():
                valid = False
                continue
            tz = ZoneInfo(row["booking"].resource.timezone)
            d = form.cleaned_data
            started, ended = form.interval(tz)
            entries.append(
                services.UsageEntry(
                    row["booking"], started, ended, d.get("samples") or 0, d.get("notes") or ""
                )
            )
        if valid:
            try:
                charges = services.record_usage_bulk(request.user, entries)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    by_id = exc.message_dict
                    for row in rows:
                        row["errors"] = by_id.get(str(row["booking"].pk), [])
                    error = _("Nothing was recorded: correct the marked rows.")
                else:
                    error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Usage recorded for %(n)d booking(s); the charges are on the statements.")
                    % {"n": len(charges)},
                )
                return redirect("facilities:usage_bulk")
        else:
            error = _("Nothing was recorded: correct the marked rows.")
    return render(
        request, "facilities/usage_bulk.html", {"rows": rows, "error": error, "managed": True}
    )
