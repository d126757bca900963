"""Managers' tariffs, maintenance windows and publishing, and disputes of a charge (raised
and resolved), under bad input on the pages and in the API: a form error or a 4xx naming
the field — never a 500, never something half-written."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.facilities import models, services

from .conftest import hk
from .steps import RESOURCE_POST, book

pytestmark = pytest.mark.django_db

API = "/api/facilities"
LONG = "x" * 10_001
BAD_INTS = ["-1", "1e20", str(2**63), "NaN", "inf", "", "2147483648", "1.5"]
RESOURCE_INTS = (
    "granularity_minutes",
    "min_duration_minutes",
    "max_duration_minutes",
    "lead_time_hours",
    "max_advance_days",
    "monthly_quota_hours",
)
BAD_DATES = ["0000-01-01T09:00", "0001-01-01T09:00", "9999-12-31T09:00", "2030-02-30T09:00", ""]


def _client(person: Any) -> Client:
    c = Client(raise_request_exception=False, headers={"accept-language": "en"})
    c.force_login(person)
    return c


def _send(c: Client, method: str, url: str, body: Any) -> Any:
    """``body`` as JSON (NaN and inf as Python's json writes them)."""
    return getattr(c, method)(url, json.dumps(body), content_type="application/json")


def _names(r: Any, field: str) -> bool:
    """The API's error answer names ``field`` (in a ``loc`` or as "field: message")."""
    return field in json.dumps(r.json()["detail"])


def _refused_naming(r: Any, field: str | None) -> None:
    """A 422 whose answer names ``field`` (None: any 422)."""
    assert r.status_code == 422, (r.status_code, r.content[:300])
    assert field is None or _names(r, field), r.json()


def _rows(model: Any) -> list[dict[str, Any]]:
    return list(model.objects.order_by("pk").values())


# --------------------------------------------------------------------------- tariffs

TARIFF_FORM = {
    "category": "industry",
    "unit": "hour",
    "price": "120.50",
    "currency": "HKD",
    "cancellation_window_hours": "24",
    "late_cancellation_fee_percent": "50",
    "no_show_fee_percent": "100",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[
            (f, v)
            for f in ("cancellation_window_hours", "late_cancellation_fee_percent")
            for v in BAD_INTS
        ],
        *[("no_show_fee_percent", v) for v in ("-1", "101", "32768", "")],
        ("late_cancellation_fee_percent", "32768"),
        *[("price", v) for v in ("-1", "1e20", "NaN", "inf", "", "1" * 13, "0.001", LONG)],
        *[("category", v) for v in ("nobody", "", LONG)],
        *[("unit", v) for v in ("fortnight", "")],
        *[("currency", v) for v in ("EUR", "")],
    ],
)
def test_a_bad_tariff_on_the_page_is_a_form_error_and_changes_nothing(
    resource: Any, manager: Any, field: str, value: str
) -> None:
    before = _rows(models.Tariff)
    r = _client(manager).post(
        reverse("facilities:resource_action", args=[resource.pk, "tariff"]),
        {**TARIFF_FORM, field: value},
    )
    assert r.status_code == 200, r.status_code
    assert r.context["forms"]["tariff"].errors.get(field), r.context["forms"]["tariff"].errors
    assert _rows(models.Tariff) == before


