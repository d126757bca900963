"""Why a reviewer suits a proposal: the most informative shared terms first."""

from __future__ import annotations

from innobridge.funding.matching import _idf, explain_pair
from innobridge.matching.text import fold, tokenize_folded


def toks(text: str) -> list[str]:
    return tokenize_folded(fold(text))


def test_rare_shared_terms_come_before_common_ones() -> None:
    proposal = "Model and data analysis for perovskite solar cells"
    reviewers = [
        ["Model and data analysis of perovskite solar cells and their stability"],
        ["Model and data analysis in protein folding"],
        ["Model and data analysis in graph theory"],
        ["Model and data analysis in machine translation"],
    ]
    rtoks = [[(t, toks(t)) for t in r] for r in reviewers]
    weight = _idf([{x for _t, ts in r for x in ts} for r in rtoks] + [set(toks(proposal))])
    terms = explain_pair(toks(proposal), rtoks[0], None, weight)["shared_terms"]
    assert set(terms[:3]) == {"perovskite", "solar", "cells"}
    # "data" is too common a word to explain anything (wordfreq, both languages)
    assert set(terms[3:]) == {"model", "analysis"}


def test_explain_pair_gives_the_closest_text_and_the_ui_script() -> None:
    texts = ["Graphene sensors for gas detection", "氣體傳感器的製備"]
    why = explain_pair(toks("气体传感器"), [(t, toks(t)) for t in texts], "zh-hant")
    assert why["closest_text"] == "氣體傳感器的製備"
    assert "氣體" in why["shared_terms"] and "传感器" not in why["shared_terms"]


def test_filler_words_are_not_explanations_and_one_sentence_is_quoted() -> None:
    """The officer's assignment page showed "sequences, work" and "given, one": only terms
    that carry meaning are shown, and the reviewer's closest sentence, not a whole text."""
    proposal = "Given one sequence model, this work aligns protein sequences."
    reviewer = [
        "This is one of the work we have given. "
        "We align protein sequences with hidden Markov models. "
        "Our lab also teaches.",
        "蛋白质序列比对是我们的工作。",
    ]
    why = explain_pair(toks(proposal), [(t, toks(t)) for t in reviewer], None)
    terms = why["shared_terms"]
    assert set(terms) == {"sequences", "protein"}
    assert why["closest_text"] == "We align protein sequences with hidden Markov models."
    zh = explain_pair(
        toks("给定一个工作，研究蛋白质序列比对。"), [(reviewer[1], toks(reviewer[1]))], "zh-hant"
    )
    assert "蛋白質" in zh["shared_terms"]
    assert not {"工作", "研究", "给定", "一个"} & set(zh["shared_terms"])
