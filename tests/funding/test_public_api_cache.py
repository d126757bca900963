"""Public API lists — the calls, the organisations, the facilities catalogue — are read
once for every reader who gets the same answer and kept in the shared cache like the public
pages (issue #17: API scripts are a fifth of the load); a change shows at once, and a
reader who sees more (an officer: calls not yet open) is answered on their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def _get(client: Client, url: str) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in ctx.captured_queries]


def _reads(queries: list[str], table: str) -> int:
    return sum(f'FROM "{table}"' in q for q in queries)


@pytest.mark.django_db
def test_the_calls_list_is_read_once_for_readers_who_see_the_same(world: Any) -> None:
    first, queries = _get(Client(), "/api/funding/calls")
    assert [c["title"] for c in first] == ["Joint call 2026"]
    assert _reads(queries, "funding_call") == 1
    researcher = Client()
    researcher.force_login(world.lead)
    again, queries = _get(researcher, "/api/funding/calls")
    assert again == first
    assert _reads(queries, "funding_call") == 0, queries


@pytest.mark.django_db
def test_an_officer_also_gets_the_calls_not_yet_open(world: Any) -> None:
    from innobridge.funding import services

    now = timezone.now()
    services.create_call(
        world.hk_officer,
        world.scheme,
        title="Next year's call",
        opens_at=now + dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=60),
        sides=[
            {"funder": world.hk_funder, "budget": "1000000", "project_cap": "500000"},
            {"funder": world.cn_funder, "budget": "1000000", "project_cap": "500000"},
        ],
    )
    public, _ = _get(Client(), "/api/funding/calls")
    assert "Next year's call" not in [c["title"] for c in public]
    officer = Client()
    officer.force_login(world.hk_officer)
    theirs, queries = _get(officer, "/api/funding/calls")
    assert "Next year's call" in [c["title"] for c in theirs]
    assert _reads(queries, "funding_call") >= 1
    # and the public list kept is still the public one
    public_again, _ = _get(Client(), "/api/funding/calls")
    assert public_again == public


@pytest.mark.django_db
def test_a_changed_call_or_organisation_shows_at_once(world: Any) -> None:
    _get(Client(), "/api/funding/calls")
    world.call.title = "Joint call 2026 (renamed)"
    world.call.save()
    calls, _ = _get(Client(), "/api/funding/calls")
    assert [c["title"] for c in calls] == ["Joint call 2026 (renamed)"]

    url = "/api/organisations?region=CN"
    first, _ = _get(Client(), url)
    names = sorted(o["name"] for o in first["items"])
    assert names == ["Guangzhou Lab", "Shenzhen Institute"]
    again, queries = _get(Client(), url)
    assert again == first and _reads(queries, "people_organisation") == 0
    other, _ = _get(Client(), "/api/organisations?region=HK")  # its own address, its own list
    assert "HK Polytechnic" in [o["name"] for o in other["items"]]
    org = world.cn_org
    org.name = "Shenzhen Institute of Advanced Study"
    org.save()
    renamed, _ = _get(Client(), url)
    assert "Shenzhen Institute of Advanced Study" in [o["name"] for o in renamed["items"]]


@pytest.mark.django_db
def test_the_catalogue_is_kept_but_not_a_search_for_free_slots(world: Any) -> None:
    from innobridge.facilities.models import Facility, Resource

    facility = Facility.objects.create(
        name="Imaging Centre", organisation=world.hk_org, region="HK"
    )
    Resource.objects.create(facility=facility, kind="instrument", name="Cryo-EM")
    first, _ = _get(Client(), "/api/facilities/resources")
    assert [r["name"] for r in first] == ["Cryo-EM"]
    again, queries = _get(Client(), "/api/facilities/resources")
    assert again == first and _reads(queries, "facilities_resource") == 0
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    window = f"free_from={start.isoformat()}&free_to={(start + dt.timedelta(days=2)).isoformat()}"
    url = "/api/facilities/resources?" + window.replace("+", "%2B")
    _get(Client(), url)
    _response, queries = _get(Client(), url)
    assert _reads(queries, "facilities_resource") >= 1  # the clock and the bookings decide
