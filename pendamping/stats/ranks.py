"""Rank tests with R's ``wilcox.test`` defaults: Wilcoxon signed-rank (paired) and Mann–Whitney.

Both follow R's ``wilcox.test`` defaults as R has had them for decades (R source
``src/library/stats/R/wilcox.test.R``; Hollander & Wolfe, *Nonparametric Statistical Methods*,
1973); recent R-devel sources compute exact conditional p-values with ties instead, which is not
what is reproduced here:

- paired: d = before - after; zero differences are dropped (Wilcoxon's convention); V is the
  sum of the ranks of |d| over the positive d. The p-value is exact (the signed-rank
  distribution) when fewer than 50 differences remain and there are no ties and no zeros;
  otherwise the normal approximation with continuity correction and tie correction is used.
- two samples: W = (sum of the ranks of x) - n_x (n_x + 1) / 2, i.e. the number of pairs with
  x above y (ties count 1/2). Exact (the Mann–Whitney distribution) when both samples have
  fewer than 50 values and there are no ties; otherwise normal with continuity and tie
  correction.

Missing values are dropped (whole pairs in the paired test), with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from pendamping.stats.result import NotTestable, TestResult
from pendamping.stats.tables import as_sample, paired_differences

__all__ = ["mann_whitney", "wilcoxon_signed_rank"]

EXACT_LIMIT = 50
_SIDES = {"two-sided": "two-sided", "two.sided": "two-sided", "less": "less", "greater": "greater"}


def _side(alternative: str) -> str:
    if alternative not in _SIDES:
        raise ValueError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")
    return _SIDES[alternative]


def _signrank_counts(n: int) -> NDArray[np.float64]:
    """Number of subsets of {1..n} with each possible sum 0..n(n+1)/2."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for e in range(1, n + 1):
        shifted = counts[:-e].copy()
        counts[e:] += shifted
    return counts


def _ranksum_counts(m: int, n: int) -> NDArray[np.float64]:
    """Number of ways the Mann–Whitney U takes each value 0..m n (m-subsets of 1..m+n)."""
    top = m * (m + 1) // 2 + m * n
    dp = np.zeros((m + 1, top + 1))
    dp[0, 0] = 1.0
    for element in range(1, m + n + 1):
        for size in range(min(element, m), 0, -1):
            dp[size, element:] += dp[size - 1, : top + 1 - element]
    low = m * (m + 1) // 2
    return dp[m, low : low + m * n + 1]


def _exact_pvalue(counts: NDArray[np.float64], q: float, center: float, side: str) -> float:
    """R's two-sided rule: double the smaller tail at q (upper tail from q - 1)."""
    total = counts.sum()
    cdf = np.cumsum(counts) / total  # P(X <= k)
    sf = np.cumsum(counts[::-1])[::-1] / total  # P(X >= k), summed from the small end

    def lower(v: float) -> float:
        return float(cdf[min(int(v), len(cdf) - 1)]) if v >= 0 else 0.0

    def upper(v: float) -> float:  # P(X > v) = P(X >= v + 1) for integer v >= -1
        k = int(v) + 1
        return float(sf[k]) if k < len(sf) else 0.0

    if side == "less":
        return lower(q)
    if side == "greater":
        return upper(q - 1)
    p = upper(q - 1) if q > center else lower(q)
    return min(1.0, 2.0 * p)


def _normal_pvalue(z: float, sigma: float, side: str) -> float:
    correction = {"two-sided": float(np.sign(z)) * 0.5, "greater": 0.5, "less": -0.5}[side]
    score = (z - correction) / sigma
    if side == "less":
        return float(stats.norm.cdf(score))
    if side == "greater":
        return float(stats.norm.sf(score))
    return float(min(1.0, 2.0 * min(stats.norm.cdf(score), stats.norm.sf(score))))


def _tie_sum(ranks: NDArray[np.float64]) -> float:
    _, counts = np.unique(ranks, return_counts=True)
    return float((counts.astype(float) ** 3 - counts).sum())


