"""The transfer pages read the posted demand id, NDA version, licence mode and ``next``
with forms: a tampered id is a 404 and a malformed version is refused, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.transfer.models import Deal, NdaAcceptance
from innobridge.transfer.services import accept_deal, express_interest

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("demand", ["abc", "1.5", "999999"])
def test_a_tampered_demand_id_on_an_interest_is_a_404(
    make_offer: Any, people: Any, demand: str
) -> None:
    offer = make_offer()
    r = _client(people["ent"]).post(
        reverse("transfer:interest", args=[offer.pk]), {"message": "For us", "demand": demand}
    )
    assert r.status_code == 404
    assert not Deal.objects.filter(offer=offer).exists()


@pytest.mark.parametrize("version", ["abc", "-1", "99999999999999999999"])
def test_a_malformed_nda_version_is_refused_not_a_500(
    make_offer: Any, people: Any, nda: Any, version: str
) -> None:
    deal = accept_deal(people["tto"], express_interest(people["ent"], make_offer(), message="x"))
    r = _client(people["ent"]).post(
        reverse("transfer:deal_action", args=[deal.pk, "accept_nda"]),
        {"version": version},
        follow=True,
    )
    assert r.status_code == 200
    assert "read it again" in r.content.decode()
    assert not NdaAcceptance.objects.filter(deal=deal).exists()
