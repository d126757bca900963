"""Generated OpenAlex works in the snapshot's real format (one work object per line, the
fields the importer reads plus the usual others), for volume tests and the benchmark."""

from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = (
    "protein",
    "structure",
    "prediction",
    "graph",
    "neural",
    "network",
    "battery",
    "cathode",
    "lithium",
    "translation",
    "low-resource",
    "language",
    "quantum",
    "error",
    "correction",
    "catalyst",
    "hydrogen",
    "policy",
    "urban",
    "heat",
    "climate",
    "model",
    "genome",
    "sequencing",
    "deep",
    "learning",
    "optimisation",
    "robotics",
    "sensor",
)


def work(n: int, rng: random.Random, orcids: list[str] | None = None) -> dict:
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    abstract = [rng.choice(WORDS) for _ in range(40)]
    inverted: dict[str, list[int]] = {}
    for i, w in enumerate(abstract):
        inverted.setdefault(w, []).append(i)
    authors = [
        {
            "author_position": "first" if k == 0 else "middle",
            "author": {
                "id": f"https://openalex.org/A{n}{k}",
                "display_name": f"Author {n}-{k}",
                "orcid": f"https://orcid.org/{orcids[k]}" if orcids and k < len(orcids) else None,
            },
            "institutions": [],
            "raw_author_name": f"Author {n}-{k}",
        }
        for k in range(3)
    ]
    return {
        "id": f"https://openalex.org/W{9_000_000_000 + n}",
        "doi": f"https://doi.org/10.5555/gen.{n}",
        "title": title,
        "display_name": title,
        "publication_year": 2000 + n % 25,
        "publication_date": f"{2000 + n % 25}-01-01",
        "language": "en",
        "type": "article",
        "primary_location": {
            "is_oa": True,
            "landing_page_url": f"https://doi.org/10.5555/gen.{n}",
            "license": "cc-by",
            "source": {"id": "https://openalex.org/S1", "display_name": "Journal of Tests"},
        },
        "authorships": authors,
        "cited_by_count": n % 50,
        "concepts": [{"id": "https://openalex.org/C1", "display_name": rng.choice(WORDS)}],
        "abstract_inverted_index": inverted,
    }


def write_works(path: Path, count: int, seed: int = 7, start: int = 0) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for n in range(start, start + count):
            fh.write(json.dumps(work(n, rng)) + "\n")
    return path
