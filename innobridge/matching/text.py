"""Text normalisation, Traditional→Simplified folding, tokenisation and language routing.

Everything here is deterministic and pure (the OpenCC converters and the jieba tokenizer are
loaded lazily, once per process).  Indexing and querying must go through the *same*
:func:`tokenize` so that 香港科技大學 and 香港科技大学, or 人工智慧 and 人工智能, meet.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
import warnings
from typing import Literal

import opencc

Script = Literal["en", "zh-hans", "zh-hant", "other"]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_RUN_RE = re.compile(f"([{_CJK}]+)|([a-z0-9]+(?:'[a-z])?)")

# English stop words: the classic Lucene/NLTK-style list plus a few words that are noise in
# research prose ("propose", "paper", ...).
_EN_STOPWORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such
    than that the their theirs them themselves then there these they this those through
    to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself yourselves via using use used based towards
    toward within without among upon paper propose proposed present show shows study new
    approach method methods results et al e g i e
"""
EN_STOPWORDS = frozenset(_EN_STOPWORDS_TEXT.split())

# Chinese function words and research-prose filler (Simplified; applied after folding).
_ZH_STOPWORDS_TEXT = """
    的 了 和 与 及 以及 或 在 是 对 等 中 为 以 将 被 把 从 由 于 其 之 而 并 且 也 都 就
    这 那 这些 那些 该 本 本文 我们 研究 方法
    提出 基于 进行 通过 利用 采用 一种 一个 一 个 种 上 下 后 前 时 可 能 可以
    不 有 没有 如何 及其 对于 关于 针对 结果 表明 问题 分析
"""
ZH_STOPWORDS = frozenset(_ZH_STOPWORDS_TEXT.split())


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def normalize(text: str) -> str:
    """Unicode NFKC (full-width letters and digits become ASCII), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def fold(text: str) -> str:
    """Indexing form: NFKC, Traditional→Simplified with phrase-level vocabulary, lowercase.

    ``tw2sp`` folds regional vocabulary (人工智慧→人工智能, 軟體→软件), then ``hk2s`` folds the
    remaining Hong Kong variant characters.  Simplified input passes through unchanged.
    """
    t = normalize(text)
    if _CJK_RE.search(t):
        t = _converter("hk2s").convert(_converter("tw2sp").convert(t))
    return t.lower()


def embedding_text(text: str) -> str:
    """What the dense model sees: Chinese text is folded to Simplified (NFKC, ``tw2sp`` then
    ``hk2s``; case kept) so that a Traditional text and its Simplified twin get the same
    vector; text without CJK characters is passed through unchanged."""
    if not _CJK_RE.search(text):
        return text
    t = unicodedata.normalize("NFKC", text)
    return str(_converter("hk2s").convert(_converter("tw2sp").convert(t)))


def to_script(text: str, script: str | None) -> str:
    """Render (folded, Simplified) text in the user's script: ``zh-hant`` gives Hong Kong
    Traditional, ``zh-hans`` Simplified; anything else returns the text unchanged."""
    if script == "zh-hant":
        return _converter("s2hk").convert(text)
    if script == "zh-hans":
        return _converter("hk2s").convert(text)
    return text


def detect_language(text: str) -> Script:
    """Route a text by script: share of CJK among letters, and Traditional vs Simplified by
    whether character-level Traditional→Simplified conversion changes it."""
    t = unicodedata.normalize("NFKC", text)
    n_cjk = len(_CJK_RE.findall(t))
    n_lat = len(_LATIN_RE.findall(t))
    if n_cjk == 0 and n_lat == 0:
        return "other"
    # A CJK character carries roughly a word's worth of meaning; 1 CJK ~ 3 Latin letters.
    if n_cjk * 3 >= n_lat:
        cjk_only = "".join(_CJK_RE.findall(t))
        if _converter("t2s").convert(cjk_only) != cjk_only:
            return "zh-hant"
        return "zh-hans"
    if (n_lat > 0 and t.isascii()) or n_lat >= 0.5 * sum(c.isalpha() for c in t):
        return "en"
    return "other"


def language_group(script: str) -> str:
    """Lexical group after folding: both Chinese scripts share one vocabulary."""
    return "zh" if script.startswith("zh") else script


@functools.cache
def _jieba() -> object:
    with warnings.catch_warnings():  # jieba 0.42 has invalid escapes in its regexes
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def _cut(run: str) -> list[str]:
    tok = _jieba()
    return list(tok.cut_for_search(run, HMM=True))  # type: ignore[attr-defined]


def tokenize_folded(folded: str) -> list[str]:
    """Tokens of already-folded text: jieba words for CJK runs, word tokens for the rest,
    stop words and single Latin characters dropped."""
    out: list[str] = []
    for m in _RUN_RE.finditer(folded):
        zh, en = m.group(1), m.group(2)
        if zh:
            out.extend(w for w in _cut(zh) if w not in ZH_STOPWORDS and w.strip())
        elif en and len(en) > 1 and en not in EN_STOPWORDS:
            out.append(en)
    return [t for t in out if t]


def tokenize(text: str) -> list[str]:
    """Tokens for indexing/querying: ``tokenize_folded(fold(text))``."""
    return tokenize_folded(fold(text))


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (sentencex's rule-based boundaries: abbreviations such as
    "e.g." or "et al." and decimals do not end a sentence; 。！？ do), stripped; a fragment
    too short to carry a topic (fewer than 3 words, or 6 CJK characters) is joined to the
    sentence before it, so no text is dropped.  A text without a boundary is one sentence."""
    from sentencex import segment

    t = text.strip()
    if not t:
        return []
    zh = detect_language(t).startswith("zh")
    out: list[str] = []
    for part in segment("zh" if zh else "en", t):
        p = part.strip()
        if not p:
            continue
        short = len(_CJK_RE.findall(p)) < 6 if zh else len(p.split()) < 3
        if out and short:
            out[-1] = out[-1] + p if zh else f"{out[-1]} {p}"
        else:
            out.append(p)
    return out or [t]
