"""Exact Fisher–Freeman–Halton p-value for r x c tables (r, c >= 3) by a network algorithm.

With margins fixed, a table has probability P = prod_i r_i! prod_j c_j! / (n! prod_ij a_ij!).
The p-value is the sum of P over all tables with P <= P(observed) * (1 + 1e-7), the rule and
tolerance of R's ``fisher.test``. Following Mehta & Patel (1983, JASA 78, 427-434; 1986, ACM
TOMS 12, 154-161) the tables are built column by column; a node is the multiset of row totals
still to fill (the future does not depend on their order), a path's "past" is the log of
prod_j c_j! / prod_i a_ij! over the columns placed so far. At every node

- the total weight of all completions is known in closed form, m! / prod_i rho_i!;
- the most and the least probable completion are bounded (relaxing either the row or the
  column constraints gives separable problems solved greedily: spreading a total as evenly as
  the caps allow minimises sum log a!, piling it into the largest caps maximises it).

A path whose best completion is no more probable than the observed table is added whole ("all
in"); one whose worst completion is still more probable is dropped ("all out"); only the rest
is expanded. Paths reaching the same node with the same past (to 1e-9 in log scale) are merged,
which is what keeps the network small. If a stage would hold more than ``MAX_STATES`` undecided
paths, or the work exceeds ``MAX_WORK`` path-arc pairs, the function gives up (returns None) and
the caller uses a seeded Monte Carlo estimate instead.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, logsumexp

__all__ = ["MAX_STATES", "MAX_WORK", "network_pvalue"]

MAX_STATES = 400_000  # undecided (node, past) pairs allowed in one stage
MAX_WORK = 60_000_000  # path x arc combinations examined in total
REL_ERR = 1e-7
_QUANTUM = 1e-9

Int2D = NDArray[np.int64]
Float1D = NDArray[np.float64]


def _compositions(caps: tuple[int, ...], total: int) -> Int2D:
    """All vectors a with 0 <= a_i <= caps_i and sum(a) = total, one per row."""
    parts = np.zeros((1, 0), dtype=np.int64)
    sofar = np.zeros(1, dtype=np.int64)
    rest = [sum(caps[i + 1 :]) for i in range(len(caps))]
    for i, cap in enumerate(caps):
        low = np.maximum(0, total - sofar - rest[i])
        high = np.minimum(cap, total - sofar)
        counts = np.maximum(high - low + 1, 0)
        owner = np.repeat(np.arange(len(sofar)), counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        values = np.repeat(low, counts) + offsets
        parts = np.column_stack((parts[owner], values))
        sofar = sofar[owner] + values
    return parts


def _count_compositions(caps: tuple[int, ...], total: int) -> float:
    """How many vectors _compositions(caps, total) would return (computed without listing them)."""
    ways = np.zeros(total + 1)
    ways[0] = 1.0
    for cap in caps:
        cum = np.cumsum(ways)
        shifted = np.concatenate((np.zeros(min(cap, total) + 1), cum[: total - min(cap, total)]))
        ways = cum - shifted
    return float(ways[total])


def _spread(caps: Int2D, total: NDArray[np.int64] | int) -> Int2D:
    """Most even split of ``total`` under ascending ``caps`` (rows): minimises sum log a!."""
    rem = np.broadcast_to(np.asarray(total, dtype=np.int64), caps.shape[:1]).copy()
    out = np.zeros_like(caps)
    width = caps.shape[1]
    for i in range(width):
        share = np.minimum(caps[:, i], rem // (width - i))
        out[:, i] = share
        rem -= share
    return out


def _pile(caps: Int2D, total: NDArray[np.int64] | int) -> Int2D:
    """Split of ``total`` filling the largest of the ascending ``caps`` first: maximises sum log a!."""
    rem = np.broadcast_to(np.asarray(total, dtype=np.int64), caps.shape[:1]).copy()
    out = np.zeros_like(caps)
    for i in range(caps.shape[1] - 1, -1, -1):
        share = np.minimum(caps[:, i], rem)
        out[:, i] = share
        rem -= share
    return out


def _encode(rows: Int2D) -> NDArray[np.int64]:
    """One integer per row (rows of non-negative ints), equal iff the rows are equal."""
    if rows.shape[1] == 0:
        return np.zeros(len(rows), dtype=np.int64)
    base = int(rows.max(initial=0)) + 1
    if base ** rows.shape[1] < 2**62:
        powers = base ** np.arange(rows.shape[1], dtype=np.int64)
        return rows @ powers
    _, inverse = np.unique(rows, axis=0, return_inverse=True)
    return inverse.ravel().astype(np.int64)


class _Stage:
    """Bounds on the completions of any node once the columns before ``k`` are placed."""

    def __init__(self, lf: Float1D, cols: list[int]) -> None:
        self.lf = lf
        self.cols = sorted(cols)
        self.const = float(sum(lf[c] for c in cols))
        top = sum(cols)
        caps = np.tile(np.asarray(self.cols, dtype=np.int64), (top + 1, 1))
        values = np.arange(top + 1)
        self.row_best = -lf[_spread(caps, values)].sum(axis=1)
        self.row_worst = -lf[_pile(caps, values)].sum(axis=1)

    def bounds(self, children: Int2D) -> tuple[Float1D, Float1D, Float1D]:
        """(best, worst, log total) of the completions of each node (rows, ascending)."""
        lf = self.lf
        best_rows = self.const + self.row_best[children].sum(axis=1)
        worst_rows = self.const + self.row_worst[children].sum(axis=1)
        best_cols = np.full(len(children), self.const)
        worst_cols = np.full(len(children), self.const)
        for c in self.cols:
            best_cols -= lf[_spread(children, c)].sum(axis=1)
            worst_cols -= lf[_pile(children, c)].sum(axis=1)
        total = lf[children.sum(axis=1)] - lf[children].sum(axis=1)
        return np.minimum(best_rows, best_cols), np.maximum(worst_rows, worst_cols), total


class _Network:
    def __init__(self, table: Int2D) -> None:
        n = int(table.sum())
        self.lf = gammaln(np.arange(n + 1) + 1.0)
        cols = table.sum(axis=0)
        self.cols = [int(c) for c in sorted(cols, reverse=True)]
        observed = float(self.lf[cols].sum() - self.lf[table].sum())
        self.threshold = observed + math.log1p(REL_ERR)
        self.const = float(self.lf[table.sum(axis=1)].sum() - self.lf[n])
        self.rows = tuple(sorted(int(r) for r in table.sum(axis=1)))
        self.mass: list[float] = []
        self.work = 0

    @staticmethod
    def encode(rows: Int2D) -> NDArray[np.int64]:
        return _encode(rows)

    def add(self, log_mass: Float1D) -> None:
        if log_mass.size:
            top = float(log_mass.max())
            self.mass.append(top + math.log(float(np.exp(log_mass - top).sum())))

    def pvalue(self) -> float:
        return float(min(1.0, math.exp(float(logsumexp(self.mass))))) if self.mass else 0.0


def _unique_pairs(major: NDArray[np.int64], minor: NDArray[np.int64]) -> tuple[NDArray[np.int64], ...]:
    """Like np.unique over (major, minor) pairs: (index of first of each, inverse, counts)."""
    order = np.lexsort((minor, major))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (major[order][1:] != major[order][:-1]) | (minor[order][1:] != minor[order][:-1])
    group_sorted = np.cumsum(new) - 1
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = group_sorted
    return order[new], inverse, np.bincount(group_sorted)


def _arcs(net: _Network, node: tuple[int, ...], total: int) -> tuple[Int2D, Float1D, Float1D]:
    """Distinct (child node, arc log-weight) pairs out of ``node`` with their log multiplicity."""
    comps = _compositions(node, total)
    weights = net.lf[total] - net.lf[comps].sum(axis=1)
    children = np.sort(np.asarray(node, dtype=np.int64) - comps, axis=1)
    first, _, counts = _unique_pairs(net.encode(children), np.round(weights / _QUANTUM).astype(np.int64))
    return children[first], weights[first], np.log(counts.astype(float))


def _expand(net: _Network, stage: _Stage, node: tuple[int, ...], states: tuple, total: int) -> tuple | None:
    """Settle or carry forward every (past, arc) combination leaving ``node``."""
    past, log_w = states
    net.work += len(past) * _count_compositions(node, total)
    if net.work > MAX_WORK:
        return None
    children, weights, multiplicity = _arcs(net, node, total)
    best, worst, log_total = stage.bounds(children)
    combined = past[:, None] + weights[None, :]
    carried_w = log_w[:, None] + multiplicity[None, :]
    settled = combined + best[None, :] <= net.threshold
    net.add((carried_w + combined + log_total[None, :])[settled] + net.const)
    open_ = ~settled & (combined + worst[None, :] <= net.threshold)
    state_idx, arc_idx = np.nonzero(open_)
    return children[arc_idx], combined[open_], carried_w[open_]


def _merge(children: Int2D, past: Float1D, log_w: Float1D) -> dict[tuple[int, ...], tuple[Float1D, Float1D]]:
    """Group carried paths by node and merge equal pasts (to 1e-9)."""
    codes = _encode(children)
    first, inverse, _ = _unique_pairs(codes, np.round(past / _QUANTUM).astype(np.int64))
    top = np.full(len(first), -np.inf)
    np.maximum.at(top, inverse, log_w)
    weight = np.bincount(inverse, weights=np.exp(log_w - top[inverse]), minlength=len(first))
    merged_w, merged_past, merged_codes = top + np.log(weight), past[first], codes[first]
    order = np.argsort(merged_codes, kind="stable")
    starts = np.flatnonzero(np.concatenate(([True], merged_codes[order][1:] != merged_codes[order][:-1])))
    stops = np.concatenate((starts[1:], [len(order)]))
    nodes: dict[tuple[int, ...], tuple[Float1D, Float1D]] = {}
    for a, b in zip(starts, stops, strict=True):
        mine = order[a:b]
        nodes[tuple(int(v) for v in children[first[mine[0]]])] = (merged_past[mine], merged_w[mine])
    return nodes


def network_pvalue(table: Int2D) -> float | None:
    """Exact p-value of an r x c table (no empty margins), or None if the network is too large."""
    net = _Network(np.asarray(table, dtype=np.int64))
    nodes = {net.rows: (np.zeros(1), np.zeros(1))}
    for k in range(len(net.cols) - 1):
        stage = _Stage(net.lf, net.cols[k + 1 :])
        carried = []
        for node, states in nodes.items():
            out = _expand(net, stage, node, states, net.cols[k])
            if out is None:
                return None
            carried.append(out)
        if not carried or sum(len(c[1]) for c in carried) == 0:
            break
        if sum(len(c[1]) for c in carried) > MAX_STATES:
            return None
        nodes = _merge(*(np.concatenate([c[i] for c in carried]) for i in range(3)))
    return net.pvalue()
