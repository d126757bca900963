"""Document-side hubness: how near a document is to every query, measured on a reference
set of queries, and its subtraction from the document's score (CSLS-style).

A hub is a document that many queries find, whatever they ask: in a cross-genre search
(a paper's abstract looking for a patent's claim, an offer looking for a demand) the
documents written like the queries are near all of them and crowd out the one written
otherwise. The statistic is each document's mean score for the ``k`` reference queries
that score it highest (:func:`hubness_from_hits`, or :func:`reference_hubness` to search
an index with the reference texts); a search that subtracts ``weight`` × it
(:meth:`Hubness.corrected`) orders by what a document shares with *this* query beyond
what it shares with every query. The reference is the other side's texts as the queries
they send (for a pillar's listings, the listings of the side that searches them), so it is
computed once per index, not per query. Plain functions over hit lists, no Django.
"""

from __future__ import annotations

import heapq
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rank import SearchIndex


@dataclass
class Hubness:
    """Each document's mean score for the ``k`` reference queries that score it highest
    (each query's hits cut at a search depth); a document missing from a search counts
    the median of the searches' last scores (``floor``), so a document no reference query
    reached, or one added since, counts as barely near any. ``n_reference``: how many
    reference searches it was computed from."""

    mean: dict[str, float]
    floor: float
    n_reference: int

    def of(self, doc_id: str) -> float:
        return self.mean.get(doc_id, self.floor)

    def corrected(self, ids: Sequence[str], scores: Sequence[float], weight: float) -> list[float]:
        """``scores`` (of the documents ``ids``) less ``weight`` × each one's hubness."""
        return [float(s) - weight * self.of(d) for d, s in zip(ids, scores, strict=True)]


def hubness_from_hits(
    searches: Iterable[Sequence[tuple[str, float]]],
    *,
    k: int = 3,
    depth: int = 100,
    min_reference: int = 10,
) -> Hubness | None:
    """:class:`Hubness` from the reference queries' searches (each its hits as (id,
    score), best first, cut at ``depth``), each document's mean over its ``k`` best;
    ``None`` with fewer than ``min_reference`` searches (too few to tell a hub)."""
    runs = [list(s)[:depth] for s in searches]
    if len(runs) < max(1, min_reference):
        return None
    lasts = [r[-1][1] for r in runs if r]
    floor = float(statistics.median(lasts)) if lasts else 0.0
    got: dict[str, list[float]] = {}
    for r in runs:
        for doc_id, score in r:
            got.setdefault(doc_id, []).append(float(score))
    k = max(1, k)
    mean = {}
    for doc_id, scores in got.items():
        top = heapq.nlargest(k, scores)
        mean[doc_id] = (sum(top) + floor * (k - len(top))) / k
    return Hubness(mean, floor, len(runs))


def reference_hubness(
    index: SearchIndex,
    queries: Sequence[str],
    *,
    k: int = 3,
    depth: int = 100,
    min_reference: int = 10,
) -> Hubness | None:
    """The :class:`Hubness` of ``index``'s documents against the reference ``queries``
    (searched in one batch, ``depth`` deep, with the index's scores); ``None`` with fewer
    than ``min_reference`` queries or an empty index."""
    if len(queries) < min_reference or not len(index):
        return None
    hits = index.search_many(queries, top_k=depth)
    return hubness_from_hits(
        [[(h.id, h.score) for h in hs] for hs in hits],
        k=k,
        depth=depth,
        min_reference=min_reference,
    )
