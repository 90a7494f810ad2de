"""Exact Fisher–Freeman–Halton p-value for r x c tables (r, c >= 3) by a network algorithm.

With margins fixed, a table has probability P = prod_i r_i! prod_j c_j! / (n! prod_ij a_ij!).
The p-value is the sum of P over all tables with P <= P(observed) * (1 + 1e-7), the rule and
tolerance of R's ``fisher.test``. Following Mehta & Patel (1983, JASA 78, 427-434; 1986, ACM
TOMS 12, 154-161) the tables are built column by column; a node is the multiset of row totals
still to fill (the future does not depend on their order), a path's "past" is the log of
prod_j c_j! / prod_i a_ij! over the columns placed so far. At every node

- the total weight of all completions is known in closed form, m! / prod_i rho_i!;
- the most and the least probable completion are bounded: relaxing either the row or the column
  constraints gives separable problems solved greedily (spreading a total as evenly as the caps
  allow minimises sum log a!, piling it into the largest caps maximises it); with two columns
  left the most probable completion is found exactly (greedy on concave log-binomials).

A path whose best completion is no more probable than the observed table is added whole ("all
in"); one whose worst completion is still more probable is dropped ("all out"); only the rest is
expanded. Paths reaching the same node with the same past (to 1e-9 in log scale) are merged, and
column splits that only permute equal row totals are enumerated once with their multiplicity.

The size of the network is checked before each stage is built: if the work (arcs examined,
weighted by the paths that use them) would exceed ``MAX_WORK``, or more than ``MAX_STATES``
undecided paths would be carried, the function returns None and the caller falls back to a
seeded Monte Carlo estimate. The limits are deterministic, so the same table always gets the
same kind of answer.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, logsumexp

__all__ = ["MAX_STATES", "MAX_WORK", "network_pvalue"]

MAX_STATES = 300_000  # undecided (node, past) pairs carried from one stage to the next
MAX_WORK = 20_000_000  # arcs examined, each weighted by (ARC_COST + paths leaving its node)
ARC_COST = 8
REL_ERR = 1e-7
_QUANTUM = 1e-9

Int2D = NDArray[np.int64]
Float1D = NDArray[np.float64]


def _compositions(caps: tuple[int, ...], total: int) -> tuple[Int2D, Float1D]:
    """Vectors a, 0 <= a_i <= caps_i, sum(a) = total, listed once per permutation of equal caps.

    Returns the vectors (non-increasing within each run of equal caps) and the log of how many
    vectors each one stands for.
    """
    parts = np.zeros((1, 0), dtype=np.int64)
    sofar = np.zeros(1, dtype=np.int64)
    rest = [sum(caps[i + 1 :]) for i in range(len(caps))]
    for i, cap in enumerate(caps):
        low = np.maximum(0, total - sofar - rest[i])
        high = np.minimum(cap, total - sofar)
        if i > 0 and caps[i - 1] == cap:
            high = np.minimum(high, parts[:, i - 1])
        counts = np.maximum(high - low + 1, 0)
        owner = np.repeat(np.arange(len(sofar)), counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        values = np.repeat(low, counts) + offsets
        parts = np.column_stack((parts[owner], values))
        sofar = sofar[owner] + values
    return parts, _log_multiplicity(caps, parts)


def _log_multiplicity(caps: tuple[int, ...], parts: Int2D) -> Float1D:
    """log of (size! / prod count_v!) summed over the runs of equal caps."""
    log_mult = np.zeros(len(parts))
    run = np.ones(len(parts))
    in_group = 1
    for i in range(1, len(caps)):
        if caps[i] == caps[i - 1]:
            in_group += 1
            run = np.where(parts[:, i] == parts[:, i - 1], run + 1, 1.0)
            log_mult += math.log(in_group) - np.log(run)
        else:
            in_group, run = 1, np.ones(len(parts))
    return log_mult


def _count_compositions(caps: tuple[int, ...], total: int) -> float:
    """Number of arcs _compositions lists (all vectors divided by the permutations of equal caps)."""
    ways = np.zeros(total + 1)
    ways[0] = 1.0
    for cap in caps:
        cum = np.cumsum(ways)
        shifted = np.concatenate((np.zeros(min(cap, total) + 1), cum[: total - min(cap, total)]))
        ways = cum - shifted
    _, sizes = np.unique(np.asarray(caps), return_counts=True)
    return float(ways[total]) / math.prod(math.factorial(int(s)) for s in sizes)


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


def _best_two_columns(lf: Float1D, rows: Int2D, first: int) -> Float1D:
    """Exact max of sum_i log C(rho_i, y_i) over sum y_i = first (greedy on concave terms)."""
    width = int(rows.max(initial=0))
    y = np.arange(width)
    with np.errstate(divide="ignore"):
        slopes = np.log(np.maximum(rows[:, :, None] - y, 0) / (y + 1.0))  # -inf beyond each row
    flat = np.sort(slopes.reshape(len(rows), -1), axis=1)[:, ::-1]
    taken = flat[:, :first].sum(axis=1) if first else np.zeros(len(rows))
    return np.asarray(taken, dtype=float)


class _Stage:
    """Bounds on the completions of any node once the columns before this stage are placed."""

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
        total = lf[children.sum(axis=1)] - lf[children].sum(axis=1)
        best = np.minimum(self.const + self.row_best[children].sum(axis=1), self._best_cols(children))
        worst = np.maximum(self.const + self.row_worst[children].sum(axis=1), self._worst_cols(children))
        if len(self.cols) == 2:
            exact = self.const - lf[children].sum(axis=1) + _best_two_columns(lf, children, self.cols[0])
            best = np.minimum(best, exact)
            worst = np.maximum(worst, self.const - lf[children].sum(axis=1))
        return best, worst, total

    def _best_cols(self, children: Int2D) -> Float1D:
        out = np.full(len(children), self.const)
        for c in self.cols:
            out -= self.lf[_spread(children, c)].sum(axis=1)
        return out

    def _worst_cols(self, children: Int2D) -> Float1D:
        out = np.full(len(children), self.const)
        for c in self.cols:
            out -= self.lf[_pile(children, c)].sum(axis=1)
        return out


class _Network:
    """The table's constants and the tail mass found so far."""

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
        self.work = 0.0

    def add(self, log_mass: Float1D) -> None:
        if log_mass.size:
            top = float(log_mass.max())
            self.mass.append(top + math.log(float(np.exp(log_mass - top).sum())))

    def pvalue(self) -> float:
        return float(min(1.0, math.exp(float(logsumexp(self.mass))))) if self.mass else 0.0


