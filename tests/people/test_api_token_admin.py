"""API tokens in the admin are revoked, not deleted: the action revokes through the
service (audited), the row stays to say which key worked until when; no add, change
or delete."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.core.models import AuditEvent
from innobridge.people import services
from innobridge.people.audit import PeopleAction
from innobridge.people.models import ApiToken
from tests.pages import delete_selected, superuser_client

pytestmark = pytest.mark.django_db

URL = "/admin/people/apitoken/"


def test_the_admin_revokes_tokens_through_the_service(make_person: Any) -> None:
    alice = make_person("alice")
    live, _key = services.create_api_token(alice, "script")
    old, _key = services.create_api_token(alice, "old script")
    services.revoke_api_token(alice, old)
    root = superuser_client(make_person)
    listing = root.get(URL).content.decode()
    assert 'value="revoke_tokens"' in listing and 'value="delete_selected"' not in listing
    r = root.post(URL, {"action": "revoke_tokens", "_selected_action": [live.pk, old.pk]})
    assert r.status_code == 302
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 2
    events = AuditEvent.objects.filter(action=PeopleAction.API_TOKEN_REVOKED).order_by("pk")
    assert [e.object_id for e in events] == [str(old.pk), str(live.pk)]
    assert events.last().actor_repr.startswith("root")  # type: ignore[union-attr]
    assert "1 token revoked." in root.get(URL).content.decode()


def test_tokens_are_not_added_changed_or_deleted_in_the_admin(make_person: Any) -> None:
    token, _key = services.create_api_token(make_person("alice"), "script")
    root = superuser_client(make_person)
    assert root.get(f"{URL}add/").status_code == 403
    assert root.post(f"{URL}{token.pk}/delete/", {"post": "yes"}).status_code == 403
    delete_selected(root, URL, [token.pk])
    page = root.get(f"{URL}{token.pk}/change/").content.decode()
    assert token.key_hash not in page
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.filter(pk=token.pk).exists()
