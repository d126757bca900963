"""The people pages read posted ids, buttons, flags and ``next`` with forms: a tampered id
is a 404 (never a 500), an unknown button is refused, and an off-site ``next`` is not
followed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.people import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("tampered", ["abc", "1.5", "", "-1", "99999999999999999999999"])
def test_a_tampered_token_id_on_the_account_page_is_a_404(
    client: Client, make_person: Any, tampered: str
) -> None:
    person = make_person("tia")
    token, _key = services.create_api_token(person, "mine")
    client.force_login(person)
    response = client.post(reverse("account"), {"action": "revoke_token", "token": tampered})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_unknown_button_on_the_account_page_is_a_400(client: Client, make_person: Any) -> None:
    client.force_login(make_person("uma"))
    assert client.post(reverse("account"), {"action": "drop"}).status_code == 400


def test_block_and_unblock_read_the_flag_and_never_follow_an_off_site_next(
    client: Client, make_person: Any
) -> None:
    me, them = make_person("vic"), make_person("wes")
    client.force_login(me)
    url = reverse("people:block", args=[them.pk])
    r = client.post(url, {"unblock": "yes", "next": "https://evil.example/"})
    assert services.is_blocked(me, them)  # only "1" lifts a block
    assert r.status_code == 302 and r["Location"] == reverse("people:introductions")
    r = client.post(url, {"unblock": "1", "next": "/people/shortlist/"})
    assert not services.is_blocked(me, them)
    assert r["Location"] == "/people/shortlist/"
