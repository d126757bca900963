"""Cross-lingual retrieval of research topics through the engine's SearchIndex.

Data: benchmarks/data/topics_bilingual.jsonl (330 topics in English, Simplified and
Traditional Chinese; see benchmarks/README.md for provenance).  All 990 texts form ONE mixed
pool; for each direction A→B each topic's A text is the query and its B text the only
correct answer.  Two settings:

* ``target filter``: the search is filtered to documents in language B (``filters={"lang": B}``),
  which is how the platform searches "the other side";
* ``mixed pool``: no language filter; only the query itself and the topic's third-language
  version are excluded, so every other topic in every script competes (the setting where
  naive BM25+dense fusion collapses).

Recall@1 and recall@10 are reported for several lexical weights (the engine default marked).

    .venv/bin/python benchmarks/crosslingual.py [--models e5,use]
    .venv/bin/python benchmarks/crosslingual.py --second-opinion [--second calibration.json]

The cross-lingual development set of real pairs (terms, names, titles, sentences,
paragraphs; tune / held-out) is measured by ``benchmarks/crosslingual_dev.py``, the part of
this benchmark that runs on real text.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._gsdata import REPO, cache_dir
from innobridge.matching.affinity import DEFAULT_CONFIG
from innobridge.matching.documents import Document
from innobridge.matching.embed import E5Embedder, LanguageCentering, USEEmbedder
from innobridge.matching.rank import SearchIndex
from innobridge.matching.second import SecondOpinion

TOPICS = REPO / "benchmarks" / "data" / "topics_bilingual.jsonl"
LANGS = ("en", "zh_hans", "zh_hant")
DIRECTIONS = [
    ("en", "zh_hans"),
    ("en", "zh_hant"),
    ("zh_hans", "en"),
    ("zh_hant", "en"),
    ("zh_hant", "zh_hans"),
    ("zh_hans", "zh_hant"),
]
WEIGHTS = [0.0, 0.1, 0.2, 0.5]


def load_topics(path: Path = TOPICS) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_topics(topics: list[dict], seed: int = 2024) -> tuple[set[str], set[str]]:
    """(tune, held-out) halves of the topic ids: the cross-language offsets are calibrated
    on the tune half only (calibrate_centering.py)."""
    ids = sorted(t["id"] for t in topics)
    random.Random(seed).shuffle(ids)
    return set(ids[: len(ids) // 2]), set(ids[len(ids) // 2 :])


def run(idx: SearchIndex, topics: list[dict], subsets: dict[str, set[str]]) -> dict:
    """{subset: {"setting | a->b": {recall@1, recall@10, n}}} from one pass of searches."""
    qtexts = {(t["id"], lang): t[lang] for t in topics for lang in LANGS}
    keys = list(qtexts)
    vecs = idx.embed_queries([qtexts[k] for k in keys])
    qv = dict(zip(keys, vecs, strict=True))
    ranks: dict[str, dict[str, int]] = {}
    for setting in ("target filter", "mixed pool"):
        for a, b in DIRECTIONS:
            third = next(x for x in LANGS if x not in (a, b))
            name = f"{setting} | {a}->{b}"
            ranks[name] = {}
            for t in topics:
                tid = t["id"]
                if setting == "target filter":
                    filters: dict = {"lang": b}
                else:
                    filters = {"exclude_ids": [f"{tid}:{a}", f"{tid}:{third}"]}
                ids = [h.id for h in idx.search_vector(t[a], qv[(tid, a)], 10, filters)]
                target = f"{tid}:{b}"
                ranks[name][tid] = ids.index(target) + 1 if target in ids else 999
    return recalls(ranks, subsets)


def recalls(ranks: dict[str, dict[str, int]], subsets: dict[str, set[str]]) -> dict:
    """{subset: {setting: {recall@1, recall@10, n}}} from each setting's rank per topic."""
    out: dict[str, dict] = {}
    for sname, members in subsets.items():
        out[sname] = {}
        for name, per in ranks.items():
            rs = [r for tid, r in per.items() if tid in members]
            out[sname][name] = {
                "recall@1": round(sum(r == 1 for r in rs) / len(rs), 4),
                "recall@10": round(sum(r <= 10 for r in rs) / len(rs), 4),
                "n": len(rs),
            }
    return out


