"""The training flow: a user requests the training an instrument requires → the
facility's manager schedules a session → approves (a certificate is issued, expiring
after the resource's validity) or declines with a reason; notices (in-app + e-mail in
the recipient's language) to the manager and the user; the manager's queue; booking
refused without a valid certificate and accepted with one; audit events for each step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from innobridge.core.models import AuditEvent, Notice
from innobridge.facilities import services
from innobridge.facilities.audit import FacilitiesAction
from innobridge.facilities.models import (
    TrainingCertificate,
    TrainingRequest,
    TrainingRequestStatus,
)
from innobridge.facilities.workflow import TRAINING_FLOW
from tests.pages import client_as

from .conftest import HKT, next_open_day


@pytest.fixture(autouse=True)
def _mail_at_once(monkeypatch: Any, settings: Any) -> None:
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def trained(resource: Any) -> Any:
    resource.training_required = True
    resource.training_valid_months = 12
    resource.save()
    return resource


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_expiry_follows_the_resource(trained: Any) -> None:
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert services.certificate_expiry(trained, dt.date(2026, 3, 2)) == dt.date(2027, 3, 1)
    trained.training_valid_months = None
    assert services.certificate_expiry(trained, dt.date(2026, 3, 2)) is None


def test_request_schedule_approve_then_book(
    trained: Any, people: dict[str, Any], manager: Any
) -> None:
    user = people["mainland"]
    user.preferred_language = "zh-hans"
    user.save()
    manager.email = "manager@example.org"
    manager.save()
    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=HKT)
    with pytest.raises(ValidationError, match="training certificate"):
        services.request_booking(user, trained, start, start + dt.timedelta(hours=1))

    req = services.request_training(user, trained, message="I used a similar SEM before.")
    assert req.status == TrainingRequestStatus.REQUESTED
    assert Notice.objects.get(recipient=manager).url == reverse("facilities:training_queue")
    assert mail.outbox[-1].to == ["manager@example.org"]
    assert "Li" in mail.outbox[-1].subject or "Training requested" in mail.outbox[-1].subject
    with pytest.raises(ValidationError, match="already asked"):
        services.request_training(user, trained)
    # The user may not schedule or approve their own request.
    with pytest.raises(PermissionDenied):
        services.approve_training(user, req)

    session = timezone.now() + dt.timedelta(days=2)
    req = services.schedule_training(manager, req, session_at=session)
    assert req.status == TrainingRequestStatus.SCHEDULED and req.session_at == session
    notice = Notice.objects.filter(recipient=user).latest("id")
    assert "培训" in notice.subject  # in the user's language (简体中文)

    req = services.approve_training(manager, req)
    cert = TrainingCertificate.objects.get(person=user, resource=trained)
    assert req.status == TrainingRequestStatus.CERTIFIED and req.certificate == cert
    assert cert.valid_until == services.certificate_expiry(trained, timezone.localdate())
    assert cert.issued_by == manager
    booking = services.request_booking(user, trained, start, start + dt.timedelta(hours=1))
    assert booking.pk
    for action in (
        FacilitiesAction.TRAINING_REQUESTED,
        FacilitiesAction.TRAINING_SCHEDULED,
        FacilitiesAction.TRAINING_APPROVED,
        FacilitiesAction.CERTIFICATE_GRANTED,
    ):
        assert _events(action) == 1, action


def test_decline_needs_a_reason_and_tells_the_user(
    trained: Any, people: dict[str, Any], manager: Any
) -> None:
    user = people["hk"]
    req = services.request_training(user, trained)
    with pytest.raises(ValidationError):
        services.decline_training(manager, req, reason="  ")
    req = services.decline_training(manager, req, reason="Book the safety induction first.")
    assert req.status == TrainingRequestStatus.DECLINED
    assert _events(FacilitiesAction.TRAINING_DECLINED) == 1
    assert "safety induction" in Notice.objects.filter(recipient=user).latest("id").body
    assert not TrainingCertificate.objects.exists()
    # A new request may follow a decline.
    assert services.request_training(user, trained).status == TrainingRequestStatus.REQUESTED


def test_withdraw_and_rules(trained: Any, people: dict[str, Any], manager: Any) -> None:
    user = people["hk"]
    req = services.request_training(user, trained)
    assert TRAINING_FLOW.allowed_actions(user, req) == ["withdraw"]
    assert TRAINING_FLOW.allowed_actions(manager, req) == ["schedule", "approve", "decline"]
    with pytest.raises(PermissionDenied):
        services.withdraw_training(manager, req)
    services.withdraw_training(user, req)
    assert _events(FacilitiesAction.TRAINING_WITHDRAWN) == 1
    with pytest.raises(ValidationError):
        services.schedule_training(manager, req, session_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="future"):
        services.schedule_training(
            manager,
            services.request_training(user, trained),
            session_at=timezone.now() - dt.timedelta(hours=1),
        )
    trained.training_required = False
    trained.save()
    with pytest.raises(ValidationError, match="needs no training"):
        services.request_training(people["mainland"], trained)


def test_a_valid_certificate_needs_no_request(trained: Any, people: dict[str, Any]) -> None:
    TrainingCertificate.objects.create(person=people["hk"], resource=trained)
    with pytest.raises(ValidationError, match="already hold"):
        services.request_training(people["hk"], trained)


@pytest.mark.parametrize(
    ("language", "need", "pending", "certified"),
    [
        ("en", "You need training", "Training requested, pending", "certified until"),
        ("zh-hant", "須先接受培訓", "已申請培訓，等候處理", "證書有效至"),
        ("zh-hans", "须先接受培训", "已申请培训，等候处理", "证书有效至"),
    ],
)
def test_resource_page_and_queue(
    trained: Any,
    people: dict[str, Any],
    manager: Any,
    language: str,
    need: str,
    pending: str,
    certified: str,
) -> None:
    user = people["mainland"]
    c = client_as(user, language)
    url = reverse("facilities:resource", args=[trained.pk])
    page = c.get(url).content.decode()
    assert need in page and 'data-testid="training-request"' in page
    r = c.post(reverse("facilities:training_request", args=[trained.pk]), {"message": "hi"})
    assert r.status_code == 302
    req = TrainingRequest.objects.get()
    assert pending in c.get(url).content.decode()

    m = client_as(manager, language)
    queue = m.get(reverse("facilities:training_queue")).content.decode()
    assert "Li" in queue and 'data-testid="training-approve"' in queue
    # A bad date is an error message, not a 500; nothing changes.
    bad = m.post(
        reverse("facilities:training_action", args=[req.pk, "approve"]),
        {"valid_until": "2026-99-99", "from": "queue"},
    )
    assert bad.status_code == 302
    req.refresh_from_db()
    assert req.status == TrainingRequestStatus.REQUESTED
    m.post(
        reverse("facilities:training_action", args=[req.pk, "approve"]),
        {"valid_until": "", "from": "queue"},
    )
    req.refresh_from_db()
    assert req.status == TrainingRequestStatus.CERTIFIED
    assert certified in c.get(url).content.decode()
    # Only managers have a queue; a stranger cannot act on a request.
    assert c.get(reverse("facilities:training_queue")).status_code == 403
    other = Client()
    other.force_login(people["hk"])
    r = other.post(reverse("facilities:training_action", args=[req.pk, "decline"]))
    assert r.status_code == 404


def test_the_demo_has_pending_requests_beside_certificates(
    trained: Any, orgs: dict[str, Any], make_person: Any
) -> None:
    import random

    from innobridge.facilities import demo
    from innobridge.people.models import ResearcherProfile

    for username in ("demo-researcher", "demo-li", "demo-wang"):
        person = make_person(username, roles=("researcher",), is_demo=True)
        ResearcherProfile.objects.create(person=person, organisation=orgs["tsinghua"], region="CN")
    made = demo.seed_training_requests([trained], random.Random(3))
    assert made == 2
    mine = TrainingRequest.objects.get(person__username="demo-researcher")
    assert mine.status == TrainingRequestStatus.REQUESTED
    other = TrainingRequest.objects.exclude(pk=mine.pk).get()
    assert other.status == TrainingRequestStatus.SCHEDULED and other.session_at
    assert demo.seed_training_requests([trained], random.Random(3)) == 0  # idempotent


@pytest.mark.parametrize(
    ("action", "data"),
    [("schedule", {"session_at": "2300-01-01T10:00"}), ("approve", {"valid_until": "2300-01-01"})],
)
def test_a_date_past_the_houses_range_is_refused_on_the_page(
    trained: Any, people: dict[str, Any], manager: Any, action: str, data: dict[str, str]
) -> None:
    """The training forms bound their dates as every other form (``core.schemas``'
    DATE_MAX): a session or a certificate in the year 2300 is an error, nothing changes."""
    req = services.request_training(people["mainland"], trained)
    url = reverse("facilities:training_action", args=[req.pk, action])
    r = client_as(manager).post(url, {**data, "from": "queue"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == TrainingRequestStatus.REQUESTED and req.session_at is None
    assert not TrainingCertificate.objects.exists()
