"""Fisher's exact test: 2 x 2 with the conditional odds ratio, and r x c (Fisher–Freeman–Halton).

2 x 2 follows R's ``fisher.test`` line by line (R source ``src/library/stats/R/fisher.test.R``;
Agresti, *Categorical Data Analysis*, 2002, §3.5): the table's first cell has a (non-central)
hypergeometric distribution given the margins; the two-sided p-value sums the probabilities of
all tables no more probable than the observed one, with R's relative tolerance 1e-7; the
estimate is the conditional maximum-likelihood odds ratio and the confidence interval is the
exact conditional (Cornfield) interval.

r x c tables use the Fisher–Freeman–Halton test (Freeman & Halton 1951), with the same
two-sided rule and tolerance, computed exactly and deterministically by a network algorithm
(Mehta & Patel 1983): :mod:`pendamping.stats.twobyc` for 2 x c (any counts, e.g. 10,000 per
arm), :mod:`pendamping.stats.network` for larger tables. For 2 x 2 the conditional MLE and its
interval use R's root finder and tolerance (``uniroot``), so they equal R's printed output.

Exact limits ("documented size"). The exact p-value is computed when the network stays within
  - 2 x c: at most ``twobyc.MAX_STATES`` = 4,000,000 undecided partial tables at any column
    (and ``twobyc.MAX_SCAN`` = 100,000,000 cells scanned in one column);
  - r x c (r, c >= 3): at most ``network.MAX_WORK`` = 20,000,000 arc evaluations and
    ``network.MAX_STATES`` = 300,000 undecided (node, past) pairs per column.
These are checked before the work is done, so the decision is fast and the same on every
machine. Beyond them the p-value is a Monte Carlo estimate from ``montecarlo.MC_SAMPLES`` =
100,000 random tables with seed ``montecarlo.MC_SEED`` = 20240601, said in ``method`` and in a
warning (:mod:`pendamping.stats.montecarlo`). In practice: 2 x 5 tables with 10,000 per arm
are exact unless the association is strong (then the p-value is far below any threshold), and
most r x c tables with n <= 100 and r, c <= 4 are exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from pendamping.stats.montecarlo import monte_carlo_pvalue
from pendamping.stats.network import network_pvalue
from pendamping.stats.result import TestResult
from pendamping.stats.tables import independence_table
from pendamping.stats.twobyc import two_row_pvalue

__all__ = ["fisher_exact"]

REL_ERR = 1e-7  # R's fuzz: tables with d <= d_obs * (1 + 1e-7) count as "as or more extreme"
EPS = float(np.finfo(float).eps)
ALTERNATIVES = {"two-sided": "two-sided", "two.sided": "two-sided", "less": "less", "greater": "greater"}


class _NonCentralHyper:
    """The distribution of the first cell of a 2 x 2 table given its margins (R's dnhyper)."""

    def __init__(self, table: NDArray[np.int64]) -> None:
        self.m = int(table[:, 0].sum())
        self.n = int(table[:, 1].sum())
        self.k = int(table[0, :].sum())
        self.x = int(table[0, 0])
        self.lo = max(0, self.k - self.n)
        self.hi = min(self.k, self.m)
        self.support = np.arange(self.lo, self.hi + 1)
        self.logdc = stats.hypergeom.logpmf(self.support, self.m + self.n, self.m, self.k)

    def density(self, ncp: float) -> NDArray[np.float64]:
        d = self.logdc + math.log(ncp) * self.support
        d = np.exp(d - d.max())
        return d / d.sum()

    def cdf(self, q: int, ncp: float, upper: bool = False) -> float:
        """P(X <= q), or P(X >= q) when ``upper``, under odds ratio ``ncp``."""
        if ncp == 0.0:
            return float(q <= self.lo) if upper else float(q >= self.lo)
        if math.isinf(ncp):
            return float(q <= self.hi) if upper else float(q >= self.hi)
        d = self.density(ncp)
        return float(d[self.support >= q].sum() if upper else d[self.support <= q].sum())

    def mean(self, ncp: float) -> float:
        if ncp == 0.0:
            return float(self.lo)
        if math.isinf(ncp):
            return float(self.hi)
        return float((self.support * self.density(ncp)).sum())


def _zeroin(f: Callable[[float], float], a: float, b: float) -> float:
    """R's ``uniroot`` (Brent's zeroin, R's ``R_zeroin2``) with R's default tol = eps^0.25.

    Reproduced step by step so that estimates and confidence limits equal R's printed values;
    the tolerance (about 1.2e-4 on the search scale) is R's, not the best achievable.
    """
    tol, fa, fb = EPS**0.25, f(a), f(b)
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(1001):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            new_step = _interpolate(a, b, c, fa, fb, fc, prev_step, tol_act, new_step)
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b


def _interpolate(
    a: float, b: float, c: float, fa: float, fb: float, fc: float, prev_step: float, tol_act: float, bisect: float
) -> float:
    """The secant / inverse quadratic step of zeroin, or ``bisect`` if it is not acceptable."""
    cb = c - b
    if a == c:
        t1 = fb / fa
        p, q = cb * t1, 1.0 - t1
    else:
        q, t1, t2 = fa / fc, fb / fc, fb / fa
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
    if p > 0:
        q = -q
    else:
        p = -p
    if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
        return p / q
    return bisect


def _solve(f: Callable[[float], float], target: float, below_one: bool) -> float:
    """R's pattern: root of f(t) = target in (0, 1), or 1/root of f(1/t) = target in (eps, 1)."""
    if below_one:
        return _zeroin(lambda t: f(t) - target, 0.0, 1.0)
    return 1.0 / _zeroin(lambda t: f(1.0 / t) - target, EPS, 1.0)


def _conditional_mle(h: _NonCentralHyper) -> float:
    if h.x == h.lo:
        return 0.0
    if h.x == h.hi:
        return math.inf
    mu = h.mean(1.0)
    if mu == h.x:
        return 1.0
    return _solve(h.mean, float(h.x), below_one=mu > h.x)


def _upper_limit(h: _NonCentralHyper, alpha: float) -> float:
    if h.x == h.hi:
        return math.inf
    p = h.cdf(h.x, 1.0)
    if p == alpha:
        return 1.0
    return _solve(lambda t: h.cdf(h.x, t), alpha, below_one=p < alpha)


def _lower_limit(h: _NonCentralHyper, alpha: float) -> float:
    if h.x == h.lo:
        return 0.0
    p = h.cdf(h.x, 1.0, upper=True)
    if p == alpha:
        return 1.0
    return _solve(lambda t: h.cdf(h.x, t, upper=True), alpha, below_one=p > alpha)


def _pvalue_2x2(h: _NonCentralHyper, alternative: str) -> float:
    if alternative == "less":
        return h.cdf(h.x, 1.0)
    if alternative == "greater":
        return h.cdf(h.x, 1.0, upper=True)
    d = h.density(1.0)
    observed = d[h.x - h.lo]
    return float(min(1.0, d[d <= observed * (1.0 + REL_ERR)].sum()))


def _sample_odds_ratio(table: NDArray[np.int64]) -> float:
    """ad / bc: infinite when only bc is 0, undefined (NaN) when both are."""
    a, b, c, d = (int(v) for v in table.ravel())
    if b * c:
        return a * d / (b * c)
    return math.inf if a * d else math.nan


def _fisher_2x2(table: NDArray[np.int64], alternative: str, conf_level: float) -> TestResult:
    h = _NonCentralHyper(table)
    if alternative == "less":
        ci = (0.0, _upper_limit(h, 1.0 - conf_level))
    elif alternative == "greater":
        ci = (_lower_limit(h, 1.0 - conf_level), math.inf)
    else:
        alpha = (1.0 - conf_level) / 2.0
        ci = (_lower_limit(h, alpha), _upper_limit(h, alpha))
    return TestResult(
        statistic=None,
        df=None,
        pvalue=_pvalue_2x2(h, alternative),
        method="Fisher's exact test (2 x 2)" + ("" if alternative == "two-sided" else f", alternative {alternative}"),
        estimate={
            "odds_ratio": _conditional_mle(h),
            "ci": ci,
            "conf_level": conf_level,
            "odds_ratio_kind": "conditional maximum likelihood",
            "sample_odds_ratio": _sample_odds_ratio(table),
        },
    )


def _fisher_rxc(table: NDArray[np.int64]) -> TestResult:
    rows, cols = table.shape
    oriented = table if rows <= cols else table.T
    pvalue = two_row_pvalue(oriented) if oriented.shape[0] == 2 else network_pvalue(oriented)
    if pvalue is not None:
        method = f"Fisher-Freeman-Halton exact test ({rows} x {cols})"
        return TestResult(statistic=None, df=None, pvalue=pvalue, method=method, estimate={"n": int(table.sum())})
    mc = monte_carlo_pvalue(table)
    bound = f" None of them was as extreme as the observed table, so p < {mc.pvalue:.1g}." if mc.hits == 0 else ""
    return TestResult(
        statistic=None,
        df=None,
        pvalue=mc.pvalue,
        method=(
            f"Fisher-Freeman-Halton test ({rows} x {cols}), Monte Carlo p-value "
            f"({mc.samples:,} random tables, seed {mc.seed})"
        ),
        warnings=(
            "The table is too large for the exact calculation; the p-value was estimated from "
            f"{mc.samples:,} random tables with the same margins (seed {mc.seed}); its standard error is "
            f"about {mc.standard_error:.1g}.{bound}",
        ),
        estimate={"n": int(table.sum()), "monte_carlo_samples": mc.samples, "seed": mc.seed},
    )


def fisher_exact(table: Any, *, alternative: str = "two-sided", conf_level: float = 0.95) -> TestResult:
    """Fisher's exact test for a 2 x 2 table, Fisher–Freeman–Halton for r x c; as R's ``fisher.test``.

    ``alternative`` ("two-sided", "less", "greater") applies to 2 x 2 tables only; a one-sided
    alternative is about the odds ratio being below/above 1. For 2 x 2 the estimate holds the
    conditional MLE odds ratio (``inf`` under perfect separation) and its exact ``ci``.
    """
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")
    if not 0.0 < conf_level < 1.0:
        raise ValueError(f"conf_level must be between 0 and 1, got {conf_level!r}")
    side = ALTERNATIVES[alternative]
    arr = independence_table(table)
    if arr.shape == (2, 2):
        return _fisher_2x2(arr, side, conf_level)
    if side != "two-sided":
        raise ValueError("a one-sided alternative is defined for 2 x 2 tables only")
    return _fisher_rxc(arr)
