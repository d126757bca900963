"""Calibrated relevance levels (strong / possible / weak) and explanations that carry
meaning (issue 11 §2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from innobridge.matching import levels
from innobridge.matching.explain import meaningful, shared_terms
from innobridge.matching.text import tokenize

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "calibrate_levels.json"


def test_thresholds_are_the_calibrated_ones() -> None:
    """The code's thresholds are exactly those benchmarks/calibrate_levels.py chose on real
    data (its JSON), and each kind's strong level is above its cut-off."""
    chosen = json.loads(RESULTS.read_text(encoding="utf-8"))["thresholds"]
    assert set(chosen) == set(levels.THRESHOLDS)
    for kind, th in levels.THRESHOLDS.items():
        assert chosen[kind] == {"strong": th.strong, "possible": th.possible}
        assert th.strong > th.possible > 0


def test_query_kind_follows_the_engine_role() -> None:
    assert levels.query_kind("quantum entanglement") == "query"
    proposal = " ".join(f"topic{i} method{i} sample{i}" for i in range(20))
    assert levels.query_kind(proposal) == "passage"


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_levels_and_grading(kind: levels.Kind) -> None:
    th = levels.THRESHOLDS[kind]
    assert levels.level(th.strong, kind) == "strong"
    assert levels.level((th.strong + th.possible) / 2, kind) == "possible"
    assert levels.level(th.possible - 0.01, kind) == "weak"
    assert levels.is_match(th.possible, kind) and not levels.is_match(th.possible - 1e-4, kind)
    scores = [th.strong + 0.1, th.possible + 1e-3, th.possible - 0.05, 0.01, -0.014]
    graded = levels.grade(scores, lambda s: s, kind)
    assert graded.count == 2 and graded.has_strong
    assert graded.shown() == scores[:2]  # with a strong match the weak ones are not listed
    weak_only = levels.grade(scores[2:], lambda s: s, kind)
    assert weak_only.count == 0 and not weak_only.has_strong
    # the closest results, never a negative score
    assert weak_only.shown() == [scores[2], scores[3]]


def test_filler_words_explain_nothing_in_either_language() -> None:
    for word in ("work", "given", "one", "results"):
        assert not meaningful(word), word
    for word in ("研究", "信息", "方法"):
        assert not meaningful(word), word
    for word in ("sequences", "quantum", "entanglement", "protein", "量子", "纠缠", "蛋白质"):
        assert meaningful(word), word
    q = tokenize("Given one work on DNA sequences; 量子纠缠的信息研究")
    terms = shared_terms(q, q, "zh-hant")
    assert "sequences" in terms and "糾纏" in terms and "量子" in terms
    assert not {"given", "one", "work", "信息", "研究"} & set(terms)
    # most informative first: the rare term before the everyday one
    terms = shared_terms(tokenize("deep entanglement"), tokenize("deep entanglement"), None)
    assert terms == ["entanglement", "deep"]
