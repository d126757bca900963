"""Publishing (facility managers): facilities, resources, tariffs, maintenance,
certificates, quotas."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.forms import apply_service_errors

from .. import permissions, services
from ..forms import (
    CertificateForm,
    FacilityForm,
    IdForm,
    MaintenanceForm,
    QuotaForm,
    ResourceForm,
    TariffForm,
)
from ..models import (
    Facility,
    MaintenanceBlock,
    Resource,
    Tariff,
    TrainingCertificate,
)


@login_required
def facility_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_publish_facility(request.user):
        raise PermissionDenied(_("Only facility managers and administrators publish facilities."))
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.create_facility(
                request.user, managers=form.manager_list, **form.service_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Facility published. Now add its resources."))
            return redirect("facilities:facility_manage", pk=facility.pk)
    return render(request, "facilities/facility_form.html", {"form": form, "facility": None})


def _managed_facility(request: HttpRequest, pk: int) -> Facility:
    facility = get_object_or_404(Facility.objects.select_related("organisation"), pk=pk)
    permissions.require_manage_facility(request.user, facility)
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
            apply_service_errors(form, exc)
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
    permissions.require_manage_facility(request.user, resource.facility)
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
            apply_service_errors(form, exc)
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
    permissions.require_manage_facility(request.user, resource.facility)
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
    form = IdForm(request.POST)
    if not form.is_valid():
        raise Http404
    return int(form.cleaned_data["id"])


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
        apply_service_errors(form, exc)
        return False
    return True
