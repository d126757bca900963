"""The rest of issue 5 in the API: facilities, resource rules and tariffs, a resource's
busy times (never whose), availability filter on the catalogue, no-show with the
tariff's fee, organisation statements (JSON/CSV/PDF), the utilisation and
cross-border report, managers' tariffs/maintenance/certificates/quotas; every bad
input (overlap, outside hours, too long, no certificate, past time) refused with a
clear message and nothing written — in the API and on the web pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse

from innobridge.facilities import services
from innobridge.facilities.models import Booking, Charge, MaintenanceBlock, Tariff
from tests.pages import client_as

from .conftest import HKT, next_open_day, working_day_from

API = "/api/facilities"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HKT)


def test_facilities_and_resource_rules_and_tariffs(
    client: Client, resource: Any, people: dict[str, Any]
) -> None:
    r = client.get(f"{API}/facilities")
    assert r.status_code == 200
    fac = r.json()[0]
    assert fac["organisation"].startswith("Hong Kong University") and fac["city"] == "Hong Kong"
    assert fac["contact_email"] == "mcpf@example.org" and fac["resource_ids"] == [resource.pk]
    assert client.get(f"{API}/facilities/{fac['id']}").json()["name"] == fac["name"]
    detail = client_as(people["mainland"]).get(f"{API}/resources/{resource.pk}").json()
    assert detail["my_category"] == "mainland_academic"
    assert detail["max_duration_minutes"] == 240 and detail["lead_time_hours"] == 24
    mine = next(t for t in detail["tariffs"] if t["category"] == "mainland_academic")
    assert (mine["price"], mine["currency"], mine["unit"]) == ("750.00", "CNY", "hour")
    assert (mine["cancellation_window_hours"], mine["no_show_fee_percent"]) == (48, 100)
    assert client.get(f"{API}/resources/{resource.pk}").json()["my_category"] is None


def test_catalogue_free_range_filter(client: Client, resource: Any, manager: Any) -> None:
    day = next_open_day()
    services.add_maintenance(manager, resource, at(day, 0), at(day + dt.timedelta(days=1), 0))
    params = {"free_from": at(day, 0).isoformat(), "free_to": at(day, 23).isoformat()}
    assert client.get(f"{API}/resources", params).json() == []
    # to the end of the next working day (a weekend between has no opening hours)
    params["free_to"] = at(working_day_from(day + dt.timedelta(days=1)), 23).isoformat()
    assert [r["id"] for r in client.get(f"{API}/resources", params).json()] == [resource.pk]
    r = client.get(f"{API}/resources", {"free_from": at(day, 0).isoformat()})
    assert r.status_code == 422
    naive = {"free_from": f"{day}T00:00:00", "free_to": f"{day}T10:00:00"}
    assert client.get(f"{API}/resources", naive).status_code == 422


def test_calendar_shows_busy_not_whose(resource: Any, people: dict[str, Any], manager: Any) -> None:
    day = next_open_day()
    b = services.request_booking(
        people["hk"], resource, at(day, 10), at(day, 12), purpose="secret project"
    )
    params = {"start": at(day, 0).isoformat(), "end": at(day, 23).isoformat()}
    url = f"{API}/resources/{resource.pk}/calendar"
    anon = Client().get(url, params).json()
    assert anon == [
        {
            "start": anon[0]["start"],
            "end": anon[0]["end"],
            "kind": "busy",
            "booking_id": None,
            "label": "Busy",
        }
    ]
    other = client_as(people["mainland"]).get(url, params).json()
    assert [(x["kind"], x["booking_id"]) for x in other] == [("busy", None)]
    assert "Hana" not in str(other) and "secret" not in str(other)
    own = client_as(people["hk"]).get(url, params).json()
    assert own[0]["kind"] == "mine" and own[0]["booking_id"] == b.pk
    mgr = client_as(manager).get(url, params).json()
    assert mgr[0]["kind"] == "booking" and "Hana" in mgr[0]["label"]
    assert Client().get(url, {**params, "end": params["start"]}).status_code == 422


def test_no_show_fee_and_booking_detail(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    day = next_open_day()
    b = services.request_booking(people["mainland"], resource, at(day, 10), at(day, 12))
    services.approve_booking(manager, b)
    user, mgr = client_as(people["mainland"]), client_as(manager)
    detail = user.get(f"{API}/bookings/{b.pk}").json()
    assert detail["no_show_fee_percent"] == 100 and detail["cancellation_window_hours"] == 48
    assert detail["late_cancellation_fee_percent"] == 50
    # Inside the cancellation window (made long here), cancelling now would cost 50 %.
    Booking.objects.filter(pk=b.pk).update(cancellation_window_hours=24 * 30)
    assert user.get(f"{API}/bookings/{b.pk}").json()["cancellation_fee_now"] == "750.00"
    assert client_as(people["hk"]).get(f"{API}/bookings/{b.pk}").status_code == 404
    r = mgr.post(f"{API}/bookings/{b.pk}/no_show")
    assert r.status_code == 422 and "only after it starts" in r.json()["detail"]
    Booking.objects.filter(pk=b.pk).update(
        starts_at=b.starts_at - dt.timedelta(days=20), ends_at=b.ends_at - dt.timedelta(days=20)
    )
    assert user.post(f"{API}/bookings/{b.pk}/no_show").status_code == 403
    r = mgr.post(f"{API}/bookings/{b.pk}/no_show")
    assert r.status_code == 200 and r.json()["status"] == "no_show"
    charge = Charge.objects.get(booking=b)
    assert (charge.kind, charge.amount, charge.currency) == ("no_show", Decimal("1500.00"), "CNY")


def test_organisation_statement_and_report(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    day = next_open_day()
    b = services.request_booking(people["mainland"], resource, at(day, 10), at(day, 12))
    services.approve_booking(manager, b)
    Booking.objects.filter(pk=b.pk).update(
        starts_at=b.starts_at - dt.timedelta(days=30), ends_at=b.ends_at - dt.timedelta(days=30)
    )
    b.refresh_from_db()
    services.record_usage(manager, b, started_at=b.starts_at, ended_at=b.ends_at)
    month = b.starts_at.astimezone(HKT).strftime("%Y-%m")
    org = b.organisation
    assert org is not None
    url = f"{API}/statements/organisations/{org.pk}"
    mgr = client_as(manager)
    st = mgr.get(url, {"month": month}).json()
    assert st["title"] == org.name and st["totals"] == {"CNY": "1500.00"}
    csv = mgr.get(url, {"month": month, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "1500.00,CNY" in csv.content.decode()
    assert mgr.get(url, {"month": month, "format": "pdf"}).content.startswith(b"%PDF")
    assert mgr.get(url, {"month": month, "format": "xls"}).status_code == 422
    assert client_as(people["mainland"]).get(url, {"month": month}).status_code == 403
    own_pdf = client_as(people["mainland"]).get(
        f"{API}/statements", {"month": month, "format": "pdf"}
    )
    assert own_pdf.content.startswith(b"%PDF")
    # The report: every booked hour is by a Mainland user at a Hong Kong facility.
    start = b.starts_at.astimezone(HKT).replace(day=1, hour=0, minute=0)
    report = mgr.get(
        f"{API}/reports/utilisation",
        {"start": start.isoformat(), "end": (start + dt.timedelta(days=31)).isoformat()},
    ).json()
    assert report["booked_hours"] == 2.0 and report["cross_border_percent"] == 100.0
    assert report["resources"][0]["used_hours"] == 2.0
    assert sum(w["cross_border_hours"] for w in report["weeks"]) == 2.0
    r = client_as(people["mainland"]).get(
        f"{API}/reports/utilisation", {"start": start.isoformat(), "end": start.isoformat()}
    )
    assert r.status_code == 403


def test_manager_api_tariffs_maintenance_certificates_quotas(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    mgr = client_as(manager)
    url = f"{API}/resources/{resource.pk}/tariffs/industry"
    body = {"unit": "sample", "price": "300", "currency": "HKD", "no_show_fee_percent": 20}
    r = mgr.put(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json()["unit"] == "sample"
    assert Tariff.objects.get(resource=resource, category="industry").no_show_fee_percent == 20
    bad = {**body, "late_cancellation_fee_percent": 150}
    assert mgr.put(url, bad, content_type="application/json").status_code == 422
    r = client_as(people["hk"]).put(url, body, content_type="application/json")
    assert r.status_code == 403
    assert mgr.delete(url).status_code == 204
    assert not Tariff.objects.filter(resource=resource, category="industry").exists()
    day = next_open_day()
    m = {"start": at(day, 9).isoformat(), "end": at(day, 12).isoformat(), "reason": "Cryo"}
    r = mgr.post(f"{API}/resources/{resource.pk}/maintenance", m, content_type="application/json")
    assert r.status_code == 201 and MaintenanceBlock.objects.count() == 1
    cert = {"username": "li", "valid_until": (day + dt.timedelta(days=365)).isoformat()}
    r = mgr.post(
        f"{API}/resources/{resource.pk}/certificates", cert, content_type="application/json"
    )
    assert r.status_code == 201
    r = mgr.post(
        f"{API}/resources/{resource.pk}/certificates",
        {"username": "ghost"},
        content_type="application/json",
    )
    assert r.status_code == 404
    r = mgr.put(
        f"{API}/resources/{resource.pk}/quotas",
        {"username": "li", "monthly_hours": 4},
        content_type="application/json",
    )
    assert r.json() == {"username": "li", "monthly_hours": 4}


def _bad_cases(resource: Any, manager: Any) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """(start, end, expected words) for each kind of bad request listed in issue 5."""
    day = next_open_day()
    return [
        (at(day, 10, 30), at(day, 11, 30), "already booked"),  # overlap
        (at(day, 19), at(day, 20), "not open"),  # outside hours
        (at(day, 9), at(day, 17), "Too long"),  # too long
        (at(day, 14), at(day, 15), "training certificate"),  # no certificate
        (at(day - dt.timedelta(days=30), 10), at(day - dt.timedelta(days=30), 11), "in the past"),
    ]


def _prepare(resource: Any, people: dict[str, Any]) -> None:
    day = next_open_day()
    services.request_booking(people["hk"], resource, at(day, 10), at(day, 12))


def test_every_bad_input_in_the_api_changes_nothing(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    _prepare(resource, people)
    user = client_as(people["mainland"])
    for start, end, words in _bad_cases(resource, manager):
        if words == "training certificate":
            resource.training_required = True
            resource.save()
        before = Booking.objects.count()
        body = {"resource_id": resource.pk, "start": start.isoformat(), "end": end.isoformat()}
        r = user.post(f"{API}/bookings", body, content_type="application/json")
        assert r.status_code in (409, 422), (words, r.status_code)
        assert words in r.json()["detail"], (words, r.json())
        q = user.get(
            f"{API}/resources/{resource.pk}/quote",
            {"start": start.isoformat(), "end": end.isoformat()},
        )
        assert q.status_code in (409, 422) and words in q.json()["detail"]
        assert Booking.objects.count() == before
        resource.training_required = False
        resource.save()
    assert r.status_code == 422  # (the last one: past time)


def test_every_bad_input_on_the_web_changes_nothing(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    _prepare(resource, people)
    user = client_as(people["mainland"])
    for start, end, words in _bad_cases(resource, manager):
        if words == "training certificate":
            resource.training_required = True
            resource.save()
        before = Booking.objects.count()
        form = {
            "date": start.date().isoformat(),
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
        }
        for step in ("quote", "confirm"):
            r = user.post(
                reverse("facilities:book", args=[resource.pk]), {**form, "step": step}, follow=True
            )
            assert r.status_code == 200
            assert words in r.content.decode(), (words, step)
            assert Booking.objects.count() == before
        resource.training_required = False
        resource.save()


def test_bad_input_messages_in_chinese(resource: Any, people: dict[str, Any]) -> None:
    _prepare(resource, people)
    day = next_open_day()
    user = client_as(people["mainland"], "zh-hans")
    form = {"date": day.isoformat(), "start": "10:00", "end": "11:00", "step": "quote"}
    r = user.post(reverse("facilities:book", args=[resource.pk]), form, follow=True)
    body = r.content.decode()
    assert "already booked" not in body  # translated, not English
    assert Booking.objects.count() == 1


def test_refused_request_returns_to_the_filled_in_form(
    resource: Any, people: dict[str, Any]
) -> None:
    _prepare(resource, people)
    day = next_open_day()
    user = client_as(people["mainland"])
    form = {"date": day.isoformat(), "start": "11:00", "end": "13:00", "step": "confirm"}
    r = user.post(reverse("facilities:book", args=[resource.pk]), form)
    assert r.status_code == 302
    assert f"date={day.isoformat()}&start=11%3A00&end=13%3A00" in r["Location"]
    page = user.get(r["Location"]).content.decode()
    assert "already booked" in page
    assert 'value="11:00' in page and 'value="13:00' in page


def test_publishing_through_the_api(
    orgs: dict[str, Any], make_person: Any, people: dict[str, Any]
) -> None:
    boss = make_person("boss", roles=("facility_manager",))
    deputy = make_person("deputy", roles=("facility_manager",))
    api = client_as(boss)
    body = {
        "name": "Shenzhen Bay Cryo-EM Centre",
        "name_zh": "深圳湾冷冻电镜中心",
        "organisation_id": orgs["sustech"].pk,
        "city": "Shenzhen",
        "contact_email": "cryoem@example.org",
        "managers": ["deputy"],
    }
    r = api.post(f"{API}/facilities", body, content_type="application/json")
    assert r.status_code == 201, r.content
    fac = r.json()
    assert fac["region"] == "CN"  # from the organisation
    assert (
        client_as(people["hk"])
        .post(f"{API}/facilities", body, content_type="application/json")
        .status_code
        == 403
    )
    bad = {**body, "managers": ["ghost"]}
    r = api.post(f"{API}/facilities", bad, content_type="application/json")
    assert r.status_code == 422 and "ghost" in r.json()["detail"]
    r = api.patch(
        f"{API}/facilities/{fac['id']}", {"location": "Building 3"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["location"] == "Building 3"
    res = {
        "kind": "instrument",
        "name": "Titan Krios G4",
        "name_zh": "冷冻透射电镜",
        "techniques": ["cryo-EM", "single-particle analysis"],
        "specifications": {"Voltage": "300 kV"},
        "training_required": True,
        "holiday_calendar": "CN",
        "opening_hours": {"0": [["08:00", "20:00"]], "5": [["09:00", "12:00"]]},
    }
    url = f"{API}/facilities/{fac['id']}/resources"
    r = client_as(deputy).post(url, res, content_type="application/json")
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["training_required"] and created["opening_hours"]["5"] == [["09:00", "12:00"]]
    wrong = {**res, "opening_hours": {"8": [["25:00", "26:00"]]}}
    r = api.post(url, wrong, content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"].startswith("opening_hours:")
    r = api.patch(
        f"{API}/resources/{created['id']}",
        {"min_duration_minutes": 600, "max_duration_minutes": 60},
        content_type="application/json",
    )
    assert r.status_code == 422 and "max_duration_minutes" in r.json()["detail"]
    r = api.patch(
        f"{API}/resources/{created['id']}", {"is_active": False}, content_type="application/json"
    )
    assert (
        r.status_code == 200 and Client().get(f"{API}/resources/{created['id']}").status_code == 404
    )
    r = client_as(people["hk"]).patch(
        f"{API}/resources/{created['id']}", {"name": "x"}, content_type="application/json"
    )
    assert r.status_code == 403


def test_booking_page_shows_the_frozen_cancellation_terms(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    """The terms are those of the tariff when the request was made, even after the
    manager changes the tariff."""
    day = next_open_day()
    b = services.request_booking(people["mainland"], resource, at(day, 10), at(day, 12))
    services.set_tariff(
        manager,
        resource,
        "mainland_academic",
        unit="hour",
        price=Decimal("900"),
        currency="CNY",
        cancellation_window_hours=12,
        late_cancellation_fee_percent=80,
        no_show_fee_percent=60,
    )
    body = client_as(people["mainland"]).get(b.get_absolute_url()).content.decode()
    assert "Free until 48 hours before the start; later 50% of the price. No-show: 100%." in body
    assert "CNY 1,500.00" in body
