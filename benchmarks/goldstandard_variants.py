"""Second-round variants of the engine's expertise affinity on the reviewer gold standard.

``goldstandard.py`` chose the engine's configuration (sentence MaxSim with each stored text's
whole text as one more unit, 0.5 × mean over texts + 0.5 × profile MaxSim, BM25 0.1 both
ways) on the tune half of the participants.  This script tries cheap changes to *how the
scores are combined*, on the same units and caches, and writes every figure (tune,
held-out, all 58; mean over the ten d_20_* data sets) to
``benchmarks/results/goldstandard_variants.json``:

* ``query_trim=q`` — a text's similarity is the mean over the best ``q`` share of the
  query's sentences (instead of all): a generic sentence of a submission ("experiments
  show …") then stops counting for every researcher alike;
* ``query_weights=tokens`` — the mean over the query's sentences weighted by their length;
* ``unit_top2`` — each query sentence takes the mean of its two best units of a text
  instead of the best one;
* ``profile_weight=w`` — a finer grid around the chosen 0.5;
* ``lexical_weight=w`` — a finer grid around the chosen 0.1;
* ``use_long=b`` — USE-multilingual's opinion on long texts too: ``+ b ×`` USE's
  whole-text affinity (0.5 × mean over texts + 0.5 × best text, the engine's mix);
  ``use_long_mean`` / ``use_long_max``: USE's mean or best text alone; ``use_mix=b``:
  ``(1 - b) ×`` the engine's dense part ``+ b ×`` USE's (the lexical weight unchanged);
* ``aggregation=top3`` — the top-3 mean over texts instead of the mean, with the profile;
* ``hub=beta`` — hubness: each submission's mean score over the researchers (or over its
  best 10: ``(top 10)``) taken off ``beta`` times, so a generic submission counts less in
  each researcher's order (CSLS-like).

Fifth round (:mod:`benchmarks._gsround5`; ``round5_bootstrap`` in the JSON): unit-level
genericity (each stored unit discounted by its mean similarity to a background, CSLS at the
unit level; each query sentence weighted by its distinctiveness), soft MaxSim (log-sum-exp /
softmax over a text's units, over the researcher's texts, over the profile), the lexical
side (BM25 k1 and b, per-query normalisation, bigrams, titles or abstracts alone), the title
as a unit of its own weight, a popularity term (the opposite of ``hub``) and the
researcher's off-topic papers (profiles with other people's papers) weighted down; a paired
bootstrap for every variant lower than the default on tune.

Adopted in the fifth round: ``query_min_unit_tokens=3`` (the engine's default since; rows
``query_min_unit_tokens=0/2/4`` and ``query_min_unit_tokens_effect``, the paired bootstrap
of the change).  ``results/goldstandard_variants_old_default.json`` keeps every row as
measured on the default before it.

A variant is adopted only if it lowers the *tune* loss; the held-out and all-58 figures
are reported for every variant.

    .venv/bin/python benchmarks/goldstandard_variants.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _gsround5
from benchmarks._gsdata import REPO, cache_dir, data_dir, load_dataset
from benchmarks.goldstandard import split_losses, tune_participants
from innobridge.matching.affinity import (
    DEFAULT_CONFIG,
    Units,
    dense_affinity,
    embed_query_units,
    embed_text_units,
    lexical_affinity,
    split_query_units,
    unit_pair_similarity,
)
from innobridge.matching.documents import Document
from innobridge.matching.embed import (
    E5Embedder,
    EmbeddingCache,
    LanguageCentering,
    USEEmbedder,
    embed,
)
from innobridge.matching.evaluation import load_ratings
from innobridge.matching.text import embedding_text

Reducer = Callable[[np.ndarray, Units], np.ndarray]


def best_unit(pair: np.ndarray, texts: Units, top2: bool = False) -> np.ndarray:
    """(query units, texts): each query unit's best (or mean of two best) unit per text."""
    if not top2:
        return np.maximum.reduceat(pair, texts.offsets, axis=1)
    out = np.empty((pair.shape[0], len(texts)), np.float32)
    for t, (a, c) in enumerate(zip(texts.offsets, texts.counts, strict=True)):
        block = pair[:, a : a + c]
        if c == 1:
            out[:, t] = block[:, 0]
        else:
            part = np.partition(block, c - 2, axis=1)[:, -2:]
            out[:, t] = part.mean(axis=1)
    return out


