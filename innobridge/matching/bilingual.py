"""Lexical evidence across languages through a bilingual term list.

BM25 never counts across languages (an English query shares no token with a Chinese text).
A bilingual term list gives that evidence: from real English–Chinese term pairs (the shipped
table is derived from the glossaries of Taiwan's National Academy for Educational Research,
國家教育研究院 樂詞網 — see ``calibration/README.md``) each English word is aligned with the
Chinese character strings that translate it across the list (:func:`align`: "magnetic" →
磁, "spectrometer" → 光谱仪 / 谱仪, "cell" → 细胞 …, Dice association over the pairs, the
single-word entries taken as they are).  The evidence for an English text and a Chinese text
(:meth:`Lexicon.pair_score`, in [0, 1]) is the mean of the share of the English text's words
whose translation occurs in the Chinese text and the share of the Chinese characters so
covered (for a Chinese query the smaller of the two: :meth:`Lexicon.score`).  A term the
list never held can still be matched by its parts: "ion exchange resin" ↔ 离子交换树脂 from
the entries of 离子, 交换 and 树脂.

The search uses it with the second opinion (:mod:`.second`): a short query's candidates in
the other language group get the term weight × :meth:`Lexicon.score` on top of the blended
score (the weight is lower for a Chinese query: :class:`~.second.SecondOpinion`).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .text import fold

STOP = frozenset(
    {"of", "the", "a", "an", "and", "in", "on", "for", "to", "by", "with", "at", "or"}
    | {"from", "as", "is"}
)
_WORD = re.compile(r"[a-z]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
LEXICON_FILE = Path(__file__).with_name("calibration") / "bilingual_terms.json"


def stem(word: str) -> str:
    """A crude plural folding (cells → cell, bodies → body)."""
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(english: str) -> list[str]:
    """The English text's content words, lowercased and stemmed."""
    return [stem(w) for w in _WORD.findall(english.lower()) if w not in STOP]


def align(
    pairs: Iterable[tuple[str, str]], min_dice: float = 0.3, per_word: int = 3
) -> dict[str, list[str]]:
    """{English word: Chinese strings} from (English, folded Chinese) term pairs: the
    character n-grams (1–4) most associated with the word over the pairs (Dice ≥
    ``min_dice``, seen together at least twice; the best ``per_word``), plus the Chinese side
    of the word's single-word entries (up to 4 characters)."""
    cw: Counter[str] = Counter()
    cg: Counter[str] = Counter()
    cwg: Counter[tuple[str, str]] = Counter()
    single: dict[str, set[str]] = defaultdict(set)
    for en, zh in pairs:
        ws = set(words(en))
        if len(ws) == 1:
            single[next(iter(ws))].add(zh)
        grams = {zh[i : i + n] for n in range(1, 5) for i in range(len(zh) - n + 1)}
        cw.update(ws)
        cg.update(grams)
        for w in ws:
            for g in grams:
                cwg[(w, g)] += 1
    cand: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for (w, g), c in cwg.items():
        if c < 2:
            continue
        d = 2 * c / (cw[w] + cg[g])
        if d >= min_dice:
            cand[w].append((d, len(g), g))
    table = {}
    for w in sorted(set(cand) | set(single)):
        gs = [g for _, _, g in sorted(cand.get(w, []), reverse=True)[:per_word]]
        gs += [z for z in sorted(single.get(w, ())) if len(z) <= 4]
        if gs:
            table[w] = sorted(set(gs))
    return table


class Lexicon:
    """A word → translations table and the evidence it gives a pair of texts."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> Lexicon | None:
        if not path.is_file():
            return None
        return cls(json.loads(path.read_text(encoding="utf-8"))["table"])

    def pair_shares(self, english_words: list[str], chinese_folded: str) -> tuple[float, float]:
        """(the share of an English text's words — its :func:`words` — whose translation
        occurs in a folded Chinese text, the share of the Chinese characters covered by
        those translations)."""
        if not english_words:
            return 0.0, 0.0
        n_cjk = len(_CJK.findall(chinese_folded))
        if not n_cjk:
            return 0.0, 0.0
        hit = 0
        covered: set[int] = set()
        for w in english_words:
            for g in self.table.get(w, ()):
                at = chinese_folded.find(g)
                if at >= 0:
                    hit += 1
                    covered.update(range(at, at + len(g)))
                    break
        return hit / len(english_words), len(covered) / n_cjk

    def pair_score(self, english_words: list[str], chinese_folded: str) -> float:
        """Evidence in [0, 1] that an English text (its :func:`words`) and a folded Chinese
        text say the same: the mean of the two :meth:`pair_shares`."""
        w, c = self.pair_shares(english_words, chinese_folded)
        return 0.5 * w + 0.5 * c

    def score(self, query: str, text: str) -> float:
        """The evidence for a query and a text in the other language; 0 when both or
        neither have Chinese characters.  For an English query it is :meth:`pair_score`
        (the English words are the query's, the same for every candidate).  For a Chinese
        query the English words are each candidate's, and a short candidate whose one word
        the list knows would count fully while it covers part of the query ("Biology" → 物学
        in 植物学, botany); so the weaker of the two shares counts."""
        return _score(self, query, text)


@lru_cache(maxsize=65_536)
def _side(text: str) -> tuple[bool, str | list[str]]:
    if _CJK.search(text):
        return True, fold(text)
    return False, words(text)


def _score(lex: Lexicon, query: str, text: str) -> float:
    qz, q = _side(query)
    tz, t = _side(text)
    if qz == tz:
        return 0.0
    en, zh = (t, q) if qz else (q, t)
    assert isinstance(en, list) and isinstance(zh, str)
    if qz:
        return min(lex.pair_shares(en, zh))
    return lex.pair_score(en, zh)
