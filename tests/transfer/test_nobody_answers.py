"""Interest that nobody would answer: an offer imported without an author, whose owner has
no technology-transfer officer on the platform (the demo's 120 NASA records), took an
enterprise's interest into a deal that nobody could accept. The offer page (and the
matches page) now say so and point to the owner instead of offering the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.transfer.models import Offer
from innobridge.transfer.selectors import answered_offer_ids
from tests.pages import page_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def orphan(make_offer: Any, other_co: Any) -> Offer:
    offer = make_offer(title="Imported record")
    Offer.objects.filter(pk=offer.pk).update(created_by=None, owner=other_co)
    offer.refresh_from_db()
    return offer


def test_an_offer_nobody_answers_says_so_instead_of_the_form(people: Any, orphan: Offer) -> None:
    page = page_as(orphan.get_absolute_url(), user=people["ent"])
    assert 'data-testid="nobody-answers"' in page and "Kowloon Devices Ltd" in page
    assert 'data-testid="send-interest"' not in page
    chinese = page_as(orphan.get_absolute_url(), user=people["ent"], language="zh-hans")
    assert "InnoBridge" in chinese.split("nobody-answers")[1]


def test_an_offer_with_a_tto_takes_interest(people: Any, make_offer: Any) -> None:
    page = page_as(make_offer().get_absolute_url(), user=people["ent"])
    assert 'data-testid="send-interest"' in page and "nobody-answers" not in page


def test_answered_offers_in_one_query(
    people: Any, make_offer: Any, orphan: Offer, django_assert_num_queries: Any
) -> None:
    staffed = make_offer(title="Staffed")
    authorless = make_offer(title="No author, but a TTO")
    Offer.objects.filter(pk=authorless.pk).update(created_by=None)
    authorless.refresh_from_db()
    with django_assert_num_queries(1):
        assert answered_offer_ids([staffed, authorless, orphan]) == {staffed.pk, authorless.pk}


def test_the_service_refuses_interest_nobody_would_answer(people: Any, orphan: Offer) -> None:
    """The page and the API both call the service: it refuses, and writes nothing."""
    from django.core.exceptions import ValidationError

    from innobridge.core.models import AuditEvent
    from innobridge.transfer.models import Deal
    from innobridge.transfer.services import express_interest

    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Nobody from this offer's owner answers"):
        express_interest(people["ent"], orphan, message="For our wearables.")
    assert not Deal.objects.exists() and AuditEvent.objects.count() == events


def test_the_api_answers_4xx_naming_the_problem(people: Any, orphan: Offer) -> None:
    import json

    from innobridge.transfer.models import Deal

    c = Client()
    c.force_login(people["ent"])
    url = f"/api/transfer/offers/{orphan.pk}/interest"
    r = c.post(url, json.dumps({"message": "For wearables"}), content_type="application/json")
    assert r.status_code == 422, r.content
    assert "answers on InnoBridge" in r.json()["detail"][0]["msg"]
    assert not Deal.objects.exists()
    r = c.post(
        url,
        json.dumps({"message": "For wearables"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    assert r.status_code == 422 and "InnoBridge" in r.json()["detail"][0]["msg"]
    assert "Nobody" not in r.json()["detail"][0]["msg"]
