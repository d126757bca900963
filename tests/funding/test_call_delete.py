"""A call is deleted only through ``services.delete_call``: by its officers (or an
administrator), only while it has never opened and holds no proposal (a call that has
opened is part of the record: applicants relied on its rules). The audit event keeps the
call, its sides and its rubric; the admin's delete page and "Delete selected" call the
service, and what it refuses is a message, nothing deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.audit import FundingAction
from innobridge.funding.models import Call, CallSide, Criterion
from tests.factories import ProposalFactory
from tests.pages import delete_selected, superuser_client

pytestmark = pytest.mark.django_db


def _future_call(world: Any, title: str = "Joint call 2027") -> Call:
    now = timezone.now()
    return services.create_call(
        world.hk_officer,
        world.scheme,
        title=title,
        opens_at=now + dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=60),
        sides=[
            {"funder": world.hk_funder, "budget": "1000000", "project_cap": "500000"},
            {"funder": world.cn_funder, "budget": "1000000", "project_cap": "500000"},
        ],
    )


def test_an_officer_deletes_a_call_not_yet_opened_and_the_audit_keeps_it(world: Any) -> None:
    call = _future_call(world)
    pk = call.pk
    services.delete_call(world.cn_officer, call)
    assert not Call.objects.filter(pk=pk).exists()
    assert not CallSide.objects.filter(call_id=pk).exists()
    assert not Criterion.objects.filter(call_id=pk).exists()
    event = AuditEvent.objects.get(action=FundingAction.CALL_DELETED)
    assert event.object_id == str(pk) and event.object_repr == "Joint call 2027"
    assert event.actor_repr.startswith("cn_officer") and event.after is None
    assert event.before["title"] == "Joint call 2027"
    assert sorted(s["side"] for s in event.before["sides"]) == ["CN", "HK"]
    assert {s["budget"] for s in event.before["sides"]} == {"1000000.00"}
    assert len(event.before["criteria"]) == 6  # the default rubric, per funder


def test_a_call_that_has_opened_is_not_deleted(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.delete_call(world.hk_officer, world.call)
    assert refused.value.messages == [
        "The call has opened: it is part of the record and cannot be deleted."
    ]
    assert Call.objects.filter(pk=world.call.pk).exists()
    assert not AuditEvent.objects.filter(action=FundingAction.CALL_DELETED).exists()


def test_a_call_holding_a_proposal_even_a_draft_is_not_deleted(world: Any) -> None:
    call = _future_call(world)
    ProposalFactory(call=call, lead=world.lead)  # a draft (created before the rule)
    with pytest.raises(ValidationError) as refused:
        services.delete_call(world.hk_officer, call)
    assert refused.value.messages == [
        "The call holds 1 proposal(s): a call with proposals cannot be deleted."
    ]
    assert Call.objects.filter(pk=call.pk).exists()


def test_only_the_calls_officers_or_an_administrator_delete_it(
    world: Any, make_person: Any
) -> None:
    call = _future_call(world)
    other = make_person("other_officer", roles=("programme_officer",))
    for who in (world.lead, other):
        with pytest.raises(PermissionDenied):
            services.delete_call(who, call)
    assert Call.objects.filter(pk=call.pk).exists()
    root = make_person("root", is_staff=True, is_superuser=True)
    services.delete_call(root, call)
    assert not Call.objects.filter(pk=call.pk).exists()


def test_the_admin_delete_page_goes_through_the_service(world: Any, make_person: Any) -> None:
    call = _future_call(world)
    root = superuser_client(make_person)
    r = root.post(f"/admin/funding/call/{call.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not Call.objects.filter(pk=call.pk).exists()
    event = AuditEvent.objects.get(action=FundingAction.CALL_DELETED)
    assert event.actor_repr.startswith("root")


def test_a_refused_delete_in_the_admin_is_a_message_and_nothing_is_deleted(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    change = f"/admin/funding/call/{world.call.pk}/change/"
    r = root.post(f"/admin/funding/call/{world.call.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and r["Location"] == change
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == ["The call has opened: it is part of the record and cannot be deleted."]
    assert Call.objects.filter(pk=world.call.pk).exists()
    assert CallSide.objects.filter(call=world.call).count() == 2
    assert not AuditEvent.objects.filter(action=FundingAction.CALL_DELETED).exists()


def test_delete_selected_deletes_through_the_service_all_or_none(
    world: Any, make_person: Any
) -> None:
    draft = _future_call(world)
    root = superuser_client(make_person)
    url = "/admin/funding/call/"
    r = delete_selected(root, url, [draft.pk, world.call.pk])
    assert r.status_code == 302
    assert Call.objects.filter(pk__in=[draft.pk, world.call.pk]).count() == 2  # none
    assert not AuditEvent.objects.filter(action=FundingAction.CALL_DELETED).exists()
    assert "it is part of the record and cannot be deleted" in root.get(url).content.decode()
    delete_selected(root, url, [draft.pk])
    assert not Call.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action=FundingAction.CALL_DELETED).count() == 1
