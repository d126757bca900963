"""The deal pipeline: every step through the table, audited and timestamped; the
one-step open licence; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.transfer.models import Deal, DealState, NdaAcceptance, TermSheet
from innobridge.transfer.services import (
    accept_deal,
    accept_nda,
    close_deal,
    express_interest,
    propose_terms,
    publish_nda,
    record_meeting,
    sign_deal,
    take_published_terms,
)
from innobridge.transfer.workflow import DEAL_FLOW


def test_full_pipeline_to_signed_licence(make_offer: Any, people: Any, nda: Any) -> None:
    offer = make_offer()
    ent, tto = people["ent"], people["tto"]
    deal = express_interest(ent, offer, message="For our wearables")
    assert DEAL_FLOW.allowed_actions(ent, deal) == ["close"]
    assert DEAL_FLOW.allowed_actions(tto, deal) == ["accept", "close"]
    with pytest.raises(PermissionDenied):
        accept_deal(ent, deal)
    deal = accept_deal(tto, deal)
    with pytest.raises(ValidationError):
        accept_nda(ent, deal, version=99)
    deal = accept_nda(ent, deal, version=nda.version, language="zh-hans")
    acc = NdaAcceptance.objects.get(deal=deal)
    assert (acc.nda.version, acc.person, acc.language) == (1, ent, "zh-hans")
    record_meeting(tto, deal, held_on=dt.date(2026, 3, 1), notes="Site visit")
    deal.refresh_from_db()
    assert deal.state == DealState.MEETING and deal.meeting_at is not None
    with pytest.raises(ValidationError):
        propose_terms(
            tto, deal, mode="non_exclusive", field_of_use="wearables", territory="Mainland",
            exclusive=False, upfront_fee="-1", royalty_pct="3", currency="CNY",
        )  # fmt: skip
    assert not TermSheet.objects.exists()
    propose_terms(
        ent, deal, mode="non_exclusive", field_of_use="wearables", territory="Mainland",
        exclusive=False, upfront_fee="200000", royalty_pct="3.5", currency="CNY",
        milestones="First product in 18 months",
    )  # fmt: skip
    deal.refresh_from_db()
    assert deal.state == DealState.NEGOTIATION
    with pytest.raises(PermissionDenied):
        sign_deal(
            ent, deal, outcome="licence", signed_date=dt.date(2026, 4, 1), value="200000",
            currency="CNY", terms="NE licence",
        )  # fmt: skip
    deal = sign_deal(
        tto, deal, outcome="licence", signed_date=dt.date(2026, 4, 1), value="200000",
        currency="CNY", terms="Non-exclusive, Mainland, wearables", mode="non_exclusive",
    )  # fmt: skip
    assert deal.state == DealState.SIGNED and deal.value == Decimal("200000")
    actions = list(
        AuditEvent.objects.filter(object_type="transfer.deal", object_id=str(deal.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "transfer.deal.opened",
        "transfer.deal.accepted",
        "transfer.deal.nda_accepted",
        "transfer.deal.meeting_recorded",
        "transfer.deal.terms_proposed",
        "transfer.deal.signed",
    ]


def test_second_interest_in_same_offer_is_refused(make_offer: Any, people: Any) -> None:
    offer = make_offer()
    express_interest(people["ent"], offer, message="first")
    with pytest.raises(ValidationError) as err:
        express_interest(people["ent"], offer, message="second")
    assert "already" in str(err.value)
    assert Deal.objects.count() == 1


def test_close_at_any_stage_needs_a_reason(make_offer: Any, people: Any) -> None:
    deal = express_interest(people["ent"], make_offer(), message="hi")
    with pytest.raises(ValidationError):
        close_deal(people["tto"], deal, reason=" ")
    deal = close_deal(people["tto"], deal, reason="Not available in that field")
    assert deal.state == DealState.CLOSED and deal.closed_at is not None
    # after a closed deal the party may try again
    express_interest(people["ent"], deal.offer, message="again")


def test_open_licence_in_one_step(make_offer: Any, people: Any) -> None:
    offer = make_offer(
        modes=["open", "non_exclusive"], licence_fee=Decimal("50000"), licence_currency="CNY",
        licence_terms="Non-exclusive, 3 years, same terms for every licensee.",
    )  # fmt: skip
    deal = take_published_terms(people["ent"], offer, mode="open")
    assert deal.state == DealState.SIGNED
    assert (deal.value, deal.value_currency, deal.outcome_mode) == (Decimal("50000"), "CNY", "open")
    with pytest.raises(ValidationError):
        take_published_terms(people["ent2"], offer, mode="express")  # not offered
    assert Deal.objects.count() == 1


def test_nda_versions_per_organisation(people: Any, hku: Any, other_co: Any) -> None:
    a = publish_nda(people["tto"], hku, text_en="v1", text_zh_hant="一", text_zh_hans="一")
    b = publish_nda(people["tto"], hku, text_en="v2", text_zh_hant="二", text_zh_hans="二")
    assert (a.version, b.version) == (1, 2)
    assert b.text_in("zh-hant") == "二"
    with pytest.raises(ValidationError):
        publish_nda(people["tto"], hku, text_en="v3", text_zh_hant="", text_zh_hans="三")
    with pytest.raises(ValidationError):
        publish_nda(people["ent2"], other_co, text_en="x", text_zh_hant="x", text_zh_hans="x")
