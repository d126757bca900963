"""Web pages of the facilities app: thin — parse, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.people.models import Organisation

from . import charts, matching, selectors, services
from .exports import bookings_ics, statement_pdf
from .forms import (
    BookingForm,
    CatalogueForm,
    CertificateForm,
    DisputeForm,
    FacilityForm,
    FreeSlotsForm,
    MaintenanceForm,
    QuotaForm,
    RejectForm,
    ResolveForm,
    ResourceForm,
    TariffForm,
    UsageForm,
    usage_initial,
)
from .models import (
    Charge,
    Dispute,
    Facility,
    MaintenanceBlock,
    Resource,
    Tariff,
    TrainingCertificate,
)

HKT = ZoneInfo("Asia/Hong_Kong")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def home(request: HttpRequest) -> HttpResponse:
    """The catalogue: filters and "describe your need"."""
    opts = selectors.catalogue_filters()
    form = CatalogueForm(
        request.GET or None, organisations=opts["organisations"], cities=opts["cities"]
    )
    data: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    qs = selectors.catalogue(
        kind=data.get("kind") or "",
        organisation=data.get("organisation"),
        city=data.get("city") or "",
        region=data.get("region") or "",
    )
    need = (data.get("need") or "").strip()
    explanations: dict[int, matching.Match] = {}
    if need:
        hits = matching.search_need(
            need,
            top_k=30,
            kind=data.get("kind") or "",
            region=data.get("region") or "",
            organisation=str(data.get("organisation") or ""),
            language=get_language(),
        )
        by_id = {r.pk: r for r in qs}
        resources = [by_id[h.resource_id] for h in hits if h.resource_id in by_id]
        explanations = {h.resource_id: h for h in hits}
    else:
        resources = list(qs)
    free_from, free_to = data.get("free_from"), data.get("free_to")
    if free_from or free_to:
        a = dt.datetime.combine(free_from or timezone.localdate(), dt.time(0), tzinfo=HKT)
        b = dt.datetime.combine(
            free_to or (a.date() + dt.timedelta(days=7)), dt.time(0), tzinfo=HKT
        )
        resources = selectors.free_in_range(resources, a, b + dt.timedelta(days=1))
    rows = [{"resource": r, "match": explanations.get(r.pk)} for r in resources]
    return render(
        request,
        "facilities/home.html",
        {
            "form": form,
            "rows": rows,
            "need": need,
            "managed": selectors.managed_facilities(request.user).exists(),
        },
    )


FREE_SLOTS_MAX_RESOURCES = 40


def free_slots(request: HttpRequest) -> HttpResponse:
    """ "What is free between A and B" across several resources at once: the ticked
    resources (e.g. the catalogue's results), or every resource of a type and region."""
    candidates = list(selectors.catalogue())
    default_start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time(9), tzinfo=HKT
    )
    bound = "start" in request.GET or "end" in request.GET
    form = FreeSlotsForm(
        request.GET if bound else None,
        resources=candidates,
        initial={
            "start": default_start.strftime("%Y-%m-%dT%H:%M"),
            "end": (default_start + dt.timedelta(days=5, hours=9)).strftime("%Y-%m-%dT%H:%M"),
            "resource": [int(x) for x in request.GET.getlist("resource") if x.isdigit()],
        },
    )
    rows: list[selectors.FreeRow] = []
    truncated = False
    if bound and form.is_valid():
        d = form.cleaned_data
        chosen = set(d.get("resource") or [])
        if chosen:
            picked = [r for r in candidates if r.pk in chosen]
        else:
            picked = [
                r
                for r in candidates
                if (not d.get("kind") or r.kind == d["kind"])
                and (not d.get("region") or r.facility.region == d["region"])
            ]
        truncated = len(picked) > FREE_SLOTS_MAX_RESOURCES
        rows = selectors.free_slots(picked[:FREE_SLOTS_MAX_RESOURCES], d["start"], d["end"])
    return render(
        request,
        "facilities/free.html",
        {"form": form, "rows": rows, "searched": bound and form.is_valid(), "truncated": truncated},
    )


def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(
        Facility.objects.select_related("organisation"), pk=pk, is_active=True
    )
    return render(
        request,
        "facilities/facility.html",
        {
            "facility": facility,
            "resources": facility.resources.filter(is_active=True).order_by("name", "id"),
            "can_manage": services.can_manage(request.user, facility),
        },
    )


def _week_start(request: HttpRequest) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


