"""The real open-data papers the demo researchers publish: read from ``settings.DATA_DIR``
(``csl``, ``arxiv-0704``, ``acl-anthology-en``), grouped by discipline, category or topic
into pools handed out without replacement, turned into publication data with their
licence, and summarised as keywords. Used by :mod:`innobridge.people.demo`."""

from __future__ import annotations

import functools
import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .services import PublicationData

LICENCE_CSL = "Apache-2.0, CSL (Li et al., COLING 2022)"
LICENCE_ARXIV = "CC0, arXiv metadata"
LICENCE_ACL = "CC BY 4.0, ACL Anthology"


ACL_TOPICS: list[tuple[str, str]] = [
    ("machine translation", r"translat"),
    ("question answering", r"question|answer|reading comprehension"),
    ("sentiment analysis", r"sentiment|emotion|opinion|stance"),
    ("dialogue systems", r"dialog|conversation|chatbot"),
    ("summarization", r"summar"),
    ("information extraction", r"extraction|named entit|\bNER\b|relation|event"),
    ("syntactic parsing", r"pars|syntax|syntactic|dependency|grammar"),
    ("semantic representation", r"semantic|meaning|AMR"),
    ("language models", r"language model|pre-?train|BERT|transformer"),
    ("word embeddings", r"embedding|word vector|representation"),
    ("knowledge graphs", r"knowledge|graph"),
    ("multilingual NLP", r"multilingual|cross-lingual|low-resource"),
    ("text generation", r"generat"),
    ("text classification", r"classif|detect"),
]
STOP_WORDS = set(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "among",
        "based",
        "using",
        "which",
        "their",
        "there",
        "these",
        "those",
        "from",
        "into",
        "with",
        "without",
        "within",
        "between",
        "through",
        "under",
        "over",
        "paper",
        "study",
        "results",
        "model",
        "models",
        "method",
        "methods",
        "approach",
        "analysis",
        "problem",
        "problems",
        "effect",
        "effects",
        "case",
        "cases",
        "general",
        "first",
        "second",
        "third",
        "higher",
        "lower",
        "large",
        "small",
        "properties",
        "system",
        "systems",
        "theory",
        "their",
        "other",
        "some",
        "such",
        "than",
        "then",
        "when",
        "where",
        "while",
        "the",
        "and",
        "for",
    ]
)


@dataclass
class Paper:
    source: str  # csl | arxiv | acl
    group: str  # discipline / category / topic
    label: str  # English label of the group
    record: dict[str, Any]


@dataclass
class Pools:
    """Papers by (source, group), handed out without replacement."""

    groups: dict[tuple[str, str], list[Paper]] = field(default_factory=dict)

    def take(self, key: tuple[str, str], n: int) -> list[Paper]:
        pool = self.groups.get(key, [])
        taken, self.groups[key] = pool[:n], pool[n:]
        return taken

    def keys_with(self, source: str, at_least: int) -> list[tuple[str, str]]:
        return sorted(k for k, v in self.groups.items() if k[0] == source and len(v) >= at_least)


@functools.lru_cache(maxsize=8)
def read_jsonl(path: Path) -> tuple[dict[str, Any], ...]:
    """The records of a JSON Lines file (read once per process; never mutated)."""
    if not path.exists():
        return ()
    with path.open(encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


def _acl_topic(record: dict[str, Any]) -> str:
    for text in (record.get("title", ""), record.get("abstract", "")):
        for topic, pattern in ACL_TOPICS:
            if re.search(pattern, text, flags=re.IGNORECASE):
                return topic
    return "natural language processing"


def load_pools(data_dir: Path, rng: random.Random) -> Pools:
    pools = Pools()
    grouped: dict[tuple[str, str], list[Paper]] = defaultdict(list)
    for r in read_jsonl(data_dir / "csl" / "csl_benchmark_2000.jsonl"):
        grouped[("csl", r["discipline"])].append(
            Paper("csl", r["discipline"], r.get("category_en", ""), r)
        )
    for r in read_jsonl(data_dir / "arxiv-0704" / "arxiv_0704_2000.jsonl"):
        category = (r.get("categories") or [r.get("primary_archive", "physics")])[0]
        grouped[("arxiv", category)].append(Paper("arxiv", category, r.get("field", ""), r))
    for r in read_jsonl(data_dir / "acl-anthology-en" / "acl_main_2016_2021.jsonl"):
        topic = _acl_topic(r)
        grouped[("acl", topic)].append(Paper("acl", topic, topic, r))
    for key in sorted(grouped):
        papers = grouped[key]
        rng.shuffle(papers)
        pools.groups[key] = papers
    return pools


def publication_data(paper: Paper) -> PublicationData:
    r = paper.record
    if paper.source == "csl":
        return PublicationData(
            title=r["title"],
            abstract=r.get("abstract", ""),
            language="zh-hans",
            keywords=list(r.get("keywords") or []),
            source="dataset",
            source_id=r["id"],
            licence=LICENCE_CSL,
            venue=f"CSL: {r.get('discipline', '')}",
        )
    if paper.source == "arxiv":
        return PublicationData(
            title=r["title"],
            abstract=r.get("abstract", ""),
            year=2007,
            venue=r.get("journal_ref") or f"arXiv ({', '.join(r.get('categories') or [])})",
            doi=r.get("doi") or None,
            language="en",
            keywords=list(r.get("categories") or []),
            author_names=list(r.get("authors") or []),
            url=r.get("url", ""),
            source="dataset",
            source_id=r["id"],
            licence=LICENCE_ARXIV,
        )
    return PublicationData(
        title=r["title"],
        abstract=r.get("abstract", ""),
        year=r.get("year"),
        venue=r.get("venue", ""),
        doi=r.get("doi") or None,
        language="en",
        author_names=list(r.get("authors") or []),
        url=r.get("url", ""),
        source="dataset",
        source_id=r["id"],
        licence=LICENCE_ACL,
    )


def english_keywords(papers: list[Paper], n: int = 4) -> list[str]:
    words: Counter[str] = Counter()
    for paper in papers:
        for word in re.findall(r"[A-Za-z][A-Za-z-]{4,}", paper.record.get("title", "")):
            lower = word.lower()
            if lower not in STOP_WORDS:
                words[lower] += 1
    return [w for w, _ in words.most_common(n)]


def chinese_keywords(papers: list[Paper], n: int = 5) -> list[str]:
    counts: Counter[str] = Counter()
    for paper in papers:
        counts.update(paper.record.get("keywords") or [])
    return [k for k, _ in counts.most_common(n)]
