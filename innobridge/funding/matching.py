"""The funding app's ONE adapter to the matching engine (``innobridge.matching``).

It turns reviewers (profile + publications) and proposals (title, abstract, keywords in
whichever languages) into the engine's documents, computes affinity with
:func:`innobridge.matching.affinity.affinity_matrix`, explains each pair (shared terms in
the UI's script, the reviewer's closest text) and solves the assignment exactly with
:func:`innobridge.matching.assign.assign`. Conflicts of interest are passed as forbidden
pairs, so the engine can never choose a conflicted reviewer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from innobridge.core.language import script_for_language
from innobridge.matching.affinity import affinity_matrix
from innobridge.matching.assign import InfeasibleAssignment, assign
from innobridge.matching.documents import Document
from innobridge.matching.explain import closest_sentence, meaningful, shared_terms
from innobridge.matching.text import fold, tokenize_folded

_EMBEDDER: Any = None


def get_embedder() -> Any:
    """The engine's default embedder (loaded once per process)."""
    global _EMBEDDER
    if _EMBEDDER is None:
        from innobridge.matching.embed import E5Embedder, USEEmbedder

        choice = getattr(settings, "MATCHING_EMBEDDER", "e5")
        _EMBEDDER = USEEmbedder() if choice == "use" else E5Embedder()
    return _EMBEDDER


def _cache() -> Any:
    from innobridge.matching.embed import EmbeddingCache

    try:
        return EmbeddingCache(settings.VAR_DIR / "embeddings")
    except Exception:  # a read-only or missing var/ only costs speed
        return None


def reviewer_texts(person: Any, limit: int = 30) -> list[str]:
    """A reviewer's own words (keywords, biography) and their publications' text."""
    texts: list[str] = []
    profile = getattr(person, "researcher_profile", None)
    if profile is None:
        return texts
    own = " ".join([*(profile.keywords or []), profile.biography or ""]).strip()
    if own:
        texts.append(own)
    for pub in profile.publications.order_by("-year", "pk")[:limit]:
        texts.append(f"{pub.title}. {pub.abstract}".strip())
    return texts


@dataclass
class AssignmentResult:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (proposal pk, reviewer pk)
    affinities: dict[tuple[int, int], tuple[float, dict[str, Any]]] = field(default_factory=dict)
    obstacles: list[dict[str, Any]] = field(default_factory=list)


def explain_pair(
    qtoks: Sequence[str],
    reviewer: Sequence[tuple[str, Sequence[str]]],
    script: str | None,
    weight: Callable[[str], float] | None = None,
) -> dict[str, Any]:
    """Why a reviewer suits a proposal, from tokens computed once per text: shared terms
    (most informative first when ``weight`` gives each term's weight, e.g. its idf), in
    ``script``, and the reviewer's text (``reviewer``: (text, tokens) pairs) closest to
    the proposal (``qtoks``)."""
    q = {t for t in qtoks if meaningful(t)}  # filler words choose no text
    best, best_n = "", -1
    all_toks: list[str] = []
    for text, toks in reviewer:
        all_toks.extend(toks)
        n = len(q.intersection(toks))
        if n > best_n:
            best, best_n = text, n
    return {
        "shared_terms": shared_terms(qtoks, all_toks, script, weight, limit=8),
        # the one sentence of that text nearest the proposal, not the text's first 300 chars
        "closest_text": closest_sentence(best, qtoks)[:300] if best else "",
    }


def _idf(token_sets: Sequence[set[str]]) -> Callable[[str], float]:
    """Inverse document frequency over the documents at hand (each reviewer, each
    proposal): a term that many of them share ("work", "results") explains little."""
    df: dict[str, int] = {}
    for toks in token_sets:
        for t in toks:
            df[t] = df.get(t, 0) + 1
    n = len(token_sets)
    return lambda t: math.log((n + 1) / (df.get(t, 0) + 0.5))


def affinities(
    proposals: Sequence[Any], reviewers: Sequence[Any], embedder: Any = None
) -> tuple[np.ndarray, dict[tuple[int, int], dict[str, Any]]]:
    """(proposals × reviewers) affinity and an explanation per pair. A reviewer with no
    text at all has affinity 0 to everything."""
    aff = np.zeros((len(proposals), len(reviewers)), dtype=np.float64)
    texts = [reviewer_texts(r) for r in reviewers]
    with_text = [j for j, t in enumerate(texts) if t]
    queries = [p.text_for_matching() or p.title for p in proposals]
    if with_text and proposals:
        docs = [Document(id=str(reviewers[j].pk), texts=texts[j]) for j in with_text]
        m = affinity_matrix(
            docs, queries, embedder=embedder or get_embedder(), cache=None if embedder else _cache()
        )
        for col, j in enumerate(with_text):
            aff[:, j] = m[col, :]
    script = script_for_language()
    # Each text is tokenised once (not once per pair).
    rtoks = [[(t, tokenize_folded(fold(t))) for t in ts] for ts in texts]
    qtoks = [tokenize_folded(fold(q)) for q in queries]
    weight = _idf(
        [{tok for _t, toks in r for tok in toks} for r in rtoks] + [set(q) for q in qtoks]
    )
    why = {}
    for i, p in enumerate(proposals):
        for j, r in enumerate(reviewers):
            why[(p.pk, r.pk)] = explain_pair(qtoks[i], rtoks[j], script, weight) if texts[j] else {}
    return aff, why


