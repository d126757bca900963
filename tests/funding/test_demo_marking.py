"""Demo funders, schemes and calls are marked demo by a flag shown as a translated badge
beside their names (pages and API), never by a word in the name (issue 11 §8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innobridge.core import caching
from innobridge.funding.models import Call, Funder, Scheme

BADGE = 'data-testid="demo-badge"'
LABEL = {"en": ">Demo<", "zh-hant": ">示範<", "zh-hans": ">示范<"}


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_demo_call_scheme_and_funders_carry_the_badge(client, world, lang):
    page = client.get(world.call.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert BADGE not in page  # real data: no badge
    Call.objects.filter(pk=world.call.pk).update(is_demo=True)
    Scheme.objects.filter(pk=world.call.scheme_id).update(is_demo=True)
    Funder.objects.update(is_demo=True)
    # update() sends no signal: the anonymous page cached above would show it within a
    # minute (core/caching.py); here it is dropped at once.
    caching.forget_public_fragments()
    page = client.get(world.call.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    # the call, its scheme and its two funders
    assert page.count(BADGE) == 4 and LABEL[lang] in page
    listing = client.get(reverse("funding:home"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert BADGE in listing
    home = client.get("/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert BADGE in home  # the open call on the home page


def test_the_api_says_demo(client, world):
    url = f"/api/funding/calls/{world.call.pk}"
    body = client.get(url).json()
    assert body["is_demo"] is False and body["scheme_is_demo"] is False
    Call.objects.filter(pk=world.call.pk).update(is_demo=True)
    Scheme.objects.filter(pk=world.call.scheme_id).update(is_demo=True)
    Funder.objects.filter(pk=world.hk_funder.pk).update(is_demo=True)
    body = client.get(url).json()
    assert body["is_demo"] and body["scheme_is_demo"]
    assert {s["side"]: s["funder_is_demo"] for s in body["sides"]} == {"HK": True, "CN": False}
    client.force_login(world.hk_officer)
    schemes = client.get("/api/funding/schemes").json()
    assert schemes[0]["is_demo"] and any(f["is_demo"] for f in schemes[0]["funders"])
