"""The reimplemented gold-standard metric reproduces the published figures."""

from pathlib import Path

import pytest

from benchmarks._gsdata import data_dir
from innobridge.matching.evaluation import (
    evaluate,
    load_predictions,
    load_ratings,
    main_table_protocol,
    participant_sums,
)

GS = data_dir() / "goldstandard"
pytestmark = pytest.mark.skipif(not (GS / "data" / "evaluations.csv").is_file(), reason="no data")


@pytest.fixture(scope="module")
def ratings():
    return load_ratings(GS / "data" / "evaluations.csv")


def _preds(algo: str) -> list:
    return [
        load_predictions(GS / "predictions" / f"{algo}_d_20_{i}_ta.json.gz") for i in range(1, 11)
    ]


@pytest.mark.parametrize(
    "algo,loss,easy,hard",
    [("tpms", 0.2811, 0.8004, 0.6218), ("specter_mfr", 0.2384, 0.8789, 0.6000)],
)
def test_published_table(ratings, algo, loss, easy, hard):
    r = main_table_protocol(ratings, _preds(algo), n_boot=200)
    assert round(r.loss, 4) == loss
    assert round(r.easy_acc, 4) == easy and round(r.hard_acc, 4) == hard
    assert r.loss_ci[0] < r.loss < r.loss_ci[1]


def test_constant_and_pair_counts(ratings):
    const = load_predictions(GS / "predictions" / "constant_d_20_1_ta.json.gz")
    m = evaluate(ratings, const)
    assert round(m.loss, 4) == 0.5 and m.easy_acc == 0 and m.hard_acc == 0
    _, s = participant_sums(ratings, const)
    tot = s.sum(axis=0)
    assert tot[1] == pytest.approx(2140.75) and tot[3] == 261 and tot[5] == 417


def test_perfect_and_reversed_scores(ratings):
    perfect = {p: dict(r) for p, r in ratings.items()}
    assert evaluate(ratings, perfect).loss == 0
    rev = {p: {k: -v for k, v in r.items()} for p, r in ratings.items()}
    assert evaluate(ratings, rev).loss == pytest.approx(1.0 - 0.0, abs=0.25)
    assert Path(GS).is_dir()


def test_benchmark_fast_loss_and_paired_bootstrap_agree_with_the_metric(ratings):
    """The benchmark's vectorised loss reproduces the table, and its paired bootstrap gives
    the difference of two algorithms' losses with an interval around it."""
    import numpy as np

    from benchmarks.goldstandard import FastLoss

    pids = sorted(ratings)
    tp, sm = _preds("tpms"), _preds("specter_mfr")
    papers = sorted(tp[0][pids[0]])

    def mats(preds: list) -> list:
        return [np.array([[p[i][k] for k in papers] for i in pids]) for p in preds]

    fl = FastLoss(ratings, pids, papers)
    assert round(fl(mats(tp)), 4) == 0.2811 and round(fl(mats(sm)), 4) == 0.2384
    eff = fl.paired_bootstrap(mats(tp), mats(sm), n=300)
    assert eff["difference"] == pytest.approx(fl(mats(sm)) - fl(mats(tp)))
    assert eff["ci95"][0] < eff["difference"] < eff["ci95"][1]
    assert eff["share_of_resamples_lower"] > 0.5, eff
    same = fl.paired_bootstrap(mats(tp), mats(tp), n=50)
    assert same["difference"] == 0 and same["share_of_resamples_lower"] == 0
