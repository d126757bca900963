"""The training API: status and request by the user, the manager's queue and decisions
(schedule with a time zone, approve with the certificate, decline with a reason), the
trainee's withdrawal; 401/404/422 for the wrong caller or bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

API = "/api/facilities"


def _as(person: Any) -> Client:
    c = Client()
    c.force_login(person)
    return c


def test_training_over_the_api(resource: Any, people: dict[str, Any], manager: Any) -> None:
    resource.training_required = True
    resource.training_valid_months = 6
    resource.save()
    user, boss = _as(people["mainland"]), _as(manager)
    assert Client().get(f"{API}/resources/{resource.pk}/training").status_code == 401
    status = user.get(f"{API}/resources/{resource.pk}/training").json()
    assert status == {
        "training_required": True,
        "certified": False,
        "certificate_valid_until": None,
        "request": None,
    }
    r = user.post(
        f"{API}/resources/{resource.pk}/training",
        {"message": "x" * 1001},
        content_type="application/json",
    )
    assert r.status_code == 422
    r = user.post(
        f"{API}/resources/{resource.pk}/training",
        {"message": "hi"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["actions"] == ["withdraw"]
    req_id = r.json()["id"]
    again = user.post(
        f"{API}/resources/{resource.pk}/training", {}, content_type="application/json"
    )
    assert again.status_code == 422

    queue = boss.get(f"{API}/training/queue").json()
    assert [q["id"] for q in queue] == [req_id]
    assert queue[0]["actions"] == ["schedule", "approve", "decline"]
    assert user.get(f"{API}/training/queue").json() == []
    # The trainee may not approve; a stranger does not see it.
    assert (
        user.post(
            f"{API}/training/{req_id}/approve", {}, content_type="application/json"
        ).status_code
        == 403
    )
    stranger = _as(people["hk"])
    assert (
        stranger.post(
            f"{API}/training/{req_id}/withdraw", {}, content_type="application/json"
        ).status_code
        == 404
    )
    naive = boss.post(
        f"{API}/training/{req_id}/schedule",
        {"session_at": "2030-01-01T10:00:00"},
        content_type="application/json",
    )
    assert naive.status_code == 422
    when = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    r = boss.post(
        f"{API}/training/{req_id}/schedule",
        {"session_at": when.isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "scheduled"
    r = boss.post(f"{API}/training/{req_id}/approve", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "certified"
    assert r.json()["certificate_valid_until"]
    status = user.get(f"{API}/resources/{resource.pk}/training").json()
    assert status["certified"] is True and status["certificate_valid_until"]


def test_decline_needs_a_reason_and_withdraw(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    resource.training_required = True
    resource.save()
    user, boss = _as(people["hk"]), _as(manager)
    req_id = user.post(
        f"{API}/resources/{resource.pk}/training", {}, content_type="application/json"
    ).json()["id"]
    assert (
        boss.post(
            f"{API}/training/{req_id}/decline", {}, content_type="application/json"
        ).status_code
        == 422
    )
    r = boss.post(
        f"{API}/training/{req_id}/decline",
        {"reason": "Full this term."},
        content_type="application/json",
    )
    assert r.json()["status"] == "declined" and r.json()["reason"] == "Full this term."
    req_id = user.post(
        f"{API}/resources/{resource.pk}/training", {}, content_type="application/json"
    ).json()["id"]
    r = user.post(f"{API}/training/{req_id}/withdraw", {}, content_type="application/json")
    assert r.json()["status"] == "withdrawn" and r.json()["actions"] == []
