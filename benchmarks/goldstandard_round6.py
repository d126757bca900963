"""Sixth-round variants of the expertise affinity on the reviewer gold standard (issue 16).

The engine's default (``DEFAULT_CONFIG``: a submission's sentences — those of three or more
content tokens — embedded as e5 *passages*, MaxSim against each stored paper's sentences
and its whole text, 0.5 × mean over the researcher's papers + 0.5 × profile MaxSim, BM25
0.1 as the mean of both directions) against one change at a time, on the same split as
``goldstandard.py`` (seed 2024), mean over the ten d_20_* data sets; every figure goes to
``benchmarks/results/goldstandard_round6.json`` (tune, held-out, all 58; a paired
bootstrap over participants for each variant lower than the default on tune):

* ``query role`` — the submission's sentences embedded in e5's *query* role ("query: ",
  centred by the calibration's query-role means) instead of the passage role: e5 is
  trained asymmetric (a query against passages); the first round measured this on whole
  texts only (worse), never on sentences.  ``, lexical_w=…`` re-grids the lexical weight
  for it (the two roles' cosines do not spread alike); ``role mix=a`` averages the two
  roles' unit similarities (``(1 - a) × passage + a × query``);
* ``whole_unit_offset=d`` — the stored paper's whole-text unit's similarity ``+ d``
  (the balance between the whole text and its sentences in the MaxSim);
  ``whole_unit_mix=g`` — a paper's similarity to a submission sentence is
  ``(1 - g) ×`` its best *sentence* ``+ g ×`` its whole text (instead of the best of both);
  ``no whole unit in profile`` — the profile MaxSim over sentences only;
* ``query_topk=k`` — the mean over a submission's ``k`` best sentences (per paper and in
  the profile) instead of all of them (the fifth round tried a *share*; this is a count);
* ``query title weight=w`` — the submission's title (its first unit) weighs ``w`` in the
  mean over its units (the fourth round tried this on an older default, in exploration);
* ``lexical directions q=…, e=…`` — the two BM25 directions weighted apart (the default
  is 0.05 + 0.05: 0.1 × their mean); ``lexical length^x`` — the lexical weight of each
  submission scaled by (its folded tokens / the median)^x, a calibration for long queries;
* ``query role both sides`` — e5's documented use for symmetric tasks ("query: " on both
  texts): the stored units re-embedded in the query role too (``, mix=a``: averaged with the
  default's similarities); ``query role stored side only`` — the reverse asymmetry (the
  stored units as queries, the submission's sentences as passages);
* ``corpus centring`` / ``corpus whitening alpha=…`` — every unit centred on the mean of
  the data set's stored units (after the language centring), or also whitened partially
  (their covariance^(-alpha/2)), then re-normalised (anisotropy, as in BERT-whitening);
* ``query units: windows`` / ``sentences + windows`` / ``title context`` — a submission's
  units given context: adjacent sentences in pairs (instead of or beside the sentences), or
  each sentence after the submission's title; ``stored units + windows`` — the stored
  papers' adjacent sentences in pairs as more units (with the query's windows too).

    .venv/bin/python benchmarks/goldstandard_round6.py
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._gsdata import REPO, cache_dir, data_dir, load_dataset
from benchmarks.goldstandard import split_losses, tune_participants
from innobridge.matching.affinity import (
    DEFAULT_CONFIG,
    Units,
    affinity_matrix,
    embed_text_units,
    embed_units,
    lexical_affinity,
    split_query_units,
    unit_pair_similarity,
)
from innobridge.matching.documents import Document
from innobridge.matching.embed import E5Embedder, EmbeddingCache, LanguageCentering
from innobridge.matching.evaluation import load_ratings
from innobridge.matching.text import fold, sentences, tokenize_folded

PairFn = Callable[[int, int], np.ndarray]


def whole_mask(u: Units, texts: list[str]) -> np.ndarray:
    """Boolean over ``u``'s units: the whole-text unit of each text of several sentences
    (the last unit of such a text, see ``affinity.split_units``)."""
    m = np.zeros(len(u.vecs), bool)
    for off, c in zip(u.offsets, u.counts, strict=True):
        if c > 1:
            m[off + c - 1] = True
    return m


def over_query(
    best: np.ndarray, qu: Units, topk: int | None = None, title_w: float = 1.0
) -> np.ndarray:
    """(queries, …) from (query units, …): the mean over each query's units, or over its
    ``topk`` best; with ``title_w``, each query's first unit (its title) weighs that much."""
    if title_w != 1.0:
        w = np.ones(len(best), np.float32)
        w[qu.offsets[qu.counts > 1]] = title_w
        num = np.add.reduceat(best * w[:, None], qu.offsets, axis=0)
        return num / np.add.reduceat(w, qu.offsets)[:, None]
    if topk is None:
        return np.add.reduceat(best, qu.offsets, axis=0) / qu.counts[:, None]
    out = np.empty((len(qu), best.shape[1]), np.float32)
    for j, (a, c) in enumerate(zip(qu.offsets, qu.counts, strict=True)):
        block = best[a : a + c]
        k = min(topk, c)
        out[j] = np.partition(block, c - k, axis=0)[-k:].mean(0) if k < c else block.mean(0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--datasets", type=int, default=10)
    ap.add_argument(
        "--out", default=str(REPO / "benchmarks" / "results" / "goldstandard_round6.json")
    )
    args = ap.parse_args(argv)
    gs = data_dir(args.data_dir) / "goldstandard"
    ratings = load_ratings(gs / "data" / "evaluations.csv")
    tune = tune_participants(ratings)
    cfg = DEFAULT_CONFIG
    e5 = E5Embedder()
    cen = LanguageCentering.for_model(e5.name)
    cache = EmbeddingCache(cache_dir())
    t0 = time.time()
    data: list[dict[str, Any]] = []
    for i in range(1, args.datasets + 1):
        profiles, subs = load_dataset(gs, i)
        pids, papers = sorted(profiles), sorted(subs)
        ents = [Document(p, profiles[p]) for p in pids]
        qtexts = [subs[k] for k in papers]
        split = split_query_units(qtexts, cfg)
        n = len(qtexts)
        qu_p = embed_units(qtexts, ["passage"] * n, e5, cache, cen, split=split)
        qu_q = embed_units(qtexts, ["query"] * n, e5, cache, cen, split=split)
        eu = [embed_text_units(e.texts, cfg, e5, cache, cen) for e in ents]
        data.append(
            {
                "pids": pids,
                "papers": papers,
                "ents": ents,
                "qtexts": qtexts,
                "qu": qu_p,
                "qu_q": qu_q,
                "eu": eu,
                "whole": [whole_mask(u, e.texts) for u, e in zip(eu, ents, strict=True)],
                "pp": [unit_pair_similarity(qu_p, u, cen) for u in eu],
                "pq": [unit_pair_similarity(qu_q, u, cen) for u in eu],
                "fwd": lexical_affinity(ents, qtexts, "query"),
                "back": lexical_affinity(ents, qtexts, "entity"),
                "qlen": np.array([len(tokenize_folded(fold(q))) for q in qtexts], np.float32),
            }
        )
        print("data set", i, round(time.time() - t0, 1), flush=True)
    load_s = round(time.time() - t0, 1)
    pids, papers = data[0]["pids"], data[0]["papers"]
    assert all(d["pids"] == pids and d["papers"] == papers for d in data)
    losses = split_losses(ratings, tune, pids, papers)

    def dense(
        pair: PairFn | None = None,
        whole_offset: float = 0.0,
        whole_mix: float | None = None,
        profile_sentences_only: bool = False,
        topk: int | None = None,
        title_w: float = 1.0,
    ) -> list[np.ndarray]:
        mats = []
        for di, d in enumerate(data):
            qu = d["qu"]
            m = np.empty((len(d["eu"]), len(qu)), np.float32)
            for i, u in enumerate(d["eu"]):
                p = d["pp"][i] if pair is None else pair(di, i)
                wm = d["whole"][i]
                if whole_offset:
                    p = p.copy()
                    p[:, wm] += whole_offset
                if whole_mix is None:
                    best = np.maximum.reduceat(p, u.offsets, axis=1)
                else:
                    sent = np.where(wm[None, :], -np.inf, p)
                    best = np.maximum.reduceat(sent, u.offsets, axis=1)
                    has = np.flatnonzero(u.counts > 1)
                    whole_idx = u.offsets[has] + u.counts[has] - 1
                    best[:, has] = (1 - whole_mix) * best[:, has] + whole_mix * p[:, whole_idx]
                per_text = over_query(best, qu, topk, title_w)
                pb = (np.where(wm[None, :], -np.inf, p) if profile_sentences_only else p).max(1)
                prof = over_query(pb[:, None], qu, topk, title_w)[:, 0]
                w = cfg.profile_weight
                m[i] = (1 - w) * per_text.mean(1) + w * prof
            mats.append(m)
        return mats

    def plain(qxs: list[Units], eus: list[list[Units]] | None = None) -> list[np.ndarray]:
        """The engine's dense affinity with other query (and stored) units."""
        out = []
        for di, (d, qx) in enumerate(zip(data, qxs, strict=True)):
            eu = d["eu"] if eus is None else eus[di]
            m = np.empty((len(eu), len(qx)), np.float32)
            for i, u in enumerate(eu):
                p = unit_pair_similarity(qx, u, cen)
                per_text = over_query(np.maximum.reduceat(p, u.offsets, axis=1), qx)
                prof = over_query(p.max(1)[:, None], qx)[:, 0]
                m[i] = (1 - cfg.profile_weight) * per_text.mean(1) + cfg.profile_weight * prof
            out.append(m)
        return out

    def lex(wq: float = 0.05, we: float = 0.05, length_exp: float = 0.0) -> list[np.ndarray]:
        out = []
        for d in data:
            scale = (d["qlen"] / np.median(d["qlen"])) ** length_exp
            out.append((wq * d["fwd"] + we * d["back"]) * scale[None, :])
        return out

    def plus(a: list[np.ndarray], b: list[np.ndarray]) -> list[np.ndarray]:
        return [x + y for x, y in zip(a, b, strict=True)]

    res: dict[str, Any] = {"load_s": load_s, "split_seed": 2024, "variants": {}}
    mats: dict[str, list[np.ndarray]] = {}

    def record(name: str, m: list[np.ndarray]) -> None:
        mats[name] = m
        res["variants"][name] = {k: round(f(m), 4) for k, f in losses.items()}
        print(name, res["variants"][name], flush=True)

    base_dense = dense()
    base = plus(base_dense, lex())
    # the default here is the engine's own (affinity_matrix on d_20_1), checked
    d0 = data[0]
    want = affinity_matrix(d0["ents"], d0["qtexts"], e5, cache)
    assert np.allclose(base[0], want, atol=1e-5), float(np.abs(base[0] - want).max())
    record("engine default", base)
    check = plain([d["qu"] for d in data])
    assert all(np.allclose(a, b, atol=1e-5) for a, b in zip(check, base_dense, strict=True))
    q_dense = dense(pair=lambda di, i: data[di]["pq"][i])
    for w in (0.1, 0.05, 0.15, 0.2):
        name = "query role" + ("" if w == 0.1 else f", lexical_w={w}")
        record(name, plus(q_dense, lex(w / 2, w / 2)))
    for a in (0.25, 0.5, 0.75):

        def mixed(di: int, i: int, a: float = a) -> np.ndarray:
            return (1 - a) * data[di]["pp"][i] + a * data[di]["pq"][i]

        record(f"role mix={a}", plus(dense(pair=mixed), lex()))
    for off in (-0.03, -0.01, 0.01, 0.03):
        record(f"whole_unit_offset={off}", plus(dense(whole_offset=off), lex()))
    for g in (0.25, 0.5):
        record(f"whole_unit_mix={g}", plus(dense(whole_mix=g), lex()))
    record("no whole unit in profile", plus(dense(profile_sentences_only=True), lex()))
    for k in (5, 8, 12):
        record(f"query_topk={k}", plus(dense(topk=k), lex()))
    for tw in (0.5, 1.5, 2.0):
        record(f"query title weight={tw}", plus(dense(title_w=tw), lex()))
    for wq, we in ((0.1, 0.0), (0.0, 0.1), (0.075, 0.025), (0.025, 0.075), (0.1, 0.05),
                   (0.05, 0.1)):  # fmt: skip
        record(f"lexical directions q={wq}, e={we}", plus(base_dense, lex(wq, we)))
    for x in (-0.5, -0.25, 0.25, 0.5):
        record(f"lexical length^{x}", plus(base_dense, lex(length_exp=x)))
    # e5's "query: " on both sides (its documented use for symmetric tasks): stored units
    # re-embedded in the query role too
    for d in data:
        d["eu_q"] = [
            embed_units(e.texts, ["query"] * len(e.texts), e5, cache, cen, "sentence", whole=True)
            for e in d["ents"]
        ]
    sym = dense(pair=lambda di, i: data[di]["qu_q"].vecs @ data[di]["eu_q"][i].vecs.T)
    for w in (0.1, 0.05, 0.15):
        record("query role both sides" + ("" if w == 0.1 else f", lexical_w={w}"),
               plus(sym, lex(w / 2, w / 2)))  # fmt: skip
    # the reverse asymmetry: the stored units as e5 queries, the submission's sentences as
    # passages
    rev = dense(pair=lambda di, i: data[di]["qu"].vecs @ data[di]["eu_q"][i].vecs.T)
    record("query role stored side only", plus(rev, lex()))
    for a in (0.25, 0.5):

        def both(di: int, i: int, a: float = a) -> np.ndarray:
            d = data[di]
            return (1 - a) * d["pp"][i] + a * (d["qu_q"].vecs @ d["eu_q"][i].vecs.T)

        record(f"query role both sides, mix={a}", plus(dense(pair=both), lex()))
    # the data set's stored units as a reference: centred on their mean (after the language
    # centring), or whitened partially (covariance^(-alpha/2)), then re-normalised
    for alpha in (0.0, 0.25, 0.5):
        for d in data:
            ref = np.concatenate([u.vecs for u in d["eu"]]).astype(np.float64)
            mu = ref.mean(0)
            vals, vecs = np.linalg.eigh(np.cov((ref - mu).T))
            t = vecs @ np.diag((np.clip(vals, 1e-6, None) / vals.max()) ** (-alpha / 2)) @ vecs.T

            def tr(x: np.ndarray, mu: np.ndarray = mu, t: np.ndarray = t) -> np.ndarray:
                y = (x - mu) @ t
                return (y / np.linalg.norm(y, axis=1, keepdims=True)).astype(np.float32)

            d["tq"] = tr(d["qu"].vecs)
            d["te"] = [tr(u.vecs) for u in d["eu"]]
        name = "corpus centring" if alpha == 0 else f"corpus whitening alpha={alpha}"
        record(name, plus(dense(pair=lambda di, i: data[di]["tq"] @ data[di]["te"][i].T), lex()))
    # the submission's units given context: adjacent sentences in pairs, or each sentence
    # after the submission's title
    for kind in ("windows", "sentences + windows", "title context"):
        for d in data:
            units, counts = split_query_units(d["qtexts"], cfg)
            new_u: list[str] = []
            new_c: list[int] = []
            pos = 0
            for c in counts:
                parts = units[pos : pos + c]
                pos += c
                wins = [f"{a} {b}" for a, b in itertools.pairwise(parts)]
                if kind == "windows":
                    parts = wins or parts
                elif kind == "sentences + windows":
                    parts = parts + wins
                else:
                    parts = parts[:1] + [f"{parts[0]} {x}" for x in parts[1:]]
                new_u.extend(parts)
                new_c.append(len(parts))
            n = len(d["qtexts"])
            d["qx"] = embed_units(
                d["qtexts"], ["passage"] * n, e5, cache, cen, split=(new_u, new_c)
            )
        record(f"query units: {kind}", plus(plain([d["qx"] for d in data]), lex()))
        if kind == "sentences + windows":
            q_windows = [d["qx"] for d in data]
    # the stored papers' units given context too: each paper's sentences, its adjacent
    # sentences in pairs and its whole text
    for d in data:
        d["ew"] = []
        for e in d["ents"]:
            units, counts = [], []
            for t in e.texts:
                parts = sentences(t) or [t]
                if len(parts) > 1:
                    parts = [*parts, *(f"{a} {b}" for a, b in itertools.pairwise(parts)), t]
                units.extend(parts)
                counts.append(len(parts))
            d["ew"].append(
                embed_units(
                    e.texts, ["passage"] * len(e.texts), e5, cache, cen, split=(units, counts)
                )
            )
    ew = [d["ew"] for d in data]
    record("stored units + windows", plus(plain([d["qu"] for d in data], ew), lex()))
    record("stored units + windows, query units + windows", plus(plain(q_windows, ew), lex()))
    tune_base = losses["tune"](base)
    res["bootstrap"] = {
        name: {k: f.paired_bootstrap(base, m) for k, f in losses.items()}
        for name, m in mats.items()
        if name != "engine default" and losses["tune"](m) < tune_base
    }
    res["seconds"] = round(time.time() - t0, 1)
    Path(args.out).write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
