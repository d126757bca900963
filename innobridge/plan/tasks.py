"""Background tasks of the plan app (in process in the embedded mode, by ``innobridge
db_worker`` in production): the snapshot an officer asks for from the page, so a full
recomputation never holds a web worker."""

from __future__ import annotations

from django_tasks import task


@task()
def snapshot_for(person_id: int) -> int:
    """Today's snapshot of every indicator, taken for the officer ``person_id``."""
    from innobridge.people.models import Person

    from .services import take_snapshot

    person = Person.objects.get(pk=person_id)
    return take_snapshot(person)
