"""Closing as unsuccessful: an applicant left on the waiting list when the round ends.
Only after the results are out, only shortlisted applications without an offer; the
officer closes one (page, API) or the whole waiting list once every offer is answered;
the applicant is told; the audit event is written; bad timing changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from innobridge.core.models import AuditEvent, Notice
from innobridge.exchange import services
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import ApplicationState

from .conftest import shortlisted

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _two_for_one_seat(world: Any, make_person: Any) -> tuple[Any, Any, Any]:
    """Two shortlisted applicants who both want only p1 (one seat); offers sent."""
    other = make_person("second")
    first = shortlisted(world, prefs=(world.p1,), score=5)
    second = shortlisted(world, other, prefs=(world.p1,), score=2)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    [offer] = services.send_offers(world.officer, run)
    return first, second, offer


def test_not_before_the_results_are_out(world: Any) -> None:
    app = shortlisted(world)
    with pytest.raises(ValidationError, match="not out yet"):
        services.close_unsuccessful(world.officer, app)
    r = _client(world.officer).post(f"/api/exchange/applications/{app.pk}/close")
    assert r.status_code == 422
    app.refresh_from_db()
    assert app.state == ApplicationState.SHORTLISTED


def test_officer_closes_the_waiting_list_once_every_offer_is_answered(
    world: Any, make_person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first, second, offer = _two_for_one_seat(world, make_person)
    assert offer.application_id == first.pk
    second.refresh_from_db()
    assert second.state == ApplicationState.SHORTLISTED  # on the waiting list
    with pytest.raises(ValidationError, match="awaiting replies"):
        services.close_waiting_list(world.officer, world.programme)
    services.accept_offer(world.applicant, offer)
    with pytest.raises(PermissionDenied):
        services.close_waiting_list(world.outsider, world.programme)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        r = _client(world.officer).post(
            f"/api/exchange/programmes/{world.programme.pk}/waiting-list/close"
        )
    assert r.status_code == 200 and r.json() == {"closed": [second.pk]}
    second.refresh_from_db()
    assert second.state == ApplicationState.UNSUCCESSFUL
    assert AuditEvent.objects.filter(
        action=ExchangeAction.APPLICATION_CLOSED, object_id=str(second.pk)
    ).exists()
    assert len(mail.outbox) == sent + 1 and "not successful" in mail.outbox[-1].body
    assert Notice.objects.filter(recipient=second.applicant, subject__contains="Decision").exists()


def test_officer_closes_one_application_from_its_page(world: Any, make_person: Any) -> None:
    first, second, _offer = _two_for_one_seat(world, make_person)
    url = f"/exchange/applications/{second.pk}/"
    html = _client(world.officer).get(url).content.decode()
    assert 'value="close"' in html
    _client(world.officer).post(url, {"action": "close"})
    second.refresh_from_db()
    assert second.state == ApplicationState.UNSUCCESSFUL
    # the applicant cannot close it; one with an offer cannot be closed this way
    first.refresh_from_db()
    with pytest.raises((PermissionDenied, ValidationError)):
        services.close_unsuccessful(world.applicant, first)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.close_unsuccessful(world.officer, first)
    first.refresh_from_db()
    assert first.state == ApplicationState.OFFERED


def test_the_matching_page_offers_to_close_the_waiting_list(world: Any, make_person: Any) -> None:
    _first, second, offer = _two_for_one_seat(world, make_person)
    services.decline_offer(world.applicant, offer)  # the seat goes to the waiting list
    second.refresh_from_db()
    assert second.state == ApplicationState.OFFERED
    page = f"/exchange/programmes/{world.programme.pk}/matching/"
    assert (
        'data-testid="close-waiting-list"' not in _client(world.officer).get(page).content.decode()
    )
