"""Loading the gold-standard reviewer-expertise data (shared by goldstandard.py and tests)."""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def data_dir(arg: str | None = None) -> Path:
    """``--data-dir`` argument, else ``$INNOBRIDGE_DATA_DIR``, else ``../shared/data``."""
    d = arg or os.environ.get("INNOBRIDGE_DATA_DIR") or str(REPO.parent / "shared" / "data")
    return Path(d)


def cache_dir() -> Path:
    return Path(os.environ.get("INNOBRIDGE_BENCH_CACHE", "/tmp/innobridge-bench-cache"))


def paper_text(content: dict) -> str:
    title = (content.get("title") or "").strip()
    abstract = (content.get("abstract") or "").strip()
    return f"{title}. {abstract}" if abstract else title


def load_dataset(gs: Path, i: int) -> tuple[dict[str, list[str]], dict[str, str]]:
    """({participant: [profile paper texts]}, {paper id: submission text}) for d_20_i."""
    base = gs / "evaluation_datasets" / f"d_20_{i}"
    profiles: dict[str, list[str]] = {}
    for f in sorted((base / "archives").glob("~*.jsonl")):
        pid = f.stem.lstrip("~")
        with f.open(encoding="utf-8") as fh:
            profiles[pid] = [paper_text(json.loads(line)["content"]) for line in fh if line.strip()]
    subs = json.loads((base / "submissions.json").read_text(encoding="utf-8"))
    submissions = {k: paper_text(v["content"]) for k, v in subs.items()}
    return profiles, submissions
