"""Cochran–Mantel–Haenszel test for K strata of 2 x 2 tables, with the common odds ratio.

Follows R's ``mantelhaen.test`` for the 2 x 2 x K case (R source
``src/library/stats/R/mantelhaen.test.R``; Agresti, *Categorical Data Analysis*, 2002, §6.3):

- statistic (|Σ_k (a_k - E a_k)| - 0.5)² / Σ_k Var a_k, the 0.5 applied only when the
  difference is at least 0.5 and ``correction`` is on, df = 1;
- Mantel–Haenszel (1959) common odds ratio Σ a_k d_k / n_k / Σ b_k c_k / n_k;
- its confidence interval from the variance of the log estimator by Robins, Breslow &
  Greenland (1986, Biometrics 42, 311-323).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from pendamping.stats.result import NotTestable, TestResult
from pendamping.stats.tables import as_count_table

__all__ = ["cmh"]


def _strata(tables: Any) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """Validated K x 2 x 2 array; strata with fewer than two observations are set aside."""
    try:
        raw = [as_count_table(t, what="stratum table") for t in tables]
    except TypeError as exc:
        raise ValueError("tables must be a list of 2 x 2 tables, one per stratum") from exc
    if not raw:
        raise NotTestable("no data: no strata were given; not testable")
    if any(t.shape != (2, 2) for t in raw):
        raise ValueError("every stratum must be a 2 x 2 table")
    arr = np.asarray(raw, dtype=float)
    sizes = arr.sum(axis=(1, 2))
    small = np.flatnonzero(sizes < 2)
    warnings: tuple[str, ...] = ()
    if len(small):
        warnings = (
            f"{len(small)} stratum/strata with fewer than two observations were left out "
            f"(stratum {', '.join(str(i + 1) for i in small)}).",
        )
    arr = arr[sizes >= 2]
    if len(arr) == 0:
        raise NotTestable("no data: every stratum has fewer than two observations; not testable")
    return arr, warnings


def _rbg_interval(arr: NDArray[np.float64], estimate: float, conf_level: float) -> tuple[float, float]:
    a, b, c, d = arr[:, 0, 0], arr[:, 0, 1], arr[:, 1, 0], arr[:, 1, 1]
    n = arr.sum(axis=(1, 2))
    s_diag, s_off = float((a * d / n).sum()), float((b * c / n).sum())
    if s_diag == 0.0 or s_off == 0.0:
        return (0.0, math.inf) if s_diag == 0.0 else (math.nan, math.inf)
    variance = (
        ((a + d) * a * d / n**2).sum() / (2 * s_diag**2)
        + (((a + d) * b * c + (b + c) * a * d) / n**2).sum() / (2 * s_diag * s_off)
        + ((b + c) * b * c / n**2).sum() / (2 * s_off**2)
    )
    z = float(stats.norm.ppf(1.0 - (1.0 - conf_level) / 2.0))
    spread = z * math.sqrt(float(variance))
    return estimate * math.exp(-spread), estimate * math.exp(spread)


def cmh(tables: Any, *, correction: bool = True, conf_level: float = 0.95) -> TestResult:
    """Cochran–Mantel–Haenszel test that the common odds ratio of K 2 x 2 strata is 1.

    ``tables[k]`` is the 2 x 2 table of stratum k (rows: groups, columns: outcome). The
    estimate holds the Mantel–Haenszel common odds ratio and its Robins–Breslow–Greenland
    ``ci``. Valid only if the odds ratios are homogeneous across strata.
    """
    arr, warnings = _strata(tables)
    n = arr.sum(axis=(1, 2))
    row1, row2 = arr[:, 0, :].sum(axis=1), arr[:, 1, :].sum(axis=1)
    col1, col2 = arr[:, :, 0].sum(axis=1), arr[:, :, 1].sum(axis=1)
    variance = float((row1 * row2 * col1 * col2 / (n**2 * (n - 1))).sum())
    if variance == 0.0:
        raise NotTestable("no variation: in every stratum a group or an outcome is empty; not testable")
    delta = abs(float((arr[:, 0, 0] - row1 * col1 / n).sum()))
    yates = 0.5 if correction and delta >= 0.5 else 0.0
    statistic = (delta - yates) ** 2 / variance
    s_diag = float((arr[:, 0, 0] * arr[:, 1, 1] / n).sum())
    s_off = float((arr[:, 0, 1] * arr[:, 1, 0] / n).sum())
    estimate = s_diag / s_off if s_off > 0 else (math.inf if s_diag > 0 else math.nan)
    ci = _rbg_interval(arr, estimate, conf_level) if math.isfinite(estimate) else (math.nan, math.inf)
    return TestResult(
        statistic=statistic,
        df=1,
        pvalue=float(stats.chi2.sf(statistic, 1)),
        method="Mantel-Haenszel chi-squared test " + ("with" if yates else "without") + " continuity correction",
        warnings=warnings,
        estimate={"odds_ratio": estimate, "ci": ci, "conf_level": conf_level, "strata": len(arr)},
    )
