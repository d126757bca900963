"""Facility managers publish through the web: facilities, resources (with photo),
tariffs, maintenance, certificates and per-user quotas — permissions, form errors,
audit events, nothing half-written, pages in three languages."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.facilities import services
from innobridge.facilities.models import (
    Facility,
    MaintenanceBlock,
    Resource,
    Tariff,
    TrainingCertificate,
    UserQuota,
)
from tests.factories import named, organisation
from tests.pages import OrganisationBox, client_as

from .conftest import NOW, hk
from .steps import RESOURCE_POST


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


# --- Services ----------------------------------------------------------------


def test_create_facility_service(orgs: Any, make_person: Any) -> None:
    boss = make_person("boss", roles=("facility_manager",))
    other = make_person("other", roles=("facility_manager",))
    fac = services.create_facility(
        boss, managers=[other], name="Nano Fab", organisation=orgs["sustech"], city="Shenzhen"
    )
    assert fac.region == "CN"  # from the organisation
    assert set(fac.managers.all()) == {boss, other}
    assert AuditEvent.objects.filter(action="facilities.facility.created").count() == 1


def test_create_facility_needs_role_and_manager_role(orgs: Any, make_person: Any) -> None:
    researcher = make_person("res", roles=("researcher",))
    with pytest.raises(PermissionDenied):
        services.create_facility(researcher, name="X", organisation=orgs["hku"])
    boss = make_person("boss", roles=("facility_manager",))
    with pytest.raises(ValidationError) as exc:
        services.create_facility(boss, managers=[researcher], name="X", organisation=orgs["hku"])
    assert "managers" in exc.value.message_dict
    assert not Facility.objects.exists()


def test_update_facility_only_its_managers(facility: Any, manager: Any, make_person: Any) -> None:
    stranger = make_person("stranger", roles=("facility_manager",))
    with pytest.raises(PermissionDenied):
        services.update_facility(stranger, facility, name="Hijacked")
    services.update_facility(manager, facility, name="Renamed", managers=[manager, stranger])
    facility.refresh_from_db()
    assert facility.name == "Renamed"
    assert facility.managers.count() == 2
    with pytest.raises(ValidationError):
        services.update_facility(manager, facility, managers=[])
    admin = make_person("root", roles=("administrator",))
    services.update_facility(admin, facility, city="Kowloon")
    assert Facility.objects.get(pk=facility.pk).city == "Kowloon"


def test_save_resource_validates_everything(facility: Any, manager: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.save_resource(
            manager,
            facility,
            kind="instrument",
            name="Bad",
            min_duration_minutes=120,
            max_duration_minutes=60,
            opening_hours={"0": [["18:00", "09:00"]]},
            allowed_categories=["aliens"],
        )
    errors = exc.value.message_dict
    assert {"max_duration_minutes", "opening_hours", "allowed_categories"} <= set(errors)
    assert not Resource.objects.filter(name="Bad").exists()
    r = services.save_resource(manager, facility, kind="dataset", name="Cohort data")
    assert r.pk and r.facility == facility
    assert AuditEvent.objects.filter(action="facilities.resource.created").exists()


def test_allowed_groups_restrict_booking(resource: Any, manager: Any, people: Any) -> None:
    services.save_resource(
        manager, resource.facility, resource, allowed_categories=["mainland_academic"]
    )
    resource.refresh_from_db()
    start = hk(2026, 3, 4, 10)
    services.check_request(
        people["mainland"], resource, start, start + dt.timedelta(hours=1), now=NOW
    )
    with pytest.raises(ValidationError, match="not open to your user group"):
        services.check_request(
            people["hk"], resource, start, start + dt.timedelta(hours=1), now=NOW
        )


def test_set_tariff_create_replace_validate(resource: Any, manager: Any, people: Any) -> None:
    t = services.set_tariff(
        manager,
        resource,
        "industry",
        unit="sample",
        price=Decimal("300"),
        currency="CNY",
        cancellation_window_hours=12,
        late_cancellation_fee_percent=20,
        no_show_fee_percent=80,
    )
    assert Tariff.objects.get(pk=t.pk).unit == "sample"
    assert Tariff.objects.filter(resource=resource, category="industry").count() == 1
    with pytest.raises(ValidationError) as exc:
        services.set_tariff(
            manager,
            resource,
            "industry",
            unit="hour",
            price=Decimal("-1"),
            currency="HKD",
            cancellation_window_hours=1,
            late_cancellation_fee_percent=150,
            no_show_fee_percent=0,
        )
    assert {"price", "late_cancellation_fee_percent"} <= set(exc.value.message_dict)
    assert Tariff.objects.get(pk=t.pk).price == Decimal("300")
    with pytest.raises(PermissionDenied):
        services.set_tariff(people["hk"], resource, "industry", price=Decimal("1"))
    services.remove_tariff(manager, t)
    assert not Tariff.objects.filter(pk=t.pk).exists()
    assert AuditEvent.objects.filter(action="facilities.tariff.deleted").exists()


def test_user_quota_overrides_default(resource: Any, manager: Any, people: Any) -> None:
    resource.monthly_quota_hours = 10
    resource.save()
    li = people["mainland"]
    assert services.quota_hours(li, resource) == 10
    services.set_user_quota(manager, li, resource, 1)
    assert services.quota_hours(li, resource) == 1
    start = hk(2026, 3, 4, 10)
    with pytest.raises(ValidationError, match="quota"):
        services.check_request(li, resource, start, start + dt.timedelta(hours=2), now=NOW)
    services.set_user_quota(manager, li, resource, None)
    assert not UserQuota.objects.exists()
    assert services.quota_hours(li, resource) == 10
    with pytest.raises(PermissionDenied):
        services.set_user_quota(li, li, resource, 100)


def test_maintenance_and_certificate_removal(resource: Any, manager: Any, people: Any) -> None:
    block = services.add_maintenance(manager, resource, hk(2026, 3, 10, 9), hk(2026, 3, 10, 12))
    services.remove_maintenance(manager, block)
    assert not MaintenanceBlock.objects.exists()
    cert = services.grant_certificate(manager, people["hk"], resource)
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(people["hk"], cert)
    services.revoke_certificate(manager, cert)
    assert not TrainingCertificate.objects.exists()


# --- Pages -------------------------------------------------------------------


def test_publish_facility_page(orgs: Any, make_person: Any) -> None:
    boss = make_person("boss", roles=("facility_manager",), email="boss@example.org")
    make_person("deputy", roles=("facility_manager",), email="deputy@example.org")
    c = client_as(boss)
    assert c.get(reverse("facilities:manage")).status_code == 200  # no facility yet
    r = c.post(
        reverse("facilities:facility_new"),
        {
            "name": "Cryo-EM Centre",
            "organisation": orgs["tsinghua"].name,
            "city": "Beijing",
            "region": "",
            "contact_email": "cryo@example.org",
            "managers_text": "deputy@example.org",
            "is_active": "on",
        },
    )
    fac = Facility.objects.get(name="Cryo-EM Centre")
    assert r.status_code == 302 and r["Location"] == reverse(
        "facilities:facility_manage", args=[fac.pk]
    )
    assert fac.organisation == orgs["tsinghua"] and fac.region == "CN"
    assert {m.username for m in fac.managers.all()} == {"boss", "deputy"}


def test_publish_facility_form_errors(orgs: Any, make_person: Any) -> None:
    boss = make_person("boss", roles=("facility_manager",))
    c = client_as(boss)
    r = c.post(
        reverse("facilities:facility_new"),
        {
            "name": "",
            "organisation": "Nowhere University of Atlantis",
            "managers_text": "ghost",
            "contact_email": "not-an-email",
        },
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "No organisation matches" in body
    assert "No user “ghost”" in body
    assert "valid email" in body
    assert not Facility.objects.exists()


def test_publish_pages_forbidden_to_others(
    facility: Any, resource: Any, people: Any, make_person: Any
) -> None:
    c = client_as(people["hk"])
    assert c.get(reverse("facilities:facility_new")).status_code == 403
    assert c.get(reverse("facilities:facility_edit", args=[facility.pk])).status_code == 403
    assert c.get(reverse("facilities:resource_manage", args=[resource.pk])).status_code == 403
    other_mgr = make_person("othermgr", roles=("facility_manager",))
    c2 = client_as(other_mgr)
    assert c2.get(reverse("facilities:resource_edit", args=[resource.pk])).status_code == 403
    r = c2.post(
        reverse("facilities:resource_action", args=[resource.pk, "quota"]),
        {"person": "hana", "monthly_hours": "1"},
    )
    assert r.status_code == 403
    assert not UserQuota.objects.exists()
    # Public pages show no manager links to them.
    assert "manager-links" not in c.get(resource.get_absolute_url()).content.decode()
    assert "manager-links" not in c.get(facility.get_absolute_url()).content.decode()


def test_resource_form_creates_with_photo(
    facility: Any, manager: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    c = client_as(manager)
    data = {**RESOURCE_POST, "photo": SimpleUploadedFile("lsm.png", png_bytes(), "image/png")}
    r = c.post(reverse("facilities:resource_new", args=[facility.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    res = Resource.objects.get(name="Confocal microscope")
    assert res.specifications == {"Lasers": "405, 488, 561 nm", "Objectives": "10x-63x"}
    assert res.techniques == ["confocal", "FRET", "live-cell"]
    assert res.allowed_categories == ["internal", "mainland_academic"]
    assert res.opening_hours == {
        "0": [["09:00", "12:00"], ["13:00", "18:00"]],
        "1": [["09:00", "18:00"]],
        "3": [["09:00", "18:00"]],
        "4": [["09:00", "18:00"]],
    }
    assert (res.photo.name or "").startswith("facilities/")
    assert res.training_required and res.monthly_quota_hours == 20
    # The manager sees the edit links on the public page; the edit form is prefilled.
    assert "manager-links" in c.get(res.get_absolute_url()).content.decode()
    body = c.get(reverse("facilities:resource_edit", args=[res.pk])).content.decode()
    assert "Lasers: 405, 488, 561 nm" in body and "09:00-12:00, 13:00-18:00" in body


def test_a_resource_whose_audit_fails_leaves_no_photo(
    facility: Any, manager: Any, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from innobridge.facilities.services import resources

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit failed")

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(resources, "record_event", boom)
    with pytest.raises(RuntimeError):
        services.save_resource(
            manager,
            facility,
            kind="instrument",
            name="Confocal microscope",
            photo=SimpleUploadedFile("lsm.png", png_bytes(), "image/png"),
        )
    assert not Resource.objects.filter(name="Confocal microscope").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_replaced_photo_is_deleted_once_the_change_commits(
    facility: Any,
    manager: Any,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        res = services.save_resource(
            manager,
            facility,
            kind="instrument",
            name="Confocal microscope",
            photo=SimpleUploadedFile("old.png", png_bytes(), "image/png"),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.save_resource(
            manager, facility, res, photo=SimpleUploadedFile("new.png", png_bytes(), "image/png")
        )
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["new.png"]
    assert Resource.objects.get(pk=res.pk).photo.name == "facilities/new.png"


def test_resource_form_rejects_non_images_and_bad_hours(
    facility: Any, manager: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    c = client_as(manager)
    data = {
        **RESOURCE_POST,
        "hours_0": "nine to five",
        "specifications_text": "no colon here",
        "min_duration_minutes": "300",
        "photo": SimpleUploadedFile("x.png", b"%PDF-1.4 not an image", "image/png"),
    }
    r = c.post(reverse("facilities:resource_new", args=[facility.pk]), data)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Write intervals like 09:00-12:00" in body
    assert "is not “name: value”" in body
    assert "Upload a valid image" in body or "not an image" in body
    assert not Resource.objects.filter(name="Confocal microscope").exists()
    assert not list(tmp_path.rglob("*.png"))
    # Valid form but inconsistent durations: the service's error lands on the form.
    r = c.post(
        reverse("facilities:resource_new", args=[facility.pk]),
        {**RESOURCE_POST, "min_duration_minutes": "300"},
    )
    assert r.status_code == 200
    assert "must not be shorter than the shortest" in r.content.decode()
    assert not Resource.objects.filter(name="Confocal microscope").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("18:00-09:00", "“18:00-09:00” does not run forward within one day."),
        ("09:00-12:00, 23:00-24:30", "“23:00-24:30” does not run forward within one day."),
        ("09:75-10:00", "“09:75-10:00” is not a time interval."),
        ("nine to five", "“nine to five” is not a time interval."),
    ],
)
def test_a_bad_weekday_is_reported_at_its_field(
    facility: Any, manager: Any, typed: str, message: str
) -> None:
    """The error sits beside Wednesday's field (hours_2), names what was typed, and
    nothing is saved."""
    c = client_as(manager)
    r = c.post(
        reverse("facilities:resource_new", args=[facility.pk]), {**RESOURCE_POST, "hours_2": typed}
    )
    assert r.status_code == 200
    form = r.context["form"]
    assert message in " ".join(form.errors["hours_2"]) and not form.non_field_errors()
    body = r.content.decode()
    field, error, next_field = (
        body.index('name="hours_2"'),
        body.index(html.escape(message, quote=False)),
        body.index('name="hours_3"'),
    )
    assert field < error < next_field
    assert not Resource.objects.filter(name="Confocal microscope").exists()


def test_resource_photo_size_limit(
    facility: Any, manager: Any, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from innobridge.facilities.forms import resources

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(resources, "PHOTO_MAX_BYTES", 100)
    c = client_as(manager)
    data = {
        **RESOURCE_POST,
        "photo": SimpleUploadedFile("big.png", png_bytes((64, 64)), "image/png"),
    }
    r = c.post(reverse("facilities:resource_new", args=[facility.pk]), data)
    assert r.status_code == 200
    assert "larger than 5 MB" in r.content.decode()
    assert not Resource.objects.filter(name="Confocal microscope").exists()


def test_resource_manage_actions(resource: Any, manager: Any, people: Any) -> None:
    c = client_as(manager)
    url = lambda a: reverse("facilities:resource_action", args=[resource.pk, a])  # noqa: E731
    r = c.post(
        url("tariff"),
        {
            "category": "industry",
            "unit": "sample",
            "price": "120.50",
            "currency": "CNY",
            "cancellation_window_hours": "24",
            "late_cancellation_fee_percent": "50",
            "no_show_fee_percent": "100",
        },
    )
    assert r.status_code == 302
    t = Tariff.objects.get(resource=resource, category="industry")
    assert (t.unit, t.price, t.currency) == ("sample", Decimal("120.50"), "CNY")
    r = c.post(
        url("tariff"),
        {
            "category": "industry",
            "unit": "hour",
            "price": "-3",
            "currency": "EUR",
            "cancellation_window_hours": "24",
            "late_cancellation_fee_percent": "101",
            "no_show_fee_percent": "100",
        },
    )
    assert r.status_code == 200
    assert Tariff.objects.get(pk=t.pk).price == Decimal("120.50")
    r = c.post(url("certificate"), {"person": "li", "valid_until": "2030-01-01"})
    assert r.status_code == 302
    assert TrainingCertificate.objects.get(resource=resource).person == people["mainland"]
    r = c.post(url("certificate"), {"person": "nobody-at-all"})
    assert r.status_code == 200 and "No user" in r.content.decode()
    r = c.post(url("quota"), {"person": "li", "monthly_hours": "5"})
    assert r.status_code == 302
    assert UserQuota.objects.get().monthly_hours == 5
    r = c.post(url("maintenance"), {"start": "2030-03-04T09:00", "end": "2030-03-04T08:00"})
    assert r.status_code == 200 and not MaintenanceBlock.objects.exists()
    r = c.post(
        url("maintenance"),
        {"start": "2030-03-04T09:00", "end": "2030-03-04T12:00", "reason": "service"},
    )
    assert r.status_code == 302 and MaintenanceBlock.objects.count() == 1
    r = c.post(url("tariff_delete"), {"id": "abc"})
    assert r.status_code == 404
    r = c.post(url("tariff_delete"), {"id": str(t.pk)})
    assert r.status_code == 302 and not Tariff.objects.filter(pk=t.pk).exists()


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_publishing_pages_in_three_languages(resource: Any, manager: Any, language: str) -> None:
    c = client_as(manager, language)
    fac = resource.facility
    for name, args in [
        ("facilities:manage", []),
        ("facilities:facility_new", []),
        ("facilities:facility_manage", [fac.pk]),
        ("facilities:facility_edit", [fac.pk]),
        ("facilities:resource_new", [fac.pk]),
        ("facilities:resource_edit", [resource.pk]),
        ("facilities:resource_manage", [resource.pk]),
    ]:
        r = c.get(reverse(name, args=args))
        assert r.status_code == 200, (name, r.status_code)
        assert (
            f'lang="{ {"en": "en", "zh-hant": "zh-Hant-HK", "zh-hans": "zh-Hans-CN"}[language] }'
            in r.content.decode()
        )


def test_the_host_organisation_box_is_the_shared_one_and_saves_as_shown(
    facility: Any, orgs: Any
) -> None:
    """The facility form's organisation box was written by hand (and prefilled with the
    English name, which failed as ambiguous on an unchanged save when another organisation
    shares it): it is now people's OrganisationNameField, prefilled so it saves as shown."""
    host = named(orgs["hkust"], ror_id="00q4vv597")
    organisation(name=host.name, region="CN", city="Guangzhou")
    manager = facility.managers.get()
    c = client_as(manager)
    url = reverse("facilities:facility_edit", args=[facility.pk])
    page = c.get(url).content.decode()
    OrganisationBox.check(page, "organisation")
    assert f'value="{host.ror_id}"' in page  # its name alone would match two
    r = c.post(
        url,
        {
            "name": facility.name,
            "name_zh": facility.name_zh,
            "organisation": host.ror_id,
            "city": facility.city,
            "region": facility.region,
            "location": facility.location,
            "contact_email": facility.contact_email,
            "managers_text": manager.username,
            "is_active": "on",
        },
    )
    assert r.status_code == 302, re.findall(r"fac-field-error[^>]*>([^<]*)", r.content.decode())
    facility.refresh_from_db()
    assert facility.organisation == host


