"""Background tasks of the people app (run in process in the embedded mode, by
``innobridge db_worker`` in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def reindex_researchers(profile_ids: list[int]) -> int:
    """Re-index the given researchers in the matching index."""
    from . import matching

    matching.reindex(profile_ids)
    return len(profile_ids)