def wilcoxon_signed_rank(
    before: Sequence[float | None], after: Sequence[float | None], *, alternative: str = "two-sided"
) -> TestResult:
    """Wilcoxon signed-rank test of d = before - after, as R's ``wilcox.test(before, after, paired = TRUE)``.

    Reports V (sum of ranks of positive differences). With every pair unchanged the p-value is 1
    with a "no change" warning.
    """
    side = _side(alternative)
    diff, warnings = paired_differences(before, after)
    if len(diff) == 0:
        raise NotTestable("no data: no complete pairs; not testable")
    nonzero = diff[diff != 0]
    zeros = len(diff) - len(nonzero)
    n = len(nonzero)
    estimate = {"n": n, "zeros": zeros, "positive": int((diff > 0).sum()), "negative": int((diff < 0).sum())}
    if n == 0:
        warnings += ("no change: every pair has the same value before and after, so there is nothing to test",)
        return TestResult(0.0, None, 1.0, "Wilcoxon signed rank test", warnings, estimate)
    ranks = stats.rankdata(np.abs(nonzero))
    v = float(ranks[nonzero > 0].sum())
    ties = len(np.unique(ranks)) != n
    if n < EXACT_LIMIT and not ties and zeros == 0:
        pvalue = _exact_pvalue(_signrank_counts(n), v, n * (n + 1) / 4, side)
        return TestResult(v, None, pvalue, "Wilcoxon signed rank exact test", warnings, estimate)
    sigma = float(np.sqrt(n * (n + 1) * (2 * n + 1) / 24 - _tie_sum(ranks) / 48))
    pvalue = _normal_pvalue(v - n * (n + 1) / 4, sigma, side)
    if zeros or ties:
        warnings += (
            f"exact p-value not available with {'zero differences' if zeros else 'ties'}; "
            "normal approximation with continuity correction used",
        )
    return TestResult(v, None, pvalue, "Wilcoxon signed rank test with continuity correction", warnings, estimate)


def mann_whitney(x: Sequence[float | None], y: Sequence[float | None], *, alternative: str = "two-sided") -> TestResult:
    """Wilcoxon rank-sum (Mann–Whitney) test, as R's ``wilcox.test(x, y)``; reports W.

    ``alternative="greater"`` means x tends to be larger than y.
    """
    side = _side(alternative)
    xs, ys = as_sample(x, what="x"), as_sample(y, what="y")
    dropped = int(np.isnan(xs).sum() + np.isnan(ys).sum())
    xs, ys = xs[~np.isnan(xs)], ys[~np.isnan(ys)]
    warnings: tuple[str, ...] = (f"{dropped} missing value(s) were left out.",) if dropped else ()
    if len(xs) == 0 or len(ys) == 0:
        raise NotTestable("no data: one of the groups has no values; not testable")
    nx, ny = len(xs), len(ys)
    ranks = stats.rankdata(np.concatenate((xs, ys)))
    w = float(ranks[:nx].sum() - nx * (nx + 1) / 2)
    ties = len(np.unique(ranks)) != nx + ny
    estimate = {"n_x": nx, "n_y": ny, "probability_x_above_y": w / (nx * ny)}
    if nx < EXACT_LIMIT and ny < EXACT_LIMIT and not ties:
        pvalue = _exact_pvalue(_ranksum_counts(nx, ny), w, nx * ny / 2, side)
        return TestResult(w, None, pvalue, "Wilcoxon rank sum exact test", warnings, estimate)
    total = nx + ny
    sigma_sq = (nx * ny / 12) * ((total + 1) - _tie_sum(ranks) / (total * (total - 1)))
    if sigma_sq <= 0:
        raise NotTestable("no variation: every value is the same in both groups; not testable")
    pvalue = _normal_pvalue(w - nx * ny / 2, float(np.sqrt(sigma_sq)), side)
    if ties and nx < EXACT_LIMIT and ny < EXACT_LIMIT:
        warnings += ("exact p-value not available with ties; normal approximation with continuity correction used",)
    return TestResult(w, None, pvalue, "Wilcoxon rank sum test with continuity correction", warnings, estimate)
