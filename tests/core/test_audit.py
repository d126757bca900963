import pytest
from django.db import transaction

from innobridge.core.models import AuditEvent
from innobridge.core.services import record_event


@pytest.mark.django_db
def test_audit_events_are_append_only(make_person):
    actor = make_person("officer")
    with transaction.atomic():
        event = record_event(actor, "test.thing.done", actor, before={"a": 1}, after={"a": 2})
    assert event.actor == actor and event.actor_repr == "officer"
    assert event.object_type == "people.person" and event.object_id == str(actor.pk)
    event.action = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "test.thing.done"


@pytest.mark.django_db(transaction=True)
def test_record_event_refuses_to_run_outside_a_transaction(make_person):
    actor = make_person("officer")
    with pytest.raises(RuntimeError):
        record_event(actor, "test.thing.done", actor)


@pytest.mark.django_db
def test_an_event_rolls_back_with_its_state_change(make_person):
    actor = make_person("officer")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record_event(actor, "test.thing.done", actor)
        1 / 0  # noqa: B018
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_system_actor_is_recorded_by_name():
    with transaction.atomic():
        event = record_event(
            "import_ror", "people.organisations.imported", object_type="x", object_id="1"
        )
    assert event.actor is None and event.actor_repr == "import_ror"
