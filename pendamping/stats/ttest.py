"""Paired t-test on score differences, as R's ``t.test(before, after, paired = TRUE)``.

d = before - after; t = mean(d) / (sd(d) / sqrt(n)), df = n - 1, two-sided p-value and the
t-based confidence interval for the mean difference (Student 1908; R source
``src/library/stats/R/t.test.R``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from pendamping.stats.result import NotTestable, TestResult
from pendamping.stats.tables import paired_differences

__all__ = ["paired_t"]


def paired_t(before: Sequence[float | None], after: Sequence[float | None], *, conf_level: float = 0.95) -> TestResult:
    """Paired t-test of the mean of before - after; incomplete pairs are dropped with a warning."""
    if not 0.0 < conf_level < 1.0:
        raise ValueError(f"conf_level must be between 0 and 1, got {conf_level!r}")
    diff, warnings = paired_differences(before, after)
    n = len(diff)
    if n < 2:
        raise NotTestable("not enough data: a paired t-test needs at least two complete pairs")
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1))
    if sd <= 10 * np.finfo(float).eps * max(abs(mean), 1.0):
        raise NotTestable("no variation: every pair changed by the same amount; not testable")
    se = sd / math.sqrt(n)
    statistic = mean / se
    df = n - 1
    half = float(stats.t.ppf(1.0 - (1.0 - conf_level) / 2.0, df)) * se
    return TestResult(
        statistic=statistic,
        df=df,
        pvalue=float(min(1.0, 2.0 * stats.t.sf(abs(statistic), df))),
        method="Paired t-test",
        warnings=warnings,
        estimate={"mean_difference": mean, "ci": (mean - half, mean + half), "conf_level": conf_level, "n": n},
    )