def second_opinion_run(topics: list[dict], subsets: dict[str, set[str]], second: str | None):
    """The engine's default on the topics with its second opinion (the shipped calibration,
    or ``second``: a JSON calibration to try before shipping it) and without."""
    idx = SearchIndex(E5Embedder(), cache_dir=cache_dir())
    if second:
        idx.second = SecondOpinion.from_json(json.loads(Path(second).read_text(encoding="utf-8")))
    idx.add(
        Document(f"{t['id']}:{lang}", [t[lang]], {"lang": lang, "topic": t["id"]})
        for t in topics
        for lang in LANGS
    )
    out: dict[str, Any] = {"second_opinion": None if idx.second is None else idx.second.__dict__}
    for label, so in (("with second opinion", idx.second), ("without", None)):
        idx.second = so
        t0 = time.time()
        out[label] = run(idx, topics, subsets)
        out[label]["seconds"] = round(time.time() - t0, 1)
        print(label, "done", out[label]["seconds"], flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--models", default="e5,use")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "crosslingual.json"))
    ap.add_argument(
        "--second-opinion",
        action="store_true",
        help="only the engine's default with and without its second opinion "
        "(→ results/crosslingual_topics_second_opinion.json unless --out)",
    )
    ap.add_argument("--second", default=None, help="a second-opinion calibration JSON to try")
    args = ap.parse_args(argv)
    topics = load_topics(REPO / "benchmarks" / "data" / "topics_bilingual.jsonl")
    hand = {t["id"] for t in topics if t["zh_hant_source"].startswith("hand")}
    if args.second_opinion:
        tune, held = split_topics(topics)
        subsets = {
            "all": {t["id"] for t in topics},
            "hand HK": hand,
            "tune": tune,
            "held-out": held,
        }
        out = args.out
        if out.endswith("crosslingual.json"):
            out = str(Path(out).with_name("crosslingual_topics_second_opinion.json"))
        res = second_opinion_run(topics, subsets, args.second)
        Path(out).write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
        return 0
    docs = [
        Document(f"{t['id']}:{lang}", [t[lang]], {"lang": lang, "topic": t["id"]})
        for t in topics
        for lang in LANGS
    ]
    results: dict[str, Any] = {
        "n_topics": len(topics),
        "n_hand_written_hk": len(hand),
        "engine_default_lexical_weight": DEFAULT_CONFIG.lexical_weight,
        "models": {},
    }
    default_w = DEFAULT_CONFIG.lexical_weight
    tune, held = split_topics(topics)
    subsets = {"all": {t["id"] for t in topics}, "hand HK": hand, "tune": tune, "held-out": held}
    names = [f"{a}->{b}" for a, b in DIRECTIONS]
    weights = sorted(set(WEIGHTS) | {default_w})
    for m in args.models.split(","):
        emb = E5Embedder() if m == "e5" else USEEmbedder()
        shipped = LanguageCentering.for_model(emb.name)
        per_model: dict[str, Any] = {"centering_calibration_shipped": shipped is not None}
        variants: list[tuple[str, LanguageCentering | None]] = [("no centring", None)]
        if shipped is not None:
            variants.append(("language centring", LanguageCentering(shipped.means)))
            if shipped.offsets:
                variants.append(("language centring + cross-language offsets", shipped))
                per_model["offsets"] = {
                    f"{a}->{b}": round(v, 4) for (a, b), v in shipped.offsets.items()
                }
        for key, centering in variants:
            idx = SearchIndex(emb, cache_dir=cache_dir())
            idx.centering = centering  # before add: documents are centred too
            t0 = time.time()
            idx.add(docs)
            build = time.time() - t0
            per_w = {}
            for w in (
                weights if key != "language centring + cross-language offsets" else [default_w]
            ):
                idx.config = dataclasses.replace(DEFAULT_CONFIG, lexical_weight=w)
                per_w[str(w)] = run(idx, topics, subsets)
                worst = min(v["recall@10"] for v in per_w[str(w)]["all"].values())
                print(f"{m} {key} w={w}: worst recall@10 {worst:.3f}", flush=True)
            per_model[key] = {"index_build_s": round(build, 1), "by_lexical_weight": per_w}
        results["models"][emb.name] = per_model
        if m == "e5":  # the platform's default embedder (settings.MATCHING_EMBEDDER = "e5")
            key = variants[-1][0]
            by = per_model[key]["by_lexical_weight"][str(default_w)]
            results["engine_default"] = {
                "model": emb.name,
                "variant": key,
                "lexical_weight": default_w,
                "target": "recall@10 >= 0.95 in every direction",
                **{
                    f"{setting}{'' if sub == 'all' else f' ({sub})'}": {
                        d: by[sub][f"{setting} | {d}"] for d in names
                    }
                    for setting in ("target filter", "mixed pool")
                    for sub in ("all", "held-out")
                },
            }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