def over_query(best: np.ndarray, queries: Units, trim: float = 1.0, w: np.ndarray | None = None):
    """(queries, texts): reduce each query's unit rows — the mean, the mean of the best
    ``trim`` share, or the mean weighted by ``w``."""
    off, cnt = queries.offsets, queries.counts
    if w is not None:
        num = np.add.reduceat(best * w[:, None], off, axis=0)
        return (num / np.add.reduceat(w, off)[:, None]).astype(np.float32)
    if trim >= 1.0:
        return (np.add.reduceat(best, off, axis=0) / cnt[:, None]).astype(np.float32)
    width = int(cnt.max())
    pos = off[:, None] + np.arange(width)[None, :]  # (queries, width)
    pad = np.arange(width)[None, :] >= cnt[:, None]
    vals = best[np.minimum(pos, len(best) - 1)]  # (queries, width, texts)
    vals = np.where(pad[:, :, None], -np.inf, vals)
    vals = -np.sort(-vals, axis=1)  # best first
    k = np.maximum(1, np.round(trim * cnt)).astype(int)
    take = np.arange(width)[None, :] < k[:, None]
    summed = np.where(take[:, :, None], vals, 0.0).sum(axis=1)
    return (summed / k[:, None]).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--datasets", type=int, default=10, help="d_20_1..N (10: the protocol)")
    ap.add_argument("--no-use", action="store_true", help="without the use_long variants")
    ap.add_argument(
        "--out", default=str(REPO / "benchmarks" / "results" / "goldstandard_variants.json")
    )
    args = ap.parse_args(argv)
    gs = data_dir(args.data_dir) / "goldstandard"
    ratings = load_ratings(gs / "data" / "evaluations.csv")
    tune = tune_participants(ratings)
    cfg = DEFAULT_CONFIG
    e5, use = E5Embedder(), USEEmbedder()
    cen = LanguageCentering.for_model(e5.name)
    cache = EmbeddingCache(cache_dir())
    t0 = time.time()
    data, docs = [], []
    for i in range(1, args.datasets + 1):
        profiles, subs = load_dataset(gs, i)
        pids, papers = sorted(profiles), sorted(subs)
        ents = [Document(p, profiles[p]) for p in pids]
        qtexts = [subs[k] for k in papers]
        qu = embed_query_units(qtexts, cfg, e5, cache, cen)
        qtok = np.array(
            [len(embedding_text(u).split()) for u in _query_unit_texts(qtexts)], np.float32
        )
        eu = [embed_text_units(e.texts, cfg, e5, cache, cen) for e in ents]
        pairs = [unit_pair_similarity(qu, u, cen) for u in eu]
        lex = lexical_affinity(ents, qtexts, cfg.lexical_mode)
        uq, ue = None, None
        if not args.no_use:
            uq = embed([embedding_text(t) for t in qtexts], "passage", use, cache)
            ue = [embed([embedding_text(t) for t in e.texts], "passage", use, cache) for e in ents]
        data.append((pids, papers, qu, qtok, eu, pairs, lex, uq, ue))
        docs.append((ents, qtexts))
    embed_s = round(time.time() - t0, 1)
    pids, papers = data[0][0], data[0][1]
    losses = split_losses(ratings, tune, pids, papers)

    def dense(
        trim: float = 1.0, weights: bool = False, top2: bool = False,
        profile: float = cfg.profile_weight, agg: str = "mean",
    ) -> list[np.ndarray]:  # fmt: skip
        mats = []
        for _p, _k, qu, qtok, eu, pairs, _lex, _uq, _ue in data:
            w = qtok if weights else None
            m = np.empty((len(eu), len(qu)), np.float32)
            for i, (u, pair) in enumerate(zip(eu, pairs, strict=True)):
                per_text = over_query(best_unit(pair, u, top2), qu, trim, w)  # (q, texts)
                if agg == "mean":
                    a = per_text.mean(axis=1)
                else:
                    k = min(3, per_text.shape[1])
                    a = np.sort(per_text, axis=1)[:, -k:].mean(axis=1)
                prof = over_query(pair.max(axis=1, keepdims=True), qu, trim, w)[:, 0]
                m[i] = (1 - profile) * a + profile * prof
            mats.append(m)
        return mats

    def use_dense(profile: float = cfg.profile_weight) -> list[np.ndarray]:
        """USE's whole-text affinity: ``(1 - profile)`` × mean over the researcher's texts
        + ``profile`` × the best text (the engine's mix, on whole-text vectors)."""
        mats = []
        for *_x, uq, ue in data:
            assert uq is not None and ue is not None
            m = np.empty((len(ue), len(uq)), np.float32)
            for i, v in enumerate(ue):
                s = v @ uq.T  # (texts, queries)
                m[i] = (1 - profile) * s.mean(0) + profile * s.max(0)
            mats.append(m)
        return mats

    def hybrid(d: list[np.ndarray], w: float = cfg.lexical_weight) -> list[np.ndarray]:
        return [x + w * item[6] for x, item in zip(d, data, strict=True)]

    out: dict[str, Any] = {"embed_s": embed_s, "split_seed": 2024, "variants": {}}

    def record(name: str, mats: list[np.ndarray]) -> None:
        out["variants"][name] = {k: round(f(mats), 4) for k, f in losses.items()}
        print(name, out["variants"][name], flush=True)

    base = dense()
    # the default here is the engine's own affinity (affinity.dense_affinity), checked
    first = data[0]
    want = dense_affinity(first[4], first[2], cfg, cen)
    assert np.allclose(base[0], want, atol=1e-5), float(np.abs(base[0] - want).max())
    record("engine default", hybrid(base))
    # the fifth round's change: a submission's sentences of fewer than 3 content tokens are
    # left out of its units; 0 (every sentence) is the default before it
    prev: list[np.ndarray] = []
    for least in (0, 2, 4):
        other = replace(cfg, query_min_unit_tokens=least)
        mats = []
        for (_p, _k, _qu, _qt, eu, _pairs, lex, _uq, _ue), (_ents, qtexts) in zip(
            data, docs, strict=True
        ):
            qu_other = embed_query_units(qtexts, other, e5, cache, cen)
            mats.append(dense_affinity(eu, qu_other, other, cen) + cfg.lexical_weight * lex)
        before = " (before: every submission sentence)" if not least else ""
        record(f"query_min_unit_tokens={least}{before}", mats)
        prev = prev or mats
    out["query_min_unit_tokens_effect"] = {
        k: f.paired_bootstrap(prev, hybrid(base)) for k, f in losses.items()
    }
    for q in (0.5, 0.75, 0.9):
        record(f"query_trim={q}", hybrid(dense(trim=q)))
    record("query_weights=tokens", hybrid(dense(weights=True)))
    record("unit_top2", hybrid(dense(top2=True)))
    for pw in (0.4, 0.6):
        record(f"profile_weight={pw}", hybrid(dense(profile=pw)))
    record("aggregation=top3 + profile", hybrid(dense(agg="top3")))
    for lw in (0.07, 0.13, 0.15):
        record(f"lexical_weight={lw}", hybrid(base, lw))
    # hubness: a submission that scores high with every researcher (a generic one) counts
    # less in each researcher's order — its mean (or its best ``k``'s mean) over the
    # researchers taken off, ``beta`` times (CSLS-like); a search (one query) is unchanged
    for k in (None, 10):
        for beta in (0.25, 0.5, 0.75, 1.0):
            mats = []
            for m in hybrid(base):
                ref = m.mean(0) if k is None else np.sort(m, axis=0)[-k:].mean(0)
                mats.append(m - beta * ref[None, :])
            record(f"hub={beta}{'' if k is None else f' (top {k})'}", mats)
    r5 = _gsround5.Round5(
        [(d[2], d[4], d[5], d[6], *x) for d, x in zip(data, docs, strict=True)],
        cfg.profile_weight,
        cfg.lexical_weight,
    )
    out["round5_bootstrap"] = _gsround5.run(r5, record, losses)
    if args.no_use:
        Path(args.out).write_text(json.dumps(out, indent=1), encoding="utf-8")
        return 0
    ud = use_dense()
    for b in (0.05, 0.1, 0.15, 0.2, 0.3):
        record(f"use_long={b}", hybrid([x + b * u for x, u in zip(base, ud, strict=True)]))
    um = use_dense(profile=0.0)  # USE's mean over the researcher's texts only
    for b in (0.1, 0.2):
        record(f"use_long_mean={b}", hybrid([x + b * u for x, u in zip(base, um, strict=True)]))
    up = use_dense(profile=1.0)  # USE's best text only
    for b in (0.1, 0.2):
        record(f"use_long_max={b}", hybrid([x + b * u for x, u in zip(base, up, strict=True)]))
    for b in (0.1, 0.2, 0.3):  # a convex mix: the lexical part keeps its weight
        mix = [(1 - b) * x + b * u for x, u in zip(base, ud, strict=True)]
        record(f"use_mix={b}", hybrid(mix))
    Path(args.out).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


def _query_unit_texts(qtexts: list[str]) -> list[str]:
    return split_query_units(qtexts, DEFAULT_CONFIG)[0]


if __name__ == "__main__":
    raise SystemExit(main())
