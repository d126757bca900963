"""The exchange app's ONE adapter to matching: applicants to placements, two ways.

* **Stable** (hospital–residents, applicant-optimal) with the ``matching`` package's
  ``hospital_resident`` algorithm. Applicants rank placements (their preference list);
  a placement ranks exactly the applicants who ranked it, in this **deterministic order
  (the tie rule)**: the supervisor's rank (ranked before unranked, lower first), then the
  review score (higher first), then the applicant–placement affinity (higher first),
  then the application's id (lower first). Residents are ordered the same way by their
  own list, which has no ties.
* **Optimal** with the engine's exact assignment
  (:func:`innobridge.matching.assign.assign`, a min-cost flow): each applicant is an item
  needing one "reviewer" among their chosen placements (capacity = seats) or a
  not-placed column; a pair's value is ``PLACED_BONUS + score_weight × score +
  affinity_weight × affinity + rank_weight × (1 − (rank − 1) / list length)``, so the
  number placed comes first, then score and affinity. With ``balance`` each pair is also
  weighted by the inverse share of its direction among applicants, so a smaller
  direction is not crowded out.
* **Optimal with fairness** (the engine's exact lexicographic max-min MILP,
  :func:`innobridge.matching.assign.assign` with ``fair=True``): as many applicants placed
  as the optimal assignment places (the not-placed column is held at exactly the others'
  count), then the **worst-served placed applicant** is made as well off as possible —
  their pair's value is ``PLACED_BONUS + FAIR_RANK_WEIGHT × (1 − (rank − 1) / L) +
  score + affinity`` with ``L`` the longest preference list, so the worst rank given to
  anyone placed comes first — and among those assignments the total value is maximised.
  The not-placed column carries a value above every pair's, so an applicant left out is
  never "the worst served" (the number left out is fixed anyway). Direction balance is
  not combined with it (weighted values would make one direction's applicants the worst
  served by construction).

All results are described by the same :class:`Metrics`: placed, rank distribution, the
worst and the mean rank of those placed, blocking pairs (against the placements' order
above; 0 for the stable one), total affinity, balance by direction.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

PLACED_BONUS = 10.0
FAIR_RANK_WEIGHT = 10.0
FAIR_TIME_LIMIT = 120.0  # seconds for the fair MILP; past it the run fails clearly
UNPLACED = -1
METHODS = ("stable", "optimal", "fair")


@dataclass
class Instance:
    """A matching problem in plain data (indices, not database rows)."""

    applicant_ids: list[str]
    placement_ids: list[str]
    capacity: list[int]
    prefs: list[list[int]]  # per applicant, placement indices, best first
    affinity: list[list[float]]  # per applicant, aligned with prefs
    score: list[float]  # per applicant, review score scaled to [0, 1]
    supervisor_rank: dict[tuple[int, int], int] = field(default_factory=dict)  # (a, p) -> rank
    direction: list[str] = field(default_factory=list)  # per applicant, e.g. "CN>HK"

    def __post_init__(self) -> None:
        if not self.direction:
            self.direction = [""] * len(self.applicant_ids)
        self._aff = {
            (a, p): float(x)
            for a, (ps, xs) in enumerate(zip(self.prefs, self.affinity, strict=True))
            for p, x in zip(ps, xs, strict=True)
        }

    def pair_affinity(self, a: int, p: int) -> float:
        return self._aff.get((a, p), 0.0)

    def host_key(self, p: int, a: int) -> tuple[float, float, float, int]:
        """The tie rule: how placement ``p`` orders applicant ``a`` (smaller is better)."""
        r = self.supervisor_rank.get((a, p))
        return (
            r if r is not None else 1e9,
            -self.score[a],
            -self.pair_affinity(a, p),
            a,
        )

    def host_orders(self) -> list[list[int]]:
        """Each placement's strict order of the applicants who ranked it."""
        chose: list[list[int]] = [[] for _ in self.placement_ids]
        for a, ps in enumerate(self.prefs):
            for p in ps:
                chose[p].append(a)
        out = []
        for p, lst in enumerate(chose):
            out.append(sorted(lst, key=lambda a, p=p: self.host_key(p, a)))  # type: ignore[misc]
        return out


@dataclass
class Metrics:
    method: str
    placed: int
    applicants: int
    seats: int
    rank_counts: dict[int, int]
    worst_rank: int | None
    mean_rank: float | None
    blocking_pairs: int
    total_affinity: float
    total_score: float
    by_direction: dict[str, dict[str, int]]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "placed": self.placed,
            "applicants": self.applicants,
            "seats": self.seats,
            "rank_counts": {str(k): v for k, v in sorted(self.rank_counts.items())},
            "first": self.rank_counts.get(1, 0),
            "second": self.rank_counts.get(2, 0),
            "third": self.rank_counts.get(3, 0),
            "worst_rank": self.worst_rank,
            "mean_rank": None if self.mean_rank is None else round(self.mean_rank, 2),
            "blocking_pairs": self.blocking_pairs,
            "total_affinity": round(self.total_affinity, 4),
            "total_score": round(self.total_score, 4),
            "by_direction": self.by_direction,
            "seconds": round(self.seconds, 4),
        }


