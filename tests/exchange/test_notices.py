"""In-app notices for exchange events (the platform's notices in core): created with the
e-mail, in the recipient's language, shown on the exchange home page, marked read; the
API lists and marks them; nobody sees another's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.core.models import Notice
from innobridge.exchange import services

from .conftest import shortlisted, submitted

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_decisions_and_offers_reach_the_applicant_in_app_in_their_language(world: Any) -> None:
    world.applicant.preferred_language = "zh-hans"
    world.applicant.save()
    app = shortlisted(world)  # nominated, then shortlisted: two decisions
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    services.send_offers(world.officer, run)
    notices = list(Notice.objects.filter(recipient=world.applicant, source="exchange"))
    assert len(notices) == 3
    offer = notices[0]  # newest first
    assert offer.url == f"/exchange/applications/{app.pk}/" and offer.read_at is None
    assert any("入围" in n.body or "入圍" in n.body or "提名" in n.body for n in notices)
    assert not Notice.objects.filter(recipient=world.officer).exists()


def test_home_page_lists_notices_and_marks_them_read(world: Any) -> None:
    submitted(world)
    services.nominate(world.cn_coordinator, _only_app(world), yes=True)
    c = _client(world.applicant)
    html = c.get("/exchange/").content.decode()
    assert 'data-testid="notices"' in html and "<strong>" in html
    c.post("/exchange/", {"action": "read_notices"})
    assert not Notice.objects.filter(recipient=world.applicant, read_at__isnull=True).exists()
    # another person's page shows none of them
    assert 'data-testid="notices"' not in _client(world.outsider).get("/exchange/").content.decode()


def _only_app(world: Any) -> Any:
    from innobridge.exchange.models import Application

    return Application.objects.get(applicant=world.applicant)


def test_api_lists_and_marks_notices(world: Any) -> None:
    submitted(world)
    services.nominate(world.cn_coordinator, _only_app(world), yes=True)
    c = _client(world.applicant)
    items = c.get("/api/exchange/notices").json()
    assert len(items) == 1 and items[0]["read"] is False
    assert _client(world.outsider).get("/api/exchange/notices").json() == []
    r = c.post(
        "/api/exchange/notices/read", {"ids": [items[0]["id"]]}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json() == {"marked": 1}
    assert c.get("/api/exchange/notices").json()[0]["read"] is True
    bad = c.post("/api/exchange/notices/read", {"ids": ["x"]}, content_type="application/json")
    assert bad.status_code == 422
