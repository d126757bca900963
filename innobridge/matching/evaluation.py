"""The gold-standard reviewer-expertise evaluation (Stelmakh et al., arXiv:2303.16750).

A faithful reimplementation of the metric defined in the data set's README: a weighted
Kendall-tau loss pooled over every unordered pair of papers rated by the same participant
(misordered pair: ``|r(p) - r(q)|``, tied score: half of it, normalised by the sum of
``|r(p) - r(q)|``), plus accuracy on "easy" pairs (higher rating ≥ 4, lower ≤ 2) and "hard"
pairs (both ≥ 4, unequal), where a tied score counts as wrong.  The main-table protocol
averages over the ten ``d_20_*`` data sets, with a bootstrap over participants (the same
resamples for all data sets) for the 95% interval.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Ratings = dict[str, dict[str, float]]  # participant -> {paper: rating}
Scores = Mapping[str, Mapping[str, float]]  # participant -> {paper: score}

# per-participant sums: loss, max_loss, easy_ok, easy_n, hard_ok, hard_n
_FIELDS = 6


def load_ratings(path: str | Path) -> Ratings:
    """``data/evaluations.csv`` (tab-separated) → {participant: {paper: rating}}."""
    out: Ratings = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            pid = row["ParticipantID"].strip()
            r: dict[str, float] = {}
            for i in range(1, 11):
                paper = (row.get(f"Paper{i}") or "").strip()
                exp = (row.get(f"Expertise{i}") or "").strip()
                if paper and exp:
                    r[paper] = float(exp)
            out[pid] = r
    return out


def load_predictions(path: str | Path) -> dict[str, dict[str, float]]:
    """A predictions file (``.json`` or ``.json.gz``): {participant: {paper: score}}."""
    p = Path(path)
    opener = gzip.open if p.suffix == ".gz" else open
    with opener(p, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    return {str(k): {str(kk): float(vv) for kk, vv in v.items()} for k, v in data.items()}


def participant_sums(ratings: Ratings, scores: Scores) -> tuple[list[str], np.ndarray]:
    """(participants, array (n, 6) of loss, max_loss, easy_ok, easy_n, hard_ok, hard_n)."""
    pids = sorted(ratings)
    out = np.zeros((len(pids), _FIELDS))
    for i, pid in enumerate(pids):
        r = ratings[pid]
        s = scores[pid]
        papers = list(r)
        for a in range(len(papers)):
            for b in range(a + 1, len(papers)):
                p, q = papers[a], papers[b]
                dr = r[p] - r[q]
                prod = (s[p] - s[q]) * dr
                w = abs(dr)
                out[i, 1] += w
                if prod < 0:
                    out[i, 0] += w
                elif prod == 0:
                    out[i, 0] += w / 2
                if dr == 0:
                    continue
                hi, lo = max(r[p], r[q]), min(r[p], r[q])
                ok = 1.0 if prod > 0 else 0.0
                if hi >= 4 and lo <= 2:
                    out[i, 2] += ok
                    out[i, 3] += 1
                elif lo >= 4:
                    out[i, 4] += ok
                    out[i, 5] += 1
    return pids, out


@dataclass
class Metric:
    loss: float
    easy_acc: float
    hard_acc: float


def _metric(sums: np.ndarray) -> np.ndarray:
    """sums (..., 6) → (..., 3) loss, easy, hard."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack(
            [sums[..., 0] / sums[..., 1], sums[..., 2] / sums[..., 3], sums[..., 4] / sums[..., 5]],
            axis=-1,
        )


def evaluate(ratings: Ratings, scores: Scores) -> Metric:
    """The metric on one data set (pooled over all pairs of all participants)."""
    _, s = participant_sums(ratings, scores)
    m = _metric(s.sum(axis=0))
    return Metric(float(m[0]), float(m[1]), float(m[2]))


def bootstrap_resamples(n_participants: int, n: int = 1000, seed: int | None = 0) -> np.ndarray:
    """(n, n_participants) multiplicities of each participant in each bootstrap resample."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_participants, size=(n, n_participants))
    counts = np.zeros((n, n_participants))
    for i in range(n):
        counts[i] = np.bincount(draws[i], minlength=n_participants)
    return counts


@dataclass
class ProtocolResult:
    loss: float
    easy_acc: float
    hard_acc: float
    loss_ci: tuple[float, float]
    easy_ci: tuple[float, float]
    hard_ci: tuple[float, float]
    per_dataset: list[Metric]

    def to_dict(self) -> dict[str, object]:
        return {
            "loss": self.loss,
            "easy_acc": self.easy_acc,
            "hard_acc": self.hard_acc,
            "loss_ci95": list(self.loss_ci),
            "easy_ci95": list(self.easy_ci),
            "hard_ci95": list(self.hard_ci),
            "per_dataset": [m.__dict__ for m in self.per_dataset],
        }


def main_table_protocol(
    ratings: Ratings, scores_per_dataset: Sequence[Scores], n_boot: int = 1000, seed: int = 0
) -> ProtocolResult:
    """Mean over data sets of the metric, and the bootstrap 95% interval of that mean."""
    per = [participant_sums(ratings, s)[1] for s in scores_per_dataset]
    metrics = [_metric(p.sum(axis=0)) for p in per]
    mean = np.mean(metrics, axis=0)
    counts = bootstrap_resamples(per[0].shape[0], n_boot, seed)
    boot = np.mean([_metric(counts @ p) for p in per], axis=0)  # (n_boot, 3)
    lo = np.nanpercentile(boot, 2.5, axis=0)
    hi = np.nanpercentile(boot, 97.5, axis=0)
    return ProtocolResult(
        float(mean[0]),
        float(mean[1]),
        float(mean[2]),
        (float(lo[0]), float(hi[0])),
        (float(lo[1]), float(hi[1])),
        (float(lo[2]), float(hi[2])),
        [Metric(float(m[0]), float(m[1]), float(m[2])) for m in metrics],
    )
