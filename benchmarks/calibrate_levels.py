"""Calibrate the relevance levels (strong / possible / weak) of the engine's search scores.

The platform shows a hit as a *strong* match, a *possible* match, or — below the cut-off —
a *weak* "closest result" that is not called a match (``innobridge.matching.levels``).  The
two thresholds per query kind are chosen here on real relevance judgements, through the
engine's :class:`~innobridge.matching.rank.SearchIndex` (what partner search, facility need
search and transfer run) and checked on :func:`~innobridge.matching.affinity.affinity_matrix`
(what reviewer suggestions run).

Data (all real, nothing generated):

* **relevant / less relevant** — the gold-standard reviewer-expertise ratings (Stelmakh et
  al., ``$INNOBRIDGE_DATA_DIR/goldstandard``): a participant is indexed as a researcher is on
  the platform (their most recent papers, ``title. abstract[:400]``); each paper they rated
  is a query, as a short phrase (its title: the ``query`` kind) and as a document (title and
  abstract: the ``passage`` kind, like a proposal, a demand or "use my own profile").  Rating
  ≥ 4 ("I could review it with confidence") is *relevant*; ≤ 2.5 is *not expert*.
* **unrelated** — papers of other disciplines searched against the same computer-science
  researchers: physics and mathematics from arXiv (``arxiv-0704``, English) and medicine,
  agriculture, law, history … from CSL (``csl``, Simplified Chinese, so the cross-language
  path is in the sample).  The best score of each such query is what a user would see on
  top when nothing on the platform fits.
* **transfer check** — real patent ↔ paper pairs (``patents/pap2pat_pairs_dev.jsonl``):
  a paper (title and abstract) searches the pairs' patents, indexed as the transfer app
  indexes its catalogue (``innobridge.transfer.matching.CONFIG``: with the whole-text unit);
  the pair's patent is the match, the other patents are not.
* **cross-language check** — the cross-lingual dev set's NAER terms
  (``benchmarks/data/crosslingual_dev``): a Traditional-Chinese term searches English terms.

Rule (per query kind):

* cut-off (``possible``): the 95th percentile of the unrelated queries' best scores — 19 of
  20 searches for something nobody works on end in "no match";
* ``strong``: the lowest score above which at least 85 % of the hits (gold pairs and
  unrelated pairs together) are relevant (rating ≥ 4).

The sample is small on purpose (a shared two-core machine embeds about two sentences a
second): ``--participants`` researchers, each with ``--papers`` profile papers, and
``--unrelated`` / ``--pairs`` / ``--terms`` queries of the other sets.  Embeddings are cached
in ``$INNOBRIDGE_BENCH_CACHE`` (default /tmp/innobridge-bench-cache), so a rerun only ranks.
Raw scores go to the JSON too, so the rule can be re-applied without the model.

    .venv/bin/python benchmarks/calibrate_levels.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._gsdata import REPO, cache_dir, data_dir
from innobridge.matching import DEFAULT_CONFIG, Document, E5Embedder, EmbeddingCache
from innobridge.matching.affinity import affinity_matrix, query_roles
from innobridge.matching.evaluation import load_ratings
from innobridge.matching.rank import SearchIndex
from innobridge.transfer.matching.fusion import CONFIG as TRANSFER_CONFIG

OUT = REPO / "benchmarks" / "results" / "calibrate_levels.json"
RELEVANT = 4.0
NOT_EXPERT = 2.5
STRONG_PRECISION = 0.85
UNRELATED_QUANTILE = 0.95
ABSTRACT_CHARS = 400  # as innobridge.people.matching.researcher_document
CSL_OTHER = {
    "医学",
    "农学",
    "法学",
    "历史学",
    "文学",
    "艺术学",
    "教育学",
    "经济学",
    "哲学",
    "军事学",
}


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def paper(content: dict[str, Any], chars: int = ABSTRACT_CHARS) -> str:
    title = (content.get("title") or "").strip()
    abstract = (content.get("abstract") or "").strip()[:chars]
    return f"{title}. {abstract}" if abstract else title


def jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def gold_sample(gs: Path, n_part: int, n_papers: int) -> tuple[list[Document], list[dict]]:
    """(researcher documents, [{pid, paper, rating, title, document}]) for a fixed sample of
    participants (by hash of their id) with at least 5 ratings."""
    ratings = load_ratings(gs / "data" / "evaluations.csv")
    base = gs / "evaluation_datasets" / "d_20_1"
    subs = json.loads((base / "submissions.json").read_text(encoding="utf-8"))
    pids = sorted((p for p in ratings if len(ratings[p]) >= 5), key=_h)[:n_part]
    docs, queries = [], []
    for pid in sorted(pids):
        rows = jsonl(base / "archives" / f"~{pid}.jsonl")
        rows.sort(key=lambda r: -(r["content"].get("year") or 0))
        texts = [paper(r["content"]) for r in rows[:n_papers]]
        docs.append(Document(pid, texts, {"pid": pid}))
        for pap, rating in sorted(ratings[pid].items()):
            c = subs[pap]["content"]
            queries.append(
                {"pid": pid, "paper": pap, "rating": rating, "title": c["title"].strip(),
                 "document": paper(c)}
            )  # fmt: skip
    return docs, queries


def unrelated_sample(data: Path, n: int) -> list[dict[str, str]]:
    """``n`` arXiv physics/maths papers (English) and ``n`` CSL papers of non-engineering
    disciplines (Simplified Chinese), a fixed sample by hash of their id."""
    arx = [
        r
        for r in jsonl(data / "arxiv-0704" / "arxiv_0704_2000.jsonl")
        if not any(str(c).startswith("cs") for c in r.get("categories") or [])
    ]
    csl = [
        r for r in jsonl(data / "csl" / "csl_benchmark_2000.jsonl") if r["category"] in CSL_OTHER
    ]
    out = []
    for src, rows in (("arxiv", arx), ("csl", csl)):
        for r in sorted(rows, key=lambda r: _h(r["id"]))[:n]:
            out.append({"source": src, "id": r["id"], "title": r["title"], "document": paper(r)})
    return out


def search_scores(index: SearchIndex, query: str) -> dict[str, float]:
    """Every indexed document's score for ``query`` as the platform's search computes it."""
    return {h.id: h.score for h in index.search(query, top_k=len(index))}


def pr_at(scores: np.ndarray, labels: np.ndarray, t: float) -> dict[str, float]:
    sel = scores >= t
    tp = int((sel & labels).sum())
    return {
        "threshold": round(float(t), 4),
        "precision": round(tp / sel.sum(), 4) if sel.sum() else 1.0,
        "recall": round(tp / labels.sum(), 4) if labels.sum() else 0.0,
        "selected": int(sel.sum()),
    }


def choose(kind_rows: dict[str, Any]) -> dict[str, Any]:
    """The two thresholds of one query kind, with their precision and recall."""
    gold = kind_rows["gold"]
    g_s = np.array([r["score"] for r in gold])
    g_r = np.array([r["rating"] for r in gold])
    u_best = np.array(kind_rows["unrelated_best"])
    u_all = np.array(kind_rows["unrelated_all"])
    possible = float(np.quantile(u_best, UNRELATED_QUANTILE))
    scores = np.concatenate([g_s, u_all])
    relevant = np.concatenate([g_r >= RELEVANT, np.zeros(len(u_all), bool)])
    strong = None
    for t in sorted(set(np.round(scores, 4).tolist())):
        if t < possible:
            continue
        if pr_at(scores, relevant, t)["precision"] >= STRONG_PRECISION:
            strong = t
            break
    if strong is None:
        strong = float(scores.max())
    return {
        "possible": round(possible, 4),
        "strong": round(float(strong), 4),
        "strong_pr": pr_at(scores, relevant, strong),
        "possible_pr": pr_at(scores, relevant, possible),
        "relevant_or_fair_above_cutoff": pr_at(g_s, g_r >= 3.0, possible),
        "not_expert_pairs_above_cutoff": round(
            float((g_s[g_r <= NOT_EXPERT] >= possible).mean()), 4
        )
        if (g_r <= NOT_EXPERT).any()
        else None,
        "unrelated_best_above_cutoff": round(float((u_best >= possible).mean()), 4),
        "unrelated_best_above_strong": round(float((u_best >= strong).mean()), 4),
        "n_gold_pairs": len(gold),
        "n_unrelated_queries": len(u_best),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--participants", type=int, default=12)
    ap.add_argument("--papers", type=int, default=5)
    ap.add_argument("--unrelated", type=int, default=20)
    ap.add_argument("--pairs", type=int, default=24)
    ap.add_argument("--terms", type=int, default=40)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    data = data_dir(args.data_dir)
    t0 = time.time()
    emb, cache = E5Embedder(), EmbeddingCache(cache_dir())
    docs, gold = gold_sample(data / "goldstandard", args.participants, args.papers)
    index = SearchIndex(embedder=emb, cache_dir=cache_dir())
    index.add(docs)
    print(f"indexed {len(docs)} researchers in {time.time() - t0:.0f}s", flush=True)
    rows: dict[str, dict[str, Any]] = {
        k: {"gold": [], "unrelated_best": [], "unrelated_all": []} for k in ("query", "passage")
    }
    for field in ("title", "document"):
        for q in gold:
            text = q[field]
            kind = query_roles([text], DEFAULT_CONFIG.query_role)[0]
            s = search_scores(index, text)[q["pid"]]
            rows[kind]["gold"].append({"rating": q["rating"], "score": round(s, 5), "as": field})
        print(f"gold {field}s done at {time.time() - t0:.0f}s", flush=True)
    unrelated = unrelated_sample(data, args.unrelated)
    for u in unrelated:
        for field in ("title", "document"):
            text = u[field]
            kind = query_roles([text], DEFAULT_CONFIG.query_role)[0]
            sc = list(search_scores(index, text).values())
            rows[kind]["unrelated_best"].append(round(max(sc), 5))
            rows[kind]["unrelated_all"].extend(round(x, 5) for x in sc)
    print(f"unrelated done at {time.time() - t0:.0f}s", flush=True)
    chosen = {kind: choose(r) for kind, r in rows.items() if r["gold"] and r["unrelated_best"]}

    # reviewer suggestions: the batch affinity of the same researchers to the documents
    gold_docs = [q["document"] for q in gold]
    m = affinity_matrix(docs, gold_docs, emb, cache)
    pos = {d.id: i for i, d in enumerate(docs)}
    aff = np.array([m[pos[q["pid"]], j] for j, q in enumerate(gold)])
    ratings = np.array([q["rating"] for q in gold])
    th = chosen.get("passage")
    reviewer = {
        "what": "affinity_matrix (reviewer suggestions) of the same pairs, graded with the "
        "passage thresholds",
        "scores": [round(float(x), 5) for x in aff],
    }
    if th:
        rel = ratings >= RELEVANT
        reviewer["strong_pr"] = pr_at(aff, rel, th["strong"])
        reviewer["possible_pr"] = pr_at(aff, rel, th["possible"])
    print(f"affinity done at {time.time() - t0:.0f}s", flush=True)

    # transfer: paper (document) -> patents, the pair's patent is the match
    pairs = sorted(
        jsonl(data / "patents" / "pap2pat_pairs_dev.jsonl"), key=lambda r: _h(r["patent_id"])
    )
    pairs = pairs[: args.pairs]
    patents = {p["id"]: p for p in jsonl(data / "patents" / "patents.jsonl")}
    pidx = SearchIndex(embedder=emb, cache_dir=cache_dir(), config=TRANSFER_CONFIG)
    pidx.add([Document(p["patent_id"], [paper(patents[p["patent_id"]])]) for p in pairs])
    t_pos, t_neg = [], []
    for p in pairs:
        sc = search_scores(pidx, f"{p['paper_title']}. {p['paper_abstract'][:ABSTRACT_CHARS]}")
        t_pos.append(sc.pop(p["patent_id"]))
        t_neg.extend(sc.values())
    transfer: dict[str, Any] = {"n_pairs": len(pairs), "positive": t_pos, "negative_best": []}
    if th:
        tp, tn = np.array(t_pos), np.array(t_neg)
        lab = np.concatenate([np.ones(len(tp), bool), np.zeros(len(tn), bool)])
        both = np.concatenate([tp, tn])
        transfer["strong_pr"] = pr_at(both, lab, th["strong"])
        transfer["possible_pr"] = pr_at(both, lab, th["possible"])
    print(f"transfer done at {time.time() - t0:.0f}s", flush=True)

    # cross-language: Traditional-Chinese terms -> English terms
    terms = [r for r in jsonl(REPO / "benchmarks" / "data" / "crosslingual_dev" / "pairs.jsonl")
             if r["unit"] == "term" and r["split"] == "tune"]  # fmt: skip
    terms = sorted(terms, key=lambda r: _h(r["id"]))[: args.terms]
    tidx = SearchIndex(embedder=emb, cache_dir=cache_dir())
    tidx.add([Document(r["id"], [r["en"]]) for r in terms])
    c_pos, c_best_wrong = [], []
    for r in terms:
        sc = search_scores(tidx, r["zh"])
        c_pos.append(sc.pop(r["id"]))
        c_best_wrong.append(max(sc.values()))
    th_q = chosen.get("query")
    crossling: dict[str, Any] = {"n_terms": len(terms)}
    if th_q:
        cp = np.array(c_pos)
        crossling["right_translation_at_or_above_cutoff"] = round(
            float((cp >= th_q["possible"]).mean()), 4
        )
        crossling["right_translation_strong"] = round(float((cp >= th_q["strong"]).mean()), 4)
        crossling["best_wrong_at_or_above_cutoff"] = round(
            float((np.array(c_best_wrong) >= th_q["possible"]).mean()), 4
        )
    out = {
        "what": __doc__.split("\n\n")[0],
        "rule": {
            "relevant": f"gold rating >= {RELEVANT}",
            "possible": f"{UNRELATED_QUANTILE:.0%} quantile of unrelated queries' best score",
            "strong": f"lowest score with precision >= {STRONG_PRECISION} (gold + unrelated pairs)",
        },
        "sample": vars(args) | {"data_dir": None, "out": None},
        "model": emb.name,
        "thresholds": {
            k: {"strong": v["strong"], "possible": v["possible"]} for k, v in chosen.items()
        },
        "per_kind": chosen,
        "reviewer_suggestions": {k: v for k, v in reviewer.items() if k != "scores"},
        "transfer_check": {
            k: v for k, v in transfer.items() if k not in ("positive", "negative_best")
        },
        "crosslanguage_check": crossling,
        "raw": {"rows": rows, "reviewer_affinity": reviewer["scores"], "transfer_positive": t_pos},
        "seconds": round(time.time() - t0),
    }
    Path(args.out).write_text(
        json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    keys = ("thresholds", "per_kind", "reviewer_suggestions", "transfer_check")
    print(json.dumps({k: out[k] for k in (*keys, "crosslanguage_check")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
