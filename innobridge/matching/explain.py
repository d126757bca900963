"""Why a document matched: shared terms (in the user's script) and the closest text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .text import fold, sentences, to_script, tokenize_folded

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": round(self.score, 6), "why": self.why.to_dict()}


def shared_terms(
    query_tokens: Sequence[str],
    doc_tokens: Sequence[str],
    script: str | None,
    weight: Callable[[str], float] | None = None,
    limit: int = 8,
) -> list[str]:
    """Folded query tokens that also occur in the document, most informative first, rendered
    in ``script`` (a zh-hant user sees Traditional).  Tokens contained in a longer shared
    token (科技 inside 香港科技大学) are dropped."""
    dset = set(doc_tokens)
    common = [t for t in dict.fromkeys(query_tokens) if t in dset]
    common = [t for t in common if not any(t != u and t in u for u in common)]
    if weight is not None:
        common.sort(key=lambda t: -weight(t))
    out = []
    for t in common[:limit]:
        out.append(to_script(t, script) if _CJK_RE.search(t) else t)
    return out


def closest_sentence(text: str, query_tokens: Sequence[str]) -> str:
    """The sentence of ``text`` sharing most query tokens (the first one if none do)."""
    sents = sentences(text)
    if len(sents) <= 1:
        return text.strip()
    q = set(query_tokens)
    best = max(
        range(len(sents)),
        key=lambda i: (len(q & set(tokenize_folded(fold(sents[i])))), -i),
    )
    return sents[best].strip()