@dataclass
class Result:
    assignment: list[int]  # per applicant, placement index or UNPLACED
    metrics: Metrics


# ------------------------------------------------------------------------ stable
def solve_stable(inst: Instance) -> list[int]:
    """Applicant-optimal stable matching by the ``matching`` package's HR algorithm.

    The players are built directly (not through ``HospitalResident``, whose deep copy of
    every player recurses past Python's limit on thousands of applicants); the
    algorithm is the package's own."""
    from matching import Player
    from matching.algorithms import hospital_resident
    from matching.players import Hospital

    # A placement with no seat takes nobody and an applicant with nothing left to
    # rank stays unplaced: both are left out of the game (the package cannot hold a
    # hospital of capacity 0 or a resident with an empty list).
    open_prefs = [[p for p in ps if inst.capacity[p] > 0] for ps in inst.prefs]
    residents = [Player(a) for a in range(len(inst.applicant_ids))]
    hospitals = [Hospital(p, int(c)) for p, c in enumerate(inst.capacity)]
    for a, ps in enumerate(open_prefs):
        residents[a].set_prefs([hospitals[p] for p in ps])
    for p, order in enumerate(inst.host_orders()):
        hospitals[p].set_prefs([residents[a] for a in order])
    playing_r = [r for a, r in enumerate(residents) if open_prefs[a]]
    playing_h = [h for p, h in enumerate(hospitals) if inst.capacity[p] > 0]
    out = [UNPLACED] * len(residents)
    if not playing_r or not playing_h:
        return out
    for hospital, matched in hospital_resident(playing_r, playing_h, optimal="resident").items():
        for r in matched:
            out[r.name] = hospital.name
    return out


# ----------------------------------------------------------------------- optimal
def solve_optimal(
    inst: Instance,
    *,
    score_weight: float = 1.0,
    affinity_weight: float = 1.0,
    rank_weight: float = 0.25,
    balance: bool = False,
) -> list[int]:
    """Maximum-value assignment under capacities with the engine's exact solver."""
    from innobridge.matching.assign import assign

    n, m = len(inst.applicant_ids), len(inst.placement_ids)
    if n == 0:
        return []
    weight = np.ones(n)
    if balance:
        share = Counter(inst.direction)
        weight = np.array([n / (len(share) * share[d]) for d in inst.direction])
    value = np.full((n, m + 1), np.nan)
    value[:, m] = 0.0  # the not-placed column
    for a, ps in enumerate(inst.prefs):
        length = max(len(ps), 1)
        for k, p in enumerate(ps):
            v = (
                PLACED_BONUS
                + score_weight * inst.score[a]
                + affinity_weight * inst.pair_affinity(a, p)
                + rank_weight * (1 - k / length)
            )
            value[a, p] = v * weight[a]
    cap = np.array([*inst.capacity, n], dtype=np.int64)
    result = assign(value, 1, max_load=cap)
    return _placements(result.pairs, n, m)


def _placements(pairs: Any, n: int, m: int) -> list[int]:
    out = [UNPLACED] * n
    for a, p in pairs:
        if int(p) < m:
            out[int(a)] = int(p)
    return out


def solve_fair(inst: Instance, *, time_limit: float | None = FAIR_TIME_LIMIT) -> list[int]:
    """The optimal number placed, then the worst-served placed applicant as well off as
    possible, then the most total value (see the module doc). Raises ``TimeoutError``
    when the exact MILP does not finish within ``time_limit`` seconds."""
    from innobridge.matching.assign import assign

    n, m = len(inst.applicant_ids), len(inst.placement_ids)
    if n == 0:
        return []
    placed = sum(1 for p in solve_optimal(inst) if p != UNPLACED)
    longest = max((len(ps) for ps in inst.prefs), default=1) or 1
    value = np.full((n, m + 1), np.nan)
    for a, ps in enumerate(inst.prefs):
        for k, p in enumerate(ps):
            value[a, p] = (
                PLACED_BONUS
                + FAIR_RANK_WEIGHT * (1 - k / longest)
                + inst.score[a]
                + inst.pair_affinity(a, p)
            )
    top = np.nanmax(value[:, :m]) if np.isfinite(value[:, :m]).any() else PLACED_BONUS
    value[:, m] = top + 1.0  # never the worst served; their number is fixed below
    left_out = n - placed
    cap = np.array([*inst.capacity, left_out], dtype=np.int64)
    low = np.zeros(m + 1, dtype=np.int64)
    low[m] = left_out
    result = assign(value, 1, max_load=cap, min_load=low, fair=True, time_limit=time_limit)
    return _placements(result.pairs, n, m)