TARIFF_JSON: dict[str, Any] = {
    "unit": "hour",
    "price": "120.50",
    "currency": "HKD",
    "cancellation_window_hours": 24,
    "late_cancellation_fee_percent": 50,
    "no_show_fee_percent": 100,
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[
            (f, v)
            for f in (
                "cancellation_window_hours",
                "late_cancellation_fee_percent",
                "no_show_fee_percent",
            )
            for v in (-1, 1e20, 2**63, 2**31, 32768, 101, None, "NaN", "inf", 1.5)
            if not (f == "cancellation_window_hours" and v in (101, 32768))
        ],
        *[("price", v) for v in (-1, 1e20, "NaN", "Infinity", None, "1" * 13, LONG)],
        *[("unit", v) for v in ("fortnight", LONG, "")],
        *[("currency", v) for v in ("EUR", LONG, "")],
    ],
)
def test_a_bad_tariff_in_the_api_is_a_422_naming_the_field(
    resource: Any, manager: Any, field: str, value: Any
) -> None:
    before = _rows(models.Tariff)
    r = _send(
        _client(manager),
        "put",
        f"{API}/resources/{resource.pk}/tariffs/industry",
        {**TARIFF_JSON, field: value},
    )
    _refused_naming(r, field)
    assert _rows(models.Tariff) == before


@pytest.mark.parametrize("category", ["nobody", "x" * 300, "a\x00b"])
def test_an_unknown_tariff_category_in_the_api_is_a_4xx(
    resource: Any, manager: Any, category: str
) -> None:
    before = _rows(models.Tariff)
    c = _client(manager)
    r = _send(c, "put", f"{API}/resources/{resource.pk}/tariffs/{category}", TARIFF_JSON)
    assert r.status_code in (404, 422), r.status_code
    assert c.delete(f"{API}/resources/{resource.pk}/tariffs/{category}").status_code in (404, 422)
    assert _rows(models.Tariff) == before


def test_a_missing_field_a_huge_body_and_a_deep_body_are_refused(
    resource: Any, manager: Any
) -> None:
    before = _rows(models.Tariff)
    c = _client(manager)
    url = f"{API}/resources/{resource.pk}/tariffs/industry"
    body = dict(TARIFF_JSON)
    del body["price"]
    r = c.put(url, body, content_type="application/json")
    assert r.status_code == 422 and _names(r, "price")
    huge = json.dumps({**TARIFF_JSON, "unit": "x" * (3 * 1024 * 1024)})
    assert c.put(url, huge, content_type="application/json").status_code == 413
    deep = '{"unit": ' + "[" * 10_000 + "]" * 10_000 + "}"
    assert c.put(url, deep, content_type="application/json").status_code == 400
    assert _rows(models.Tariff) == before


def test_another_facilitys_resource_and_tariff_are_out_of_reach(
    resource: Any, manager: Any, orgs: Any, make_person: Any
) -> None:
    other_manager = make_person("other-manager", roles=("facility_manager",))
    other = models.Facility.objects.create(name="Other", organisation=orgs["hku"], region="HK")
    other.managers.add(other_manager)
    before = _rows(models.Tariff)
    c = _client(other_manager)
    r = _send(c, "put", f"{API}/resources/{resource.pk}/tariffs/industry", TARIFF_JSON)
    assert r.status_code == 403
    assert c.delete(f"{API}/resources/{resource.pk}/tariffs/industry").status_code == 403
    r = c.post(reverse("facilities:resource_action", args=[resource.pk, "tariff"]), TARIFF_FORM)
    assert r.status_code == 403
    mine = models.Resource.objects.create(facility=other, kind="instrument", name="Mine")
    t = resource.tariffs.first()
    r = c.post(
        reverse("facilities:resource_action", args=[mine.pk, "tariff_delete"]), {"id": str(t.pk)}
    )
    assert r.status_code == 404
    for bad in ("-1", str(2**63), "1e20", "NaN", ""):
        r = c.post(
            reverse("facilities:resource_action", args=[mine.pk, "tariff_delete"]), {"id": bad}
        )
        assert r.status_code == 404
    assert _rows(models.Tariff) == before


