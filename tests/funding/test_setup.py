"""Officers set up schemes and calls: scheme pages, the call's edit page (everything before
opening; only the description and review deadline after), each funder's own side and
rubric — through the pages and the API, with bad input and permission denials."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.models import Call, CallSide, Criterion, Funder, Scheme
from tests.pages import client_as


def hk_local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def future_call(world: Any) -> Call:
    now = timezone.now()
    return services.create_call(
        world.hk_officer,
        world.scheme,
        title="Future call",
        opens_at=now + dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=40),
        review_deadline=now + dt.timedelta(days=70),
        sides=[
            {"funder": world.hk_funder, "budget": "2000000", "project_cap": "800000"},
            {"funder": world.cn_funder, "budget": "1500000", "project_cap": "600000"},
        ],
    )


@pytest.fixture
def other_officer(world: Any, make_person: Any) -> Any:
    """An officer of a funder that has nothing to do with the scheme."""
    f = Funder.objects.create(name="Macao Fund", side="MO", currency="HKD")
    p = make_person("mo_officer", roles=("programme_officer",))
    f.officers.add(p)
    return p


def edit_data(call: Call, **changes: Any) -> dict[str, Any]:
    """What the edit form posts when nothing is touched, plus ``changes``."""
    data: dict[str, Any] = {
        "title": call.title,
        "title_zh": call.title_zh,
        "description": call.description,
        "opens_at": hk_local(call.opens_at),
        "closes_at": hk_local(call.closes_at),
        "review_deadline": hk_local(call.review_deadline) if call.review_deadline else "",
        "min_duration_months": call.min_duration_months,
        "max_duration_months": call.max_duration_months,
        "min_industry_share": call.min_industry_share,
        "eligible_org_types": ", ".join(call.eligible_org_types),
        "accepted_languages": call.accepted_languages,
        "eligible_regions": call.eligible_regions,
        "required_sides": call.required_sides,
        "max_attachment_mb": call.max_attachment_mb,
        "coi_years": call.coi_years,
    }
    if call.one_application_per_person:
        data["one_application_per_person"] = "on"
    for cs in call.sides.all():
        data[f"budget_{cs.funder_id}"] = cs.budget
        data[f"cap_{cs.funder_id}"] = cs.project_cap
        data[f"reviewers_{cs.funder_id}"] = cs.reviewers_per_proposal
        data[f"load_{cs.funder_id}"] = cs.max_reviewer_load
    data.update(changes)
    return data


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --------------------------------------------------------------------------- scheme pages


def test_scheme_pages_only_for_officers(client, world, other_officer):
    url = reverse("funding:schemes")
    r = client.get(url)
    assert r.status_code == 302  # log in first
    client.force_login(world.lead)
    assert client.get(url).status_code == 403
    assert client.get(reverse("funding:scheme_create")).status_code == 403
    client.force_login(world.hk_officer)
    r = client.get(url)
    assert r.status_code == 200 and b"Joint Scheme" in r.content and b"Joint call 2026" in r.content
    # an officer of an unrelated funder sees no scheme and cannot edit this one
    client.force_login(other_officer)
    r = client.get(url)
    assert r.status_code == 200 and b"Joint Scheme" not in r.content
    assert client.get(reverse("funding:scheme_edit", args=[world.scheme.pk])).status_code == 404


def test_create_scheme_through_page(client, world):
    client.force_login(world.hk_officer)
    before = events("funding.scheme.created")
    r = client.post(
        reverse("funding:scheme_create"),
        {
            "name": "  Greater Bay Scheme ",
            "name_zh": "大灣區計劃",
            "description": "Two funders",
            "funders": [world.hk_funder.pk, world.cn_funder.pk],
        },
    )
    assert r.status_code == 302
    s = Scheme.objects.get(name="Greater Bay Scheme")
    assert set(s.funders.all()) == {world.hk_funder, world.cn_funder}
    assert events("funding.scheme.created") == before + 1


def test_create_scheme_bad_input_changes_nothing(client, world):
    client.force_login(world.hk_officer)
    other_hk = Funder.objects.create(name="Second HK fund", side="HK", currency="HKD")
    n = Scheme.objects.count()
    r = client.post(
        reverse("funding:scheme_create"),
        {"name": "Dup", "funders": [world.hk_funder.pk, other_hk.pk]},
    )
    assert r.status_code == 200 and b"Two funders for the same side." in r.content
    r = client.post(reverse("funding:scheme_create"), {"name": "   ", "funders": []})
    assert r.status_code == 200
    assert Scheme.objects.count() == n


def test_create_scheme_of_others_funders_is_refused(client, world, other_officer):
    client.force_login(other_officer)
    r = client.post(
        reverse("funding:scheme_create"),
        {"name": "Not mine", "funders": [world.hk_funder.pk, world.cn_funder.pk]},
    )
    assert r.status_code == 200 and b"Only a programme officer" in r.content
    assert not Scheme.objects.filter(name="Not mine").exists()


def test_edit_scheme_cannot_drop_a_funder_with_calls(client, world):
    client.force_login(world.cn_officer)
    url = reverse("funding:scheme_edit", args=[world.scheme.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"name": "Joint Scheme", "funders": [world.cn_funder.pk]})
    assert r.status_code == 200 and b"cannot be removed" in r.content
    assert world.scheme.funders.count() == 2
    r = client.post(
        url,
        {"name": "Renamed", "name_zh": "聯合", "funders": [world.hk_funder.pk, world.cn_funder.pk]},
    )
    assert r.status_code == 302
    world.scheme.refresh_from_db()
    assert world.scheme.name == "Renamed"
    ev = AuditEvent.objects.filter(action="funding.scheme.updated").latest("id")
    assert ev.before["name"] == "Joint Scheme" and ev.after["name"] == "Renamed"


# --------------------------------------------------------------------------- call edit page


def test_call_edit_links_shown_to_officers_only(client, world):
    client.force_login(world.hk_officer)
    edit = reverse("funding:call_edit", args=[world.call.pk]).encode()
    assert edit in client.get(reverse("funding:call", args=[world.call.pk])).content
    assert reverse("funding:schemes").encode() in client.get(reverse("funding:home")).content
    client.force_login(world.lead)
    assert edit not in client.get(reverse("funding:call", args=[world.call.pk])).content
    assert reverse("funding:schemes").encode() not in client.get(reverse("funding:home")).content


def test_call_edit_refused_to_non_officers(client, world, future_call, other_officer):
    url = reverse("funding:call_edit", args=[future_call.pk])
    for person in (world.lead, world.reviewers_hk[0], other_officer):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, edit_data(future_call, title="Hacked")).status_code == 403
    future_call.refresh_from_db()
    assert future_call.title == "Future call"


def test_call_edit_before_opening(client, world, future_call):
    client.force_login(world.hk_officer)
    url = reverse("funding:call_edit", args=[future_call.pk])
    r = client.get(url)
    assert r.status_code == 200 and b"call-opened" not in r.content
    new_close = future_call.closes_at + dt.timedelta(days=3)
    hk_id, cn_id = world.hk_funder.pk, world.cn_funder.pk
    r = client.post(
        url,
        edit_data(
            future_call,
            title="Future call (revised)",
            closes_at=hk_local(new_close),
            eligible_org_types="education, company",
            accepted_languages=["en"],
            eligible_regions=["HK", "CN", "MO"],
            **{f"budget_{hk_id}": "2500000", f"budget_{cn_id}": "9"},  # CN's is not mine
        ),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    future_call.refresh_from_db()
    assert future_call.title == "Future call (revised)"
    assert hk_local(future_call.closes_at) == hk_local(new_close)
    assert future_call.eligible_org_types == ["education", "company"]
    assert future_call.accepted_languages == ["en"]
    assert future_call.eligible_regions == ["HK", "CN", "MO"]
    sides = {cs.funder_id: cs for cs in future_call.sides.all()}
    assert sides[hk_id].budget == Decimal("2500000")
    assert sides[cn_id].budget == Decimal("1500000")  # the other funder's side is untouched
    assert events("funding.call.updated") == 1 and events("funding.call.side_updated") == 1
    ev = AuditEvent.objects.get(action="funding.call.updated")
    assert ev.before["title"] == "Future call" and ev.after["title"] == "Future call (revised)"


def test_call_edit_unchanged_post_writes_nothing(client, world, future_call):
    client.force_login(world.hk_officer)
    r = client.post(reverse("funding:call_edit", args=[future_call.pk]), edit_data(future_call))
    assert r.status_code == 302
    assert events("funding.call.updated") == 0 and events("funding.call.side_updated") == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2020-01-01T00:00"}, b"The call must close after it opens."),
        (
            {"min_duration_months": 30, "max_duration_months": 12},
            b"The longest duration is shorter than the shortest.",
        ),
        ({"review_deadline": "2020-01-01T00:00"}, b"after the call closes"),
        ({"accepted_languages": []}, b"This field is required."),
        ({"title": "   "}, b"This field is required."),
        ({"coi_years": "-1"}, b"greater than or equal to 0"),
        ({"required_sides": ["HK", "MO"]}, b"no funder pays that side"),
        ({"required_sides": []}, b"This field is required."),
    ],
)
def test_call_edit_bad_input_changes_nothing(client, world, future_call, changes, message):
    client.force_login(world.hk_officer)
    before = {f: getattr(future_call, f) for f in services.CALL_FIELDS}
    r = client.post(
        reverse("funding:call_edit", args=[future_call.pk]),
        edit_data(future_call, **{"description": "changed", **changes}),
    )
    assert r.status_code == 200 and message in r.content
    future_call.refresh_from_db()
    assert {f: getattr(future_call, f) for f in services.CALL_FIELDS} == before
    assert events("funding.call.updated") == 0


def test_call_edit_side_error_rolls_back_the_call_fields(client, world, future_call):
    client.force_login(world.hk_officer)
    hk_id = world.hk_funder.pk
    r = client.post(
        reverse("funding:call_edit", args=[future_call.pk]),
        edit_data(
            future_call,
            title="Should not stay",
            **{f"budget_{hk_id}": "1000", f"cap_{hk_id}": "5000"},
        ),
    )
    assert r.status_code == 200 and b"cannot exceed the budget" in r.content
    future_call.refresh_from_db()
    assert future_call.title == "Future call"
    assert CallSide.objects.get(call=future_call, funder=world.hk_funder).budget == 2000000
    assert events("funding.call.updated") == 0


def test_call_edit_after_opening_only_description_and_deadline(client, world):
    call = world.call  # opened ten days ago
    client.force_login(world.cn_officer)
    url = reverse("funding:call_edit", args=[call.pk])
    r = client.get(url)
    assert r.status_code == 200 and b"call-opened" in r.content
    assert b"rubric-form" not in r.content  # rubrics are shown, not editable
    new_deadline = call.closes_at + dt.timedelta(days=50)
    r = client.post(
        url,
        edit_data(
            call,
            title="Changed after opening",
            description="Budget lines in each side's currency.",
            review_deadline=hk_local(new_deadline),
            **{f"budget_{world.cn_funder.pk}": "1"},
        ),
    )
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.title == "Joint call 2026"  # disabled: the posted value is ignored
    assert call.description == "Budget lines in each side's currency."
    assert hk_local(call.review_deadline) == hk_local(new_deadline)
    assert CallSide.objects.get(call=call, funder=world.cn_funder).budget == 2500000
    assert events("funding.call.side_updated") == 0


def test_update_call_service_refuses_rules_after_opening(world):
    with pytest.raises(ValidationError, match="has opened"):
        services.update_call(world.hk_officer, world.call, title="Another")
    with pytest.raises(ValidationError, match="has opened"):
        services.update_call_side(world.hk_officer, world.call, world.hk_funder, budget="1")
    with pytest.raises(PermissionDenied):
        services.update_call(world.lead, world.call, description="x")


def test_update_call_service_checks_every_rule(world, future_call):
    with pytest.raises(ValidationError) as exc:
        services.update_call(
            world.hk_officer,
            future_call,
            accepted_languages=["fr"],
            coi_years=50,
            max_attachment_mb=0,
            required_sides=["HK", "MO"],
            eligible_regions=["XX"],
        )
    assert set(exc.value.message_dict) == {
        "accepted_languages",
        "coi_years",
        "max_attachment_mb",
        "required_sides",
        "eligible_regions",
    }
    with pytest.raises(ValidationError, match="Unknown fields"):
        services.update_call(world.hk_officer, future_call, decided_at=timezone.now())


# --------------------------------------------------------------------------- rubrics


def rubric_post(rows: list[tuple[str, str, str, str]]) -> dict[str, list[str]]:
    return {
        "name": [r[0] for r in rows],
        "name_zh": [r[1] for r in rows],
        "weight": [r[2] for r in rows],
        "max_score": [r[3] for r in rows],
    }


def test_rubric_editor(client, world, future_call):
    client.force_login(world.cn_officer)
    r = client.get(reverse("funding:call_edit", args=[future_call.pk]))
    assert r.content.count(b'data-testid="rubric-form"') == 1  # only its own funder's
    url = reverse("funding:call_rubric", args=[future_call.pk, world.cn_funder.pk])
    rows = [("Novelty", "創新", "60", "10"), ("Team", "團隊", "40", "5"), ("", "", "", "5")]
    r = client.post(url, rubric_post(rows), follow=True)
    assert b"was saved" in r.content
    crits = list(Criterion.objects.filter(call=future_call, funder=world.cn_funder))
    assert [(c.name, c.weight, c.max_score) for c in crits] == [
        ("Novelty", Decimal(60), 10),
        ("Team", Decimal(40), 5),
    ]
    # the Hong Kong funder's rubric is untouched
    assert Criterion.objects.filter(call=future_call, funder=world.hk_funder).count() == 3
    assert events("funding.call.rubric_set") == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("Novelty", "創新", "60", "5")], b"they must add up to 100"),
        ([("Novelty", "", "100", "5")], b"in English and in Chinese"),
        ([("Novelty", "創新", "abc", "5")], b"as numbers"),
        ([("Novelty", "創新", "100", "500")], b"between 1 and 100"),
        ([("", "", "", "5")], b"at least one criterion"),
        ([("A", "甲", "-10", "5"), ("B", "乙", "110", "5")], b"must be positive"),
    ],
)
def test_rubric_bad_input_changes_nothing(client, world, future_call, rows, message):
    client.force_login(world.hk_officer)
    url = reverse("funding:call_rubric", args=[future_call.pk, world.hk_funder.pk])
    r = client.post(url, rubric_post(rows), follow=True)
    assert message in r.content
    assert Criterion.objects.filter(call=future_call, funder=world.hk_funder).count() == 3
    assert events("funding.call.rubric_set") == 0


def test_rubric_of_the_other_funder_or_after_opening_refused(client, world, future_call):
    client.force_login(world.hk_officer)
    rows = rubric_post([("Only", "唯一", "100", "5")])
    r = client.post(reverse("funding:call_rubric", args=[future_call.pk, world.cn_funder.pk]), rows)
    assert r.status_code == 403
    r = client.post(
        reverse("funding:call_rubric", args=[world.call.pk, world.hk_funder.pk]), rows, follow=True
    )
    assert b"has opened" in r.content
    assert Criterion.objects.filter(call=world.call, funder=world.hk_funder).count() == 3
    assert events("funding.call.rubric_set") == 0


# --------------------------------------------------------------------------- API


def send(client: Any, method: str, url: str, data: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def test_api_schemes(client, world, other_officer):
    assert client.get("/api/funding/schemes").status_code == 401
    client.force_login(world.hk_officer)
    r = client.get("/api/funding/schemes")
    assert r.status_code == 200 and [s["name"] for s in r.json()] == ["Joint Scheme"]
    ids = [world.hk_funder.pk, world.cn_funder.pk]
    r = send(client, "post", "/api/funding/schemes", {"name": "API scheme", "funder_ids": ids})
    assert r.status_code == 201 and {f["side"] for f in r.json()["funders"]} == {"HK", "CN"}
    sid = r.json()["id"]
    r = send(client, "post", "/api/funding/schemes", {"name": "", "funder_ids": ids})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["name"]
    r = send(client, "post", "/api/funding/schemes", {"name": "x", "funder_ids": [999999]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["funder_ids"]
    r = send(client, "patch", f"/api/funding/schemes/{sid}", {"description": "Updated"})
    assert r.status_code == 200 and r.json()["description"] == "Updated"
    r = send(client, "patch", f"/api/funding/schemes/{sid}", {"funder_ids": [world.cn_funder.pk]})
    assert r.status_code == 422  # the HK officer would drop its own funder
    # other people
    client.force_login(other_officer)
    assert send(client, "patch", f"/api/funding/schemes/{sid}", {"name": "x"}).status_code == 404
    r = send(client, "post", "/api/funding/schemes", {"name": "Not mine", "funder_ids": ids})
    assert r.status_code == 403
    client.force_login(world.lead)
    assert client.get("/api/funding/schemes").json() == []
    assert Scheme.objects.get(pk=sid).name == "API scheme"


def call_payload(world: Any, **changes: Any) -> dict[str, Any]:
    now = timezone.now()
    data: dict[str, Any] = {
        "scheme_id": world.scheme.pk,
        "title": "API call",
        "opens_at": (now + dt.timedelta(days=2)).isoformat(),
        "closes_at": (now + dt.timedelta(days=30)).isoformat(),
        "sides": [
            {
                "funder_id": world.hk_funder.pk,
                "budget": "1000000",
                "project_cap": "500000",
                "criteria": [
                    {"name": "Merit", "name_zh": "價值", "weight": "70"},
                    {"name": "Fit", "name_zh": "配合", "weight": "30", "max_score": 10},
                ],
            },
            {"funder_id": world.cn_funder.pk, "budget": "900000", "project_cap": "400000"},
        ],
    }
    data.update(changes)
    return data


def test_api_create_call(client, world):
    client.force_login(world.cn_officer)
    r = send(client, "post", "/api/funding/calls", call_payload(world))
    assert r.status_code == 201, r.content
    body = r.json()
    hk_crit = [c for c in body["criteria"] if c["funder_id"] == world.hk_funder.pk]
    cn_crit = [c for c in body["criteria"] if c["funder_id"] == world.cn_funder.pk]
    assert [c["name"] for c in hk_crit] == ["Merit", "Fit"] and len(cn_crit) == 3
    assert events("funding.call.created") == 2  # the world's call and this one
    # naive times are read as Hong Kong time
    naive = call_payload(world, opens_at="2030-01-01T09:00:00", closes_at="2030-02-01T09:00:00")
    r = send(client, "post", "/api/funding/calls", naive)
    assert r.status_code == 201
    assert Call.objects.get(pk=r.json()["id"]).opens_at == dt.datetime(
        2030, 1, 1, 1, 0, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"closes_at": "2020-01-01T00:00:00+08:00"}, "closes_at"),
        ({"accepted_languages": ["fr"]}, "accepted_languages"),
        ({"coi_years": -1}, "coi_years"),
        ({"max_attachment_mb": 0}, "max_attachment_mb"),
        ({"min_duration_months": 0}, "min_duration_months"),
        ({"required_sides": ["HK", "MO"]}, "sides"),
        ({"title": "  "}, "title"),
        ({"min_industry_share": "150"}, "min_industry_share"),
    ],
)
def test_api_create_call_bad_input(client, world, changes, loc):
    client.force_login(world.hk_officer)
    n = Call.objects.count()
    r = send(client, "post", "/api/funding/calls", call_payload(world, **changes))
    assert r.status_code == 422, r.content
    assert loc in {d["loc"][0] for d in r.json()["detail"] if d["loc"]}
    assert Call.objects.count() == n


def test_api_create_call_bad_sides_and_rubric(client, world):
    client.force_login(world.hk_officer)
    n = Call.objects.count()
    data = call_payload(world)
    data["sides"][0]["project_cap"] = "2000000"  # over the budget
    data["sides"][1]["reviewers_per_proposal"] = 0
    data["sides"][1]["criteria"] = [{"name": "Only", "name_zh": "唯一", "weight": "50"}]
    r = send(client, "post", "/api/funding/calls", data)
    assert r.status_code == 422
    locs = {d["loc"][0] for d in r.json()["detail"]}
    assert {"project_cap", "reviewers_per_proposal", "criteria"} <= locs
    assert Call.objects.count() == n


def test_api_create_call_refused(client, world, other_officer):
    for person in (world.lead, other_officer):
        client.force_login(person)
        r = send(client, "post", "/api/funding/calls", call_payload(world))
        assert r.status_code == 403
    assert not Call.objects.filter(title="API call").exists()


def test_api_update_call(client, world, future_call):
    client.force_login(world.hk_officer)
    url = f"/api/funding/calls/{future_call.pk}"
    r = send(client, "patch", url, {"title": "Patched", "coi_years": 5})
    assert r.status_code == 200 and r.json()["title"] == "Patched" and r.json()["coi_years"] == 5
    r = send(client, "patch", url, {"review_deadline": None})
    assert r.status_code == 200 and r.json()["review_deadline"] is None
    r = send(client, "patch", url, {"max_duration_months": 6})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["max_duration_months"]
    # after opening: the description may change, the rules may not
    r = send(client, "patch", f"/api/funding/calls/{world.call.pk}", {"title": "Late"})
    assert r.status_code == 422 and "has opened" in r.json()["detail"][0]["msg"]
    r = send(client, "patch", f"/api/funding/calls/{world.call.pk}", {"description": "More"})
    assert r.status_code == 200 and r.json()["description"] == "More"
    client.force_login(world.lead)
    r = send(client, "patch", f"/api/funding/calls/{world.call.pk}", {"description": "Mine"})
    assert r.status_code == 403
    # a call that has not opened is not even visible to others
    assert send(client, "patch", url, {"title": "Mine"}).status_code == 404
    future_call.refresh_from_db()
    assert future_call.title == "Patched"


def test_api_update_side(client, world, future_call):
    client.force_login(world.cn_officer)
    url = f"/api/funding/calls/{future_call.pk}/sides/{world.cn_funder.pk}"
    r = send(client, "patch", url, {"budget": "3000000", "max_reviewer_load": 4})
    assert r.status_code == 200
    cn = next(s for s in r.json()["sides"] if s["side"] == "CN")
    assert Decimal(cn["budget"]) == 3000000 and cn["max_reviewer_load"] == 4
    r = send(client, "patch", url, {"project_cap": "9000000"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["project_cap"]
    r = send(client, "patch", url, {"reviewers_per_proposal": 11})
    assert r.status_code == 422
    # the Hong Kong side belongs to the other funder
    other = f"/api/funding/calls/{future_call.pk}/sides/{world.hk_funder.pk}"
    assert send(client, "patch", other, {"budget": "1"}).status_code == 403
    assert CallSide.objects.get(call=future_call, funder=world.hk_funder).budget == 2000000
    assert events("funding.call.side_updated") == 1


def test_api_set_rubric(client, world, future_call):
    client.force_login(world.hk_officer)
    url = f"/api/funding/calls/{future_call.pk}/rubric/{world.hk_funder.pk}"
    rubric = [
        {"name": "Merit", "name_zh": "價值", "weight": "50", "max_score": 7},
        {"name": "Impact", "name_zh": "影響", "weight": "50"},
    ]
    r = send(client, "put", url, rubric)
    assert r.status_code == 200
    hk = [c for c in r.json()["criteria"] if c["funder_id"] == world.hk_funder.pk]
    assert [(c["name"], c["max_score"]) for c in hk] == [("Merit", 7), ("Impact", 5)]
    r = send(client, "put", url, rubric[:1])
    assert r.status_code == 422 and "add up to 100" in r.json()["detail"][0]["msg"]
    other = f"/api/funding/calls/{future_call.pk}/rubric/{world.cn_funder.pk}"
    assert send(client, "put", other, rubric).status_code == 403
    opened = f"/api/funding/calls/{world.call.pk}/rubric/{world.hk_funder.pk}"
    assert send(client, "put", opened, rubric).status_code == 422
    assert Criterion.objects.filter(call=future_call, funder=world.hk_funder).count() == 2
    assert Criterion.objects.filter(call=future_call, funder=world.cn_funder).count() == 3


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Novelty"), ("zh-hant", "創新與應用"), ("zh-hans", "创新与应用")],
)
def test_call_page_shows_each_criterion_in_the_ui_language(world, future_call, lang, expected):
    services.set_rubric(
        world.cn_officer, future_call, world.cn_funder, [("Novelty", "創新與應用", 100, 7)]
    )
    # The call has not opened: officers see it.
    r = client_as(world.cn_officer, lang).get(reverse("funding:call", args=[future_call.pk]))
    assert r.status_code == 200 and expected in r.content.decode()
    assert b"Highest score" in r.content or lang != "en"


def test_moving_the_review_deadline_moves_the_reviews_still_owed(world, submitted):
    from innobridge.funding.models import ReviewAssignment

    from .steps import eligible, to_review
    from .test_who_sees_what import review

    p = to_review(world, eligible(world, submitted))
    done = ReviewAssignment.objects.filter(proposal=p).order_by("pk").first()
    review(world, done, 4, "ok")
    old = done.deadline
    later = world.call.review_deadline + dt.timedelta(days=14)
    services.update_call(world.cn_officer, world.call, review_deadline=later)
    owed = ReviewAssignment.objects.filter(proposal=p).exclude(pk=done.pk)
    assert {a.deadline for a in owed} == {later}
    done.refresh_from_db()
    assert done.deadline == old  # a submitted review keeps its record
