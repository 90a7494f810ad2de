"""Tests for paired categorical answers (the same people before and after).

- McNemar's test for a 2 x 2 table in the four versions compared by Fagerland, Lydersen & Laake
  (2013, "The McNemar test for binary matched-pairs data: mid-p and asymptotic are better than
  exact conditional", BMC Med. Res. Methodol. 13:91; and their 2017 book *Statistical Analysis
  of Contingency Tables*, ch. 8): "asymptotic" (b - c)²/(b + c); "corrected" with continuity
  correction, exactly as R's ``mcnemar.test`` (no correction when b = c); "exact" (conditional
  binomial, two-sided = 2 x the smaller tail, at most 1); "midp" (exact minus the point
  probability; 1 - P(b)/2 when b = c), which they recommend.
- Bowker's test of symmetry for k x k (Bowker 1948; Agresti 2002, §10.4.1), the statistic R's
  ``mcnemar.test`` computes for k > 2.
- The Stuart–Maxwell test of marginal homogeneity (Stuart 1955; Maxwell 1970; Agresti 2002,
  §10.3.1): d' V⁻¹ d with d the differences of the margins and V their null covariance.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from pendamping.stats.result import TestResult
from pendamping.stats.tables import paired_square_table

__all__ = ["bowker", "mcnemar", "stuart_maxwell"]

MCNEMAR_METHODS = ("asymptotic", "corrected", "exact", "midp")
NO_CHANGE = (
    "no change: nobody gave a different answer the second time (no discordant pairs), so there is nothing to test"
)


def _no_change(method: str, statistic: float | None, df: int | None, **estimate: Any) -> TestResult:
    return TestResult(statistic=statistic, df=df, pvalue=1.0, method=method, warnings=(NO_CHANGE,), estimate=estimate)


def _mcnemar_statistic(b: int, c: int, method: str) -> tuple[float | None, int | None, float]:
    n = b + c
    if method in ("asymptotic", "corrected"):
        diff = abs(b - c)
        if method == "corrected" and diff > 0:
            diff -= 1  # R: no correction when b == c, so the statistic is 0 and p = 1
        statistic = diff * diff / n
        return statistic, 1, float(stats.chi2.sf(statistic, 1))
    low = min(b, c)
    exact = min(1.0, 2.0 * float(stats.binom.cdf(low, n, 0.5)))
    if method == "exact":
        return None, None, exact
    if b == c:
        return None, None, 1.0 - 0.5 * float(stats.binom.pmf(b, n, 0.5))
    return None, None, exact - float(stats.binom.pmf(low, n, 0.5))


def mcnemar(table: Any, *, method: str = "midp") -> TestResult:
    """McNemar's test for a paired 2 x 2 table (rows: first answer, columns: second answer).

    ``method`` is "midp" (default, recommended by Fagerland et al. 2013), "exact",
    "asymptotic" or "corrected" (R's ``mcnemar.test`` default). With no discordant pairs the
    p-value is 1 with a "no change" warning, never 0. The estimate gives the discordant counts
    b (row 1 -> column 2) and c (row 2 -> column 1) and their ratio b / c.
    """
    if method not in MCNEMAR_METHODS:
        raise ValueError(f"method must be one of {', '.join(MCNEMAR_METHODS)}, got {method!r}")
    arr = paired_square_table(table)
    if arr.shape != (2, 2):
        raise ValueError("McNemar's test needs a 2 x 2 table; use bowker() or stuart_maxwell() for k x k")
    b, c = int(arr[0, 1]), int(arr[1, 0])
    label = {
        "asymptotic": "McNemar's test (asymptotic)",
        "corrected": "McNemar's test with continuity correction",
        "exact": "McNemar's exact conditional test",
        "midp": "McNemar's mid-p test",
    }[method]
    ratio = math.inf if c == 0 and b > 0 else (b / c if c else math.nan)
    estimate = {"b": b, "c": c, "discordant": b + c, "odds_ratio": ratio}
    if b + c == 0:
        statistic = 0.0 if method in ("asymptotic", "corrected") else None
        return _no_change(label, statistic, 1 if statistic is not None else None, **estimate)
    statistic, df, pvalue = _mcnemar_statistic(b, c, method)
    return TestResult(statistic=statistic, df=df, pvalue=min(1.0, max(0.0, pvalue)), method=label, estimate=estimate)


def bowker(table: Any) -> TestResult:
    """Bowker's test of symmetry of a paired k x k table: Σ_{i<j} (n_ij - n_ji)² / (n_ij + n_ji).

    Pairs of categories with n_ij = n_ji = 0 carry no information and are skipped, but the
    degrees of freedom stay k(k-1)/2 (as in Bowker 1948 and SAS; conservative); a warning says
    how many pairs were skipped. With no discordant pairs at all the p-value is 1 ("no change").
    """
    arr = paired_square_table(table)
    k = arr.shape[0]
    upper = np.triu_indices(k, 1)
    above, below = arr[upper].astype(float), arr.T[upper].astype(float)
    total = above + below
    df = k * (k - 1) // 2
    method = "Bowker's test of symmetry"
    if total.sum() == 0:
        return _no_change(method, 0.0, df, discordant=0)
    used = total > 0
    statistic = float(((above[used] - below[used]) ** 2 / total[used]).sum())
    skipped = int((~used).sum())
    warnings: tuple[str, ...] = ()
    if skipped:
        warnings = (
            f"{skipped} of {df} pairs of categories had no changes in either direction and were skipped; "
            f"the degrees of freedom stay {df}, which makes the test conservative.",
        )
    return TestResult(
        statistic=statistic,
        df=df,
        pvalue=float(stats.chi2.sf(statistic, df)),
        method=method,
        warnings=warnings,
        estimate={"discordant": int(total.sum()), "pairs_skipped": skipped},
    )


def _components(weights: NDArray[np.float64]) -> list[list[int]]:
    """Connected groups of categories linked by at least one change."""
    k = len(weights)
    seen: set[int] = set()
    groups = []
    for start in range(k):
        if start in seen:
            continue
        stack, group = [start], []
        seen.add(start)
        while stack:
            i = stack.pop()
            group.append(i)
            for j in np.flatnonzero(weights[i] > 0):
                if int(j) not in seen:
                    seen.add(int(j))
                    stack.append(int(j))
        groups.append(sorted(group))
    return groups


def _stuart_maxwell_parts(arr: NDArray[np.int64]) -> tuple[float, int, list[str]]:
    """Statistic and df summed over the groups of categories connected by changes."""
    off = arr.astype(float) - np.diag(np.diag(arr))
    weights = off + off.T
    diff = arr.sum(axis=1) - arr.sum(axis=0)
    statistic, df, notes = 0.0, 0, []
    groups = _components(weights)
    unused = [g[0] + 1 for g in groups if len(g) == 1]
    if unused:
        one = len(unused) == 1
        notes.append(
            f"{'category' if one else 'categories'} {', '.join(map(str, unused))} had no changes in or out "
            f"and {'was' if one else 'were'} left out ({'it' if one else 'they'} cannot affect the margins)"
        )
    linked = [g for g in groups if len(g) > 1]
    if len(linked) > 1:
        notes.append(f"the changes form {len(linked)} separate groups of categories; each is tested and the sum used")
    for group in linked:
        keep = group[:-1]  # drop one category: the differences sum to zero within the group
        cov = np.diag(weights[np.ix_(group, group)].sum(axis=1)) - weights[np.ix_(group, group)]
        sub = cov[: len(keep), : len(keep)]
        d = diff[keep].astype(float)
        statistic += float(d @ np.linalg.solve(sub, d))
        df += len(keep)
    return statistic, df, notes


def stuart_maxwell(table: Any) -> TestResult:
    """Stuart–Maxwell test of marginal homogeneity for a paired k x k table, df = k - 1.

    The covariance of the margin differences is singular when a category has no changes in or
    out (e.g. a category never used): such categories are dropped, with a warning, and df is
    reduced accordingly. With no discordant pairs at all the p-value is 1 ("no change").
    """
    arr = paired_square_table(table)
    method = "Stuart-Maxwell test of marginal homogeneity"
    off_diagonal = int(arr.sum() - np.trace(arr))
    if off_diagonal == 0:
        return _no_change(method, 0.0, arr.shape[0] - 1, discordant=0)
    statistic, df, notes = _stuart_maxwell_parts(arr)
    statistic = max(statistic, 0.0)
    warnings = tuple(f"{note[0].upper()}{note[1:]}; the degrees of freedom are {df}." for note in notes)
    return TestResult(
        statistic=statistic,
        df=df,
        pvalue=float(stats.chi2.sf(statistic, df)),
        method=method,
        warnings=warnings,
        estimate={"discordant": off_diagonal, "margin_differences": tuple(int(v) for v in arr.sum(1) - arr.sum(0))},
    )
