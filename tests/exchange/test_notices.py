"""In-app notices for exchange events: the platform's notices (``people.Notice``, shown on
the notices page with the unread count), created beside each exchange e-mail to an
account, in the recipient's language; nobody sees another's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.exchange import services
from innobridge.people.models import Notice

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
    notices = list(Notice.objects.filter(recipient=world.applicant))
    assert len(notices) == 3
    offer = notices[0]  # newest first
    assert offer.url == f"/exchange/applications/{app.pk}/" and offer.read_at is None
    assert any("推荐" in n.body for n in notices)  # zh-hans: "nominated"
    assert not Notice.objects.filter(recipient=world.officer).exists()


def test_the_notices_page_shows_them_to_the_recipient_only(world: Any) -> None:
    from innobridge.exchange.models import Application

    submitted(world)
    services.nominate(world.cn_coordinator, Application.objects.get(), yes=True)
    note = Notice.objects.get(recipient=world.applicant)
    html = _client(world.applicant).get("/people/notices/").content.decode()
    assert note.subject in html
    assert note.subject not in _client(world.outsider).get("/people/notices/").content.decode()