def assign_reviewers(
    proposals: Sequence[Any],
    pool: Sequence[Any],
    *,
    k: int,
    max_load: int,
    existing: Sequence[Any] = (),
    conflicted: Callable[[Any, Any], bool],
    fair: bool = False,
    cross_border: bool = False,
    embedder: Any = None,
) -> AssignmentResult:
    """Choose reviewers from ``pool`` for ``proposals``: each gets ``k`` in total (counting
    ``existing`` active assignments), no reviewer gets more than ``max_load``; conflicted
    pairs are forbidden. With ``cross_border`` every proposal gets reviewers from both
    Hong Kong and the Mainland (by the reviewer's profile region)."""
    result = AssignmentResult()
    if not proposals or not pool:
        if proposals:
            message = _("The reviewer pool is empty.")
            result.obstacles.append({"kind": "empty_pool", "message": message})
        return result
    aff, why = affinities(proposals, pool, embedder)
    for i, p in enumerate(proposals):
        for j, r in enumerate(pool):
            result.affinities[(p.pk, r.pk)] = (float(aff[i, j]), why[(p.pk, r.pk)])
    have = {p.pk: 0 for p in proposals}
    load = {r.pk: 0 for r in pool}
    taken = set()
    for a in existing:
        have[a.proposal_id] = have.get(a.proposal_id, 0) + 1
        if a.reviewer_id in load:
            load[a.reviewer_id] += 1
        taken.add((a.proposal_id, a.reviewer_id))
    rows = [i for i, p in enumerate(proposals) if have[p.pk] < k]
    if not rows:
        return result
    sub = aff[rows]
    mask = np.ones(sub.shape, dtype=bool)
    for a, i in enumerate(rows):
        p = proposals[i]
        for j, r in enumerate(pool):
            if (p.pk, r.pk) in taken or conflicted(p, r):
                mask[a, j] = False
    ks = [k - have[proposals[i].pk] for i in rows]
    caps = [max(0, max_load - load[r.pk]) for r in pool]
    regions = None
    required = None
    if cross_border:
        regions = [
            getattr(getattr(r, "researcher_profile", None), "region", "") or "" for r in pool
        ]
        required = ["HK", "CN"]
    try:
        sol = assign(
            sub,
            ks,
            max_load=caps,
            mask=mask,
            fair=fair,
            regions=regions,
            required_regions=required,
            item_ids=[f"#{proposals[i].pk} {proposals[i].title[:60]}" for i in rows],
            reviewer_ids=[str(r) for r in pool],
        )
    except InfeasibleAssignment as exc:
        result.obstacles = [localised_obstacle(o.as_dict()) for o in exc.obstacles]
        return result
    for item, rev in sol.pairs:
        result.pairs.append((proposals[rows[int(item)]].pk, pool[int(rev)].pk))
    return result


def localised_obstacle(obstacle: dict[str, Any]) -> dict[str, Any]:
    """The engine explains infeasibility in English; give the programme officer the
    same reason in the UI's language (the engine's text stays under "detail")."""
    from innobridge.core.models import Region

    region = obstacle.get("region") or ""
    if region in Region.values:
        region = str(Region(region).label)
    params = {
        "item": obstacle.get("item") or "",
        "region": region,
        "needed": obstacle.get("needed"),
        "available": obstacle.get("available"),
    }
    messages = {
        "demand_exceeds_capacity": _(
            "The proposals need %(needed)s reviews, but the reviewers can take at most "
            "%(available)s."
        ),
        "item_too_few_reviewers": _(
            "%(item)s needs %(needed)s reviewers, but only %(available)s are allowed "
            "(the others have a conflict of interest or no capacity left)."
        ),
        "item_too_many_regions": _(
            "%(item)s gets %(available)s reviewers but must have one from each of "
            "%(needed)s regions."
        ),
        "item_region_missing": _(
            "%(item)s needs a reviewer from %(region)s, but none there is available "
            "(no capacity left or a conflict of interest)."
        ),
        "item_uncoverable": _(
            "%(item)s needs %(needed)s reviewers, but at most %(available)s can be given: "
            "the other allowed reviewers are fully loaded by other proposals."
        ),
        "item_region_uncoverable": _(
            "%(item)s needs a reviewer from %(region)s, but every allowed reviewer there is "
            "fully loaded by other proposals."
        ),
    }
    text = messages.get(str(obstacle.get("kind")))
    out = dict(obstacle)
    out["detail"] = obstacle.get("message", "")
    out["message"] = (
        text % params if text else _("No assignment meets the constraints of this call.")
    )
    return out
