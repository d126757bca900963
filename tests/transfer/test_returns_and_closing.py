"""The offer and demand steps that send a listing back, withdraw it, close it or change
it: who may take each, what it changes, and the audit event it writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from innobridge.core.models import AuditEvent
from innobridge.transfer.audit import TransferAction
from innobridge.transfer.models import ConfidentialFile, DemandStatus, OfferStatus
from innobridge.transfer.services import (
    add_attachment,
    create_offer,
    move_offer,
    triage_demand,
    update_demand,
)

from .conftest import INVENTORS, PATENTS, offer_data

pytestmark = pytest.mark.django_db


def _events(obj: Any, action: str) -> int:
    return AuditEvent.objects.filter(object_id=str(obj.pk), action=action).count()


def test_tto_returns_a_researchers_offer_with_a_reason(people: Any, hku: Any) -> None:
    r = people["researcher"]
    offer = create_offer(r, owner=hku, data=offer_data(), inventors=INVENTORS, patents=PATENTS)
    offer = move_offer(r, offer, "submit_to_tto")
    with pytest.raises(PermissionDenied):
        move_offer(people["stranger"], offer, "tto_return", note="No")
    with pytest.raises(ValidationError):
        move_offer(people["tto"], offer, "tto_return", note="  ")  # a reason is required
    offer.refresh_from_db()
    assert offer.state == OfferStatus.AWAITING_TTO
    offer = move_offer(people["tto"], offer, "tto_return", note="Quantify the benefit.")
    assert offer.state == OfferStatus.DRAFT
    assert offer.review_note == "Quantify the benefit."
    assert _events(offer, TransferAction.OFFER_TTO_RETURNED) == 1


def test_officer_requests_changes_and_only_the_officer_may(make_offer: Any, people: Any) -> None:
    offer = make_offer(publish=False)
    offer = move_offer(people["tto"], offer, "submit")
    with pytest.raises(PermissionDenied):
        move_offer(people["tto"], offer, "return", note="Mine")
    offer = move_offer(people["officer"], offer, "return", note="Name the jurisdiction.")
    assert offer.state == OfferStatus.DRAFT
    assert _events(offer, TransferAction.OFFER_RETURNED) == 1


def test_tto_withdraws_a_published_offer_once(make_offer: Any, people: Any) -> None:
    offer = make_offer()
    with pytest.raises(PermissionDenied):
        move_offer(people["ent"], offer, "withdraw")
    offer = move_offer(people["tto"], offer, "withdraw")
    assert offer.state == OfferStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        move_offer(people["tto"], offer, "withdraw")
    assert _events(offer, TransferAction.OFFER_WITHDRAWN) == 1


def test_only_a_pdf_is_attached_to_the_confidential_part(make_offer: Any, people: Any) -> None:
    offer = make_offer()
    with pytest.raises(ValidationError):
        add_attachment(
            people["tto"], offer, title="notes", upload=SimpleUploadedFile("n.txt", b"hello")
        )
    with pytest.raises(PermissionDenied):
        add_attachment(
            people["ent"],
            offer,
            title="spec",
            upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4 x"),
        )
    att = add_attachment(
        people["tto"], offer, title="spec", upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4 x")
    )
    assert att.offer_id == offer.pk
    assert ConfidentialFile.objects.filter(offer=offer).count() == 1
    assert _events(offer, TransferAction.OFFER_ATTACHMENT_ADDED) == 1


def test_an_attachment_whose_audit_fails_leaves_no_file_and_no_row(
    make_offer: Any, people: Any, monkeypatch: Any
) -> None:
    from pathlib import Path

    from django.conf import settings

    from innobridge.transfer.services import offers

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit failed")

    offer = make_offer()
    monkeypatch.setattr(offers, "record_event", boom)
    with pytest.raises(RuntimeError):
        add_attachment(
            people["tto"], offer, title="spec", upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4 x")
        )
    assert not ConfidentialFile.objects.filter(offer=offer).exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_company_updates_and_closes_its_demand(make_demand: Any, people: Any) -> None:
    demand = make_demand()
    with pytest.raises(ValidationError):
        update_demand(people["ent2"], demand, data={"constraints": "other company"})
    demand = update_demand(people["ent"], demand, data={"constraints": "厚度小于0.3毫米"})
    assert demand.constraints == "厚度小于0.3毫米"
    assert _events(demand, TransferAction.DEMAND_UPDATED) == 1
    with pytest.raises(PermissionDenied):
        triage_demand(people["ent2"], demand, "close")
    demand = triage_demand(people["ent"], demand, "close")
    assert demand.state == DemandStatus.CLOSED
    assert _events(demand, TransferAction.DEMAND_CLOSED) == 1
