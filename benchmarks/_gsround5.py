"""Fifth-round variants of the expertise affinity on the reviewer gold standard (issue 16).

Called by ``goldstandard_variants.py`` on the units it has embedded (the engine's own:
sentence MaxSim with each stored text's whole text as one more unit, language-centred e5).
Every variant changes one thing against the engine's default (0.5 × mean over texts +
0.5 × profile MaxSim, BM25 0.1 both ways):

* ``unit_discount[<background>]=a`` — unit-level genericity, CSLS at the unit level: each
  stored unit's similarity to every query sentence lowered by ``a`` × its genericity, the
  unit's mean similarity to a background: ``corpus mean`` (all stored units of the data
  set: the dot product with their mean vector), ``submissions mean`` (all submission
  sentences), ``corpus top10`` (its 10 nearest units of *other* researchers),
  ``submissions top10`` (its 10 nearest submission sentences);
* ``query_distinct[<background>]`` — each submission sentence weighted by its
  distinctiveness, ``1 −`` its mean similarity to the background (``corpus mean``,
  ``corpus top10``, ``submissions mean``), or ``exp(−b·z)`` of that genericity standardised
  over the data set's sentences (``, b=…``);
* ``unit_lse=T`` / ``unit_softmax=T`` — a text's similarity to a query sentence is the
  log-sum-exp (``T log mean exp(s/T)``) or the softmax-weighted mean of its units'
  similarities instead of the best one (soft MaxSim);
* ``texts_softmax=T`` / ``texts_lse=T`` — the same over the researcher's texts instead of
  the plain mean (the profile part unchanged); ``profile_lse=T`` — over all the
  researcher's units instead of the best one in the profile part;
* ``bm25 k1=…`` / ``bm25 b=…`` — BM25's parameters (the engine: k1 1.2, b 0.75);
  ``lexical norm=minmax|z|rank`` — per query (and per researcher, the other direction)
  min–max, z-score or percentile rank instead of division by the best score;
  ``lexical bigrams`` — adjacent-token bigrams added to the tokens; ``lexical titles
  only (researcher)`` / ``(submission)``, ``lexical abstracts only (researcher)``;
* ``title_unit_offset=d`` — the title unit of each stored paper (its first sentence)
  ``+ d``; ``title_profile=g`` — ``+ g ×`` the MaxSim against the researcher's titles;
* ``popularity=b`` — ``+ b ×`` each submission's mean over the researchers (``hub``
  with the other sign);
* ``coherent_texts T=…`` / ``drop_offtopic z<−…`` — the mean over texts weighted by each
  text's mean similarity to the researcher's other texts (softmax with temperature T), or
  without the texts more than z standard deviations below that mean (a profile that holds
  other people's papers: the worst researchers on tune include two).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from innobridge.matching.affinity import Units, entity_groups, lexical_normalise
from innobridge.matching.documents import Document
from innobridge.matching.lexical import LexicalIndex
from innobridge.matching.text import detect_language, fold, language_group, tokenize_folded

Reduction = tuple[str, float] | None  # None: the engine's (max over units, mean over texts)


def reduce_units(pair: np.ndarray, u: Units, how: Reduction) -> np.ndarray:
    """(query units, texts): each query unit's best unit per text, or a soft version."""
    m = np.maximum.reduceat(pair, u.offsets, axis=1)
    if how is None:
        return m
    kind, t = how
    e = np.exp((pair - np.repeat(m, u.counts, axis=1)) / t)
    s = np.add.reduceat(e, u.offsets, axis=1)
    if kind == "lse":
        return m + t * np.log(s / u.counts[None, :])
    return np.add.reduceat(e * pair, u.offsets, axis=1) / s  # softmax-weighted mean


def over_query(best: np.ndarray, qu: Units, w: np.ndarray | None = None) -> np.ndarray:
    """(queries, …): the mean over each query's units, weighted by ``w`` if given."""
    if w is None:
        return np.add.reduceat(best, qu.offsets, axis=0) / qu.counts[:, None]
    num = np.add.reduceat(best * w[:, None], qu.offsets, axis=0)
    return num / np.add.reduceat(w, qu.offsets)[:, None]