def _facility_form_built_with(fields: tuple[str, ...], monkeypatch: Any) -> Any:
    """``FacilityForm`` as its module builds it when the service's ``FACILITY_FIELDS``
    are ``fields`` (the module run afresh under another name: nothing else changes)."""
    import importlib.util

    from innobridge.facilities.forms import resources
    from innobridge.facilities.services import facilities as service

    monkeypatch.setattr(service, "FACILITY_FIELDS", fields)
    spec = importlib.util.spec_from_file_location(
        "innobridge.facilities.forms._resources_probe", resources.__file__
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FacilityForm


def test_the_facility_forms_fields_are_the_services_with_the_organisation_box(
    monkeypatch: Any,
) -> None:
    """The form's list of fields repeated ``services.FACILITY_FIELDS`` (less the
    organisation): it is now derived from it, in its order, the organisation box (and
    the managers) after them."""
    from innobridge.facilities.forms import FacilityForm
    from innobridge.people.forms import OrganisationNameField

    own = [f for f in services.FACILITY_FIELDS if f != "organisation"]
    assert list(FacilityForm.Meta.fields) == own
    form = FacilityForm()
    assert list(form.fields) == [*own, "organisation", "managers_text"]
    assert isinstance(form.fields["organisation"], OrganisationNameField)
    # a field the service no longer writes leaves the form with it
    fewer = tuple(f for f in services.FACILITY_FIELDS if f != "contact_phone")
    probe = _facility_form_built_with(fewer, monkeypatch)
    assert "contact_phone" not in probe.Meta.fields
    assert "contact_phone" not in probe().fields