@pytest.mark.parametrize("pk", [0, -1, 2**31, 2**63, 2**64])
def test_a_resource_id_out_of_range_is_a_4xx(manager: Any, pk: int) -> None:
    c = _client(manager)
    r = c.put(
        f"{API}/resources/{pk}/tariffs/industry", TARIFF_JSON, content_type="application/json"
    )
    assert r.status_code in (404, 422), r.status_code
    r = c.post(
        f"{API}/resources/{pk}/maintenance",
        {"start": "2030-03-04T09:00:00+08:00", "end": "2030-03-04T12:00:00+08:00"},
        content_type="application/json",
    )
    assert r.status_code in (404, 422), r.status_code
    assert c.get(f"/facilities/manage/r/{pk}/").status_code == 404
    assert not models.Tariff.objects.exists() and not models.MaintenanceBlock.objects.exists()


# --------------------------------------------------------------------------- maintenance


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("start", v) for v in BAD_DATES],
        *[("end", v) for v in BAD_DATES],
        ("end", "2030-03-04T08:00"),  # before the start
        ("reason", "x" * 301),
        ("reason", LONG),
    ],
)
def test_a_bad_maintenance_window_on_the_page_is_a_form_error(
    resource: Any, manager: Any, field: str, value: str
) -> None:
    form = {
        "start": "2030-03-04T09:00",
        "end": "2030-03-04T12:00",
        "reason": "service",
        field: value,
    }
    r = _client(manager).post(
        reverse("facilities:resource_action", args=[resource.pk, "maintenance"]), form
    )
    assert r.status_code == 200, r.status_code
    assert r.context["forms"]["maintenance"].errors.get(field), r.context["forms"][
        "maintenance"
    ].errors
    assert not models.MaintenanceBlock.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[
            (f, v)
            for f in ("start", "end")
            for v in (
                "0000-01-01T09:00:00Z",
                "0001-01-01T09:00:00Z",
                "9999-12-31T09:00:00Z",
                "1900-01-01T00:00:00+14:00",  # before 1900 in UTC
                "2030-02-30T09:00:00Z",
                "2030-03-04T09:00:00",  # no time zone
                "",
                None,
                2**63,
                "NaN",
            )
        ],
        ("end", "2030-03-04T08:00:00+08:00"),
        ("reason", "x" * 301),
        ("reason", 5),
    ],
)
def test_a_bad_maintenance_window_in_the_api_is_a_422_naming_the_field(
    resource: Any, manager: Any, field: str, value: Any
) -> None:
    body = {"start": "2030-03-04T09:00:00+08:00", "end": "2030-03-04T12:00:00+08:00", field: value}
    r = _send(_client(manager), "post", f"{API}/resources/{resource.pk}/maintenance", body)
    _refused_naming(r, None if value == "2030-03-04T08:00:00+08:00" else field)
    assert not models.MaintenanceBlock.objects.exists()


