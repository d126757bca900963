"""Document-side hubness: each document's mean score for the reference queries that find
it best, from hit lists or by searching an index, and its subtraction from scores."""

from __future__ import annotations

from innobridge.matching import Document, SearchIndex
from innobridge.matching.hubness import Hubness, hubness_from_hits, reference_hubness

from ._fakes import FakeEmbedder


def test_hubness_is_the_mean_of_a_documents_k_best_reference_scores() -> None:
    """A document's hubness: its mean score for the ``k`` reference queries that score it
    highest; one missing from a search counts the median of the searches' last scores;
    none below ``min_reference`` searches."""
    searches = [
        [("hub", 0.9), ("a", 0.5), ("deep", 0.1)],  # cut at depth: "deep" not counted
        [("hub", 0.8), ("b", 0.4)],
        [("hub", 0.7), ("a", 0.3)],
    ]
    hub = hubness_from_hits(searches, k=2, depth=2, min_reference=3)
    assert hub is not None and hub.n_reference == 3
    assert hub.floor == 0.4  # median of the last scores 0.5, 0.4, 0.3
    assert hub.of("hub") == (0.9 + 0.8) / 2
    assert hub.of("a") == (0.5 + 0.3) / 2
    assert hub.of("b") == (0.4 + 0.4) / 2  # one search, padded with the floor
    assert hub.of("deep") == hub.of("never") == 0.4
    assert hubness_from_hits(searches[:2], k=2, depth=2, min_reference=3) is None
    # deeper, "deep" is counted; k = 1 is the best score alone
    deeper = hubness_from_hits(searches, k=1, depth=3, min_reference=3)
    assert deeper is not None and deeper.of("deep") == 0.1 and deeper.of("hub") == 0.9


def test_corrected_scores_lose_weight_times_the_hubness() -> None:
    hub = Hubness({"hub": 0.85, "mine": 0.70}, floor=0.40, n_reference=50)
    ids, scores = ["hub", "mine", "new"], [0.90, 0.86, 0.50]
    got = hub.corrected(ids, scores, 1.25)
    assert got == [0.90 - 1.25 * 0.85, 0.86 - 1.25 * 0.70, 0.50 - 1.25 * 0.40]
    assert got[1] > got[0]  # the one only this query finds now leads
    assert hub.corrected(ids, scores, 0.0) == scores


def test_reference_hubness_searches_the_index_with_the_reference_queries() -> None:
    """Against an index, the statistic is the one of its own searches: a document every
    reference query finds (a generic "survey" text) is a hub, a specific one is not."""
    index = SearchIndex(FakeEmbedder())
    index.add(
        [
            Document("survey", ["protein solar battery graphene sensor review"]),
            Document("protein", ["protein structure prediction"]),
            Document("solar", ["perovskite solar cell"]),
            Document("sensor", ["graphene gas sensor"]),
        ]
    )
    queries = ["protein folding", "solar panel", "graphene sensor", "battery review"]
    hub = reference_hubness(index, queries, k=2, depth=3, min_reference=4)
    searched = [[(h.id, h.score) for h in hs] for hs in index.search_many(queries, top_k=3)]
    assert hub == hubness_from_hits(searched, k=2, depth=3, min_reference=4)
    assert hub is not None and hub.n_reference == 4
    assert hub.of("survey") == max(hub.mean.values())
    assert reference_hubness(index, queries[:3], k=2, depth=3, min_reference=4) is None
    assert reference_hubness(SearchIndex(FakeEmbedder()), queries, min_reference=1) is None
