"""A call's admin page changes the call through ``services.update_call`` (audited; what it
refuses is a message on the page, nothing written); the fields it does not take are
read-only there, and a call is not added there (``create_call`` needs its sides)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from innobridge.core.models import AuditEvent
from innobridge.funding.audit import FundingAction
from innobridge.funding.models import Call
from tests.pages import admin_form_data, client_as

pytestmark = pytest.mark.django_db


def _root(make_person: Any) -> Any:
    return client_as(make_person("root", is_staff=True, is_superuser=True))


def _url(call: Call) -> str:
    return f"/admin/funding/call/{call.pk}/change/"


def test_a_change_goes_through_update_call_and_is_audited(world: Any, make_person: Any) -> None:
    root = _root(make_person)
    url = _url(world.call)
    data = admin_form_data(root.get(url))
    r = root.post(url, data | {"description": "Bring a letter from your partner."})
    assert r.status_code == 302, r.context and r.context["errors"]
    world.call.refresh_from_db()
    assert world.call.description == "Bring a letter from your partner."
    event = AuditEvent.objects.get(action=FundingAction.CALL_UPDATED)
    assert event.actor_repr.startswith("root") and event.object_id == str(world.call.pk)
    assert event.before["description"] == "" and event.after["description"].startswith("Bring")


def test_what_update_call_refuses_is_a_message_and_nothing_is_written(
    world: Any, make_person: Any
) -> None:
    root = _root(make_person)
    url = _url(world.call)
    data = admin_form_data(root.get(url))
    # The call has opened: its title (a rule applicants rely on) no longer changes.
    r = root.post(url, data | {"title": "Another title", "description": "Changed too"})
    assert r.status_code == 302 and r.url == url
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == [
        "The call has opened: its budgets, rules, dates and rubrics can no longer change."
    ]
    world.call.refresh_from_db()
    assert (world.call.title, world.call.description) == ("Joint call 2026", "")
    assert not AuditEvent.objects.filter(action=FundingAction.CALL_UPDATED).exists()


def test_a_staff_account_that_does_not_manage_the_call_is_told(
    world: Any, make_person: Any
) -> None:
    clerk = make_person("clerk", is_staff=True)
    may_edit = Permission.objects.filter(codename__in=["view_call", "change_call"])
    clerk.user_permissions.add(*may_edit)
    client = client_as(clerk)
    url = _url(world.call)
    r = client.post(url, admin_form_data(client.get(url)) | {"description": "Mine now"})
    assert r.status_code == 302
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == ["Only the programme officers of this call may do this."]
    world.call.refresh_from_db()
    assert world.call.description == ""


def test_fields_update_call_does_not_take_are_read_only_and_no_call_is_added_here(
    world: Any, make_person: Any
) -> None:
    root = _root(make_person)
    data = admin_form_data(root.get(_url(world.call)))
    assert {"title", "description", "opens_at_0", "review_deadline_0"} <= set(data)
    assert not {"scheme", "decided_at_0", "is_demo"} & set(data)
    assert root.get("/admin/funding/call/add/").status_code == 403
