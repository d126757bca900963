"""Offers: structured required fields, inventor shares, researcher → TTO → officer,
TRL history, expiry and renewal, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innobridge.core.models import AuditEvent
from innobridge.transfer.models import Offer, OfferStatus, TrlChange
from innobridge.transfer.services import create_offer, expire_and_remind, move_offer, update_offer

from .conftest import INVENTORS, PATENTS, offer_data


def test_inventor_shares_must_add_up_to_100(people: Any, hku: Any) -> None:
    with pytest.raises(ValidationError) as err:
        create_offer(
            people["tto"],
            owner=hku,
            data=offer_data(),
            inventors=[{"name": "A", "share": "60"}, {"name": "B", "share": "30"}],
            patents=PATENTS,
        )
    assert "100" in str(err.value.message_dict["inventors"])
    assert Offer.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="transfer.offer").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("benefit_value", None),
        ("problem", ""),
        ("commercial_route", ""),
        ("sectors", []),
        ("sectors", ["not-a-sector"]),
        ("trl", 10),
        ("trl", 0),
        ("trl_evidence", ""),
        ("modes", []),
        ("ip_type", "painting"),
    ],
)
def test_structured_fields_are_required(people: Any, hku: Any, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as err:
        create_offer(
            people["tto"],
            owner=hku,
            data=offer_data(**{field: value}),
            inventors=INVENTORS,
            patents=PATENTS,
        )
    assert field in err.value.message_dict
    assert Offer.objects.count() == 0


def test_patent_offer_needs_a_number_and_open_licence_a_fee(people: Any, hku: Any) -> None:
    with pytest.raises(ValidationError) as err:
        create_offer(people["tto"], owner=hku, data=offer_data(), inventors=INVENTORS, patents=[])
    assert "patents" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        create_offer(
            people["tto"],
            owner=hku,
            data=offer_data(modes=["open"]),
            inventors=INVENTORS,
            patents=PATENTS,
        )
    assert "licence_fee" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        create_offer(
            people["tto"],
            owner=hku,
            data=offer_data(
                modes=["open"], licence_fee=Decimal("-5"), licence_terms="Same for all"
            ),
            inventors=INVENTORS,
            patents=PATENTS,
        )
    assert "licence_fee" in err.value.message_dict
    assert Offer.objects.count() == 0


def test_researcher_offer_goes_through_tto_then_officer(people: Any, hku: Any) -> None:
    r = people["researcher"]
    offer = create_offer(r, owner=hku, data=offer_data(), inventors=INVENTORS, patents=PATENTS)
    assert offer.state == OfferStatus.DRAFT
    with pytest.raises(PermissionDenied):
        move_offer(r, offer, "submit")  # only the TTO submits to the platform
    offer = move_offer(r, offer, "submit_to_tto")
    with pytest.raises(PermissionDenied):
        move_offer(people["stranger"], offer, "tto_approve")
    offer = move_offer(people["tto"], offer, "tto_approve")
    assert offer.state == OfferStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        move_offer(people["tto"], offer, "publish")
    with pytest.raises(ValidationError):
        move_offer(people["officer"], offer, "reject")  # a reason is required
    offer = move_offer(people["officer"], offer, "publish")
    assert offer.state == OfferStatus.PUBLISHED
    assert offer.expires_at is not None
    assert 364 <= (offer.expires_at - timezone.now()).days <= 365
    actions = list(
        AuditEvent.objects.filter(object_type="transfer.offer", object_id=str(offer.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "transfer.offer.created",
        "transfer.offer.submitted_to_tto",
        "transfer.offer.tto_approved",
        "transfer.offer.published",
    ]


def test_trl_history_is_dated_and_kept(make_offer: Any, people: Any) -> None:
    offer = make_offer()
    update_offer(people["tto"], offer, data={"trl": 6, "trl_evidence": "Pilot line run."})
    history = list(TrlChange.objects.filter(offer=offer).values_list("trl", flat=True))
    assert history == [4, 6]
    assert AuditEvent.objects.filter(action="transfer.offer.trl_changed").count() == 1


def test_expiry_reminder_and_renewal(
    make_offer: Any, people: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    offer = make_offer()
    now = timezone.now()
    Offer.objects.filter(pk=offer.pk).update(expires_at=now + dt.timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_and_remind(now) == (0, 1)
    assert expire_and_remind(now) == (0, 0)  # reminded once
    assert any("expires" in m.subject for m in mailoutbox)
    Offer.objects.filter(pk=offer.pk).update(expires_at=now - dt.timedelta(days=1))
    assert expire_and_remind(now)[0] == 1
    offer.refresh_from_db()
    assert offer.state == OfferStatus.EXPIRED
    offer = move_offer(people["tto"], offer, "renew")
    assert offer.state == OfferStatus.PUBLISHED
    assert offer.expires_at > now + dt.timedelta(days=300)
