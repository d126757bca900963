"""A programme's admin page creates and changes the programme through
``services.create_programme`` and ``services.update_programme`` (audited; what they refuse
is a message on the page, nothing written); its officers, which neither takes, are
read-only there."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from innobridge.core.models import AuditEvent
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import Programme
from tests.pages import admin_form_data, client_as

pytestmark = pytest.mark.django_db


def _root(make_person: Any) -> Any:
    return client_as(make_person("root", is_staff=True, is_superuser=True))


def _url(programme: Programme) -> str:
    return f"/admin/exchange/programme/{programme.pk}/change/"


def _updates() -> Any:
    return AuditEvent.objects.filter(action=ExchangeAction.PROGRAMME_UPDATED)


def test_a_change_goes_through_update_programme_and_is_audited(
    world: Any, make_person: Any
) -> None:
    root = _root(make_person)
    url = _url(world.programme)
    data = admin_form_data(root.get(url))
    assert "officers" not in data  # read-only: no service names a programme's officers
    before = _updates().count()
    r = root.post(url, data | {"places": "45"})
    assert r.status_code == 302, r.context and r.context["errors"]
    world.programme.refresh_from_db()
    assert world.programme.places == 45
    assert list(world.programme.officers.all()) == [world.officer]
    assert _updates().count() == before + 1
    event = _updates().latest("id")
    assert event.actor_repr.startswith("root")
    assert (event.before["places"], event.after["places"]) == (60, 45)


def test_what_update_programme_refuses_is_a_message_and_nothing_is_written(
    world: Any, make_person: Any
) -> None:
    root = _root(make_person)
    url = _url(world.programme)
    data = admin_form_data(root.get(url))
    before = _updates().count()
    # Results before the review ends: the service's check of a round's dates.
    r = root.post(url, data | {"places": "45", "results_on": data["placements_open"]})
    assert r.status_code == 302 and r.url == url
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == ["The dates of a round must follow each other in order."]
    world.programme.refresh_from_db()
    assert world.programme.places == 60
    assert _updates().count() == before


def test_a_staff_account_that_is_no_officer_of_the_programme_is_told(
    world: Any, make_person: Any
) -> None:
    clerk = make_person("clerk", is_staff=True)
    may_edit = Permission.objects.filter(codename__in=["view_programme", "change_programme"])
    clerk.user_permissions.add(*may_edit)
    client = client_as(clerk)
    url = _url(world.programme)
    r = client.post(url, admin_form_data(client.get(url)) | {"places": "1"})
    assert r.status_code == 302
    assert [str(m) for m in get_messages(r.wsgi_request)] == ["You may not do this."]
    world.programme.refresh_from_db()
    assert world.programme.places == 60


def test_a_programme_added_here_is_created_by_the_service(world: Any, make_person: Any) -> None:
    root = _root(make_person)
    data = admin_form_data(root.get(_url(world.programme)))
    for key in [k for k in data if k.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS"))]:
        data[key] = "0"  # no stipend parts or checklist steps: only the programme
    r = root.post("/admin/exchange/programme/add/", data | {"title": "Second round"})
    assert r.status_code == 302, r.context and r.context["errors"]
    made = Programme.objects.get(title="Second round")
    assert list(made.officers.values_list("username", flat=True)) == ["root"]
    created = AuditEvent.objects.get(
        action=ExchangeAction.PROGRAMME_CREATED, object_id=str(made.pk)
    )
    assert created.actor_repr.startswith("root")
