"""The search's lexical gate as whole-array operations: the best lexical candidates
(``top_rows``) and the language-group mask (``LexicalIndex.in_group``) give what the
per-document Python loop they replaced gave."""

from __future__ import annotations

import numpy as np
import pytest

from innobridge.matching.lexical import LexicalIndex
from innobridge.matching.rank import top_rows


def _reference(scores: np.ndarray, k: int) -> list[int]:
    rows = sorted((i for i in range(len(scores)) if scores[i] > 0), key=lambda i: (-scores[i], i))
    return rows[:k]


@pytest.mark.parametrize("seed", range(20))
def test_top_rows_are_the_k_best_positive_scores_ties_by_row(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    # few distinct values: many ties, also across the k-th place; zeros are never picked
    scores = rng.choice(np.array([0, 0, 0.5, 1, 1.5, 2], np.float32), n)
    for k in (1, 3, 50, n, n + 5):
        assert top_rows(scores, k).tolist() == _reference(scores, k)


def test_top_rows_without_positive_scores_is_empty():
    assert top_rows(np.zeros(10, np.float32), 5).tolist() == []
    assert top_rows(np.zeros(0, np.float32), 5).tolist() == []


def test_in_group_marks_the_documents_of_a_group_in_score_order():
    lex = LexicalIndex()
    lex.set("a", ["protein"], "en")
    lex.set("b", ["蛋白"], "zh")
    lex.set("c", ["protein", "蛋白"], "en,zh")
    lex.set("d", ["fold"], "en")
    ids, _ = lex.scores(["protein"])
    want = {g: [g in lex.group(d).split(",") for d in ids] for g in ("en", "zh", "fr")}
    for g, mask in want.items():
        assert lex.in_group(g).tolist() == mask
    assert lex.rows(["d", "a"]).tolist() == [ids.index("d"), ids.index("a")]
    lex.set("e", ["fold"], "zh")  # a change rebuilds the mask
    ids, _ = lex.scores(["fold"])
    assert lex.in_group("zh").tolist() == [d in ("b", "c", "e") for d in ids]
    with pytest.raises(KeyError):
        lex.rows(["nope"])