def test_another_facilitys_maintenance_block_is_out_of_reach(
    resource: Any, manager: Any, orgs: Any, make_person: Any
) -> None:
    block = services.add_maintenance(
        manager, resource, hk(2030, 3, 4, 9), hk(2030, 3, 4, 12), "service"
    )
    other_manager = make_person("other-manager", roles=("facility_manager",))
    other = models.Facility.objects.create(name="Other", organisation=orgs["hku"], region="HK")
    other.managers.add(other_manager)
    mine = models.Resource.objects.create(facility=other, kind="instrument", name="Mine")
    c = _client(other_manager)
    r = c.post(
        reverse("facilities:resource_action", args=[mine.pk, "maintenance_delete"]),
        {"id": str(block.pk)},
    )
    assert r.status_code == 404
    r = c.post(
        f"{API}/resources/{resource.pk}/maintenance",
        {"start": "2030-03-05T09:00:00+08:00", "end": "2030-03-05T12:00:00+08:00"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert list(models.MaintenanceBlock.objects.values_list("pk", flat=True)) == [block.pk]


# --------------------------------------------------------------------------- publishing


FACILITY_FORM = {
    "name": "Cryo-EM Centre",
    "organisation": "Tsinghua University",
    "city": "Beijing",
    "region": "",
    "contact_email": "cryo@example.org",
    "managers_text": "",
    "is_active": "on",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", LONG),
        ("name_zh", LONG),
        ("organisation", ""),
        ("organisation", LONG),
        ("city", LONG),
        ("region", "XX"),
        ("location", LONG),
        ("contact_email", "not-an-address"),
        ("contact_phone", LONG),
        ("website", "javascript:alert(1)"),
        ("website", "https://" + "a" * 600 + ".org"),
        ("description", "x" * 30_000),
        ("description_zh", "x" * 30_000),
        ("managers_text", "ghost"),
        ("managers_text", LONG),
    ],
)
def test_a_bad_facility_on_the_page_is_a_form_error_and_nothing_is_published(
    orgs: Any, make_person: Any, field: str, value: str
) -> None:
    boss = make_person("boss", roles=("facility_manager",))
    r = _client(boss).post(reverse("facilities:facility_new"), {**FACILITY_FORM, field: value})
    assert r.status_code == 200, r.status_code
    assert r.context["form"].errors.get(field), r.context["form"].errors
    assert not models.Facility.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", LONG),
        ("name", None),
        ("organisation_id", 2**63),
        ("organisation_id", -1),
        ("organisation_id", 999_999),
        ("organisation_id", "NaN"),
        ("region", "XX"),
        ("contact_email", "not-an-address"),
        ("website", "javascript:alert(1)"),
        ("description", "x" * 30_000),
        ("managers", ["ghost"]),
        ("managers", ["x"] * 51),
        ("managers", "boss"),
        ("is_active", "maybe"),
    ],
)
def test_a_bad_facility_in_the_api_is_a_422_naming_the_field(
    orgs: Any, make_person: Any, field: str, value: Any
) -> None:
    boss = make_person("boss", roles=("facility_manager",))
    body = {"name": "Cryo-EM Centre", "organisation_id": orgs["tsinghua"].pk, field: value}
    r = _send(_client(boss), "post", f"{API}/facilities", body)
    assert r.status_code in (404, 422), (r.status_code, r.content[:300])
    if r.status_code == 422 and field != "managers":
        assert _names(r, field), r.json()
    assert not models.Facility.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[
            (f, v)
            for f in RESOURCE_INTS
            for v in ("-1", "1e20", str(2**63), "2147483648", "NaN", "inf", "1.5")
        ],
        ("granularity_minutes", "32768"),
        ("training_valid_months", "121"),
        ("training_valid_months", "32768"),
        ("kind", "spaceship"),
        ("name", LONG),
        ("description", "x" * 30_000),
        ("description_zh", "x" * 30_000),
        ("holiday_calendar", "XX"),
        ("allowed_categories", "nobody"),
        ("specifications_text", "no colon here"),
        ("specifications_text", LONG),
        ("techniques_text", LONG),
        ("hours_0", "٠٩:٠٠-12:00"),
        ("hours_0", "09:00-12:5"),
        ("hours_0", "9-5"),
        ("hours_0", LONG),
    ],
)
def test_a_bad_resource_on_the_page_is_a_form_error_and_nothing_is_saved(
    facility: Any, manager: Any, field: str, value: str
) -> None:
    r = _client(manager).post(
        reverse("facilities:resource_new", args=[facility.pk]), {**RESOURCE_POST, field: value}
    )
    assert r.status_code == 200, r.status_code
    assert r.context["form"].errors.get(field), r.context["form"].errors
    assert not models.Resource.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[(f, v) for f in RESOURCE_INTS for v in (-1, 1e20, 2**63, 2**31, "NaN", "inf", 1.5)],
        ("granularity_minutes", 32768),
        ("kind", "spaceship"),
        ("name", LONG),
        ("holiday_calendar", "XX"),
        ("allowed_categories", ["nobody"]),
        ("techniques", ["x" * 301]),
        ("specifications", {"k": "x" * 301}),
        ("opening_hours", {"0": [["09:00"]]}),
        ("opening_hours", {"0": [["25:00", "26:00"]]}),
        ("opening_hours", {"9": [["09:00", "10:00"]]}),
        ("opening_hours", {"0": [["x" * 10_001, "10:00"]]}),
        ("opening_hours", {"0": [["09:75", "12:00"]]}),
        ("opening_hours", {"0": [["09:00", "12:5"]]}),
        ("opening_hours", {"0": [["-1:00", "12:00"]]}),
        ("opening_hours", {"0": [["+9:00", "12:00"]]}),
        ("opening_hours", {"0": [["٠٩:٠٠", "12:00"]]}),
    ],
)
def test_a_bad_resource_in_the_api_is_a_422_naming_the_field(
    facility: Any, manager: Any, field: str, value: Any
) -> None:
    body = {"kind": "instrument", "name": "Confocal microscope", field: value}
    r = _send(_client(manager), "post", f"{API}/facilities/{facility.pk}/resources", body)
    _refused_naming(r, field)
    assert not models.Resource.objects.exists()


