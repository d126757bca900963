"""Keep the researcher index following the data: any change to a profile, a
publication or an authorship enqueues a re-index of the researchers concerned once
the transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from innobridge.core.caching import forget_person_facts

from .models import Authorship, Publication, ResearcherProfile, ShortlistEntry


def _enqueue(profile_ids: set[int]) -> None:
    if not profile_ids or not getattr(settings, "MATCHING_AUTO_INDEX", True):
        return
    from . import matching

    if matching._read_version() is None and matching.build_progress() is None:
        # No index yet and none being built: it is built from the database on first use
        # or by `innobridge rebuild_index`, and will include this change.
        return
    from .tasks import reindex_researchers

    ids = sorted(profile_ids)
    transaction.on_commit(lambda: reindex_researchers.enqueue(ids))


@receiver(post_save, sender=ResearcherProfile)
@receiver(post_delete, sender=ResearcherProfile)
def _profile_changed(sender: Any, instance: ResearcherProfile, **kwargs: Any) -> None:
    _enqueue({instance.pk})
    # The header's "My profile" link (kept per person in the shared cache).
    forget_person_facts(instance.person_id)


@receiver(post_save, sender=Publication)
def _publication_changed(sender: Any, instance: Publication, **kwargs: Any) -> None:
    _enqueue(set(instance.researchers.values_list("pk", flat=True)))


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
def _authorship_changed(sender: Any, instance: Authorship, **kwargs: Any) -> None:
    _enqueue({instance.researcher_id})


@receiver(m2m_changed, sender=Authorship)
def _authors_changed(sender: Any, instance: Any, action: str, pk_set: Any, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, ResearcherProfile):
        _enqueue({instance.pk})
    elif isinstance(instance, Publication):
        _enqueue(set(pk_set or ()) | set(instance.researchers.values_list("pk", flat=True)))


@receiver(post_save, sender=ShortlistEntry)
@receiver(post_delete, sender=ShortlistEntry)
def _shortlist_changed(sender: Any, instance: ShortlistEntry, **kwargs: Any) -> None:
    # The owner's shortlist as search pages mark it (kept per person in the shared cache).
    forget_person_facts(instance.owner_id)
