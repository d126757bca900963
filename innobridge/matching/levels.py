"""Relevance levels a reader can trust: *strong*, *possible* and *weak*.

A score of the engine (:meth:`~.rank.SearchIndex.search`, :func:`~.affinity.affinity_matrix`)
is a similarity, not a probability; on its own "0.31" tells a reader nothing.  Every place
that shows matches grades them here, with the same thresholds:

* ``strong`` — at or above ``strong``: most such hits are judged relevant by people who know
  the field;
* ``possible`` — between the cut-off (``possible``) and ``strong``: related work, worth a look;
* ``weak`` — below the cut-off: not called a match.  A page may list the closest weak results
  under "No strong match …; closest results:", but never counts them as matches.

The thresholds depend on the query's kind, because the model scores a short phrase (its
``query`` role) and a whole text — a proposal, a demand, a profile (its ``passage`` role) —
on different scales (:func:`~.affinity.query_roles`).  They were chosen on real relevance
judgements by ``benchmarks/calibrate_levels.py``: its JSON
(``benchmarks/results/calibrate_levels.json``) holds the same numbers with their precision
and recall, and a test keeps the two equal.  Change them only by re-running it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from .affinity import DEFAULT_CONFIG, query_roles

Level = Literal["strong", "possible", "weak"]
Kind = Literal["query", "passage"]
STRONG: Level = "strong"
POSSIBLE: Level = "possible"
WEAK: Level = "weak"
LEVELS: tuple[Level, ...] = (STRONG, POSSIBLE, WEAK)


@dataclass(frozen=True)
class Thresholds:
    strong: float
    possible: float  # the cut-off: below it a hit is not a match

    def level(self, score: float) -> Level:
        if score >= self.strong:
            return STRONG
        if score >= self.possible:
            return POSSIBLE
        return WEAK


# Chosen by benchmarks/calibrate_levels.py (see its JSON for precision and recall); last
# run for issue 17 (the engine's default without the whole-text unit).
THRESHOLDS: dict[Kind, Thresholds] = {
    "query": Thresholds(strong=0.4327, possible=0.2599),
    "passage": Thresholds(strong=0.4987, possible=0.3539),
}


def query_kind(query: str) -> Kind:
    """``query`` for a short search phrase, ``passage`` for a whole text (as the engine
    embeds it)."""
    role = query_roles([query], DEFAULT_CONFIG.query_role)[0]
    return "passage" if role == "passage" else "query"


def thresholds(kind: Kind) -> Thresholds:
    return THRESHOLDS[kind]


def level(score: float, kind: Kind) -> Level:
    """The level of a score of a query of ``kind``."""
    return THRESHOLDS[kind].level(score)


def is_match(score: float, kind: Kind) -> bool:
    """Whether a score is called a match (at or above the cut-off)."""
    return score >= THRESHOLDS[kind].possible


T = TypeVar("T")


@dataclass
class Graded(Generic[T]):
    """Hits (best first) split by level.  ``matches`` are the strong and possible ones (what
    a result count counts); ``closest`` are the best weak ones, shown only when there is no
    strong match; a hit with a score at or below zero is never shown."""

    strong: list[T] = field(default_factory=list)
    possible: list[T] = field(default_factory=list)
    weak: list[T] = field(default_factory=list)

    @property
    def matches(self) -> list[T]:
        return [*self.strong, *self.possible]

    @property
    def count(self) -> int:
        return len(self.strong) + len(self.possible)

    @property
    def has_strong(self) -> bool:
        return bool(self.strong)

    def shown(self, closest: int = 5) -> list[T]:
        """What a results page lists: every match, and — without a strong one — up to
        ``closest`` of the best weak results after them."""
        return self.matches if self.strong else [*self.possible, *self.weak[:closest]]


def grade(hits: Sequence[T], score: Callable[[T], float], kind: Kind) -> Graded[T]:
    """Split ``hits`` (best first) into levels; scores at or below zero are dropped."""
    out: Graded[T] = Graded()
    th = THRESHOLDS[kind]
    for h in hits:
        s = score(h)
        if s <= 0:
            continue
        getattr(out, th.level(s)).append(h)
    return out
