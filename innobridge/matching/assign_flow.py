"""The plain assignment's min-cost flow network (OR-Tools' ``SimpleMinCostFlow``): its
node numbering, its structural arcs, one solve over a set of arcs, the node potentials
that certify a pruned solve optimal, and the left-out arcs that break the certificate
(see :mod:`innobridge.matching.assign` for the model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from innobridge.matching.assign_problem import Problem


@dataclass
class Network:
    """Node numbering of the flow network for a problem."""

    n_items: int
    n_reviewers: int
    n_regions: int

    @property
    def source(self) -> int:
        return 0

    def reviewer(self, r: NDArray[np.int64] | int) -> Any:
        return 1 + r

    def item(self, i: NDArray[np.int64] | int) -> Any:
        return 1 + self.n_reviewers + i

    def sub(self, i: NDArray[np.int64] | int, g: NDArray[np.int64] | int) -> Any:
        return 1 + self.n_reviewers + self.n_items + i * self.n_regions + g

    @property
    def n_nodes(self) -> int:
        return 1 + self.n_reviewers + self.n_items * (1 + self.n_regions)

    def head(self, items: NDArray[np.int64], reviewers: NDArray[np.int64], region_of: Any) -> Any:
        """Head node of the arc reviewer -> item (via the region sub-node if required)."""
        g = region_of[reviewers]
        return np.where(g >= 0, self.sub(items, np.maximum(g, 0)), self.item(items))


def _structural(p: Problem, net: Network) -> tuple[Any, Any, Any, Any, Any]:
    """Supplies and the non-pair arcs (source->reviewer, sub-node->item)."""
    supplies = np.zeros(net.n_nodes, dtype=np.int64)
    demand = int(p.k.sum())
    supplies[net.source] = demand - int(p.lo.sum())
    supplies[net.reviewer(np.arange(p.n_reviewers))] = p.lo
    supplies[net.item(np.arange(p.n_items))] = -(p.k - p.n_regions)
    tails = [np.full(p.n_reviewers, net.source)]
    heads = [net.reviewer(np.arange(p.n_reviewers))]
    caps = [p.hi - p.lo]
    if p.n_regions:
        ii = np.repeat(np.arange(p.n_items), p.n_regions)
        gg = np.tile(np.arange(p.n_regions), p.n_items)
        supplies[net.sub(ii, gg)] = -1
        tails.append(net.sub(ii, gg))
        heads.append(net.item(ii))
        caps.append(np.maximum(p.k[ii] - 1, 0))
    t = np.concatenate(tails).astype(np.int64)
    h = np.concatenate(heads).astype(np.int64)
    c = np.maximum(np.concatenate(caps), 0).astype(np.int64)
    return supplies, t, h, c, np.zeros_like(t)


@dataclass
class FlowResult:
    status: str
    items: NDArray[np.int64]
    reviewers: NDArray[np.int64]
    objective: int
    flows: NDArray[np.int64]  # flow on every arc, in arc order
    tails: NDArray[np.int64]
    heads: NDArray[np.int64]
    caps: NDArray[np.int64]
    costs: NDArray[np.int64]
    n_struct: int


def _solve_flow(
    p: Problem, pair_i: NDArray[np.int64], pair_r: NDArray[np.int64], net: Network
) -> FlowResult:
    """Min-cost flow over the given candidate pair arcs (vectorised arc construction)."""
    from ortools.graph.python import min_cost_flow

    supplies, st, sh, sc, scost = _structural(p, net)
    pt = net.reviewer(pair_r)
    ph = net.head(pair_i, pair_r, p.region_of)
    tails = np.concatenate([st, pt]).astype(np.int32)
    heads = np.concatenate([sh, ph]).astype(np.int32)
    caps = np.concatenate([sc, np.ones(len(pair_i), dtype=np.int64)])
    costs = np.concatenate([scost, p.cost[pair_i, pair_r]])
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    mcf.set_nodes_supplies(np.arange(net.n_nodes, dtype=np.int32), supplies)
    status = mcf.solve()
    name = {
        mcf.OPTIMAL: "OPTIMAL",
        mcf.INFEASIBLE: "INFEASIBLE",
        mcf.UNBALANCED: "UNBALANCED",
        mcf.NOT_SOLVED: "NOT_SOLVED",
    }.get(status, f"STATUS_{status}")
    if status != mcf.OPTIMAL:
        empty = np.zeros(0, dtype=np.int64)
        return FlowResult(name, empty, empty, 0, empty, empty, empty, empty, empty, len(st))
    flows = np.asarray(mcf.flows(np.arange(len(tails), dtype=np.int32)), dtype=np.int64)
    used = flows[len(st) :] > 0
    return FlowResult(
        "OPTIMAL",
        pair_i[used],
        pair_r[used],
        int(mcf.optimal_cost()),
        flows,
        tails.astype(np.int64),
        heads.astype(np.int64),
        caps,
        costs,
        len(st),
    )


def potentials(fr: FlowResult, n_nodes: int) -> NDArray[np.float64] | None:
    """Node potentials proving ``fr`` optimal: shortest distances in the residual network.

    Returns ``None`` if they cannot be computed (which would mean a negative cycle, i.e.
    a non-optimal flow). Reduced costs ``c + pi[u] - pi[v]`` are >= 0 on every residual arc.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import NegativeCycleError, bellman_ford

    fwd = fr.flows < fr.caps
    bwd = fr.flows > 0
    u = np.concatenate([fr.tails[fwd], fr.heads[bwd], np.full(n_nodes, n_nodes)])
    v = np.concatenate([fr.heads[fwd], fr.tails[bwd], np.arange(n_nodes)])
    w = np.concatenate([fr.costs[fwd], -fr.costs[bwd], np.zeros(n_nodes, dtype=np.int64)])
    # Parallel residual arcs: keep the cheapest (csr would sum them).
    order = np.lexsort((w, v, u))
    u, v, w = u[order], v[order], w[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    u, v, w = u[first], v[first], w[first]
    # Explicit zeros are edges for csgraph; shift weights by a tiny epsilon is not needed.
    g = csr_matrix((w.astype(np.float64), (u, v)), shape=(n_nodes + 1, n_nodes + 1))
    try:
        dist = bellman_ford(g, directed=True, indices=n_nodes)
    except NegativeCycleError:
        return None
    pi = np.asarray(dist[:n_nodes], dtype=np.float64)
    if not np.all(np.isfinite(pi)):
        return None
    if np.any(w[:-n_nodes] + pi[u[:-n_nodes]] - pi[v[:-n_nodes]] < -1e-6):
        return None
    return pi


def _violations(
    p: Problem, net: Network, cand: NDArray[np.bool_], pi: NDArray[np.float64], chunk: int = 512
) -> NDArray[np.bool_]:
    """Allowed non-candidate pairs whose reduced cost is negative (they could improve)."""
    out = np.zeros_like(cand)
    pi_r = pi[net.reviewer(np.arange(p.n_reviewers))]
    g = p.region_of
    for s in range(0, p.n_items, chunk):
        ii = np.arange(s, min(s + chunk, p.n_items))
        pi_item = pi[net.item(ii)][:, None]
        if p.n_regions:
            sub_pi = pi[net.sub(ii[:, None], np.maximum(g, 0)[None, :])]
            pi_head = np.where(g[None, :] >= 0, sub_pi, pi_item)
        else:
            pi_head = pi_item
        red = p.cost[ii] + pi_r[None, :] - pi_head
        out[ii] = (red < -1e-9) & p.allowed[ii] & ~cand[ii]
    return out