def _booking_initial(request: HttpRequest) -> dict[str, Any]:
    """The booking form's first values: a slot picked elsewhere (``?date=&start=&end=``,
    e.g. from the free-slots page) or the day after tomorrow."""
    initial: dict[str, Any] = {"date": timezone.localdate() + dt.timedelta(days=2)}
    try:
        initial["date"] = dt.date.fromisoformat(request.GET["date"])
        initial["start"] = dt.time.fromisoformat(request.GET["start"])
        initial["end"] = dt.time.fromisoformat(request.GET["end"])
        if request.GET.get("end_date"):
            initial["end_date"] = dt.date.fromisoformat(request.GET["end_date"])
    except (KeyError, ValueError):
        pass
    return initial


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.select_related("facility__organisation"), pk=pk, is_active=True
    )
    week = _week_start(request)
    ctx = {
        "resource": resource,
        "facility": resource.facility,
        "week": week,
        "prev_week": week - dt.timedelta(days=7),
        "next_week": week + dt.timedelta(days=7),
        "days": selectors.week_calendar(resource, week, request.user),
        "hours": list(range(0, 24, 2)),
        "tariffs": selectors.tariffs_for_viewer(resource, request.user),
        "form": BookingForm(initial=_booking_initial(request)),
        "can_manage": services.can_manage(request.user, resource.facility),
    }
    return render(request, "facilities/resource.html", ctx)


