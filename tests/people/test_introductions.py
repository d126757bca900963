"""Introductions between researchers: the request with a message and consent, the
recipient's answer, contact details exchanged only on acceptance and recorded in the
disclosure register (across the boundary when the two are in different regions), the
limits against spam, blocking, and the notices (in-app and e-mail, in the recipient's
language)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innobridge.core.models import AuditEvent, Notice
from innobridge.people import selectors, services
from innobridge.people.audit import PeopleAction
from innobridge.people.models import (
    ContactDisclosure,
    Introduction,
    IntroductionStatus,
)
from innobridge.people.workflow import INTRODUCTION_FLOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_at_once(monkeypatch: Any, settings: Any) -> None:
    """E-mail leaves on commit; a test's transaction never commits, so send at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pair(make_researcher: Any, cn_org: Any, settings: Any) -> tuple[Any, Any]:
    """A Hong Kong researcher and a Mainland one (whose UI language is 简体中文)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hk = make_researcher(
        "chan", display_name="陳大文", position="Professor", email="chan@example.org"
    ).person
    cn = make_researcher(
        "li", display_name="Li Wei", organisation=cn_org, email="li@example.org"
    ).person
    cn.preferred_language = "zh-hans"
    cn.save()
    return hk, cn


def _ask(a: Any, b: Any, message: str = "Shall we apply together?") -> Introduction:
    return services.request_introduction(a, b, message=message, consent=True)


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_request_notifies_the_recipient_in_their_language(pair: Any) -> None:
    hk, cn = pair
    intro = _ask(hk, cn, "Graphene electrodes — a joint proposal?")
    assert intro.state == IntroductionStatus.PENDING
    assert _events(PeopleAction.INTRODUCTION_REQUESTED) == 1
    notice = Notice.objects.get(recipient=cn)
    assert notice.url == intro.get_absolute_url()
    assert "Graphene electrodes" in notice.body
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cn.email]
    # The e-mail is in the recipient's language (简体中文), not the requester's.
    assert "陳大文" in mail.outbox[0].subject
    assert "介绍" in mail.outbox[0].subject
    # No contact details travel with the request.
    assert hk.email not in notice.body and hk.email not in mail.outbox[0].body


def test_message_and_consent_are_required(pair: Any) -> None:
    hk, cn = pair
    with pytest.raises(ValidationError) as err:
        services.request_introduction(hk, cn, message="  ", consent=False)
    assert set(err.value.message_dict) == {"message", "consent"}
    assert not Introduction.objects.exists()


def test_no_duplicate_open_request_either_way(pair: Any) -> None:
    hk, cn = pair
    _ask(hk, cn)
    with pytest.raises(ValidationError, match="already have an open request"):
        _ask(hk, cn)
    with pytest.raises(ValidationError, match="answer their request"):
        _ask(cn, hk)
    assert Introduction.objects.count() == 1


def test_the_database_refuses_a_second_open_request(pair: Any) -> None:
    from django.db import IntegrityError, transaction

    hk, cn = pair
    _ask(hk, cn)
    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.create(requester=hk, recipient=cn, message="again")


def test_daily_and_open_limits(make_researcher: Any, pair: Any) -> None:
    hk, _cn = pair
    others = [make_researcher(f"p{i}").person for i in range(services.MAX_REQUESTS_PER_DAY + 1)]
    for person in others[: services.MAX_REQUESTS_PER_DAY]:
        _ask(hk, person)
    with pytest.raises(ValidationError, match="at most 10 introduction requests a day"):
        _ask(hk, others[-1])
    # A day later the daily limit is lifted.
    later = timezone.now() + dt.timedelta(hours=25)
    intro = services.request_introduction(hk, others[-1], message="hello", consent=True, now=later)
    assert intro.pk


def test_open_requests_are_capped(make_researcher: Any, pair: Any) -> None:
    hk, _cn = pair
    people = [make_researcher(f"q{i}").person for i in range(services.MAX_OPEN_REQUESTS + 1)]
    old = timezone.now() - dt.timedelta(days=3)
    for person in people[: services.MAX_OPEN_REQUESTS]:
        Introduction.objects.create(requester=hk, recipient=person, message="x")
    Introduction.objects.filter(requester=hk).update(created_at=old)
    with pytest.raises(ValidationError, match="waiting for an answer"):
        _ask(hk, people[-1])


def test_accept_exchanges_contacts_and_records_the_cross_boundary_transfer(pair: Any) -> None:
    hk, cn = pair
    intro = _ask(hk, cn)
    assert services.contact_card(cn)["email"] == cn.email
    # Before acceptance nothing is disclosed.
    assert not ContactDisclosure.objects.exists()
    mail.outbox.clear()
    services.accept_introduction(cn, intro)
    intro.refresh_from_db()
    assert intro.state == IntroductionStatus.ACCEPTED and intro.responded_at
    rows = {(d.subject_id, d.recipient_id): d for d in ContactDisclosure.objects.all()}
    assert set(rows) == {(hk.pk, cn.pk), (cn.pk, hk.pk)}
    to_hk = rows[(cn.pk, hk.pk)]
    assert to_hk.cross_boundary and to_hk.subject_region == "CN"
    assert to_hk.recipient_region == "HK"
    assert to_hk.fields == ["name", "email", "organisation"]
    assert rows[(hk.pk, cn.pk)].fields == ["name", "email", "organisation", "position"]
    assert to_hk.legal_basis == "consent" and to_hk.consent_at == intro.responded_at
    # The requester consented when asking.
    assert rows[(hk.pk, cn.pk)].consent_at == intro.created_at
    assert _events(PeopleAction.INTRODUCTION_ACCEPTED) == 1
    assert _events(PeopleAction.CONTACT_DISCLOSED) == 2
    # The requester hears of it (in English); the mail carries no contact details.
    assert [m.to for m in mail.outbox] == [[hk.email]]
    assert cn.email not in mail.outbox[0].body
    # Each sees what of theirs was shared.
    assert [d.recipient for d in selectors.my_disclosures(hk)] == [cn]
    assert services.are_connected(hk, cn)


def test_same_side_exchange_is_recorded_but_not_cross_boundary(make_researcher: Any) -> None:
    a = make_researcher("a").person
    b = make_researcher("b").person
    services.accept_introduction(b, _ask(a, b))
    assert ContactDisclosure.objects.count() == 2
    assert not ContactDisclosure.objects.filter(cross_boundary=True).exists()
    assert selectors.disclosure_register().count() == 0
    assert selectors.disclosure_register(cross_boundary_only=False).count() == 2


def test_decline_gives_no_reason_and_shares_nothing(pair: Any) -> None:
    hk, cn = pair
    intro = _ask(hk, cn)
    mail.outbox.clear()
    services.decline_introduction(cn, intro)
    intro.refresh_from_db()
    assert intro.state == IntroductionStatus.DECLINED
    assert not ContactDisclosure.objects.exists()
    assert _events(PeopleAction.INTRODUCTION_DECLINED) == 1
    assert "not accepted" in mail.outbox[0].subject
    # After a decline a new request may be made (no open one remains).
    assert _ask(hk, cn).pk != intro.pk


def test_only_the_right_party_takes_each_step(pair: Any, make_researcher: Any) -> None:
    hk, cn = pair
    intro = _ask(hk, cn)
    assert INTRODUCTION_FLOW.allowed_actions(cn, intro) == ["accept", "decline"]
    assert INTRODUCTION_FLOW.allowed_actions(hk, intro) == ["withdraw"]
    with pytest.raises(PermissionDenied):
        services.accept_introduction(hk, intro)
    with pytest.raises(PermissionDenied):
        services.withdraw_introduction(cn, intro)
    stranger = make_researcher("stranger").person
    with pytest.raises(PermissionDenied):
        services.decline_introduction(stranger, intro)
    services.withdraw_introduction(hk, intro)
    assert _events(PeopleAction.INTRODUCTION_WITHDRAWN) == 1
    with pytest.raises(ValidationError):
        services.accept_introduction(cn, intro)


def test_blocking_declines_and_refuses_without_saying_why(pair: Any) -> None:
    hk, cn = pair
    intro = _ask(hk, cn)
    services.block_person(cn, hk)
    intro.refresh_from_db()
    assert intro.state == IntroductionStatus.DECLINED
    assert _events(PeopleAction.PERSON_BLOCKED) == 1
    with pytest.raises(ValidationError) as err:
        _ask(hk, cn)
    assert "block" not in str(err.value).lower()
    services.unblock_person(cn, hk)
    assert _events(PeopleAction.PERSON_UNBLOCKED) == 1
    assert _ask(hk, cn).state == IntroductionStatus.PENDING


def test_no_request_to_oneself_or_once_in_contact(pair: Any) -> None:
    hk, cn = pair
    with pytest.raises(ValidationError):
        _ask(hk, hk)
    services.accept_introduction(cn, _ask(hk, cn))
    with pytest.raises(ValidationError, match="already in contact"):
        _ask(cn, hk)


def test_contact_choices_are_the_shortlist_and_accepted_introductions(
    pair: Any, make_researcher: Any
) -> None:
    hk, cn = pair
    listed = make_researcher("listed").person
    asked = make_researcher("asked").person
    services.add_to_shortlist(hk, listed)
    _ask(hk, asked)  # pending: not a contact yet
    services.accept_introduction(cn, _ask(hk, cn))
    assert {p.pk for p in selectors.contact_choices(hk)} == {listed.pk, cn.pk}
    assert [p.pk for p in selectors.contact_choices(cn)] == [hk.pk]
