"""Exact Fisher–Freeman–Halton p-value for a 2 x c table, fast enough for large counts.

Given the margins, a 2 x c table is fixed by its first row x = (x_1, ..., x_c) and
P(x) = prod_j C(c_j, x_j) / C(n, r_1) (multivariate hypergeometric). The p-value is the sum of
P(x) over all x with P(x) <= P(observed) * (1 + 1e-7), as in R's ``fisher.test``.

The sum is organised as a network (Mehta & Patel 1983, "A network algorithm for performing
Fisher's exact test in r x c contingency tables", JASA 78, 427-434): columns are processed one
at a time and a partial table (a "path") is abandoned as soon as its fate is known:

- *all in*: even the most probable completion is no more probable than the observed table; the
  whole sub-network is added in closed form, because the completions' total weight is a
  Vandermonde sum, i.e. a hypergeometric tail probability;
- *all out*: the path alone is already more probable than the observed table (every
  completion factor is >= 1), so nothing below it counts.

The longest path of the remaining columns is computed exactly: log C(c_j, x) is concave in x,
so the best allocation of m units takes the m largest increments (a greedy merge). The last two
columns are summed analytically: for a fixed path the remaining cell follows a hypergeometric
distribution, and the counted tables are those whose probability is below a threshold. The work
grows with the number of undecided paths; beyond ``MAX_STATES`` of them (or ``MAX_SCAN`` cells
to scan in one column) the caller falls back to a seeded Monte Carlo estimate.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, logsumexp

__all__ = ["MAX_STATES", "two_row_pvalue"]

MAX_STATES = 4_000_000  # undecided partial tables allowed at any stage before giving up
MAX_SCAN = 100_000_000  # cells of the next column scanned in one stage, summed over partial sums
REL_ERR = 1e-7
_QUANTUM = 1e-9  # paths whose log-probabilities agree to this are merged


def _log_choose(n: NDArray[np.float64] | float, k: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0), dtype=float)


def _longest_paths(col_totals: list[int], limit: int) -> NDArray[np.float64]:
    """max sum_j log C(c_j, x_j) over sum_j x_j = m, for m = 0..limit (greedy: concave terms)."""
    slopes = [np.log((c - np.arange(c)) / (np.arange(c) + 1.0)) for c in col_totals]
    merged = np.sort(np.concatenate(slopes))[::-1] if slopes else np.zeros(0)
    best = np.concatenate(([0.0], np.cumsum(merged)))
    return best[: limit + 1]


def _ranges_to_indices(starts: NDArray[np.int64], stops: NDArray[np.int64]) -> tuple[NDArray[np.int64], ...]:
    """For ranges [start, stop), return (owner of each element, element value)."""
    lengths = np.maximum(stops - starts, 0)
    owner = np.repeat(np.arange(len(starts)), lengths)
    offsets = np.cumsum(lengths) - lengths
    values = np.arange(int(lengths.sum())) - np.repeat(offsets, lengths) + np.repeat(starts, lengths)
    return owner, values


def _superlevel(values: NDArray[np.float64], peak: int, level: NDArray[np.float64]) -> tuple[NDArray[np.int64], ...]:
    """For a unimodal (concave) sequence, the index range [a, b) where values > level."""
    left = np.searchsorted(values[: peak + 1], level, side="right")
    right_count = np.searchsorted(-values[peak:], -level, side="left")
    stop = peak + right_count
    return left.astype(np.int64), np.maximum(stop, left).astype(np.int64)


class _TwoRowNetwork:
    """State of the computation: ordered column totals, threshold and accumulated tail mass."""

    def __init__(self, first_row: NDArray[np.int64], col_totals: NDArray[np.int64]) -> None:
        order = np.argsort(col_totals, kind="stable")
        self.cols = [int(c) for c in col_totals[order]]
        self.x_obs = first_row[order]
        self.r1 = int(first_row.sum())
        n = sum(self.cols)
        self.log_norm = float(_log_choose(float(n), np.array(float(self.r1))))
        cols_f = np.asarray(self.cols, dtype=float)
        observed = float(_log_choose(cols_f, self.x_obs.astype(float)).sum())
        self.threshold = observed + math.log1p(REL_ERR)
        self.contributions: list[float] = []

    def suffix(self, k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Longest path and log total weight of columns k.. for every remaining sum m."""
        rest = self.cols[k:]
        limit = min(self.r1, sum(rest))
        longest = _longest_paths(rest, limit)
        total = _log_choose(float(sum(rest)), np.arange(limit + 1, dtype=float))
        return longest, total

    def add(self, log_mass: NDArray[np.float64]) -> None:
        """Add sum(exp(log_mass)) to the tail mass, kept as (max, scaled sum) to avoid underflow."""
        if log_mass.size == 0:
            return
        top = float(log_mass.max())
        if top == -math.inf:
            return
        self.contributions.append(top + math.log(float(np.exp(log_mass - top).sum())))

    def pvalue(self) -> float:
        if not self.contributions:
            return 0.0
        return float(min(1.0, math.exp(float(logsumexp(self.contributions)))))


class _Budget:
    """Counts the undecided paths of one stage and says when there are too many."""

    def __init__(self) -> None:
        self.used = 0

    def take(self, count: int) -> bool:
        self.used += count
        return self.used <= MAX_STATES


