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
