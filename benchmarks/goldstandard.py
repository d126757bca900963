"""Expertise quality on the public reviewer-assignment gold standard (Stelmakh et al.).

Runs the engine's affinity (``innobridge.matching.affinity``: the same functions the search
index uses) on d_20_1..10 (title+abstract), evaluates with the reimplemented metric
(``innobridge.matching.evaluation``) and writes benchmarks/results/goldstandard.json.

Choices (granularity — whole texts, sentences, or sentences with each stored text's whole
text as one more unit —, aggregation over a researcher's papers,
lexical weight and mode) are made on a fixed random half of the 58 participants ("tune"
split) for the engine's vectors (e5 with the shipped language centring, the engine's query
role) and reported on the other half
("held-out") and on all participants; the other spaces (uncentred e5, both fixed roles,
USE, e5 + USE) are recorded in ``variants`` for comparison.

    .venv/bin/python benchmarks/goldstandard.py [--data-dir DIR] [--cli-only]

The figure is also taken through the command a data team would run (``cli_d_20_1`` in the
JSON): d_20_1's 58 researchers written as corpus lines with ``"texts"``, its papers as
query lines, ``innobridge match --top 58 --json``, each researcher's scores read back from
the output — the same loss as ``affinity_matrix`` on d_20_1 (``--cli-only`` runs just this
and updates the JSON).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._gsdata import REPO, cache_dir, data_dir, load_dataset
from innobridge.matching import cli_match
from innobridge.matching.affinity import (
    DEFAULT_CONFIG,
    AffinityConfig,
    Units,
    affinity_matrix,
    aggregate,
    embed_units,
    lexical_affinity,
    maxsim,
    profile_maxsim,
    query_roles,
    unit_pair_similarity,
)
from innobridge.matching.documents import Document
from innobridge.matching.embed import (
    E5Embedder,
    EmbeddingCache,
    LanguageCentering,
    USEEmbedder,
)
from innobridge.matching.evaluation import (
    evaluate,
    load_predictions,
    load_ratings,
    main_table_protocol,
)

PUBLISHED = {
    "TPMS (TF-IDF)": [0.2811, 0.8004, 0.6218],
    "ELMo": [0.3447, 0.7027, 0.5722],
    "SPECTER": [0.2689, 0.8525, 0.5667],
    "SPECTER+MFR": [0.2384, 0.8789, 0.6000],
    "ACL (Wieting et al.)": [0.2958, 0.7847, 0.6170],
    "SPECTER2 (OpenReview README)": [0.22, 0.89, 0.61],
    "SciNCL (OpenReview README)": [0.22, 0.90, 0.65],
    "SPECTER2+SciNCL (OpenReview README)": [0.21, 0.91, 0.65],
}

AGGS = [
    AffinityConfig("max"),
    AffinityConfig("mean"),
    AffinityConfig("topk_mean", top_k=2),
    AffinityConfig("topk_mean", top_k=3),
    AffinityConfig("topk_mean", top_k=4),
    AffinityConfig("topk_mean", top_k=5),
    AffinityConfig("softmax", temperature=0.02),
    AffinityConfig("softmax", temperature=0.05),
    AffinityConfig("softmax", temperature=0.1),
    AffinityConfig("centroid"),
]
WEIGHTS = [0.0, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]
PROFILE_WEIGHTS = [0.0, 0.25, 0.5, 0.75]
USE_BETAS = [0.25, 0.5]  # e5 + beta * USE dense affinity: tried, not part of the engine


def to_scores(mat: np.ndarray, pids: list[str], papers: list[str]) -> dict[str, dict[str, float]]:
    return {p: dict(zip(papers, mat[i].tolist(), strict=True)) for i, p in enumerate(pids)}


def cfg_name(c: AffinityConfig) -> str:
    if c.aggregation == "topk_mean":
        name = f"top{c.top_k}_mean"
    elif c.aggregation == "softmax":
        name = f"softmax(T={c.temperature})"
    else:
        name = c.aggregation
    return f"{name} + {c.profile_weight} x profile" if c.profile_weight else name


class FastLoss:
    """The loss of :func:`evaluate` vectorised over the (participant, paper, paper) pairs, for
    the grid search (checked against :func:`evaluate` on the chosen configuration)."""

    def __init__(self, ratings: dict, pids: list[str], papers: list[str]) -> None:
        col = {p: j for j, p in enumerate(papers)}
        rows, a, b, dr = [], [], [], []
        for i, pid in enumerate(pids):
            r = ratings.get(pid)
            if not r:
                continue
            ps = list(r)
            for x in range(len(ps)):
                for y in range(x + 1, len(ps)):
                    rows.append(i)
                    a.append(col[ps[x]])
                    b.append(col[ps[y]])
                    dr.append(r[ps[x]] - r[ps[y]])
        self.i, self.a, self.b = np.array(rows), np.array(a), np.array(b)
        self.dr = np.array(dr)
        self.w = np.abs(self.dr)

    def per_participant(self, mats: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(lost weight, total weight) per participant row, averaged over the data sets."""
        n = int(self.i.max()) + 1
        lost_sum = np.zeros(n)
        for m in mats:
            m = np.asarray(m, np.float64)
            prod = (m[self.i, self.a] - m[self.i, self.b]) * self.dr
            lost = self.w * ((prod < 0) + 0.5 * (prod == 0))
            lost_sum += np.bincount(self.i, lost, n)
        return lost_sum / len(mats), np.bincount(self.i, self.w, n)

    def paired_bootstrap(
        self, base: list[np.ndarray], other: list[np.ndarray], n: int = 2000, seed: int = 0
    ) -> dict[str, Any]:
        """Loss of ``other`` minus loss of ``base``, with a 95 % interval from resampling
        the participants (the same resamples for both) and the share of resamples where
        ``other`` is lower."""
        lb, w = self.per_participant(base)
        lo, _ = self.per_participant(other)
        rows = np.flatnonzero(w > 0)
        draws = np.random.default_rng(seed).choice(rows, (n, len(rows)))
        diffs = (lo[draws].sum(1) - lb[draws].sum(1)) / w[draws].sum(1)
        return {
            "difference": float((lo.sum() - lb.sum()) / w.sum()),
            "ci95": np.percentile(diffs, [2.5, 97.5]).tolist(),
            "share_of_resamples_lower": float((diffs < 0).mean()),
        }

    def __call__(self, mats: list[np.ndarray]) -> float:
        lost, w = self.per_participant(mats)
        return float(lost.sum() / w.sum())