def _expand_group(net: _TwoRowNetwork, k: int, s: int, states: tuple, suffix: tuple, budget: _Budget) -> tuple | None:
    """Children in column k of all paths with partial sum ``s``; settles the decided ones."""
    past, log_w = states
    longest, total = suffix
    m = net.r1 - s
    xs = np.arange(max(0, m - (len(longest) - 1)), min(net.cols[k], m) + 1)
    step = _log_choose(float(net.cols[k]), xs.astype(float))
    best = step + longest[m - xs]
    room = net.threshold - past
    order = np.argsort(best, kind="stable")
    cum = np.logaddexp.accumulate((step + total[m - xs])[order])
    n_in = np.searchsorted(best[order], room, side="right")
    settled = np.where(n_in > 0, cum[np.maximum(n_in - 1, 0)], -np.inf)
    net.add(log_w + past + settled - net.log_norm)
    a, b = _superlevel(best, int(np.argmax(best)), room)
    a_out, b_out = _superlevel(step, int(np.argmax(step)), room)
    keep = b_out > a_out
    a_out, b_out = np.where(keep, a_out, b), np.where(keep, b_out, b)
    if not budget.take(int((a_out - a).sum() + (b - b_out).sum())):
        return None
    owner1, idx1 = _ranges_to_indices(a, a_out)
    owner2, idx2 = _ranges_to_indices(b_out, b)
    owner, idx = np.concatenate((owner1, owner2)), np.concatenate((idx1, idx2))
    return s + xs[idx], past[owner] + step[idx], log_w[owner]


def _merge(s: NDArray[np.int64], past: NDArray[np.float64], log_w: NDArray[np.float64]) -> tuple:
    """Merge paths with the same partial sum and (to 1e-9) the same log-probability."""
    key = np.round(past / _QUANTUM).astype(np.int64)
    order = np.lexsort((key, s))
    s, past, log_w, key = s[order], past[order], log_w[order], key[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (key[1:] != key[:-1])
    group = np.cumsum(first) - 1
    return s[first], past[first], np.log(np.bincount(group, weights=np.exp(log_w)))


def _groups(s: NDArray[np.int64]) -> tuple[NDArray[np.int64], list[tuple[int, slice]]]:
    """Sort order of ``s`` and the (value, slice) of each run of equal values in that order."""
    small = s.astype(np.int16) if len(s) and s.max() < 32767 else s
    order = np.argsort(small, kind="stable")  # radix sort for 16-bit keys
    ordered = s[order]
    if len(ordered) == 0:
        return order, []
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    stops = np.concatenate((starts[1:], [len(ordered)]))
    return order, [(int(ordered[a]), slice(int(a), int(b))) for a, b in zip(starts, stops, strict=True)]


def _scan_size(groups: list[tuple[int, slice]], r1: int, col: int, rest: int) -> int:
    """Number of values the next column can take, summed over the distinct partial sums."""
    m = r1 - np.asarray([value for value, _ in groups], dtype=np.int64)
    return int((np.minimum(col, m) - np.maximum(0, m - rest) + 1).clip(min=0).sum())


def _level(net: _TwoRowNetwork, k: int, states: tuple) -> tuple | None:
    order, groups = _groups(states[0])
    if _scan_size(groups, net.r1, net.cols[k], sum(net.cols[k + 1 :])) > MAX_SCAN:
        return None
    past, log_w = states[1][order], states[2][order]
    suffix = net.suffix(k + 1)
    budget = _Budget()
    children = []
    for value, sl in groups:
        child = _expand_group(net, k, value, (past[sl], log_w[sl]), suffix, budget)
        if child is None:
            return None
        children.append(child)
    if not children:
        return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    new = tuple(np.concatenate([c[i] for c in children]) for i in range(3))
    if len(set(net.cols[: k + 1])) < k + 1 and len(new[0]):
        return _merge(*new)
    return new


def _last_two(net: _TwoRowNetwork, states: tuple) -> None:
    order, groups = _groups(states[0])
    past, log_w = states[1][order], states[2][order]
    col_a, col_b = net.cols[-2], net.cols[-1]
    for value, sl in groups:
        m = net.r1 - value
        xs = np.arange(max(0, m - col_b), min(col_a, m) + 1, dtype=float)
        log_p = np.sort(_log_choose(float(col_a), xs) + _log_choose(float(col_b), m - xs))
        cum = np.logaddexp.accumulate(log_p)
        n_in = np.searchsorted(log_p, net.threshold - past[sl], side="right")
        tail = np.where(n_in > 0, cum[np.maximum(n_in - 1, 0)], -np.inf)
        net.add(log_w[sl] + past[sl] + tail - net.log_norm)


def two_row_pvalue(table: NDArray[np.int64]) -> float | None:
    """Exact p-value for a 2 x c table (c >= 2, no empty margins), or None if too large."""
    rows = table.sum(axis=1)
    first = table[int(np.argmin(rows))]
    net = _TwoRowNetwork(first.astype(np.int64), table.sum(axis=0).astype(np.int64))
    states: tuple = (np.zeros(1, dtype=np.int64), np.zeros(1), np.zeros(1))
    for k in range(len(net.cols) - 2):
        expanded = _level(net, k, states)
        if expanded is None:
            return None
        states = expanded
        if len(states[0]) == 0:
            return net.pvalue()
    if _scan_size(_groups(states[0])[1], net.r1, net.cols[-2], net.cols[-1]) > MAX_SCAN:
        return None
    _last_two(net, states)
    return net.pvalue()