def test_publishing_to_another_managers_facility_is_refused(
    facility: Any, orgs: Any, make_person: Any
) -> None:
    intruder = make_person("intruder", roles=("facility_manager",))
    c = _client(intruder)
    r = c.post(
        f"{API}/facilities/{facility.pk}/resources",
        {"kind": "instrument", "name": "Sneaky"},
        content_type="application/json",
    )
    assert r.status_code == 403
    r = c.patch(
        f"{API}/facilities/{facility.pk}", {"name": "Mine now"}, content_type="application/json"
    )
    assert r.status_code == 403
    r = c.post(
        reverse("facilities:facility_edit", args=[facility.pk]), {**FACILITY_FORM, "name": "Mine"}
    )
    assert r.status_code == 403
    facility.refresh_from_db()
    assert (
        facility.name != "Mine now" and not models.Resource.objects.filter(name="Sneaky").exists()
    )


# --------------------------------------------------------------------------- disputes


@pytest.fixture
def charge(resource: Any, people: Any, manager: Any) -> models.Charge:
    b = book(people["hk"], resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12))
    services.approve_booking(manager, b)
    return services.record_usage(
        manager,
        b,
        started_at=hk(2026, 3, 4, 10),
        ended_at=hk(2026, 3, 4, 12),
        now=hk(2026, 3, 4, 13),
    )


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001, LONG])
def test_a_bad_dispute_reason_is_refused_on_the_page_and_in_the_api(
    charge: models.Charge, people: Any, reason: str
) -> None:
    c = _client(people["hk"])
    r = c.post(reverse("facilities:dispute", args=[charge.pk]), {"reason": reason}, follow=True)
    assert r.status_code == 200
    shown = [str(m) for m in r.context["messages"]]
    assert any(m.startswith("What is wrong with this charge?: ") for m in shown), shown
    r = _send(c, "post", f"{API}/charges/{charge.pk}/dispute", {"reason": reason})
    assert r.status_code == 422 and _names(r, "reason"), r.content[:300]
    assert not models.Dispute.objects.exists()
    charge.refresh_from_db()
    assert charge.status != "disputed"


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"])
def test_nul_and_surrogates_in_a_dispute_are_refused(
    charge: models.Charge, people: Any, text: str
) -> None:
    c = _client(people["hk"])
    r = _send(c, "post", f"{API}/charges/{charge.pk}/dispute", {"reason": text})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "reason"]
    r = c.post(
        reverse("facilities:dispute", args=[charge.pk]),
        "reason=a%00b",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 400
    assert not models.Dispute.objects.exists()


@pytest.mark.parametrize("pk", ["999999", str(2**63), "-1"])
def test_disputing_someone_elses_or_no_charge_is_a_404(
    charge: models.Charge, people: Any, pk: str
) -> None:
    c = _client(people["mainland"])  # not the payer
    assert (
        c.post(reverse("facilities:dispute", args=[charge.pk]), {"reason": "no"}).status_code == 404
    )
    r = c.post(
        f"{API}/charges/{charge.pk}/dispute", {"reason": "no"}, content_type="application/json"
    )
    assert r.status_code == 404
    r = c.post(f"{API}/charges/{pk}/dispute", {"reason": "no"}, content_type="application/json")
    assert r.status_code in (404, 422)
    assert not models.Dispute.objects.exists()


@pytest.fixture
def dispute(charge: models.Charge, people: Any) -> models.Dispute:
    return services.raise_dispute(people["hk"], charge, "The beam was down for an hour.")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[
            ("new_amount", v)
            for v in ("-1", "1e20", "NaN", "inf", "sNaN", "abc", "", LONG, "0.001")
        ],
        ("new_amount", "1600.01"),  # above the original (2 hours at 800)
        *[("resolution", v) for v in ("", "   ", "x" * 2001)],
        ("decision", "shrug"),
        ("decision", ""),
    ],
)
def test_a_bad_resolution_on_the_page_changes_nothing(
    dispute: models.Dispute, manager: Any, field: str, value: str
) -> None:
    charge_before = _rows(models.Charge)
    form = {"decision": "uphold", "new_amount": "800", "resolution": "Beam fault", field: value}
    r = _client(manager).post(
        reverse("facilities:resolve_dispute", args=[dispute.pk]), form, follow=True
    )
    assert r.status_code == 200
    shown = [str(m) for m in r.context["messages"] if m.level_tag == "error"]
    label = {"new_amount": "Corrected amount", "resolution": "Explanation", "decision": "Decision"}
    assert any(m.startswith(label[field]) for m in shown), shown
    dispute.refresh_from_db()
    assert dispute.status == "open" and _rows(models.Charge) == charge_before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("new_amount", v) for v in (-1, 1e20, "NaN", "Infinity", "sNaN", "abc", LONG, "0.001")],
        ("new_amount", "1600.01"),
        *[("resolution", v) for v in ("", "x" * 2001, None)],
        ("upheld", "maybe"),
        ("upheld", None),
    ],
)
def test_a_bad_resolution_in_the_api_is_a_422_naming_the_field(
    dispute: models.Dispute, manager: Any, field: str, value: Any
) -> None:
    charge_before = _rows(models.Charge)
    body = {"upheld": True, "new_amount": "800", "resolution": "Beam fault", field: value}
    r = _send(_client(manager), "post", f"{API}/disputes/{dispute.pk}/resolve", body)
    _refused_naming(r, field)
    dispute.refresh_from_db()
    assert dispute.status == "open" and _rows(models.Charge) == charge_before


