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
        if r["discipline"] not in DEMO_DISCIPLINES:  # the demo keeps to its disciplines
            continue
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


# The demo's disciplines (CSL's Chinese discipline names): each has, on each side of the
# boundary, at least one researcher with RICH_PAPERS or more real papers with abstracts in
# it (issue 11 §8), so partner search always has a real partner to find across the
# boundary. English papers count under the discipline their arXiv archive or the ACL
# Anthology belongs to.
DEMO_DISCIPLINES: tuple[str, ...] = (
    "计算机科学与技术",
    "物理学",
    "数学",
    "材料科学与工程",
    "天文学",
    "生物学/生物科学与工程",
    "应用经济学",
    "化学/化学工程与技术",
    "基础医学/临床医学",
    "环境科学与工程",
    "信息与通信工程",
    "电子科学与技术",
    "交通运输工程",
    "药学",
    "中医学/中药学",
    "食品科学与工程",
    "土木工程",
    "机械工程",
    "电气工程",
)
RICH_PAPERS = 5
ARXIV_DISCIPLINES = {
    "astro-ph": "天文学",
    "cond-mat": "材料科学与工程",
    "math": "数学",
    "stat": "数学",
    "cs": "计算机科学与技术",
    "q-bio": "生物学/生物科学与工程",
    "q-fin": "应用经济学",
}  # every other arXiv archive (hep, quant-ph, gr-qc, nucl, physics, …): 物理学


def paper_discipline(paper: Paper) -> str:
    """The discipline of a pooled paper."""
    if paper.source == "csl":
        return paper.group
    if paper.source == "acl":
        return "计算机科学与技术"
    return ARXIV_DISCIPLINES.get(paper.group.split(".")[0], "物理学")


def publication_discipline(licence: str, venue: str, keywords: list[str]) -> str:
    """The discipline of a stored demo publication (from its licence note, its CSL venue
    or its arXiv categories); "" for a paper of no demo data set."""
    if licence == LICENCE_CSL:
        return venue.removeprefix("CSL: ")
    if licence == LICENCE_ACL:
        return "计算机科学与技术"
    if licence == LICENCE_ARXIV:
        category = (keywords or [""])[0]
        return ARXIV_DISCIPLINES.get(category.split(".")[0], "物理学")
    return ""
