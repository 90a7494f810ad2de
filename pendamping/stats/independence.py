"""Tests of independence for an r x c table: Pearson's chi-square, the G test, Cramér's V.

- Pearson's X² follows R's ``chisq.test`` (Agresti, *Categorical Data Analysis*, 2002, §3.2);
  Yates' continuity correction, when asked for, is applied to 2 x 2 tables only and never
  exceeds |O - E|, exactly as in R.
- The G (likelihood-ratio) statistic is 2 Σ O ln(O/E) (Agresti 2002, §3.2.1), never corrected.
- Cramér's V is computed from the *uncorrected* Pearson X²; the optional bias correction is
  Bergsma (2013), "A bias-correction for Cramér's V and Tschuprow's T", J. Korean Stat. Soc.
  42, 323-328.
- The small-expected-count warning mirrors SPSS's footnote (cells with E < 5 and the minimum E).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from pendamping.stats.result import NotTestable, TestResult
from pendamping.stats.tables import independence_table

__all__ = ["chi2_critical", "chi2_independence", "cramers_v", "expected_counts", "g_test"]


def expected_counts(table: NDArray[np.int64]) -> NDArray[np.float64]:
    """Expected counts under independence: row total x column total / n."""
    rows = table.sum(axis=1, dtype=float)
    cols = table.sum(axis=0, dtype=float)
    return np.outer(rows, cols) / float(table.sum())


def small_expected_warning(expected: NDArray[np.float64]) -> tuple[str, ...]:
    """The SPSS-style footnote when some expected counts are below 5, else nothing."""
    small = int((expected < 5).sum())
    if small == 0:
        return ()
    share = 100.0 * small / expected.size
    return (
        f"{small} of {expected.size} cells ({share:.1f}%) have an expected count below 5; "
        f"the minimum expected count is {expected.min():.2f}. The chi-square approximation may be "
        "inaccurate: prefer Fisher's exact test.",
    )


def _pearson(table: NDArray[np.int64], expected: NDArray[np.float64], yates: bool) -> float:
    diff = np.abs(table - expected)
    if yates:
        diff = diff - np.minimum(0.5, diff)
    return float((diff**2 / expected).sum())


def chi2_independence(table: Any, *, yates: bool = False) -> TestResult:
    """Pearson's chi-square test of independence, df = (r - 1)(c - 1), as R's ``chisq.test``.

    ``yates=True`` applies Yates' continuity correction to a 2 x 2 table (R's default); for
    larger tables it is ignored, as in R. Warns when expected counts are below 5.
    """
    arr = independence_table(table)
    expected = expected_counts(arr)
    corrected = yates and arr.shape == (2, 2)
    statistic = _pearson(arr, expected, corrected)
    df = (arr.shape[0] - 1) * (arr.shape[1] - 1)
    method = "Pearson's chi-squared test" + (" with Yates' continuity correction" if corrected else "")
    return TestResult(
        statistic=statistic,
        df=df,
        pvalue=float(stats.chi2.sf(statistic, df)),
        method=method,
        warnings=small_expected_warning(expected),
        estimate={
            "n": int(arr.sum()),
            "expected": tuple(tuple(float(v) for v in row) for row in expected),
            "min_expected": float(expected.min()),
            "cells_expected_below_5": int((expected < 5).sum()),
            "cramers_v": _cramers_v(arr, expected, bias_corrected=False),
        },
    )


def g_test(table: Any) -> TestResult:
    """Likelihood-ratio (G) test of independence: G = 2 Σ O ln(O / E), df = (r - 1)(c - 1).

    Never continuity-corrected. Cells with O = 0 contribute 0.
    """
    arr = independence_table(table)
    expected = expected_counts(arr)
    observed = arr.astype(float)
    positive = observed > 0
    statistic = 2.0 * float((observed[positive] * np.log(observed[positive] / expected[positive])).sum())
    statistic = max(statistic, 0.0)
    df = (arr.shape[0] - 1) * (arr.shape[1] - 1)
    return TestResult(
        statistic=statistic,
        df=df,
        pvalue=float(stats.chi2.sf(statistic, df)),
        method="Log-likelihood ratio (G) test of independence",
        warnings=small_expected_warning(expected),
        estimate={"n": int(arr.sum()), "min_expected": float(expected.min())},
    )


def _cramers_v(arr: NDArray[np.int64], expected: NDArray[np.float64], *, bias_corrected: bool) -> float:
    n = float(arr.sum())
    rows, cols = arr.shape
    phi2 = _pearson(arr, expected, False) / n
    if not bias_corrected:
        value = math.sqrt(phi2 / min(rows - 1, cols - 1))
    else:
        phi2_tilde = max(0.0, phi2 - (rows - 1) * (cols - 1) / (n - 1))
        if phi2_tilde == 0.0:
            return 0.0
        rows_tilde = rows - (rows - 1) ** 2 / (n - 1)
        cols_tilde = cols - (cols - 1) ** 2 / (n - 1)
        denominator = min(rows_tilde - 1, cols_tilde - 1)
        if denominator <= 0:
            raise NotTestable("too few observations for the bias-corrected Cramér's V")
        value = math.sqrt(phi2_tilde / denominator)
    return 1.0 if abs(value - 1.0) < 1e-12 else min(value, 1.0)


def cramers_v(table: Any, *, bias_corrected: bool = False) -> float:
    """Cramér's V = sqrt(X² / (n (min(r, c) - 1))) from the uncorrected Pearson X².

    With ``bias_corrected=True`` uses Bergsma's (2013) correction:
    φ̃² = max(0, φ² - (r-1)(c-1)/(n-1)), r̃ = r - (r-1)²/(n-1), c̃ = c - (c-1)²/(n-1),
    V = sqrt(φ̃² / min(r̃ - 1, c̃ - 1)). V is 1 when one variable determines the other.
    """
    arr = independence_table(table)
    return _cramers_v(arr, expected_counts(arr), bias_corrected=bias_corrected)


def chi2_critical(df: int, alpha: float = 0.05) -> float:
    """The critical value of the chi-square distribution ("χ² tabel"): P(X² ≥ value) = alpha."""
    if int(df) != df or df < 1:
        raise ValueError(f"degrees of freedom must be a positive whole number, got {df!r}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    return float(stats.chi2.isf(alpha, int(df)))