def _encode(rows: Int2D) -> NDArray[np.int64]:
    """One integer per row (rows of non-negative ints), equal iff the rows are equal."""
    base = int(rows.max(initial=0)) + 1
    if base ** rows.shape[1] < 2**62:
        return rows @ (base ** np.arange(rows.shape[1], dtype=np.int64))
    _, inverse = np.unique(rows, axis=0, return_inverse=True)
    return inverse.ravel().astype(np.int64)


def _unique_pairs(major: NDArray[np.int64], minor: NDArray[np.int64]) -> tuple[NDArray[np.int64], ...]:
    """Like np.unique over (major, minor) pairs: (index of first of each, inverse)."""
    order = np.lexsort((minor, major))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (major[order][1:] != major[order][:-1]) | (minor[order][1:] != minor[order][:-1])
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse


def _log_sum_by(inverse: NDArray[np.int64], log_values: Float1D, groups: int) -> Float1D:
    """log of the sum of exp(log_values) within each group."""
    top = np.full(groups, -np.inf)
    np.maximum.at(top, inverse, log_values)
    total = np.bincount(inverse, weights=np.exp(log_values - top[inverse]), minlength=groups)
    return np.asarray(top + np.log(total), dtype=float)


def _arcs(net: _Network, node: tuple[int, ...], total: int) -> tuple[Int2D, Float1D, Float1D]:
    """Distinct (child node, arc log-weight) pairs out of ``node`` with their log multiplicity."""
    comps, log_mult = _compositions(node, total)
    weights = net.lf[total] - net.lf[comps].sum(axis=1)
    children = np.sort(np.asarray(node, dtype=np.int64) - comps, axis=1)
    first, inverse = _unique_pairs(_encode(children), np.round(weights / _QUANTUM).astype(np.int64))
    return children[first], weights[first], _log_sum_by(inverse, log_mult, len(first))


def _expand(net: _Network, stage: _Stage, node: tuple[int, ...], states: tuple, total: int) -> tuple:
    """Settle or carry forward every (past, arc) combination leaving ``node``."""
    past, log_w = states
    children, weights, multiplicity = _arcs(net, node, total)
    best, worst, log_total = stage.bounds(children)
    combined = past[:, None] + weights[None, :]
    carried_w = log_w[:, None] + multiplicity[None, :]
    settled = combined + best[None, :] <= net.threshold
    net.add((carried_w + combined + log_total[None, :])[settled] + net.const)
    open_ = ~settled & (combined + worst[None, :] <= net.threshold)
    _, arc_idx = np.nonzero(open_)
    return children[arc_idx], combined[open_], carried_w[open_]


def _merge(children: Int2D, past: Float1D, log_w: Float1D) -> dict[tuple[int, ...], tuple[Float1D, Float1D]]:
    """Group carried paths by node and merge equal pasts (to 1e-9)."""
    codes = _encode(children)
    first, inverse = _unique_pairs(codes, np.round(past / _QUANTUM).astype(np.int64))
    merged_w, merged_past, merged_codes = _log_sum_by(inverse, log_w, len(first)), past[first], codes[first]
    order = np.argsort(merged_codes, kind="stable")
    starts = np.flatnonzero(np.concatenate(([True], merged_codes[order][1:] != merged_codes[order][:-1])))
    stops = np.concatenate((starts[1:], [len(order)]))
    nodes: dict[tuple[int, ...], tuple[Float1D, Float1D]] = {}
    for a, b in zip(starts, stops, strict=True):
        mine = order[a:b]
        nodes[tuple(int(v) for v in children[first[mine[0]]])] = (merged_past[mine], merged_w[mine])
    return nodes


def _stage_cost(nodes: dict[tuple[int, ...], tuple[Float1D, Float1D]], total: int) -> float:
    return sum(_count_compositions(node, total) * (ARC_COST + len(st[0])) for node, st in nodes.items())


def network_pvalue(table: Int2D) -> float | None:
    """Exact p-value of an r x c table (no empty margins), or None if the network is too large."""
    net = _Network(np.asarray(table, dtype=np.int64))
    nodes = {net.rows: (np.zeros(1), np.zeros(1))}
    for k in range(len(net.cols) - 1):
        net.work += _stage_cost(nodes, net.cols[k])
        if net.work > MAX_WORK:
            return None
        stage = _Stage(net.lf, net.cols[k + 1 :])
        carried = [_expand(net, stage, node, states, net.cols[k]) for node, states in nodes.items()]
        count = sum(len(c[1]) for c in carried)
        if count == 0:
            break
        if count > MAX_STATES:
            return None
        nodes = _merge(*(np.concatenate([c[i] for c in carried]) for i in range(3)))
    return net.pvalue()