def test_only_the_resources_manager_resolves_and_only_once(
    dispute: models.Dispute, manager: Any, people: Any, orgs: Any, make_person: Any
) -> None:
    other_manager = make_person("other-manager", roles=("facility_manager",))
    models.Facility.objects.create(
        name="Other", organisation=orgs["hku"], region="HK"
    ).managers.add(other_manager)
    body = {"upheld": True, "new_amount": "0", "resolution": "Free"}
    for who in (people["hk"], other_manager):
        r = _client(who).post(
            f"{API}/disputes/{dispute.pk}/resolve", body, content_type="application/json"
        )
        assert r.status_code == 403
        r = _client(who).post(
            reverse("facilities:resolve_dispute", args=[dispute.pk]),
            {"decision": "uphold", "new_amount": "0", "resolution": "Free"},
        )
        assert r.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == "open"
    c = _client(manager)
    body["new_amount"] = "800"
    assert (
        c.post(
            f"{API}/disputes/{dispute.pk}/resolve", body, content_type="application/json"
        ).status_code
        == 200
    )
    again = c.post(
        f"{API}/disputes/{dispute.pk}/resolve",
        {**body, "new_amount": "1"},
        content_type="application/json",
    )
    assert again.status_code == 422
    assert models.Charge.objects.get(pk=dispute.charge_id).amount == Decimal("800.00")
    for pk in (999_999, 2**63, -1):
        r = c.post(f"{API}/disputes/{pk}/resolve", body, content_type="application/json")
        assert r.status_code in (404, 422)
    assert c.post(reverse("facilities:resolve_dispute", args=[999_999]), {}).status_code == 404


