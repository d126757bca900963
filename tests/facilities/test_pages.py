"""Pages in three languages, the confirmation step, permissions (busy-only slots),
iCalendar, statements (CSV/PDF), reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.core.language import display_chinese
from innobridge.facilities import services
from innobridge.facilities.models import Booking
from tests.pages import client_as, page_as

from .conftest import HKT, next_open_day


def slot(hour: int = 10, hours: int = 2) -> tuple[dt.datetime, dt.datetime]:
    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=HKT)
    return start, start + dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Shared facilities"),
        ("zh-hant", 'lang="zh-Hant-HK"'),
        ("zh-hans", 'lang="zh-Hans-CN"'),
    ],
)
def test_catalogue_in_three_languages(resource: Any, language: str, text: str) -> None:
    body = page_as(reverse("facilities:home"), language=language)
    assert text in body
    # The Chinese name in the UI's script (a Traditional name is shown Simplified in 简体中文).
    shown = display_chinese(resource.name_zh, language)
    assert shown in body if language.startswith("zh") else resource.name in body


def test_nav_shows_facilities(client: Client, db: Any) -> None:
    body = client.get("/").content.decode()
    assert reverse("facilities:home") in body


def test_catalogue_filters_and_need_search(
    client: Client, resource: Any, tiny_embedder: Any
) -> None:
    assert (
        resource.name
        in client.get(reverse("facilities:home"), {"kind": "instrument"}).content.decode()
    )
    assert (
        resource.name
        not in client.get(reverse("facilities:home"), {"kind": "dataset"}).content.decode()
    )
    assert (
        resource.name
        not in client.get(reverse("facilities:home"), {"region": "CN"}).content.decode()
    )
    # Simplified Chinese need finds the resource described in Traditional Chinese.
    r = client.get(reverse("facilities:home"), {"need": "透射电子显微镜 纳米结构"})
    assert resource.name in r.content.decode()


def test_booking_with_confirmation_step(resource: Any, people: dict[str, Any]) -> None:
    c = client_as(people["mainland"], "zh-hans")
    start, _end = slot()
    form = {"date": start.date().isoformat(), "start": "10:00", "end": "12:00", "purpose": "HRTEM"}
    r = c.post(reverse("facilities:book", args=[resource.pk]), {**form, "step": "quote"})
    assert r.status_code == 200
    assert "CNY 1,500.00" in r.content.decode()
    assert not Booking.objects.exists()  # nothing written before confirmation
    r = c.post(
        reverse("facilities:book", args=[resource.pk]),
        {**form, "step": "confirm", "confirmed_price": "1500.00"},
    )
    b = Booking.objects.get()
    assert r.status_code == 302 and r["Location"] == b.get_absolute_url()
    assert (b.status, b.price, b.currency) == ("requested", 1500, "CNY")


def test_bad_input_is_a_clear_message_and_changes_nothing(
    resource: Any, people: dict[str, Any]
) -> None:
    c = client_as(people["hk"])
    start, _ = slot()
    for form, expected in [
        ({"start": "10:00", "end": "19:00"}, "Too long"),
        ({"start": "19:00", "end": "20:00"}, "not open"),
        ({"start": "10:10", "end": "11:10"}, "grid"),
    ]:
        r = c.post(
            reverse("facilities:book", args=[resource.pk]),
            {"date": start.date().isoformat(), "step": "quote", **form},
            follow=True,
        )
        assert expected in r.content.decode(), expected
    past = {"date": "2020-01-06", "start": "10:00", "end": "11:00", "step": "confirm"}
    r = c.post(reverse("facilities:book", args=[resource.pk]), past, follow=True)
    assert "in the past" in r.content.decode()
    assert not Booking.objects.exists()


def test_others_see_busy_only(resource: Any, people: dict[str, Any], manager: Any) -> None:
    start, end = slot()
    services.request_booking(people["hk"], resource, start, end, purpose="secret project")
    url = reverse("facilities:resource", args=[resource.pk]) + f"?week={start.date().isoformat()}"
    other = client_as(people["mainland"]).get(url).content.decode()
    assert "Busy" in other and "Hana" not in other and "secret" not in other
    own = client_as(people["hk"]).get(url).content.decode()
    assert "Your booking" in own
    mgr = client_as(manager).get(url).content.decode()
    assert "Hana" in mgr
    # Booking pages are private to the booker and the managers.
    b = Booking.objects.get()
    assert client_as(people["mainland"]).get(b.get_absolute_url()).status_code == 404
    assert client_as(manager).get(b.get_absolute_url()).status_code == 200
    # The public iCalendar feed has busy blocks only.
    ics = Client().get(reverse("facilities:resource_ics", args=[resource.pk])).content.decode()
    assert "BEGIN:VEVENT" in ics and "secret" not in ics and "Hana" not in ics


def test_manager_flow_and_statements(resource: Any, people: dict[str, Any], manager: Any) -> None:
    start, end = slot()
    b = services.request_booking(people["mainland"], resource, start, end)
    mc = client_as(manager)
    assert b.resource.name in mc.get(reverse("facilities:manage")).content.decode()
    mc.post(reverse("facilities:booking_action", args=[b.pk, "approve"]))
    b.refresh_from_db()
    assert b.status == "approved"
    # Usage is recorded (as if the slot had passed).
    Booking.objects.filter(pk=b.pk).update(
        starts_at=start - dt.timedelta(days=30), ends_at=end - dt.timedelta(days=30)
    )
    b.refresh_from_db()
    s = dt.datetime.combine(b.starts_at.astimezone(HKT).date(), dt.time(10), tzinfo=HKT)
    services.record_usage(manager, b, started_at=s, ended_at=s + dt.timedelta(hours=2))
    month = b.starts_at.astimezone(HKT).strftime("%Y-%m")
    uc = client_as(people["mainland"])
    page = uc.get(reverse("facilities:my_statement"), {"month": month}).content.decode()
    assert "CNY 1,500.00" in page
    csv = uc.get(reverse("facilities:my_statement"), {"month": month, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "1500.00,CNY" in csv.content.decode()
    pdf = uc.get(reverse("facilities:my_statement"), {"month": month, "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    org = b.organisation
    assert org is not None
    assert uc.get(reverse("facilities:org_statement", args=[org.pk])).status_code == 403
    org_page = mc.get(reverse("facilities:org_statement", args=[org.pk]), {"month": month})
    assert "CNY 1,500.00" in org_page.content.decode()
    # Reports: all booked hours are cross-border (a Mainland user at a HK facility).
    r = mc.get(reverse("facilities:reports"), {"from": f"{month}-01"})
    assert "100.0%" in r.content.decode()
    assert uc.get(reverse("facilities:manage")).status_code == 403


def test_my_bookings_and_ics(resource: Any, people: dict[str, Any]) -> None:
    start, end = slot()
    services.request_booking(people["hk"], resource, start, end, purpose="my sample")
    c = client_as(people["hk"], "zh-hant")
    assert c.get(reverse("facilities:my_bookings")).status_code == 200
    ics = c.get(reverse("facilities:my_ics")).content.decode()
    assert "my sample" in ics and resource.name in ics


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "Hong Kong University of Science and Technology"),
        ("zh-hant", "香港科技大學"),
        ("zh-hans", "香港科技大学"),
    ],
)
def test_host_organisation_named_in_the_ui_language(
    resource: Any, orgs: dict[str, Any], people: Any, language: str, shown: str
) -> None:
    orgs["hkust"].name_zh = "香港科技大學"
    orgs["hkust"].save()
    for url in (
        resource.get_absolute_url(),
        resource.facility.get_absolute_url(),
        reverse("facilities:home"),
    ):
        body = client_as(people["mainland"], language).get(url).content.decode()
        assert shown in body, url


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "<span>电子衍射</span>"),
        ("zh-hant", "<span>電子衍射</span>"),
        ("zh-hans", "<span>电子衍射</span>"),
    ],
)
def test_techniques_in_the_ui_script(resource: Any, people: Any, language: str, shown: str) -> None:
    # A technique stored in Simplified is shown in the reader's script (as stored in
    # English) on the catalogue and the resource page.
    resource.techniques = [*resource.techniques, "电子衍射"]
    resource.save()
    for url in (resource.get_absolute_url(), reverse("facilities:home")):
        body = client_as(people["mainland"], language).get(url).content.decode()
        assert shown in body, url
