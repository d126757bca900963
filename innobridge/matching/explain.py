"""Why a document matched: shared terms (in the user's script) and the closest text.

Only terms that carry meaning explain a match.  A shared word is left out when it is a stop
word of its language (the engine's lists, :data:`~.text.EN_STOPWORDS` /
:data:`~.text.ZH_STOPWORDS`, and the larger English and Chinese lists that ``bm25s`` ships)
or a common word of the language (its general frequency, from ``wordfreq``'s English and
Chinese word lists, at or above :data:`COMMON_ZIPF` on the Zipf scale: "work", "given",
"one", 信息, 研究 …).  The terms left are ordered by how informative they are: the corpus's
idf (when the caller has one) times the word's rarity in the language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .text import EN_STOPWORDS, ZH_STOPWORDS, fold, sentences, to_script, tokenize_folded

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Zipf frequency (log10 of uses per billion words) from which a word is too common in its
# language to explain a match: "work" 6.0, "one" 6.5, "given" 5.4, "information" 5.4,
# 研究 5.7, 信息 5.5 are left out; "network" 5.0, "protein" 4.5, 量子 4.1 stay.
COMMON_ZIPF = 5.3
_RARITY_TOP = 8.0  # above the most common word's Zipf value


@functools.cache
def _library_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_CHINESE, STOPWORDS_EN_PLUS

    zh = {fold(w) for w in STOPWORDS_CHINESE}
    return frozenset({*STOPWORDS_EN_PLUS, *zh, *EN_STOPWORDS, *ZH_STOPWORDS})


@functools.cache
def zipf(term: str) -> float:
    """The term's general frequency in its language (``wordfreq``, Zipf scale; 0 unknown)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(term, "zh" if _CJK_RE.search(term) else "en"))


def meaningful(term: str) -> bool:
    """Whether a (folded) term can explain a match: not a stop word, not a common word of
    its language, not a single Latin letter or digits only."""
    if (
        term in _library_stopwords()
        or term.isdigit()
        or (len(term) < 2 and not _CJK_RE.search(term))
    ):
        return False
    return zipf(term) < COMMON_ZIPF


def informativeness(term: str, idf: Callable[[str], float] | None = None) -> float:
    """How much a shared term says: the corpus idf (1 without one) times its rarity."""
    corpus = idf(term) if idf is not None else 1.0
    return max(corpus, 1e-6) * (_RARITY_TOP - zipf(term))


@dataclass
class Explanation:
    shared_terms: list[str] = field(default_factory=list)
    closest_text: str = ""
    closest_index: int = 0
    dense: float = 0.0
    lexical: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Hit:
    id: str
    score: float
    why: Explanation
    meta: dict[str, Any] = field(default_factory=dict)
    # strong / possible / weak (:mod:`.levels`), set by the search that found it
    level: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "level": self.level,
            "why": self.why.to_dict(),
        }


def shared_terms(
    query_tokens: Sequence[str],
    doc_tokens: Sequence[str],
    script: str | None,
    weight: Callable[[str], float] | None = None,
    limit: int = 8,
) -> list[str]:
    """Folded query tokens that also occur in the document and carry meaning
    (:func:`meaningful`), most informative first (:func:`informativeness`, with ``weight``
    as the corpus idf), rendered in ``script`` (a zh-hant user sees Traditional).  Tokens
    contained in a longer shared token (科技 inside 香港科技大学) are dropped."""
    dset = set(doc_tokens)
    common = [t for t in dict.fromkeys(query_tokens) if t in dset and meaningful(t)]
    common = [t for t in common if not any(t != u and t in u for u in common)]
    common.sort(key=lambda t: -informativeness(t, weight))
    out = []
    for t in common[:limit]:
        out.append(to_script(t, script) if _CJK_RE.search(t) else t)
    return out


def closest_sentence(text: str, query_tokens: Sequence[str]) -> str:
    """The sentence of ``text`` sharing most meaningful query tokens (the first one if none
    do)."""
    sents = sentences(text)
    if len(sents) <= 1:
        return text.strip()
    q = {t for t in query_tokens if meaningful(t)}
    best = max(
        range(len(sents)),
        key=lambda i: (len(q & set(tokenize_folded(fold(sents[i])))), -i),
    )
    return sents[best].strip()