# --------------------------------------------------------------------------- quotas
# One bound everywhere: a month has at most 744 hours (31 × 24).

MONTH_MESSAGE = "A month has at most 744 hours"


def test_a_quota_of_744_hours_is_the_most_on_the_quota_page(
    resource: Any, manager: Any, people: Any
) -> None:
    c = _client(manager)
    url = reverse("facilities:resource_action", args=[resource.pk, "quota"])
    r = c.post(url, {"person": "li", "monthly_hours": "745"})
    assert r.status_code == 200
    form = r.context["forms"]["quota"]
    assert any(MONTH_MESSAGE in e for e in form.errors["monthly_hours"]), form.errors
    assert not models.UserQuota.objects.exists()
    assert c.post(url, {"person": "li", "monthly_hours": "744"}).status_code == 302
    assert models.UserQuota.objects.get().monthly_hours == 744


def test_a_quota_of_745_hours_in_the_api_is_a_422_naming_the_field(
    resource: Any, manager: Any, people: Any
) -> None:
    c = _client(manager)
    url = f"{API}/resources/{resource.pk}/quotas"
    _refused_naming(_send(c, "put", url, {"username": "li", "monthly_hours": 745}), "monthly_hours")
    assert not models.UserQuota.objects.exists()
    r = _send(c, "put", url, {"username": "li", "monthly_hours": 744})
    assert r.status_code == 200 and r.json()["monthly_hours"] == 744


def test_a_resource_default_quota_has_the_same_bound_on_the_page_and_in_the_api(
    facility: Any, manager: Any
) -> None:
    c = _client(manager)
    r = c.post(
        reverse("facilities:resource_new", args=[facility.pk]),
        {**RESOURCE_POST, "monthly_quota_hours": "745"},
    )
    assert r.status_code == 200
    assert any(MONTH_MESSAGE in e for e in r.context["form"].errors["monthly_quota_hours"])
    assert not models.Resource.objects.exists()
    body = {"kind": "instrument", "name": "Confocal microscope", "monthly_quota_hours": 745}
    _refused_naming(
        _send(c, "post", f"{API}/facilities/{facility.pk}/resources", body), "monthly_quota_hours"
    )
    assert not models.Resource.objects.exists()
    body["monthly_quota_hours"] = 744
    r = _send(c, "post", f"{API}/facilities/{facility.pk}/resources", body)
    assert r.status_code == 201 and models.Resource.objects.get().monthly_quota_hours == 744


def test_the_quota_service_refuses_more_than_a_month_naming_the_field(
    resource: Any, manager: Any, people: Any
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.set_user_quota(manager, people["mainland"], resource, 745)
    assert MONTH_MESSAGE in exc.value.message_dict["monthly_hours"][0]
    assert not models.UserQuota.objects.exists()


def test_hours_stored_before_the_strict_rule_are_still_read(facility: Any) -> None:
    """Opening hours the API accepted before times had to be "HH:MM" with minutes under
    60 ("09:75", read as 10:15) keep their meaning: the booking calendar still reads them,
    while a new value like it is refused (above)."""
    import datetime as dt

    from innobridge.facilities import availability

    res = models.Resource.objects.create(
        facility=facility,
        kind="instrument",
        name="Old hours",
        opening_hours={"0": [["09:75", "12:00"]]},
    )
    monday = dt.date(2026, 12, 7)
    ((start, end),) = availability.opening_intervals(res, monday)
    assert (start.hour, start.minute, end.hour) == (10, 15, 12)
    assert availability.validate_opening_hours(res.opening_hours)