# ----------------------------------------------------------------------- metrics
def blocking_pairs(inst: Instance, assignment: Sequence[int]) -> list[tuple[int, int]]:
    """Pairs (applicant, placement) that would both rather be together: the applicant
    ranks the placement above their own (or is unplaced), and the placement has a free
    seat or orders the applicant before its worst current fellow."""
    held: list[list[int]] = [[] for _ in inst.placement_ids]
    for a, p in enumerate(assignment):
        if p != UNPLACED:
            held[p].append(a)
    worst = [max((inst.host_key(p, a) for a in lst), default=None) for p, lst in enumerate(held)]
    out = []
    for a, ps in enumerate(inst.prefs):
        mine = assignment[a]
        for p in ps:
            if p == mine:
                break
            if inst.capacity[p] <= 0:
                continue  # a placement without a seat blocks nothing
            if len(held[p]) < inst.capacity[p] or inst.host_key(p, a) < worst[p]:  # type: ignore[operator]
                out.append((a, p))
    return out


def metrics(inst: Instance, assignment: Sequence[int], method: str, seconds: float) -> Metrics:
    ranks: Counter[int] = Counter()
    total_aff = total_score = 0.0
    by_dir: dict[str, dict[str, int]] = {}
    for a, p in enumerate(assignment):
        d = by_dir.setdefault(inst.direction[a], {"applicants": 0, "placed": 0})
        d["applicants"] += 1
        if p == UNPLACED:
            continue
        d["placed"] += 1
        ranks[inst.prefs[a].index(p) + 1] += 1
        total_aff += inst.pair_affinity(a, p)
        total_score += inst.score[a]
    n_placed = sum(ranks.values())
    return Metrics(
        method=method,
        placed=sum(1 for p in assignment if p != UNPLACED),
        applicants=len(assignment),
        seats=int(sum(inst.capacity)),
        rank_counts=dict(ranks),
        worst_rank=max(ranks) if ranks else None,
        mean_rank=sum(k * v for k, v in ranks.items()) / n_placed if n_placed else None,
        blocking_pairs=len(blocking_pairs(inst, assignment)),
        total_affinity=total_aff,
        total_score=total_score,
        by_direction=by_dir,
        seconds=seconds,
    )


def run(inst: Instance, method: str, **options: Any) -> Result:
    t0 = time.perf_counter()
    if method == "stable":
        assignment = solve_stable(inst)
    elif method == "optimal":
        assignment = solve_optimal(inst, **options)
    elif method == "fair":
        assignment = solve_fair(inst, **options)
    else:
        raise ValueError(f"unknown method {method!r}")
    seconds = time.perf_counter() - t0
    return Result(assignment, metrics(inst, assignment, method, seconds))


def new_blocking_pairs(
    inst: Instance, before: Sequence[int], after: Sequence[int]
) -> list[tuple[int, int]]:
    """Blocking pairs a manual change creates (present after, not before)."""
    old = set(blocking_pairs(inst, before))
    return [bp for bp in blocking_pairs(inst, after) if bp not in old]


# ------------------------------------------------------------------- affinities
def text_affinities(
    applicant_texts: Sequence[str], placement_texts: Sequence[str], embedder: Any, cache: Any = None
) -> np.ndarray:
    """(applicants × placements) affinity with the engine's hybrid dense + lexical score."""
    from innobridge.matching.affinity import affinity_matrix
    from innobridge.matching.documents import Document

    if not applicant_texts or not placement_texts:
        return np.zeros((len(applicant_texts), len(placement_texts)))
    docs = [Document(id=str(j), texts=[t or "-"]) for j, t in enumerate(placement_texts)]
    queries = [t or "-" for t in applicant_texts]
    m = affinity_matrix(docs, queries, embedder=embedder, cache=cache)
    return np.asarray(m, dtype=np.float64).T


# ------------------------------------------------------------------- levels
def pair_level(affinity: float | None) -> str:
    """The calibrated level (strong / possible / weak, :mod:`innobridge.matching.levels`)
    of an applicant–placement affinity, as partner search shows it; "" without one. An
    applicant's text (statement, keywords, papers) is a whole text: the ``passage`` scale."""
    from innobridge.matching.levels import level

    if affinity is None:
        return ""
    return level(float(affinity), "passage")