def over_texts(per_text: np.ndarray, how: Reduction, wt: np.ndarray | None = None) -> np.ndarray:
    """(queries,) from (queries, texts): the mean, a weighted mean, softmax or LSE."""
    if wt is not None:
        return per_text @ wt / wt.sum()
    if how is None:
        return per_text.mean(1)
    kind, t = how
    m = per_text.max(1, keepdims=True)
    e = np.exp((per_text - m) / t)
    if kind == "lse":
        return m[:, 0] + t * np.log(e.mean(1))
    return (e * per_text).sum(1) / e.sum(1)


def topk_mean(
    a: np.ndarray, b: np.ndarray, k: int, same: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Each row of ``a``: the mean of its ``k`` largest dot products with ``b``'s rows;
    with ``same = (owner of a's rows, owner of b's rows)``, rows of the same owner skipped."""
    out = np.empty(len(a), np.float32)
    for s in range(0, len(a), 1024):
        sim = a[s : s + 1024] @ b.T
        if same is not None:
            sim = np.where(same[0][s : s + 1024, None] == same[1][None, :], -np.inf, sim)
        out[s : s + 1024] = np.partition(sim, -k, axis=1)[:, -k:].mean(1)
    return out


class Round5:
    """The variants, on ``data`` = per data set ``(queries' Units, [researchers' Units],
    [their pair similarities], BM25 matrix, researchers as Documents, submission texts)``."""

    def __init__(self, data: list[tuple[Any, ...]], profile: float, lexical_weight: float):
        self.data, self.profile, self.lw = data, profile, lexical_weight

    def dense(
        self,
        unit_adj: list[list[np.ndarray]] | None = None,
        qw: list[np.ndarray] | None = None,
        units: Reduction = None,
        texts: Reduction = None,
        prof: Reduction = None,
        title_offset: float = 0.0,
        title_profile: float = 0.0,
        text_weights: Callable[[Units], np.ndarray | None] | None = None,
    ) -> list[np.ndarray]:
        mats = []
        for di, (qu, eu, pairs, *_rest) in enumerate(self.data):
            w = None if qw is None else qw[di]
            m = np.empty((len(eu), len(qu)), np.float32)
            for i, (u, pair) in enumerate(zip(eu, pairs, strict=True)):
                p = pair if unit_adj is None else pair - unit_adj[di][i][None, :]
                if title_offset:
                    p = p.copy()
                    p[:, u.offsets] += title_offset
                wt = text_weights(u) if text_weights is not None else None
                a = over_texts(over_query(reduce_units(p, u, units), qu, w), texts, wt)
                if prof is None:
                    best = p.max(1)
                else:
                    mx = p.max(1, keepdims=True)
                    best = mx[:, 0] + prof[1] * np.log(np.exp((p - mx) / prof[1]).mean(1))
                v = (1 - self.profile) * a + self.profile * over_query(best[:, None], qu, w)[:, 0]
                if title_profile:
                    tb = p[:, u.offsets].max(1)
                    v = v + title_profile * over_query(tb[:, None], qu, w)[:, 0]
                m[i] = v
            mats.append(m)
        return mats

    def hybrid(self, dense: list[np.ndarray], lex: list[np.ndarray] | None = None, w=None):
        w = self.lw if w is None else w
        lexs = lex if lex is not None else [d[3] for d in self.data]
        return [x + w * y for x, y in zip(dense, lexs, strict=True)]

    def genericity(self) -> list[dict[str, Any]]:
        """Per data set: each stored unit's and each submission sentence's mean similarity
        to the backgrounds (see the module's docstring)."""
        out = []
        for qu, eu, *_rest in self.data:
            e = np.concatenate([u.vecs for u in eu])
            owner = np.concatenate([np.full(len(u.vecs), i) for i, u in enumerate(eu)])
            q = qu.vecs
            sizes = np.cumsum([len(u.vecs) for u in eu])[:-1]
            g_units = {
                "corpus mean": e @ e.mean(0),
                "submissions mean": e @ q.mean(0),
                "corpus top10": topk_mean(e, e, 10, (owner, owner)),
                "submissions top10": topk_mean(e, q, 10),
            }
            out.append(
                {
                    "units": {k: np.split(v, sizes) for k, v in g_units.items()},
                    "queries": {
                        "corpus mean": q @ e.mean(0),
                        "corpus top10": topk_mean(q, e, 10),
                        "submissions mean": q @ q.mean(0),
                    },
                }
            )
        return out


def coherence_weights(temperature: float | None = None, drop_z: float | None = None):
    """Text weights from each text's mean cosine with the researcher's other texts."""

    def weights(u: Units) -> np.ndarray | None:
        tv = u.text_vectors()
        n = len(tv)
        if n < 2 or (drop_z is not None and n < 3):
            return None
        s = tv @ tv.T
        np.fill_diagonal(s, 0.0)
        c = s.sum(1) / (n - 1)
        if temperature is not None:
            return np.exp((c - c.max()) / temperature)
        z = (c - c.mean()) / (c.std() + 1e-9)
        return (z > -float(drop_z or 0)).astype(np.float32)

    return weights


def _norm(raw: np.ndarray, same: np.ndarray, how: str) -> np.ndarray:
    if how == "max":
        return lexical_normalise(raw, same)
    v = raw[same]
    if not v.size:
        return np.zeros_like(raw)
    if how == "minmax":
        lo, hi = v.min(), v.max()
        return np.where(same, (raw - lo) / (hi - lo), 0.0) if hi > lo else np.zeros_like(raw)
    if how == "z":
        sd = v.std()
        return np.where(same, (raw - v.mean()) / sd, 0.0) if sd > 0 else np.zeros_like(raw)
    rank = raw.argsort().argsort() / max(1, len(raw) - 1)  # "rank"
    return np.where(same, rank, 0.0)


def bigrams(toks: list[str]) -> list[str]:
    return toks + [f"{a}_{b}" for a, b in itertools.pairwise(toks)]


def title_of(text: str) -> str:
    return text.split(". ", 1)[0]


def abstract_of(text: str) -> str:
    parts = text.split(". ", 1)
    return parts[-1]


def lexical(
    entities: Sequence[Document],
    queries: Sequence[str],
    k1: float = 1.2,
    b: float = 0.75,
    norm: str = "max",
    tokens: Callable[[list[str]], list[str]] = lambda t: t,
    etext: Callable[[str], str] = lambda t: t,
    qtext: Callable[[str], str] = lambda t: t,
) -> np.ndarray:
    """``affinity.lexical_affinity(mode="both")`` with its knobs exposed (the defaults
    reproduce it exactly — checked by the caller)."""
    ent_toks, groups = [], []
    for e in entities:
        toks: list[str] = []
        for t in e.texts:
            toks.extend(tokens(tokenize_folded(fold(etext(t)))))
        ent_toks.append(toks)
        groups.append(entity_groups(e.texts))
    q_toks = [tokens(tokenize_folded(fold(qtext(q)))) for q in queries]
    q_groups = [language_group(detect_language(q)) for q in queries]
    fwd = np.zeros((len(entities), len(queries)), np.float32)
    lex = LexicalIndex(k1=k1, b=b)
    for e, toks, g in zip(entities, ent_toks, groups, strict=True):
        lex.set(e.id, toks, ",".join(sorted(g)))
    ids = [e.id for e in entities]
    for j, (qt, qg) in enumerate(zip(q_toks, q_groups, strict=True)):
        fwd[:, j] = _norm(lex.scores_for(qt, ids), np.array([qg in g for g in groups]), norm)
    rev = LexicalIndex(k1=k1, b=b)
    qids = [f"q{j}" for j in range(len(queries))]
    for qid, qt, qg in zip(qids, q_toks, q_groups, strict=True):
        rev.set(qid, qt, qg)
    back = np.zeros_like(fwd)
    for i, (toks, g) in enumerate(zip(ent_toks, groups, strict=True)):
        same = np.array([qg in g for qg in q_groups])
        back[i] = _norm(rev.scores_for(toks, qids), same, norm)
    return ((fwd + back) / 2).astype(np.float32)


def run(
    r5: Round5, record: Callable[[str, list[np.ndarray]], None], losses: dict[str, Any]
) -> dict[str, Any]:
    """Every fifth-round variant (recorded) and the paired bootstrap, against the default,
    of each variant lower than the default on tune: {variant: {split: bootstrap}}."""
    base = r5.hybrid(r5.dense())
    mats: dict[str, list[np.ndarray]] = {}

    def rec(name: str, m: list[np.ndarray]) -> None:
        mats[name] = m
        record(name, m)

    gen = r5.genericity()
    for key in ("corpus mean", "submissions mean", "corpus top10", "submissions top10"):
        for a in (0.25, 0.5, 1.0):
            adj = [[a * x for x in g["units"][key]] for g in gen]
            rec(f"unit_discount[{key}]={a}", r5.hybrid(r5.dense(unit_adj=adj)))
    for key in ("corpus mean", "corpus top10", "submissions mean"):
        qw = [np.clip(1 - g["queries"][key], 0.01, None).astype(np.float32) for g in gen]
        rec(f"query_distinct[{key}]", r5.hybrid(r5.dense(qw=qw)))
        for beta in (0.5, 1.0):
            qw = []
            for g in gen:
                h = g["queries"][key]
                qw.append(np.exp(-beta * (h - h.mean()) / h.std()).astype(np.float32))
            rec(f"query_distinct[{key}, b={beta}]", r5.hybrid(r5.dense(qw=qw)))
    for t in (0.01, 0.02, 0.05):
        rec(f"unit_lse={t}", r5.hybrid(r5.dense(units=("lse", t))))
    for t in (0.01, 0.02, 0.05):
        rec(f"unit_softmax={t}", r5.hybrid(r5.dense(units=("softmax", t))))
    for t in (0.02, 0.05, 0.1):
        rec(f"texts_softmax={t}", r5.hybrid(r5.dense(texts=("softmax", t))))
    for t in (0.02, 0.05, 0.1):
        rec(f"texts_lse={t}", r5.hybrid(r5.dense(texts=("lse", t))))
    for t in (0.01, 0.02, 0.05):
        rec(f"profile_lse={t}", r5.hybrid(r5.dense(prof=("lse", t))))
    dense = r5.dense()
    check = lexical(r5.data[0][4], r5.data[0][5])
    assert np.allclose(check, r5.data[0][3], atol=1e-6), "lexical() must reproduce the engine"

    def lex_rows(name: str, weights: Sequence[float] = (r5.lw,), **kw: Any) -> None:
        lx = [lexical(d[4], d[5], **kw) for d in r5.data]
        for w in weights:
            rec(name if len(weights) == 1 else f"{name}, w={w}", r5.hybrid(dense, lx, w))

    for k1 in (0.9, 1.5, 2.0):
        lex_rows(f"bm25 k1={k1}", k1=k1)
    for b in (0.3, 0.5, 0.9, 1.0):
        lex_rows(f"bm25 b={b}", b=b)
    lex_rows("lexical norm=minmax", norm="minmax")
    lex_rows("lexical norm=z", (0.005, 0.01, 0.02), norm="z")
    lex_rows("lexical norm=rank", (0.05, 0.1), norm="rank")
    lex_rows("lexical bigrams", (0.07, 0.1, 0.13), tokens=bigrams)
    lex_rows("lexical titles only (researcher)", (0.05, 0.1), etext=title_of)
    lex_rows("lexical abstracts only (researcher)", etext=abstract_of)
    lex_rows("lexical titles only (submission)", (0.05, 0.1), qtext=title_of)
    for d in (-0.05, -0.02, 0.02, 0.05):
        rec(f"title_unit_offset={d}", r5.hybrid(r5.dense(title_offset=d)))
    for g in (0.1, 0.25, 0.5):
        rec(f"title_profile={g}", r5.hybrid(r5.dense(title_profile=g)))
    for b in (0.1, 0.25, 0.5):
        rec(f"popularity={b}", [m + b * m.mean(0)[None, :] for m in base])
    for t in (0.02, 0.05, 0.1):
        rec(f"coherent_texts T={t}", r5.hybrid(r5.dense(text_weights=coherence_weights(t))))
    for z in (1.0, 1.5, 2.0):
        m = r5.hybrid(r5.dense(text_weights=coherence_weights(drop_z=z)))
        rec(f"drop_offtopic z<-{z}", m)
    tune_base = losses["tune"](base)
    return {
        name: {k: f.paired_bootstrap(base, m) for k, f in losses.items()}
        for name, m in mats.items()
        if losses["tune"](m) < tune_base
    }