def tune_participants(ratings: dict) -> set[str]:
    """The *tune* half of the participants, on which every choice is made: a fixed random
    half (seed 2024); the others are the held-out half."""
    pids_all = sorted(ratings)
    rng = np.random.default_rng(2024)
    return set(rng.choice(pids_all, size=len(pids_all) // 2, replace=False).tolist())


def split_losses(
    ratings: dict, tune: set[str], pids: list[str], papers: list[str]
) -> dict[str, FastLoss]:
    """The loss on the tune half, the held-out half and all participants."""
    return {
        "tune": FastLoss({p: r for p, r in ratings.items() if p in tune}, pids, papers),
        "held_out": FastLoss({p: r for p, r in ratings.items() if p not in tune}, pids, papers),
        "all_58": FastLoss(ratings, pids, papers),
    }


def cli_d_20_1(gs: Path, ratings: dict, tune: set[str]) -> dict[str, Any]:
    """Loss on d_20_1 through ``innobridge match`` (entity corpus, ``--top 58 --json``) and
    through ``affinity_matrix`` with the engine's default configuration."""
    profiles, subs = load_dataset(gs, 1)
    pids, papers = sorted(profiles), sorted(subs)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, queries = Path(tmp) / "corpus.jsonl", Path(tmp) / "queries.jsonl"
        corpus.write_text(
            "".join(json.dumps({"id": p, "texts": profiles[p]}) + "\n" for p in pids),
            encoding="utf-8",
        )
        queries.write_text(
            "".join(json.dumps({"id": k, "text": subs[k]}) + "\n" for k in papers),
            encoding="utf-8",
        )
        out = io.StringIO()
        t0 = time.time()
        with contextlib.redirect_stdout(out):
            code = cli_match.main(
                ["--corpus", str(corpus), "--queries", str(queries), "--top", str(len(pids)),
                 "--json", "--no-progress", "--cache-dir", str(cache_dir())]
            )  # fmt: skip
        cli_s = time.time() - t0
    assert code == 0
    cli_scores: dict[str, dict[str, float]] = {p: {} for p in pids}
    for line in out.getvalue().splitlines():
        rec = json.loads(line)
        for h in rec["results"]:
            cli_scores[h["id"]][rec["query"]] = h["score"]
    assert all(len(v) == len(papers) for v in cli_scores.values())
    ents = [Document(p, profiles[p]) for p in pids]
    m = affinity_matrix(ents, [subs[k] for k in papers], E5Embedder(), EmbeddingCache(cache_dir()))
    batch_scores = to_scores(m, pids, papers)
    # the platform's search path (partner search): query→entity lexical only, for contrast
    from innobridge.matching import SearchIndex

    idx = SearchIndex(E5Embedder(), cache_dir=cache_dir())
    idx.second = None  # long queries: the second opinion never applies
    idx.add(ents)
    hits = idx.search_many([subs[k] for k in papers], len(pids))
    search_scores: dict[str, dict[str, float]] = {p: {} for p in pids}
    for k, hs in zip(papers, hits, strict=True):
        for h in hs:
            search_scores[h.id][k] = h.score
    held = {p: r for p, r in ratings.items() if p not in tune}
    res: dict[str, Any] = {"command": "innobridge match --corpus C --queries Q --top 58 --json"}
    for name, sc in (
        ("innobridge match", cli_scores),
        ("affinity_matrix", batch_scores),
        ("SearchIndex.search (partner search's path)", search_scores),
    ):
        res[name] = {
            "loss all 58": round(evaluate(ratings, sc).loss, 4),
            "loss held-out 29": round(evaluate(held, sc).loss, 4),
        }
    res["innobridge match"]["seconds_warm_cache"] = round(cli_s, 1)
    res["max_abs_score_difference"] = float(
        max(abs(cli_scores[p][k] - batch_scores[p][k]) for p in pids for k in papers)
    )
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "goldstandard.json"))
    ap.add_argument("--cli-only", action="store_true", help="only the d_20_1 CLI figure")
    args = ap.parse_args(argv)
    gs = data_dir(args.data_dir) / "goldstandard"
    ratings = load_ratings(gs / "data" / "evaluations.csv")
    tune = tune_participants(ratings)
    if args.cli_only:
        out_path = Path(args.out)
        prev = json.loads(out_path.read_text(encoding="utf-8")) if out_path.is_file() else {}
        prev["cli_d_20_1"] = cli_d_20_1(gs, ratings, tune)
        out_path.write_text(json.dumps(prev, indent=1), encoding="utf-8")
        print(json.dumps(prev["cli_d_20_1"], indent=1))
        return 0
    r_tune = {p: r for p, r in ratings.items() if p in tune}
    r_held = {p: r for p, r in ratings.items() if p not in tune}
    cache = EmbeddingCache(cache_dir())
    datasets = [load_dataset(gs, i) for i in range(1, 11)]

    results: dict[str, Any] = {"published": PUBLISHED, "variants": {}, "timing_s": {}}
    variants: dict[str, dict[str, float]] = {}
    # lexical part (model independent)
    t0 = time.time()
    lex_by_mode: dict[str, list[np.ndarray]] = {"query": [], "entity": []}
    dense_inputs = []
    for profiles, subs in datasets:
        pids = sorted(profiles)
        papers = sorted(subs)
        ents = [Document(p, profiles[p]) for p in pids]
        for mode, lst in lex_by_mode.items():
            lst.append(lexical_affinity(ents, [subs[k] for k in papers], mode))
        dense_inputs.append((pids, papers, ents))
    lex_by_mode["both"] = [(q + e) / 2 for q, e in zip(*lex_by_mode.values(), strict=True)]
    results["timing_s"]["lexical_10_datasets"] = round(time.time() - t0, 1)
    pids, papers = dense_inputs[0][0], dense_inputs[0][1]
    assert all(d[0] == pids and d[1] == papers for d in dense_inputs)
    loss_tune, loss_held = FastLoss(r_tune, pids, papers), FastLoss(r_held, pids, papers)

    def record(name: str, mats: list[np.ndarray]) -> float:
        variants[name] = {"tune": loss_tune(mats), "held_out": loss_held(mats)}
        return variants[name]["tune"]

    for mode, lst in lex_by_mode.items():
        record(f"BM25 only, lexical_mode={mode}", lst)
    # dense similarities: e5 (both query roles, raw and with the shipped language centring,
    # which is what the engine applies; whole texts and, for the engine's role, sentences)
    # and USE.  For each space and data set: per participant the (papers x submissions)
    # text similarities and, for the centroid aggregation, text vectors.
    e5, use = E5Embedder(), USEEmbedder()
    centring = LanguageCentering.for_model(e5.name)
    spaces: dict[str, tuple[Any, str, LanguageCentering | None, str]] = {
        "e5 role=query": (e5, "query", None, "text"),
        "e5 role=passage": (e5, "passage", None, "text"),
        "use": (use, "passage", None, "text"),
    }
    if centring is not None:
        for role in ("query", "passage", "auto"):
            spaces[f"e5 centred role={role}"] = (e5, role, centring, "text")
        spaces["e5 centred role=auto sentences"] = (e5, "auto", centring, "sentence")
        spaces["e5 centred role=auto sentences+whole"] = (e5, "auto", centring, "sentence+whole")
    Sims = list[tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], np.ndarray]]
    sims: dict[str, Sims] = {}
    for sname, (emb, role, cen, gran) in spaces.items():
        t0 = time.time()
        per = []
        for (_pids, papers, ents), (_, subs) in zip(dense_inputs, datasets, strict=True):
            qtexts = [subs[k] for k in papers]
            roles = query_roles(qtexts, role)  # type: ignore[arg-type]
            # queries are cut into sentences; stored texts may also offer their whole text
            ugran, whole = ("sentence", True) if gran == "sentence+whole" else (gran, False)
            q: Units = embed_units(qtexts, roles, emb, cache, cen, ugran)  # type: ignore[arg-type]
            eu = [
                embed_units(
                    e.texts, ["passage"] * len(e.texts), emb, cache, cen, ugran, whole=whole
                )  # type: ignore[arg-type]
                for e in ents
            ]
            pairs = [unit_pair_similarity(q, u, cen) for u in eu]
            per.append(
                (
                    [maxsim(pair, q, u) for pair, u in zip(pairs, eu, strict=True)],
                    [profile_maxsim(pair, q) for pair in pairs],
                    [u.text_vectors() for u in eu],
                    q.text_vectors(),
                )
            )
        sims[sname] = per
        results["timing_s"][f"embed {sname}"] = round(time.time() - t0, 1)

    def dense(sname: str, cfg: AffinityConfig) -> list[np.ndarray]:
        lam = cfg.profile_weight
        return [
            np.stack(
                [
                    (1 - lam) * aggregate(s, cfg, tv, qv) + lam * pr
                    for s, pr, tv in zip(ss, prof, tvs, strict=True)
                ]
            )
            for ss, prof, tvs, qv in sims[sname]
        ]

    # The query role is fixed to the engine's ("auto": long texts as passages, short phrases
    # as queries — a short query embedded as a passage loses the other language in a mixed
    # pool, see crosslingual.json); aggregation, lexical weight and mode are chosen here.
    engine_spaces = (
        {
            f"e5 centred role={DEFAULT_CONFIG.query_role}": "text",
            f"e5 centred role={DEFAULT_CONFIG.query_role} sentences": "sentence",
            f"e5 centred role={DEFAULT_CONFIG.query_role} sentences+whole": "sentence+whole",
        }
        if centring
        else {"e5 role=query": "text"}
    )
    roles_auto = query_roles([datasets[0][1][k] for k in papers], "auto")
    results["auto_role_counts"] = {r: roles_auto.count(r) for r in ("query", "passage")}
    best: tuple[float, str, AffinityConfig, float, str] | None = None
    for sname in spaces:
        # the share of the whole-profile MaxSim only means something with several units
        lams = PROFILE_WEIGHTS if spaces[sname][3] != "text" else [0.0]
        for cfg in [replace(a, profile_weight=lam) for a in AGGS for lam in lams]:
            dmats = dense(sname, cfg)
            for w in WEIGHTS:
                for mode, lex_mats in lex_by_mode.items():
                    if w == 0 and mode != "query":
                        continue
                    mats = [d + w * lx for d, lx in zip(dmats, lex_mats, strict=True)]
                    lt = record(f"{sname} agg={cfg_name(cfg)} lexical_w={w} {mode}", mats)
                    if sname in engine_spaces and (best is None or lt < best[0]):
                        best = (lt, sname, cfg, w, mode)
    assert best is not None
    _, sname, cfg, w, lmode = best
    role = spaces[sname][1]
    print("chosen on the tune split:", sname, cfg_name(cfg), w, lmode, flush=True)
    # the combination with USE (not in the engine) at the chosen setting, for the record
    dmats = dense(sname, cfg)
    umats = dense("use", cfg)
    for beta in USE_BETAS:
        for uw in sorted({0.0, w}):
            mats = [
                d + beta * u + uw * lx
                for d, u, lx in zip(dmats, umats, lex_by_mode[lmode], strict=True)
            ]
            record(f"{sname} + {beta} x use agg={cfg_name(cfg)} lexical_w={uw} {lmode}", mats)
    results["variants"] = variants
    gran = engine_spaces[sname]
    chosen = replace(
        cfg,
        lexical_weight=w,
        query_role=role,
        lexical_mode=lmode,
        granularity="text" if gran == "text" else "sentence",
        whole_text_unit=gran == "sentence+whole",
    )
    # the reported figure: the engine's public affinity_matrix with the chosen configuration
    scores, raw_mats = [], []
    for (pids, papers, ents), (_, subs) in zip(dense_inputs, datasets, strict=True):
        m = affinity_matrix(ents, [subs[k] for k in papers], e5, cache, chosen)
        raw_mats.append(m)
        scores.append(to_scores(m, pids, papers))
    fast, slow = loss_tune(raw_mats), float(np.mean([evaluate(r_tune, s).loss for s in scores]))
    assert abs(fast - slow) < 1e-9, (fast, slow)  # grid evaluator == reference metric
    full = main_table_protocol(ratings, scores)
    held = main_table_protocol(r_held, scores)
    dense_only = replace(chosen, lexical_weight=0.0)
    dscores = []
    for (pids, papers, ents), (_, subs) in zip(dense_inputs, datasets, strict=True):
        m = affinity_matrix(ents, [subs[k] for k in papers], e5, cache, dense_only)
        dscores.append(to_scores(m, pids, papers))
    lex_scores = [to_scores(m, pids, papers) for m in lex_by_mode[lmode]]
    # the last step (the whole text as one more unit of a stored text), paired over participants
    toggled = replace(chosen, whole_text_unit=not chosen.whole_text_unit)
    tmats = [
        affinity_matrix(ents, [subs[k] for k in papers], e5, cache, toggled)
        for (_, papers, ents), (_, subs) in zip(dense_inputs, datasets, strict=True)
    ]
    without, with_ = (tmats, raw_mats) if chosen.whole_text_unit else (raw_mats, tmats)
    results["whole_text_unit_effect"] = FastLoss(ratings, pids, papers).paired_bootstrap(
        without, with_
    )
    results["chosen_config"] = {"model": e5.name, "language_centring": centring is not None}
    results["chosen_config"].update(chosen.__dict__)
    results["engine_default_is_chosen"] = chosen == DEFAULT_CONFIG
    results["cli_d_20_1"] = cli_d_20_1(gs, ratings, tune)
    results["ours"] = {
        "engine hybrid (chosen), all 58": full.to_dict(),
        "engine hybrid (chosen), held-out 29": held.to_dict(),
        "engine dense only, all 58": main_table_protocol(ratings, dscores).to_dict(),
        "engine BM25 only (chosen lexical_mode), all 58": main_table_protocol(
            ratings, lex_scores
        ).to_dict(),
    }
    # sanity: reimplemented metric on shipped predictions
    results["metric_check"] = {
        a: round(
            main_table_protocol(
                ratings,
                [
                    load_predictions(gs / "predictions" / f"{a}_d_20_{i}_ta.json.gz")
                    for i in range(1, 11)
                ],
                n_boot=10,
            ).loss,
            4,
        )
        for a in ("tpms", "specter_mfr")
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    for k, v in results["ours"].items():
        print(k, {x: round(v[x], 4) for x in ("loss", "easy_acc", "hard_acc")})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