def _back_to_form(resource: Resource, form: BookingForm) -> str:
    """The resource page showing the week of the refused slot, the form filled in again
    with what the user asked for (the messages say what was wrong)."""
    d = form.cleaned_data
    query = urlencode(
        {
            "week": d["date"].isoformat(),
            "date": d["date"].isoformat(),
            "start": d["start"].strftime("%H:%M"),
            "end": d["end"].strftime("%H:%M"),
            **({"end_date": d["end_date"].isoformat()} if d.get("end_date") else {}),
        }
    )
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
        return redirect(resource)
    start, end = form.interval()
    samples = form.cleaned_data.get("samples") or 0
    purpose = form.cleaned_data.get("purpose") or ""
    if request.POST.get("step") == "confirm":
        try:
            booking = services.request_booking(
                request.user,
                resource,
                start,
                end,
                samples=samples,
                purpose=purpose,
                confirmed_price=request.POST.get("confirmed_price") or None,
            )
        except ValidationError as exc:
            _errors(request, exc)
            return redirect(_back_to_form(resource, form))
        if booking.status == "approved":
            messages.success(request, _("Booked: your slot is confirmed."))
        else:
            messages.success(
                request, _("Request sent: the facility manager will approve or reject it.")
            )
        return redirect(booking)
    try:
        q = services.check_request(request.user, resource, start, end, samples)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(_back_to_form(resource, form))
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
    manager = services.can_manage(request.user, booking.resource.facility)
    return render(
        request,
        "facilities/booking.html",
        {
            "booking": booking,
            "manager": manager,
            "is_booker": booking.booker_id == request.user.pk,
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
        if action == "approve":
            services.approve_booking(request.user, booking)
            messages.success(request, _("Approved."))
        elif action == "reject":
            services.reject_booking(request.user, booking, request.POST.get("reason", ""))
            messages.success(request, _("Rejected; the requester sees your reason."))
        elif action == "cancel":
            services.cancel_booking(request.user, booking)
            messages.success(request, _("Cancelled."))
        elif action == "no_show":
            services.mark_no_show(request.user, booking)
            messages.success(request, _("Marked as a no-show."))
        elif action == "usage":
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
        _errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(booking)


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in {"approve", "reject", "cancel", "no_show", "usage"}:
        raise Http404
    return _booking_action(request, pk, action)


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    charges = (
        Charge.objects.filter(payer_id=request.user.pk)
        .select_related("booking__resource")
        .prefetch_related("disputes")
        .order_by("-incurred_on", "-id")[:100]
    )
    return render(
        request,
        "facilities/my_bookings.html",
        {
            "groups": selectors.my_bookings_by_state(request.user),
            "feed": (feed := selectors.calendar_feed_of(request.user)),
            "feed_urls": _feed_urls(request, feed),
            "charges": charges,
            "dispute_form": DisputeForm(),
            "month": timezone.localdate().strftime("%Y-%m"),
        },
    )


@login_required
def my_calendar_ics(request: HttpRequest) -> HttpResponse:
    data = bookings_ics(
        selectors.my_bookings(request.user).filter(status__in=("requested", "approved", "used")),
        name=_("My facility bookings"),
        with_details=True,
        host=request.get_host(),
    )
    resp = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="my-bookings.ics"'
    return resp


def resource_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """A resource's public feed (calendar apps can subscribe): busy blocks only, never
    whose or why."""
    resource = get_object_or_404(Resource, pk=pk, is_active=True, facility__is_active=True)
    bookings = selectors.resource_busy_bookings(resource)
    data = bookings_ics(bookings, name=resource.name, with_details=False, host=request.get_host())
    resp = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'inline; filename="resource-{resource.pk}.ics"'
    return resp


def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A person's private subscription: no login (calendar apps cannot log in); the
    unguessable token in the address is the key. Only that person's own bookings, in
    their preferred language."""
    feed = selectors.feed_by_token(token)
    if feed is None:
        raise Http404
    services.note_feed_read(feed)
    person = feed.person
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        data = bookings_ics(
            selectors.feed_bookings(person),
            name=_("My facility bookings"),
            with_details=True,
            host=request.get_host(),
        )
    resp = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = 'inline; filename="my-bookings.ics"'
    resp["Cache-Control"] = "private, max-age=300"
    resp["X-Robots-Tag"] = "noindex, nofollow"
    resp["Referrer-Policy"] = "no-referrer"
    return resp


@login_required
@require_POST
def calendar_feed(request: HttpRequest, action: str) -> HttpResponse:
    """Turn the private subscription on, give it a new address, or turn it off."""
    if action == "enable":
        services.enable_calendar_feed(request.user)
        messages.success(request, _("Your private calendar address is ready."))
    elif action == "regenerate":
        services.regenerate_calendar_feed(request.user)
        messages.success(
            request,
            _("Your calendar has a new private address; the old one no longer works."),
        )
    elif action == "revoke":
        services.revoke_calendar_feed(request.user)
        messages.success(request, _("Calendar subscription turned off."))
    else:
        raise Http404
    return redirect(f"{reverse('facilities:my_bookings')}#calendar-feed")


def _feed_urls(request: HttpRequest, feed: Any) -> dict[str, str]:
    if feed is None:
        return {}
    https = request.build_absolute_uri(feed.get_absolute_url())
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@login_required
@require_POST
def dispute_charge(request: HttpRequest, pk: int) -> HttpResponse:
    charge = get_object_or_404(Charge, pk=pk, payer_id=request.user.pk)
    try:
        services.raise_dispute(request.user, charge, request.POST.get("reason", ""))
        messages.success(request, _("Dispute sent to the facility manager."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("facilities:my_bookings")


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    queue = selectors.manager_queue(request.user)
    can_publish = services.can_publish(request.user)
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
    try:
        amount: Decimal | None = None
        raw = request.POST.get("new_amount", "").strip()
        if raw:
            try:
                amount = Decimal(raw)
            except InvalidOperation:
                raise ValidationError({"new_amount": _("Give the corrected amount.")}) from None
        services.resolve_dispute(
            request.user,
            dispute,
            upheld=form.data.get("decision") == "uphold",
            resolution=form.data.get("resolution", ""),
            new_amount=amount,
        )
        messages.success(request, _("Dispute resolved."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("facilities:manage")


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
        resp = HttpResponse(
            selectors.statement_csv(statement), content_type="text/csv; charset=utf-8"
        )
        resp["Content-Disposition"] = (
            f'attachment; filename="statement-{slug}-{statement.month}.csv"'
        )
        return resp
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


# --- Publishing (facility managers) ------------------------------------------


def _apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for key, errs in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


@login_required
def facility_new(request: HttpRequest) -> HttpResponse:
    if not services.can_publish(request.user):
        raise PermissionDenied(_("Only facility managers and administrators publish facilities."))
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.create_facility(
                request.user, managers=form.manager_list, **form.service_fields()
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Facility published. Now add its resources."))
            return redirect("facilities:facility_manage", pk=facility.pk)
    return render(request, "facilities/facility_form.html", {"form": form, "facility": None})


def _managed_facility(request: HttpRequest, pk: int) -> Facility:
    facility = get_object_or_404(Facility.objects.select_related("organisation"), pk=pk)
    services.require_manager(request.user, facility)
    return facility


@login_required
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _managed_facility(request, pk)
    form = FacilityForm(request.POST or None, instance=facility)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_facility(
                request.user,
                Facility.objects.get(pk=facility.pk),
                managers=form.manager_list,
                **form.service_fields(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Facility saved."))
            return redirect("facilities:facility_manage", pk=facility.pk)
    return render(request, "facilities/facility_form.html", {"form": form, "facility": facility})


@login_required
def facility_manage(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _managed_facility(request, pk)
    return render(
        request,
        "facilities/facility_manage.html",
        {
            "facility": facility,
            "resources": facility.resources.all().order_by("name", "id"),
            "managers": facility.managers.all().order_by("username"),
        },
    )


@login_required
def resource_new(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _managed_facility(request, pk)
    return _resource_form(request, facility, None)


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.select_related("facility"), pk=pk)
    services.require_manager(request.user, resource.facility)
    return _resource_form(request, resource.facility, resource)


def _resource_form(
    request: HttpRequest, facility: Facility, resource: Resource | None
) -> HttpResponse:
    form = ResourceForm(
        request.POST or None, request.FILES or None, instance=resource or Resource()
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_resource(
                request.user,
                facility,
                Resource.objects.get(pk=resource.pk) if resource else None,
                **form.service_fields(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Resource saved."))
            return redirect("facilities:resource_manage", pk=saved.pk)
    return render(
        request,
        "facilities/resource_form.html",
        {"form": form, "facility": facility, "resource": resource},
    )


RESOURCE_ACTIONS = {
    "tariff",
    "tariff_delete",
    "maintenance",
    "maintenance_delete",
    "certificate",
    "certificate_revoke",
    "quota",
}


@login_required
def resource_manage(request: HttpRequest, pk: int, action: str = "") -> HttpResponse:
    """Tariffs, maintenance, certificates and per-user quotas of one resource."""
    resource = get_object_or_404(Resource.objects.select_related("facility"), pk=pk)
    services.require_manager(request.user, resource.facility)
    forms_: dict[str, Any] = {
        "tariff": TariffForm(),
        "maintenance": MaintenanceForm(),
        "certificate": CertificateForm(),
        "quota": QuotaForm(),
    }
    if request.method == "POST":
        if action not in RESOURCE_ACTIONS:
            raise Http404
        done = _resource_action(request, resource, action, forms_)
        if done:
            return redirect("facilities:resource_manage", pk=resource.pk)
    return render(
        request,
        "facilities/resource_manage.html",
        {
            "resource": resource,
            "facility": resource.facility,
            "tariffs": resource.tariffs.all().order_by("category"),
            "blocks": resource.maintenance.filter(ends_at__gte=timezone.now()).order_by(
                "starts_at", "id"
            ),
            "certificates": resource.certificates.select_related("person").order_by(
                "person__username"
            ),
            "quotas": resource.user_quotas.select_related("person").order_by("person__username"),
            "forms": forms_,
        },
    )


def _post_id(request: HttpRequest) -> int:
    raw = request.POST.get("id", "")
    if not raw.isdigit():
        raise Http404
    return int(raw)


def _resource_action(
    request: HttpRequest, resource: Resource, action: str, forms_: dict[str, Any]
) -> bool:
    """Run one POSTed action; True when it succeeded (else the bound form has errors)."""
    user = request.user
    if action == "tariff_delete":
        tariff = get_object_or_404(Tariff, pk=_post_id(request), resource=resource)
        services.remove_tariff(user, tariff)
        messages.success(request, _("Tariff removed."))
        return True
    if action == "maintenance_delete":
        block = get_object_or_404(MaintenanceBlock, pk=_post_id(request), resource=resource)
        services.remove_maintenance(user, block)
        messages.success(request, _("Maintenance block removed."))
        return True
    if action == "certificate_revoke":
        cert = get_object_or_404(TrainingCertificate, pk=_post_id(request), resource=resource)
        services.revoke_certificate(user, cert)
        messages.success(request, _("Certificate revoked."))
        return True
    form_cls = {
        "tariff": TariffForm,
        "maintenance": MaintenanceForm,
        "certificate": CertificateForm,
        "quota": QuotaForm,
    }[action]
    form = form_cls(request.POST)
    forms_[action] = form
    if not form.is_valid():
        return False
    d = form.cleaned_data
    try:
        if action == "tariff":
            fields = {k: d[k] for k in services.TARIFF_FIELDS}
            services.set_tariff(user, resource, d["category"], **fields)
            messages.success(request, _("Tariff saved."))
        elif action == "maintenance":
            services.add_maintenance(user, resource, d["start"], d["end"], d["reason"])
            messages.success(request, _("Maintenance block added."))
        elif action == "certificate":
            services.grant_certificate(
                user, d["person"], resource, valid_until=d.get("valid_until")
            )
            messages.success(request, _("Training certificate granted."))
        elif action == "quota":
            services.set_user_quota(user, d["person"], resource, d.get("monthly_hours"))
            messages.success(request, _("Quota saved."))
    except ValidationError as exc:
        _apply_errors(form, exc)
        return False
    return True


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    week = _week_start(request)
    return render(
        request,
        "facilities/my_calendar.html",
        {
            "week": week,
            "prev_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7),
            "days": selectors.my_week_calendar(request.user, week),
            "hours": list(range(0, 24, 2)),
            "managed": selectors.managed_facilities(request.user).exists(),
        },
    )


@login_required
def usage_bulk(request: HttpRequest) -> HttpResponse:
    """Several bookings' actual start/end and samples in one form, all or nothing."""
    if not selectors.managed_facilities(request.user).exists():
        raise PermissionDenied(_("You do not manage any facility."))
    bookings = list(selectors.usage_to_record(request.user)[:100])
    rows: list[dict[str, Any]] = []
    for b in bookings:
        prefix = f"b{b.pk}"
        form = UsageForm(
            request.POST if request.method == "POST" else None,
            prefix=prefix,
            initial=usage_initial(b),
        )
        ticked = request.method == "POST" and request.POST.get(f"{prefix}-record") == "on"
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
