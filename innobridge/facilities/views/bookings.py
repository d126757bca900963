"""Booking pages: book, a booking and its actions, my bookings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.personpages import person_page

from .. import permissions, selectors, services
from ..forms import (
    BookingForm,
    DisputeForm,
    RejectForm,
    UsageForm,
    usage_initial,
)
from ..models import (
    BookingStatus,
    Charge,
    Resource,
)
from ..workflow import BOOKING_FLOW, BookingAction, booking_actions
from .calendars import feed_urls
from .common import flash_errors


def _back_to_form(resource: Resource, data: Any) -> str:
    """The resource page showing the week of the refused slot, the form filled in again
    with everything the user typed — slot, samples, purpose — (the messages, shown at the
    form, say what was wrong). ``data`` is the POST as sent, so an invalid form comes back
    filled in too."""
    fields = ("date", "start", "end", "end_date", "samples", "purpose")
    values = {k: str(data.get(k, "")).strip() for k in fields if str(data.get(k, "")).strip()}
    values["purpose"] = values.get("purpose", "")[:1500]
    if values.get("date"):
        values["week"] = values["date"]
    query = urlencode({k: v for k, v in values.items() if v})
    return f"{resource.get_absolute_url()}?{query}#book"


@login_required
@require_POST
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: "quote" shows the price and every rule check; "confirm" sends the
    request with the price the user saw (frozen on the booking)."""
    resource = get_object_or_404(Resource.objects.select_related("facility"), pk=pk, is_active=True)
    form = BookingForm(request.POST, tz=resource.timezone)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for e in field_errors:
                messages.error(request, str(e))
        return redirect(_back_to_form(resource, form.data))
    start, end = form.interval()
    samples = form.cleaned_data.get("samples") or 0
    purpose = form.cleaned_data.get("purpose") or ""
    if form.cleaned_data["step"] == "confirm":
        try:
            booking = services.request_booking(
                request.user,
                resource,
                start,
                end,
                samples=samples,
                purpose=purpose,
                confirmed_price=form.cleaned_data["confirmed_price"] or None,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect(_back_to_form(resource, form.data))
        if booking.status == BookingStatus.APPROVED:
            messages.success(request, _("Booked: your slot is confirmed."))
        else:
            messages.success(
                request, _("Request sent: the facility manager will approve or reject it.")
            )
        return redirect(booking)
    try:
        q = services.check_request(request.user, resource, start, end, samples)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(_back_to_form(resource, form.data))
    return render(
        request,
        "facilities/confirm.html",
        {
            "resource": resource,
            "form": form,
            "quote": q,
            "start": start,
            "end": end,
            "samples": samples,
            "purpose": purpose,
        },
    )


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = selectors.visible_booking(request.user, pk)
    if booking is None:
        raise Http404
    manager = permissions.can_manage_facility(request.user, booking.resource.facility)
    return render(
        request,
        "facilities/booking.html",
        {
            "booking": booking,
            "manager": manager,
            "is_booker": booking.booker_id == request.user.pk,
            "actions": booking_actions(request.user, booking),
            "fee_now": services.late_cancellation_fee(booking),
            "charges": booking.charges.all().order_by("id"),
            "reject_form": RejectForm(),
            "usage_form": UsageForm(initial=usage_initial(booking)),
            "now": timezone.now(),
        },
    )


def _booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    booking = selectors.visible_booking(request.user, pk)
    if booking is None:
        raise Http404
    try:
        if action == BookingAction.APPROVE:
            services.approve_booking(request.user, booking)
            messages.success(request, _("Approved."))
        elif action == BookingAction.REJECT:
            reject = RejectForm(request.POST)
            if not reject.is_valid():
                for errs in reject.errors.values():
                    for err in errs:
                        messages.error(request, str(err))
                return redirect(booking)
            services.reject_booking(request.user, booking, reject.cleaned_data["reason"])
            messages.success(request, _("Rejected; the requester sees your reason."))
        elif action == BookingAction.CANCEL:
            services.cancel_booking(request.user, booking)
            messages.success(request, _("Cancelled."))
        elif action == BookingAction.MARK_NO_SHOW:
            services.mark_no_show(request.user, booking)
            messages.success(request, _("Marked as a no-show."))
        elif action == BookingAction.RECORD_USAGE:
            usage = UsageForm(request.POST)
            if not usage.is_valid():
                for errs in usage.errors.values():
                    for err in errs:
                        messages.error(request, str(err))
                return redirect(booking)
            started, ended = usage.interval(ZoneInfo(booking.resource.timezone))
            services.record_usage(
                request.user,
                booking,
                started_at=started,
                ended_at=ended,
                samples=usage.cleaned_data.get("samples") or 0,
                notes=usage.cleaned_data.get("notes") or "",
            )
            messages.success(request, _("Usage recorded; the charge is on the user's statement."))
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(booking)


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in BOOKING_FLOW.actions:
        raise Http404
    return _booking_action(request, pk, action)


@login_required
@person_page("facilities.my_bookings")
def my_bookings(request: HttpRequest) -> HttpResponse:
    # The page shows each charge's own fields and disputes (not its booking), and the same
    # dispute field in every open charge's form: rendered once (issue #17).
    charges = (
        Charge.objects.filter(payer_id=request.user.pk)
        .prefetch_related("disputes")
        .order_by("-incurred_on", "-id")[:100]
    )
    dispute_form = DisputeForm()
    return render(
        request,
        "facilities/my_bookings.html",
        {
            "groups": selectors.my_bookings_by_state(request.user),
            "feed": (feed := selectors.calendar_feed_of(request.user)),
            "feed_urls": feed_urls(request, feed),
            "charges": charges,
            "dispute_form": dispute_form,
            "dispute_reason": str(dispute_form["reason"]),
            "month": timezone.localdate().strftime("%Y-%m"),
        },
    )
