"""The shortlist: add (from a profile or a hit), a private note, remove — each audited,
each only by its owner."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.people import selectors, services
from innobridge.people.audit import PeopleAction
from innobridge.people.models import ShortlistEntry

pytestmark = pytest.mark.django_db


def test_add_note_remove(make_researcher: Any) -> None:
    me = make_researcher("me").person
    them = make_researcher("them").person
    entry = services.add_to_shortlist(me, them)
    assert services.add_to_shortlist(me, them).pk == entry.pk  # no duplicate
    assert ShortlistEntry.objects.count() == 1
    services.update_shortlist_note(me, entry, note="Met at the GBA forum")
    entry.refresh_from_db()
    assert entry.note == "Met at the GBA forum"
    assert selectors.shortlisted_ids(me) == {them.pk}
    services.remove_from_shortlist(me, entry)
    assert not ShortlistEntry.objects.exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("id"))
    assert actions[-3:] == [
        PeopleAction.SHORTLIST_ADDED,
        PeopleAction.SHORTLIST_UPDATED,
        PeopleAction.SHORTLIST_REMOVED,
    ]


def test_only_the_owner_changes_it(make_researcher: Any) -> None:
    me = make_researcher("me").person
    them = make_researcher("them").person
    entry = services.add_to_shortlist(me, them)
    with pytest.raises(PermissionDenied):
        services.update_shortlist_note(them, entry, note="mine now")
    with pytest.raises(PermissionDenied):
        services.remove_from_shortlist(them, entry)
    with pytest.raises(ValidationError):
        services.add_to_shortlist(me, me)
    with pytest.raises(ValidationError):
        services.update_shortlist_note(me, entry, note="x" * 2001)


def test_the_shortlist_a_search_page_marks_is_kept_and_follows_every_change(
    make_researcher: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = make_researcher("me").person
    them = make_researcher("them").person
    other = make_researcher("other").person
    assert selectors.shortlisted_ids(me) == set()  # kept per person (issue #17)
    with CaptureQueriesContext(connection) as read:
        assert selectors.shortlisted_ids(me) == set()
    assert not read.captured_queries
    entry = services.add_to_shortlist(me, them)
    assert selectors.shortlisted_ids(me) == {them.pk}  # at once, not a minute later
    services.add_to_shortlist(me, other)
    assert selectors.shortlisted_ids(me) == {them.pk, other.pk}
    services.remove_from_shortlist(me, entry)
    assert selectors.shortlisted_ids(me) == {other.pk}
    other.delete()  # the entry goes with the account
    assert selectors.shortlisted_ids(me) == set()
