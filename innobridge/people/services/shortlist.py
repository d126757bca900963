"""A person's shortlist of possible partners, each with a private note."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.services import record_event, snapshot

from ..audit import PeopleAction
from ..models import Person, ShortlistEntry

NOTE_MAX = 2000


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("At most %(n)d characters.") % {"n": NOTE_MAX}})
    return note


def _require_owner(actor: Any, entry: ShortlistEntry) -> None:
    if not getattr(actor, "is_authenticated", False) or entry.owner_id != actor.pk:
        raise PermissionDenied(_("This is not your shortlist."))


@transaction.atomic
def add_to_shortlist(actor: Any, person: Person, *, note: str = "") -> ShortlistEntry:
    """Put ``person`` on the actor's shortlist (already there: the entry is returned and
    a note given replaces the old one)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot shortlist yourself."))
    note = _clean_note(note)
    entry, created = ShortlistEntry.objects.get_or_create(
        owner=actor, person=person, defaults={"note": note}
    )
    if created:
        record_event(actor, PeopleAction.SHORTLIST_ADDED, entry, after=snapshot(entry))
    elif note and note != entry.note:
        return update_shortlist_note(actor, entry, note=note)
    return entry


@transaction.atomic
def update_shortlist_note(actor: Any, entry: ShortlistEntry, *, note: str) -> ShortlistEntry:
    _require_owner(actor, entry)
    before = snapshot(entry)
    entry.note = _clean_note(note)
    entry.save()
    record_event(actor, PeopleAction.SHORTLIST_UPDATED, entry, before=before, after=snapshot(entry))
    return entry


@transaction.atomic
def remove_from_shortlist(actor: Any, entry: ShortlistEntry) -> None:
    _require_owner(actor, entry)
    record_event(actor, PeopleAction.SHORTLIST_REMOVED, entry, before=snapshot(entry))
    entry.delete()
